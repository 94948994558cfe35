//! `POST /Bulk` (RFC 7644 §3.7): operations run in order, each through the same code as its
//! single-request form, with `bulkId:` references resolved to the ids created earlier in the
//! request. `failOnErrors` stops the run after that many failures.
use std::collections::HashMap;

use axum::http::{header, HeaderMap, StatusCode};
use roster_scim::{
    messages::{substitute_bulk_ids, BulkOperationResponse, BulkRequest, BulkResponse},
    Projection, ResourceKind, ScimError,
};
use serde_json::Value;

use super::{
    error::{ScimApiError, ScimApiResult},
    middleware::{ScimDirectory, SyncNote},
    resources::{self, Change, Conditions, Outcome},
};
use crate::state::AppState;

/// Most operations in one bulk request.
pub const MAX_OPERATIONS: usize = 1000;
/// Largest bulk request body, in bytes.
pub const MAX_PAYLOAD: usize = 1024 * 1024;

/// Splits `/Users` or `/Groups/{id}` into the resource type and the id.
fn target(path: &str) -> Option<(ResourceKind, Option<&str>)> {
    let path = path.trim_start_matches('/');
    let (head, id) = match path.split_once('/') {
        Some((h, id)) => (h, Some(id).filter(|i| !i.is_empty() && !i.contains('/'))),
        None => (path, None),
    };
    let kind = if head.eq_ignore_ascii_case("Users") {
        ResourceKind::User
    } else if head.eq_ignore_ascii_case("Groups") {
        ResourceKind::Group
    } else {
        return None;
    };
    if path.contains('/') && id.is_none() {
        return None;
    }
    Some((kind, id))
}

/// The path with a `bulkId:` id segment (`/Groups/bulkId:g`) replaced by the created id.
fn resolve_path(
    path: &str,
    resolve: &impl Fn(&str) -> Option<String>,
) -> Result<String, ScimError> {
    let Some((head, last)) = path.rsplit_once('/') else {
        return Ok(path.to_owned());
    };
    let mut id = Value::String(last.to_owned());
    substitute_bulk_ids(&mut id, resolve)?;
    Ok(format!("{head}/{}", id.as_str().unwrap_or(last)))
}

async fn run_one(
    state: &AppState,
    dir: &ScimDirectory,
    method: &str,
    path: &str,
    data: Option<&Value>,
    version: Option<&str>,
) -> ScimApiResult<Outcome> {
    let (kind, id) = target(path).ok_or_else(|| {
        ScimError::invalid_path(format!("'{path}' is not a Users or Groups path"))
    })?;
    let mut conditions = Conditions::default();
    if let Some(v) = version {
        let mut headers = HeaderMap::new();
        if let Ok(value) = v.parse() {
            headers.insert(header::IF_MATCH, value);
        }
        conditions = Conditions::from_headers(&headers);
    }
    let body = || {
        data.ok_or_else(|| {
            ScimApiError::from(ScimError::invalid_syntax("this operation needs 'data'"))
        })
    };
    let projection = Projection::default_for(kind);
    match (method, id) {
        ("POST", None) => resources::create(state, dir, kind, body()?, &projection).await,
        ("PUT", Some(id)) => {
            resources::update(
                state,
                dir,
                kind,
                id,
                Change::Replace(body()?),
                None,
                &conditions,
            )
            .await
        }
        ("PATCH", Some(id)) => {
            resources::update(
                state,
                dir,
                kind,
                id,
                Change::Patch(body()?),
                None,
                &conditions,
            )
            .await
        }
        ("DELETE", Some(id)) => resources::delete(state, dir, kind, id, &conditions).await,
        _ => Err(
            ScimError::invalid_syntax(format!("{method} {path} is not a bulk operation")).into(),
        ),
    }
}

/// Runs a bulk request.
pub async fn bulk(
    state: &AppState,
    dir: &ScimDirectory,
    body: &Value,
    size: usize,
) -> ScimApiResult<Outcome> {
    if size > MAX_PAYLOAD {
        return Err(ScimError::status(
            413,
            format!("bulk requests are limited to {MAX_PAYLOAD} bytes"),
        )
        .into());
    }
    let request = BulkRequest::from_json(body, MAX_OPERATIONS)?;
    let mut created: HashMap<String, String> = HashMap::new();
    let mut errors = 0u64;
    let mut response = BulkResponse::default();
    for op in &request.operations {
        if request.fail_on_errors.is_some_and(|max| errors >= max) {
            break;
        }
        let mut data = op.data.clone();
        let resolve = |id: &str| created.get(id).cloned();
        let substituted = match data.as_mut() {
            Some(d) => substitute_bulk_ids(d, &resolve),
            None => Ok(()),
        }
        .and_then(|()| resolve_path(&op.path, &resolve));
        let result = match substituted {
            Ok(path) => {
                run_one(
                    state,
                    dir,
                    &op.method,
                    &path,
                    data.as_ref(),
                    op.version.as_deref(),
                )
                .await
            }
            Err(e) => Err(e.into()),
        };
        let entry = match result {
            Ok(outcome) => {
                let location = outcome
                    .headers
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                if let (Some(bulk_id), Some(id)) = (&op.bulk_id, &outcome.note.resource_id) {
                    if op.method == "POST" {
                        created.insert(bulk_id.clone(), id.clone());
                    }
                }
                BulkOperationResponse {
                    method: op.method.clone(),
                    bulk_id: op.bulk_id.clone(),
                    version: outcome
                        .headers
                        .get(header::ETAG)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned),
                    location,
                    status: outcome.status.as_u16(),
                    response: None,
                }
            }
            Err(err) => {
                errors += 1;
                BulkOperationResponse {
                    method: op.method.clone(),
                    bulk_id: op.bulk_id.clone(),
                    version: None,
                    location: None,
                    status: err.error.status,
                    response: Some(err.error.to_body()),
                }
            }
        };
        response.operations.push(entry);
    }
    Ok(Outcome {
        status: StatusCode::OK,
        body: Some(response.to_json().into()),
        headers: HeaderMap::new(),
        note: SyncNote {
            operation: "bulk",
            changed: vec![format!(
                "{} operations, {errors} failed",
                response.operations.len()
            )],
            ..SyncNote::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_paths_name_a_type_and_maybe_an_id() {
        assert_eq!(target("/Users"), Some((ResourceKind::User, None)));
        assert_eq!(
            target("/Groups/abc"),
            Some((ResourceKind::Group, Some("abc")))
        );
        assert_eq!(target("/Groups/abc/x"), None);
        assert_eq!(target("/Schemas"), None);
    }

    #[test]
    fn bulk_ids_resolve_in_paths() {
        let resolve = |id: &str| (id == "g").then(|| "G1".to_owned());
        assert_eq!(
            resolve_path("/Groups/bulkId:g", &resolve).unwrap(),
            "/Groups/G1"
        );
        assert_eq!(
            resolve_path("/Groups/abc", &resolve).unwrap(),
            "/Groups/abc"
        );
        assert_eq!(resolve_path("/Users", &resolve).unwrap(), "/Users");
        let err = resolve_path("/Groups/bulkId:nope", &resolve).unwrap_err();
        assert_eq!(err.status, 400);
    }
}
