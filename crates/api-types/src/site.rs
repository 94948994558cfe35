//! Sites and the products they host, and the catalogue of product types:
//! `/api/v1/sites/...`, `/api/v1/product-types`.
use serde::{Deserialize, Serialize};

/// A site (e.g. `https://example.atlassian.net`) with the products it hosts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Site {
    pub id: String,
    pub name: String,
    pub url: String,
    pub products: Vec<SiteProduct>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// Body of `POST /api/v1/sites`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewSite {
    /// 1 to 100 characters, unique in the organization (case-insensitively).
    pub name: String,
    /// An `http(s)://` URL, unique in the organization (case-insensitively).
    pub url: String,
}

/// Body of `PATCH /api/v1/sites/{siteId}`: the fields to change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SitePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A product on a site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SiteProduct {
    /// The `productId` of the product's paths.
    pub id: String,
    pub site_id: String,
    /// The product type's key: `jira`, `jira-service-management`, `confluence`, or the key of
    /// one of the organization's own product types.
    pub key: String,
    pub name: String,
    /// Whether the type is one of the built-in catalogue's.
    pub built_in: bool,
    pub created_at: String,
}

/// A product type of the catalogue (`GET /api/v1/product-types`): the built-in ones (Jira,
/// Jira Service Management, Confluence) and the organization's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductType {
    /// What `AddProduct.key` takes.
    pub key: String,
    pub name: String,
    pub built_in: bool,
}

/// Body of `POST /api/v1/sites/{siteId}/products`: a catalogue type by `key`
/// (`jira`, `jira-service-management`, `confluence`, or a custom type's key), or a custom
/// product type by `name` (created for the organization unless one of that name exists).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AddProduct {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
