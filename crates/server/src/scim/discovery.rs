//! `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas`: generated from the core's schema
//! definitions, advertising exactly what this server supports.
use roster_scim::{
    schema::{
        documents::{
            resource_type_document, resource_types_document, schema_document, schemas_document,
            ServiceProviderConfig,
        },
        ResourceKind,
    },
    ScimError,
};
use serde_json::Value;

use super::{bulk, list::MAX_RESULTS};

/// What Roster supports: PATCH, bulk, filtering, sorting and ETags.
pub fn service_provider_config(base_url: &str) -> Value {
    ServiceProviderConfig {
        patch: true,
        bulk: true,
        bulk_max_operations: bulk::MAX_OPERATIONS as u32,
        bulk_max_payload_size: bulk::MAX_PAYLOAD as u64,
        filter: true,
        filter_max_results: MAX_RESULTS as u32,
        sort: true,
        etag: true,
        change_password: false,
        documentation_uri: None,
    }
    .to_json(base_url)
}

pub fn resource_types(base_url: &str) -> Value {
    resource_types_document(base_url)
}

pub fn resource_type(base_url: &str, name: &str) -> Result<Value, ScimError> {
    [ResourceKind::User, ResourceKind::Group]
        .into_iter()
        .find(|k| k.name().eq_ignore_ascii_case(name))
        .map(|k| resource_type_document(k, base_url))
        .ok_or_else(|| ScimError::not_found(format!("no resource type '{name}'")))
}

pub fn schemas(base_url: &str) -> Value {
    schemas_document(base_url)
}

pub fn schema(base_url: &str, urn: &str) -> Result<Value, ScimError> {
    schema_document(urn, base_url).ok_or_else(|| ScimError::not_found(format!("no schema '{urn}'")))
}
