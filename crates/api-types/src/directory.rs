//! Directories (one per identity provider), their API keys, and the users, groups and sync
//! log an admin browses: `/api/v1/directories/...`.
use serde::{Deserialize, Serialize};

/// A directory as listed and shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Directory {
    pub id: String,
    pub name: String,
    /// The SCIM base URL to paste into the identity provider.
    pub base_url: String,
    /// RFC 3339.
    pub created_at: String,
    pub active_users: u64,
    pub deactivated_users: u64,
    pub group_count: u64,
    /// When the identity provider last called (RFC 3339), if ever.
    pub last_request_at: Option<String>,
    /// SCIM requests answered with an error status in the last 24 hours.
    pub errors_last_24h: u64,
    /// The current API key (never the secret itself).
    pub api_key: ApiKeyInfo,
}

/// What is known of a directory's current key; the secret is shown only when issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyInfo {
    /// The key's first characters, e.g. `roster_scim_4fQ`.
    pub prefix: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    /// While a replaced key still works (regenerated with an overlap): until when.
    pub previous_key_valid_until: Option<String>,
}

/// Body of `POST /api/v1/directories` and `PATCH /api/v1/directories/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryName {
    pub name: String,
}

/// Answer of `POST /api/v1/directories`: the directory and its first key, shown once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedDirectory {
    pub directory: Directory,
    pub api_key: String,
    pub api_key_expires_at: String,
}

/// Body of `POST /api/v1/directories/{id}/api-key`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RegenerateApiKey {
    /// Keep the old key working this many seconds (at most 7 days) so the identity provider
    /// can be updated without downtime. Absent or 0: the old key stops at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlap_seconds: Option<u64>,
}

/// Answer of `POST /api/v1/directories/{id}/api-key`: the new key, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IssuedApiKey {
    pub base_url: String,
    pub api_key: String,
    pub expires_at: String,
    /// Until when the previous key keeps working, when an overlap was asked for.
    pub previous_key_valid_until: Option<String>,
}

/// What deleting a directory removes, shown before the admin confirms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryDeletionImpact {
    pub users: u64,
    pub groups: u64,
    pub access_grants: u64,
}

/// A provisioned user in lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub id: String,
    pub directory_id: String,
    pub user_name: String,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// A provisioned user with every SCIM attribute (`resource` is the SCIM JSON as the identity
/// provider would read it) and their groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserDetail {
    pub user: UserSummary,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub resource: serde_json::Value,
    pub groups: Vec<GroupSummary>,
}

/// A group in lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupSummary {
    pub id: String,
    /// The directory that syncs it; `None` for a local group.
    pub directory_id: Option<String>,
    pub display_name: String,
    pub external_id: Option<String>,
    pub member_count: u64,
    pub created_at: String,
    pub updated_at: String,
}

/// One SCIM request in a directory's sync log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncEvent {
    pub id: String,
    pub at: String,
    pub method: String,
    pub path: String,
    /// What the request did, e.g. `createUser`, `patchGroup`, `listUsers`.
    pub operation: String,
    pub status: u16,
    pub duration_ms: u64,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    /// userName or displayName of the resource.
    pub resource_label: Option<String>,
    /// Attribute names the request changed.
    pub changed: Vec<String>,
    /// Attribute names Roster does not know and ignored.
    pub ignored: Vec<String>,
    pub scim_type: Option<String>,
    pub detail: Option<String>,
}

/// Requests and errors in one hour, for the overview chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HourlyActivity {
    /// Start of the hour, RFC 3339.
    pub hour: String,
    pub requests: u64,
    pub errors: u64,
}

/// How `GET /api/v1/directories/{id}/users` sorts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum UserSort {
    /// By userName (case-insensitive).
    #[default]
    UserName,
    /// By family name (case-insensitive); users without one come last in ascending order.
    Name,
    /// By primary email (case-insensitive); users without one come last in ascending order.
    Email,
    /// By creation time.
    Created,
}

/// Ascending or descending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum SortOrder {
    #[default]
    Asc,
    Desc,
}

/// Query of `GET /api/v1/directories/{id}/users`. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserListQuery {
    /// Case-insensitive prefix of userName, primary email, given name or family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[serde(default)]
    pub sort: UserSort,
    #[serde(default)]
    pub order: SortOrder,
    /// `nextCursor` or `prevCursor` of a previous page of the same listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// Query of `GET /api/v1/directories/{id}/groups` (ordered by displayName) and, without
/// `search`, of `.../groups/{groupId}/members` (ordered by user id).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupListQuery {
    /// Case-insensitive prefix of displayName.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// Which sync log entries to list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum EventStatusFilter {
    #[default]
    All,
    /// Requests answered with status 400 or above.
    Error,
}

/// Query of `GET /api/v1/directories/{id}/events` (newest first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventListQuery {
    #[serde(default)]
    pub status: EventStatusFilter,
    /// Exact operation name, e.g. `createUser`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Case-insensitive substring of the path, the resource label or the error detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// Query of `GET /api/v1/directories/{id}/activity`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivityQuery {
    /// How many hours back, ending with the current hour: 1 to 2160 (90 days); 168 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
}
