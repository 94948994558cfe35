//! placeholder
pub fn resource_type_document() {}
pub fn resource_types_document() {}
pub fn schema_document() {}
pub fn schemas_document() {}
pub struct ServiceProviderConfig;
