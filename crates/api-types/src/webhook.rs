//! Webhooks: endpoints that receive the change feed's events, signed per the Standard
//! Webhooks spec, `/api/v1/webhooks`.
use serde::{Deserialize, Serialize};

/// Body of `POST /api/v1/webhooks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateWebhook {
    /// `https://…` (plain HTTP and private addresses only where the operator allows them).
    pub url: String,
    /// Event types or families (`access.*`); empty or absent: every event.
    #[serde(default)]
    pub event_types: Vec<String>,
    #[serde(default)]
    pub description: String,
}

/// Body of `PATCH /api/v1/webhooks/{id}`: what is given changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateWebhook {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `false` pauses deliveries; `true` resumes them (also after Roster disabled a failing
    /// endpoint), from where they stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// An endpoint as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub description: String,
    pub enabled: bool,
    /// Why deliveries stopped, when Roster disabled the endpoint.
    pub disabled_reason: Option<String>,
    pub created_at: String,
    /// Since when deliveries have been failing, if they are (RFC 3339).
    pub failing_since: Option<String>,
    /// The next attempt of a failing delivery.
    pub next_attempt_at: Option<String>,
    /// Deliveries in the last 24 hours.
    pub succeeded_24h: u64,
    pub failed_24h: u64,
    /// While a replaced secret is still used to sign too: until when.
    pub previous_secret_valid_until: Option<String>,
}

/// Answer of `POST /api/v1/webhooks` and of a secret rotation: the secret, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IssuedWebhookSecret {
    pub webhook: Webhook,
    /// `whsec_…`: verify signatures with any Standard Webhooks library.
    pub secret: String,
}

/// Body of `POST /api/v1/webhooks/{id}/secret`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RotateWebhookSecret {
    /// Keep signing with the old secret too for this long (at most 7 days), so the receiver
    /// can switch without rejecting a delivery. Absent or 0: the old secret stops at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlap_seconds: Option<u64>,
}

/// Body of `POST /api/v1/webhooks/{id}/redeliver`: one event again, or everything since a
/// time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Redeliver {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// RFC 3339: the endpoint's deliveries start again from the first event at or after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// One attempt to deliver an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    pub id: String,
    pub event_id: String,
    pub event_type: String,
    /// RFC 3339.
    pub at: String,
    /// 1 for the first try of an event.
    pub attempt: u32,
    pub succeeded: bool,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    pub latency_ms: u64,
    /// Why it failed without an answer (timeout, refused, address not allowed…).
    pub error: Option<String>,
    /// The first characters of the receiver's answer.
    pub response_excerpt: Option<String>,
}
