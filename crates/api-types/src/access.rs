//! Product access through groups (with default groups): grants, revokes and their impact,
//! and who has access to a product: `/api/v1/sites/{siteId}/products/{productId}/...`.
use serde::{Deserialize, Serialize};

use crate::site::SiteProduct;

/// A role on a product.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AccessRole {
    #[default]
    User,
    Admin,
}

impl AccessRole {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessRole::User => "user",
            AccessRole::Admin => "admin",
        }
    }

    /// Parses the stored form; anything else is `User`.
    pub fn parse(s: &str) -> AccessRole {
        if s == "admin" {
            AccessRole::Admin
        } else {
            AccessRole::User
        }
    }
}

/// A group's access to a product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessGroup {
    pub group_id: String,
    pub group_name: String,
    /// The directory that syncs the group; `None` for a local group.
    pub directory_id: Option<String>,
    pub directory_name: Option<String>,
    pub role: AccessRole,
    /// Whether users given access to the product by an admin are added to this group.
    pub is_default: bool,
    pub member_count: u64,
    pub granted_at: String,
}

/// Answer of `GET /api/v1/sites/{siteId}/products/{productId}/access`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductAccess {
    pub product: SiteProduct,
    pub groups: Vec<AccessGroup>,
    /// Active users with access through any of the groups, each counted once.
    pub user_count: u64,
}

/// Body of `POST /api/v1/sites/{siteId}/products/{productId}/access`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GrantAccess {
    pub group_id: String,
    /// `user` when absent.
    #[serde(default)]
    pub role: AccessRole,
}

/// Query of the grant and revoke endpoints.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct DryRunQuery {
    /// Answer the impact without changing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// A user in short.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserRef {
    pub id: String,
    pub directory_id: String,
    pub user_name: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
}

/// Answer of granting or revoking access (also with `dryRun=true`): the grant and whose
/// access it changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessChange {
    /// Whether nothing was changed (a dry run).
    pub dry_run: bool,
    /// The grant after a grant, or the grant revoked.
    pub grant: AccessGroup,
    /// The role before a grant that changed an existing one.
    pub previous_role: Option<AccessRole>,
    /// Active users who gain access (grant) or lose it (revoke): members of the group without
    /// access through another group.
    pub users_affected: u64,
    /// Up to 10 of those users, by id.
    pub sample: Vec<UserRef>,
}

/// A user with access to a product (`GET .../products/{productId}/users`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductUser {
    pub id: String,
    pub directory_id: String,
    pub user_name: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    /// The highest role any of the user's groups grants.
    pub role: AccessRole,
}
