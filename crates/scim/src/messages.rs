//! SCIM message types (RFC 7644 §3.4.2, §3.5.2, §3.7) and their URNs: `ListResponse`, the
//! PATCH request (parsed leniently: `op` and key names case-insensitive), and the Bulk request
//! and response shapes with the `bulkId:` reference helpers. The server executes Bulk; this
//! module only parses and renders.

use crate::error::{ScimError, ScimResult};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

pub use crate::error::ERROR_SCHEMA;
/// URN of list responses.
pub const LIST_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// URN of PATCH requests.
pub const PATCH_OP_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// URN of bulk requests.
pub const BULK_REQUEST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
/// URN of bulk responses.
pub const BULK_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
/// URN of `POST /.search` requests.
pub const SEARCH_REQUEST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/// A list response (RFC 7644 §3.4.2). The counts are JSON integers, as IdPs require.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse {
    /// Always `[LIST_RESPONSE_SCHEMA]`.
    pub schemas: Vec<String>,
    /// Matches in total, across all pages.
    pub total_results: u64,
    /// 1-based index of the first resource in this page.
    pub start_index: u64,
    /// Resources in this page.
    pub items_per_page: u64,
    /// The resources (already projected).
    #[serde(rename = "Resources")]
    pub resources: Vec<Value>,
}

impl ListResponse {
    /// A page of `resources` out of `total_results`, starting at `start_index` (1-based).
    pub fn new(resources: Vec<Value>, total_results: u64, start_index: u64) -> Self {
        ListResponse {
            schemas: vec![LIST_RESPONSE_SCHEMA.to_string()],
            total_results,
            start_index,
            items_per_page: resources.len() as u64,
            resources,
        }
    }

    /// The JSON body.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A PATCH operation kind. Parsed case-insensitively (Entra sends `Add`, `Replace`, `Remove`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatchOpKind {
    /// `add`.
    Add,
    /// `remove`.
    Remove,
    /// `replace`.
    Replace,
}

impl PatchOpKind {
    /// Parses an op name, case-insensitively.
    pub fn from_name(s: &str) -> Option<PatchOpKind> {
        [PatchOpKind::Add, PatchOpKind::Remove, PatchOpKind::Replace]
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
    /// The wire form, lower case.
    pub fn as_str(self) -> &'static str {
        match self {
            PatchOpKind::Add => "add",
            PatchOpKind::Remove => "remove",
            PatchOpKind::Replace => "replace",
        }
    }
}

/// One PATCH operation.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchOperation {
    /// The kind.
    pub op: PatchOpKind,
    /// The target path, unparsed (parsing needs the resource type); `None` when absent/empty.
    pub path: Option<String>,
    /// The value; `None` when absent. An explicit `null` is kept: it means "no value" (a
    /// `replace` with `null` clears the attribute).
    pub value: Option<Value>,
}

/// A PATCH request body.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PatchRequest {
    /// The operations, applied in order.
    pub operations: Vec<PatchOperation>,
}

/// Looks a key up case-insensitively (some clients send `operations`, `OP`, `Path`...).
fn get_ci<'v>(obj: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

impl PatchRequest {
    /// Parses a PATCH body. Shape errors are `invalidSyntax`; an unknown `op` is
    /// `invalidSyntax` too (RFC 7644 names no better code).
    pub fn from_json(body: &Value) -> ScimResult<PatchRequest> {
        let Value::Object(obj) = body else {
            return Err(ScimError::invalid_syntax(
                "the PATCH body must be a JSON object",
            ));
        };
        let ops = match get_ci(obj, "Operations") {
            Some(Value::Array(ops)) => ops,
            _ => {
                return Err(ScimError::invalid_syntax(
                    "the PATCH body needs an 'Operations' list",
                ))
            }
        };
        let mut operations = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            let Value::Object(op) = op else {
                return Err(ScimError::invalid_syntax(format!(
                    "operation {i} must be an object"
                )));
            };
            let kind = get_ci(op, "op")
                .and_then(Value::as_str)
                .and_then(PatchOpKind::from_name)
                .ok_or_else(|| {
                    ScimError::invalid_syntax(format!(
                        "operation {i} needs an 'op' of add, remove or replace"
                    ))
                })?;
            let path = match get_ci(op, "path") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if s.trim().is_empty() => None,
                Some(Value::String(s)) => Some(s.trim().to_string()),
                Some(_) => {
                    return Err(ScimError::invalid_path(format!(
                        "operation {i}: 'path' must be a string"
                    )))
                }
            };
            let value = get_ci(op, "value").cloned();
            operations.push(PatchOperation {
                op: kind,
                path,
                value,
            });
        }
        Ok(PatchRequest { operations })
    }

    /// The JSON body (for clients and tests).
    pub fn to_json(&self) -> Value {
        let ops: Vec<Value> = self
            .operations
            .iter()
            .map(|o| {
                let mut m = Map::new();
                m.insert("op".into(), Value::String(o.op.as_str().into()));
                if let Some(p) = &o.path {
                    m.insert("path".into(), Value::String(p.clone()));
                }
                if let Some(v) = &o.value {
                    m.insert("value".into(), v.clone());
                }
                Value::Object(m)
            })
            .collect();
        json!({"schemas": [PATCH_OP_SCHEMA], "Operations": ops})
    }
}

/// One operation of a bulk request (RFC 7644 §3.7).
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOperation {
    /// HTTP method, upper case: `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: String,
    /// The client's transient id for a created resource (required for `POST`).
    pub bulk_id: Option<String>,
    /// The ETag version to match, if any.
    pub version: Option<String>,
    /// The resource path relative to the base URL (`/Users`, `/Groups/{id}`).
    pub path: String,
    /// The request body.
    pub data: Option<Value>,
}

/// A bulk request.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRequest {
    /// Stop after this many errors.
    pub fail_on_errors: Option<u64>,
    /// The operations, in order.
    pub operations: Vec<BulkOperation>,
}

impl BulkRequest {
    /// Parses a bulk body. More than `max_operations` operations is `413`-worthy: reported as
    /// `tooMany` here with status 413 so the server can answer it directly.
    pub fn from_json(body: &Value, max_operations: usize) -> ScimResult<BulkRequest> {
        let Value::Object(obj) = body else {
            return Err(ScimError::invalid_syntax(
                "the bulk body must be a JSON object",
            ));
        };
        let Some(Value::Array(ops)) = get_ci(obj, "Operations") else {
            return Err(ScimError::invalid_syntax(
                "the bulk body needs an 'Operations' list",
            ));
        };
        if ops.len() > max_operations {
            let mut e = ScimError::too_many(format!(
                "at most {max_operations} operations per bulk request"
            ));
            e.status = 413;
            return Err(e);
        }
        let fail_on_errors = get_ci(obj, "failOnErrors").and_then(Value::as_u64);
        let mut operations = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            let Value::Object(op) = op else {
                return Err(ScimError::invalid_syntax(format!(
                    "operation {i} must be an object"
                )));
            };
            let text = |k: &str| get_ci(op, k).and_then(Value::as_str).map(str::to_string);
            let method = text("method")
                .map(|m| m.to_ascii_uppercase())
                .filter(|m| matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "DELETE"))
                .ok_or_else(|| {
                    ScimError::invalid_syntax(format!(
                        "operation {i} needs a method of POST, PUT, PATCH or DELETE"
                    ))
                })?;
            let path = text("path").ok_or_else(|| {
                ScimError::invalid_syntax(format!("operation {i} needs a 'path'"))
            })?;
            let bulk_id = text("bulkId");
            if method == "POST" && bulk_id.is_none() {
                return Err(ScimError::invalid_syntax(format!(
                    "operation {i}: POST needs a 'bulkId'"
                )));
            }
            operations.push(BulkOperation {
                method,
                bulk_id,
                version: text("version"),
                path,
                data: get_ci(op, "data").filter(|v| !v.is_null()).cloned(),
            });
        }
        Ok(BulkRequest {
            fail_on_errors,
            operations,
        })
    }
}

/// The result of one bulk operation.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOperationResponse {
    /// The method of the request operation.
    pub method: String,
    /// The request's `bulkId`, echoed.
    pub bulk_id: Option<String>,
    /// The resource's new version.
    pub version: Option<String>,
    /// The resource URI, for successful operations.
    pub location: Option<String>,
    /// HTTP status of the operation (rendered as a string).
    pub status: u16,
    /// The error body for a failed operation (or a body, if the server includes one).
    pub response: Option<Value>,
}

/// A bulk response.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BulkResponse {
    /// Results, in request order.
    pub operations: Vec<BulkOperationResponse>,
}

impl BulkResponse {
    /// The JSON body (`status` as a string, as in RFC 7644's examples).
    pub fn to_json(&self) -> Value {
        let ops: Vec<Value> = self
            .operations
            .iter()
            .map(|o| {
                let mut m = Map::new();
                m.insert("method".into(), Value::String(o.method.clone()));
                let mut opt = |k: &str, v: &Option<String>| {
                    if let Some(v) = v {
                        m.insert(k.into(), Value::String(v.clone()));
                    }
                };
                opt("bulkId", &o.bulk_id);
                opt("version", &o.version);
                opt("location", &o.location);
                m.insert("status".into(), Value::String(o.status.to_string()));
                if let Some(r) = &o.response {
                    m.insert("response".into(), r.clone());
                }
                Value::Object(m)
            })
            .collect();
        json!({"schemas": [BULK_RESPONSE_SCHEMA], "Operations": ops})
    }
}

const BULK_PREFIX: &str = "bulkId:";

/// The `bulkId:` references inside a value (to order operations or detect cycles).
pub fn bulk_id_references(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    visit_strings(value, &mut |s| {
        if let Some(id) = s.strip_prefix(BULK_PREFIX) {
            out.push(id.to_string());
        }
    });
    out
}

fn visit_strings(value: &Value, f: &mut impl FnMut(&str)) {
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|v| visit_strings(v, f)),
        Value::Object(obj) => obj.values().for_each(|v| visit_strings(v, f)),
        _ => {}
    }
}

/// Replaces every string `bulkId:<id>` with the id `resolve` returns. An unresolvable
/// reference is `invalidValue` (RFC 7644 §3.7.2: the operation fails), leaving `value`
/// partially substituted, so pass a copy when that matters.
pub fn substitute_bulk_ids(
    value: &mut Value,
    resolve: &impl Fn(&str) -> Option<String>,
) -> ScimResult<()> {
    match value {
        Value::String(s) => {
            if let Some(id) = s.strip_prefix(BULK_PREFIX) {
                let new = resolve(id).ok_or_else(|| {
                    ScimError::invalid_value(format!("unresolved reference 'bulkId:{id}'"))
                })?;
                *s = new;
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter_mut()
            .try_for_each(|v| substitute_bulk_ids(v, resolve)),
        Value::Object(obj) => obj
            .values_mut()
            .try_for_each(|v| substitute_bulk_ids(v, resolve)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_request_is_lenient_about_case() {
        let r = PatchRequest::from_json(&json!({
            "schemas": [PATCH_OP_SCHEMA],
            "Operations": [
                {"op": "Replace", "path": "active", "value": "False"},
                {"OP": "ADD", "Path": "", "Value": {"a": 1}},
                {"op": "remove", "path": "members[value eq \"1\"]", "value": null}
            ]
        }))
        .unwrap();
        assert_eq!(r.operations.len(), 3);
        assert_eq!(r.operations[0].op, PatchOpKind::Replace);
        assert_eq!(r.operations[1].op, PatchOpKind::Add);
        assert_eq!(r.operations[1].path, None);
        assert_eq!(r.operations[2].value, Some(Value::Null));
        assert_eq!(PatchRequest::from_json(&r.to_json()).unwrap(), r);
        for bad in [
            json!([]),
            json!({}),
            json!({"Operations": [{"op": "move"}]}),
            json!({"Operations": [1]}),
        ] {
            assert_eq!(
                PatchRequest::from_json(&bad).unwrap_err().scim_type,
                Some(crate::ScimType::InvalidSyntax)
            );
        }
    }

    #[test]
    fn list_response_shape() {
        let body = ListResponse::new(vec![json!({"id": "1"})], 10, 1).to_json();
        assert_eq!(
            body,
            json!({"schemas": [LIST_RESPONSE_SCHEMA], "totalResults": 10, "startIndex": 1, "itemsPerPage": 1, "Resources": [{"id": "1"}]})
        );
        assert_eq!(
            ListResponse::new(vec![], 0, 1).to_json()["Resources"],
            json!([])
        );
    }

    #[test]
    fn bulk() {
        let body = json!({
            "schemas": [BULK_REQUEST_SCHEMA],
            "failOnErrors": 1,
            "Operations": [
                {"method": "POST", "path": "/Users", "bulkId": "qwerty", "data": {"userName": "a"}},
                {"method": "post", "path": "/Groups", "bulkId": "ytrewq",
                 "data": {"displayName": "g", "members": [{"type": "User", "value": "bulkId:qwerty"}]}}
            ]
        });
        let mut r = BulkRequest::from_json(&body, 10).unwrap();
        assert_eq!(r.fail_on_errors, Some(1));
        assert_eq!(r.operations[1].method, "POST");
        let data = r.operations[1].data.as_mut().unwrap();
        assert_eq!(bulk_id_references(data), vec!["qwerty"]);
        substitute_bulk_ids(data, &|id| (id == "qwerty").then(|| "92b7".to_string())).unwrap();
        assert_eq!(data["members"][0]["value"], "92b7");
        let mut other = json!({"v": "bulkId:nope"});
        assert!(substitute_bulk_ids(&mut other, &|_| None).is_err());
        assert_eq!(BulkRequest::from_json(&body, 1).unwrap_err().status, 413);
        let resp = BulkResponse {
            operations: vec![BulkOperationResponse {
                method: "POST".into(),
                bulk_id: Some("qwerty".into()),
                version: None,
                location: Some("https://x/Users/92b7".into()),
                status: 201,
                response: None,
            }],
        };
        assert_eq!(resp.to_json()["Operations"][0]["status"], "201");
    }
}
