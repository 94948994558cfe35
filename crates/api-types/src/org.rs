//! The organization's groups (synced and local) and its users across directories, with
//! each user's effective access: `/api/v1/groups/...`, `/api/v1/users/...`.
use serde::{Deserialize, Serialize};

use crate::{access::AccessRole, directory::UserSummary};

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
