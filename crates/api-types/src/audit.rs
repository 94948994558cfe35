//! The audit log: every admin action and every access change, `GET /api/v1/audit`.
use serde::{Deserialize, Serialize};

/// Who made a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditActor {
    /// `admin`, `scim` (an identity provider) or `system`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The admin's id or the directory's id.
    pub id: Option<String>,
    /// The admin's email or `SCIM: <directory name>`, as it was then.
    pub label: String,
}

/// What a change was made to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditTarget {
    /// `site`, `product`, `group`, `domain`, `directory`.
    #[serde(rename = "type")]
    pub type_: String,
    pub id: Option<String>,
    pub label: Option<String>,
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: String,
    /// RFC 3339.
    pub at: String,
    pub actor: AuditActor,
    /// E.g. `access.granted`, `group.deleted`, `directory.created`.
    pub action: String,
    pub target: AuditTarget,
    /// The state before the change, when there was one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    /// The state after the change, when there is one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}

/// Query of `GET /api/v1/audit` (newest first). Every filter is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    /// Actor id: an admin's or a directory's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// `admin`, `scim` or `system`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_type: Option<String>,
    /// Exact action, e.g. `access.granted`; a trailing `.*` matches a family (`access.*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Target id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
    /// Entries at or after this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Entries before this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}
