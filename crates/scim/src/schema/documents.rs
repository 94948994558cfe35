//! The discovery documents rendered from the schema tables: `/Schemas` (RFC 7643 §7),
//! `/ResourceTypes` (§6) and `/ServiceProviderConfig` (§5). The server passes its SCIM base
//! URL (e.g. `https://roster.example/scim/directory/42`) for `meta.location`.

use super::{
    schema_by_urn, Attribute, ResourceKind, Schema, ALL_SCHEMAS, RESOURCE_TYPE_SCHEMA,
    SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA,
};
use crate::messages::ListResponse;
use serde_json::{json, Map, Value};

fn base(url: &str) -> &str {
    url.trim_end_matches('/')
}

fn attribute_json(a: &Attribute) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(a.name));
    m.insert("type".into(), json!(a.kind.as_str()));
    m.insert("multiValued".into(), json!(a.multi_valued));
    // RFC 7643 has no characteristic for a length limit: the description says it.
    let description = match a.kind.max_chars() {
        Some(max) => format!("{} At most {max} characters.", a.description),
        None => a.description.to_owned(),
    };
    m.insert("description".into(), json!(description));
    m.insert("required".into(), json!(a.required));
    m.insert("caseExact".into(), json!(a.case_exact));
    m.insert("mutability".into(), json!(a.mutability.as_str()));
    m.insert("returned".into(), json!(a.returned.as_str()));
    m.insert("uniqueness".into(), json!(a.uniqueness.as_str()));
    if !a.canonical_values.is_empty() {
        m.insert("canonicalValues".into(), json!(a.canonical_values));
    }
    if !a.reference_types.is_empty() {
        m.insert("referenceTypes".into(), json!(a.reference_types));
    }
    if !a.sub_attributes.is_empty() {
        let subs: Vec<Value> = a.sub_attributes.iter().map(attribute_json).collect();
        m.insert("subAttributes".into(), Value::Array(subs));
    }
    Value::Object(m)
}

fn schema_json(s: &Schema, base_url: &str) -> Value {
    let attrs: Vec<Value> = s.attributes.iter().map(attribute_json).collect();
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": s.id,
        "name": s.name,
        "description": s.description,
        "attributes": attrs,
        "meta": {"resourceType": "Schema", "location": format!("{}/Schemas/{}", base(base_url), s.id)}
    })
}

/// `GET /Schemas/{urn}`: one schema, or `None` for an unknown URN (answer 404).
pub fn schema_document(urn: &str, base_url: &str) -> Option<Value> {
    schema_by_urn(urn).map(|s| schema_json(s, base_url))
}

/// `GET /Schemas`: every schema as a ListResponse.
pub fn schemas_document(base_url: &str) -> Value {
    let all: Vec<Value> = ALL_SCHEMAS
        .iter()
        .map(|s| schema_json(s, base_url))
        .collect();
    let n = all.len() as u64;
    ListResponse::new(all, n, 1).to_json()
}

/// `GET /ResourceTypes/{name}`: one resource type.
pub fn resource_type_document(kind: ResourceKind, base_url: &str) -> Value {
    let ext: Vec<Value> = kind
        .extensions()
        .iter()
        .map(|s| json!({"schema": s.id, "required": false}))
        .collect();
    json!({
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": kind.name(),
        "name": kind.name(),
        "endpoint": kind.endpoint(),
        "description": kind.schema().description,
        "schema": kind.schema().id,
        "schemaExtensions": ext,
        "meta": {"resourceType": "ResourceType", "location": format!("{}/ResourceTypes/{}", base(base_url), kind.name())}
    })
}

/// `GET /ResourceTypes`: User and Group as a ListResponse.
pub fn resource_types_document(base_url: &str) -> Value {
    let all: Vec<Value> = [ResourceKind::User, ResourceKind::Group]
        .into_iter()
        .map(|k| resource_type_document(k, base_url))
        .collect();
    ListResponse::new(all, 2, 1).to_json()
}

/// The `/ServiceProviderConfig` settings. `Default` is what Roster supports out of the box:
/// PATCH and filtering on (IdPs need both), bulk, sort and ETags off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceProviderConfig {
    /// PATCH supported.
    pub patch: bool,
    /// Bulk supported.
    pub bulk: bool,
    /// Most operations per bulk request.
    pub bulk_max_operations: u32,
    /// Largest bulk payload, in bytes.
    pub bulk_max_payload_size: u64,
    /// Filtering supported.
    pub filter: bool,
    /// Most resources one list answer returns.
    pub filter_max_results: u32,
    /// Sorting supported.
    pub sort: bool,
    /// ETags supported.
    pub etag: bool,
    /// Password change supported (Roster never stores passwords).
    pub change_password: bool,
    /// Link to the human documentation.
    pub documentation_uri: Option<String>,
}

impl Default for ServiceProviderConfig {
    fn default() -> Self {
        ServiceProviderConfig {
            patch: true,
            bulk: false,
            bulk_max_operations: 0,
            bulk_max_payload_size: 0,
            filter: true,
            filter_max_results: 100,
            sort: false,
            etag: false,
            change_password: false,
            documentation_uri: None,
        }
    }
}

impl ServiceProviderConfig {
    /// The RFC 7643 §5 document, with the bearer-token authentication scheme.
    pub fn to_json(&self, base_url: &str) -> Value {
        let mut doc = json!({
            "schemas": [SERVICE_PROVIDER_CONFIG_SCHEMA],
            "patch": {"supported": self.patch},
            "bulk": {
                "supported": self.bulk,
                "maxOperations": self.bulk_max_operations,
                "maxPayloadSize": self.bulk_max_payload_size
            },
            "filter": {"supported": self.filter, "maxResults": self.filter_max_results},
            "changePassword": {"supported": self.change_password},
            "sort": {"supported": self.sort},
            "etag": {"supported": self.etag},
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "Authentication scheme using the OAuth Bearer Token Standard",
                "specUri": "https://www.rfc-editor.org/info/rfc6750",
                "primary": true
            }],
            "meta": {
                "resourceType": "ServiceProviderConfig",
                "location": format!("{}/ServiceProviderConfig", base(base_url))
            }
        });
        if let (Some(uri), Some(m)) = (&self.documentation_uri, doc.as_object_mut()) {
            m.insert("documentationUri".into(), json!(uri));
        }
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};

    const BASE: &str = "https://r.example/scim/directory/7/";

    #[test]
    fn schemas() {
        let doc = schemas_document(BASE);
        assert_eq!(doc["totalResults"], 3);
        let user = &doc["Resources"][0];
        assert_eq!(user["id"], USER_SCHEMA);
        assert_eq!(
            user["meta"]["location"],
            format!("https://r.example/scim/directory/7/Schemas/{USER_SCHEMA}")
        );
        let attrs = user["attributes"].as_array().unwrap();
        let names: Vec<&str> = attrs.iter().map(|a| a["name"].as_str().unwrap()).collect();
        for n in [
            "userName",
            "name",
            "emails",
            "phoneNumbers",
            "ims",
            "photos",
            "addresses",
            "groups",
            "entitlements",
            "roles",
            "x509Certificates",
            "password",
            "active",
        ] {
            assert!(names.contains(&n), "{n}");
        }
        let user_name = &attrs[0];
        assert_eq!(
            user_name,
            &json!({"name": "userName", "type": "string", "multiValued": false,
                    "description": "Unique identifier for the user, used to sign in. At most 2048 characters.",
                    "required": true, "caseExact": false, "mutability": "readWrite",
                    "returned": "default", "uniqueness": "server"})
        );
        let emails = attrs.iter().find(|a| a["name"] == "emails").unwrap();
        assert_eq!(emails["multiValued"], true);
        assert_eq!(
            emails["subAttributes"][2]["canonicalValues"],
            json!(["work", "home", "other"])
        );
        let groups = attrs.iter().find(|a| a["name"] == "groups").unwrap();
        assert_eq!(groups["mutability"], "readOnly");
        let password = attrs.iter().find(|a| a["name"] == "password").unwrap();
        assert_eq!(
            (
                password["mutability"].as_str(),
                password["returned"].as_str()
            ),
            (Some("writeOnly"), Some("never"))
        );
        let ent = schema_document(&ENTERPRISE_USER_SCHEMA.to_uppercase(), BASE).unwrap();
        let manager = ent["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "manager")
            .unwrap();
        assert_eq!(
            manager["subAttributes"][1]["referenceTypes"],
            json!(["User"])
        );
        assert!(schema_document("urn:nope", BASE).is_none());
        let group = schema_document(GROUP_SCHEMA, BASE).unwrap();
        assert_eq!(group["attributes"][1]["name"], "members");
    }

    #[test]
    fn resource_types() {
        let doc = resource_types_document(BASE);
        assert_eq!(doc["totalResults"], 2);
        assert_eq!(
            doc["Resources"][0],
            json!({
                "schemas": [RESOURCE_TYPE_SCHEMA], "id": "User", "name": "User", "endpoint": "/Users",
                "description": "User Account", "schema": USER_SCHEMA,
                "schemaExtensions": [{"schema": ENTERPRISE_USER_SCHEMA, "required": false}],
                "meta": {"resourceType": "ResourceType", "location": "https://r.example/scim/directory/7/ResourceTypes/User"}
            })
        );
        assert_eq!(doc["Resources"][1]["endpoint"], "/Groups");
    }

    #[test]
    fn service_provider_config() {
        let spc = ServiceProviderConfig {
            bulk: true,
            bulk_max_operations: 100,
            bulk_max_payload_size: 1_048_576,
            filter_max_results: 200,
            etag: true,
            ..Default::default()
        };
        let doc = spc.to_json("https://r.example/scim");
        assert_eq!(doc["patch"]["supported"], true);
        assert_eq!(
            doc["bulk"],
            json!({"supported": true, "maxOperations": 100, "maxPayloadSize": 1_048_576})
        );
        assert_eq!(doc["filter"], json!({"supported": true, "maxResults": 200}));
        assert_eq!(doc["etag"]["supported"], true);
        assert_eq!(doc["sort"]["supported"], false);
        assert_eq!(doc["authenticationSchemes"][0]["type"], "oauthbearertoken");
        assert_eq!(
            doc["meta"]["location"],
            "https://r.example/scim/ServiceProviderConfig"
        );
    }
}
