//! Sites, their products, product access through groups (with default groups), the
//! organization's groups and users across directories, and each user's effective access:
//! `/api/v1/sites/...`, `/api/v1/groups/...`, `/api/v1/users/...`.
use serde::{Deserialize, Serialize};

use crate::directory::UserSummary;

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

/// Query of paged lists without search: a cursor and a page size.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct PageQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// Whether a group is synced from a directory or local to the organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    Local,
    Synced,
}

/// One of the organization's groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    pub name: String,
    pub kind: GroupKind,
    pub directory_id: Option<String>,
    pub directory_name: Option<String>,
    pub member_count: u64,
    pub created_at: String,
    pub updated_at: String,
}

/// What a group grants on one product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupAccess {
    pub site_id: String,
    pub site_name: String,
    pub product_id: String,
    pub product_name: String,
    pub role: AccessRole,
    pub is_default: bool,
}

/// A group with the access it grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupDetail {
    pub group: Group,
    pub access: Vec<GroupAccess>,
}

/// Body of `POST /api/v1/groups` and `PATCH /api/v1/groups/{groupId}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupName {
    pub name: String,
}

/// Query of `GET /api/v1/groups` (ordered by name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct OrgGroupQuery {
    /// Case-insensitive prefix of the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// Only local or only synced groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<GroupKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A user in the organization-wide list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrgUser {
    pub id: String,
    pub directory_id: String,
    pub directory_name: String,
    pub user_name: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    /// Whether the primary email is on one of the organization's verified domains;
    /// otherwise the user is external.
    pub managed: bool,
}

/// Query of `GET /api/v1/users` (ordered by userName, across directories).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct OrgUserQuery {
    /// Case-insensitive prefix of userName or primary email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A directory, named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryRef {
    pub id: String,
    pub name: String,
}

/// The group through which a user has access, and the role it grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessSource {
    pub group_id: String,
    pub group_name: String,
    pub role: AccessRole,
}

/// A user's access to one product: the highest role and every group that grants it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EffectiveAccess {
    pub site_id: String,
    pub site_name: String,
    pub site_url: String,
    pub product_id: String,
    pub product_key: String,
    pub product_name: String,
    pub role: AccessRole,
    pub granted_by: Vec<AccessSource>,
}

/// Answer of `GET /api/v1/users/{userId}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrgUserDetail {
    pub user: UserSummary,
    /// The directory that provisions the user.
    pub directory: DirectoryRef,
    /// Whether the primary email is on a verified domain (else external).
    pub managed: bool,
    /// The primary email's domain, lower-cased.
    pub email_domain: Option<String>,
    pub groups: Vec<Group>,
    /// Empty while the user is deactivated.
    pub access: Vec<EffectiveAccess>,
}
