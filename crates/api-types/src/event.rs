//! The change feed, `GET /api/v1/events`: every change Roster makes, oldest first, from a
//! cursor that never skips one.
use serde::{Deserialize, Serialize};

use crate::audit::AuditActor;

/// One change. `data` is the changed object's state after the change (for a deletion, its
/// last state): `user`, `group`, `directory`, `site` or `product`, and for access and
/// membership events the `user`, the `group`, and for access the `siteId`, `productId` and
/// `role`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Stable and unique: a consumer that sees an id twice (a webhook retried) skips it.
    pub id: String,
    /// The feed's position of this event: `after=<cursor>` answers the events after it.
    pub cursor: String,
    /// E.g. `user.created`, `group.member_added`, `access.revoked`.
    #[serde(rename = "type")]
    pub type_: String,
    /// RFC 3339.
    pub occurred_at: String,
    /// The directory the change came from or concerns, if any.
    pub directory_id: Option<String>,
    /// Who made it: an identity provider (`scim`), an admin, a service token, or Roster.
    pub actor: AuditActor,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// Answer of `GET /api/v1/events`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventPage {
    pub events: Vec<Event>,
    /// Pass as `after` to read on; the same cursor when no event came.
    pub next: String,
}

/// Query of `GET /api/v1/events`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct EventQuery {
    /// A cursor from `next`, an event's `cursor` or a list's `feedCursor`; absent: from the
    /// oldest event kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Comma-separated types; a family ends with `.*` (`access.*`). Absent: every type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types: Option<String>,
    /// 1 to 1000; 100 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Hold an empty answer up to this many seconds (at most 30) until an event arrives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<u32>,
}

/// Every event type Roster writes.
pub const EVENT_TYPES: &[&str] = &[
    "user.created",
    "user.updated",
    "user.deactivated",
    "user.reactivated",
    "user.deleted",
    "group.created",
    "group.updated",
    "group.deleted",
    "group.member_added",
    "group.member_removed",
    "access.granted",
    "access.revoked",
    "directory.created",
    "directory.updated",
    "directory.deleted",
    "api_key.rotated",
    "site.created",
    "site.updated",
    "site.deleted",
    "product.added",
    "product.removed",
];

/// One entry of a user's timeline: a SCIM request about the user, or a change (an event).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    /// RFC 3339.
    pub at: String,
    /// The identity provider's request, from the sync log.
    pub request: Option<crate::directory::SyncEvent>,
    /// What changed: the user, their memberships, the access they gained or lost and the
    /// group that caused it.
    pub event: Option<Event>,
}

/// Query of `GET /api/v1/users/{userId}/timeline` (newest first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct TimelineQuery {
    /// `nextCursor` of the page before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}
