//! Email domains and their DNS verification: `/api/v1/domains/...`.
use serde::{Deserialize, Serialize};

/// The DNS name prefix where the verification TXT record is looked up first; the domain's
/// apex is checked too.
pub const CHALLENGE_PREFIX: &str = "_roster-challenge";

/// A domain of the organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Domain {
    pub id: String,
    /// Lower-cased, e.g. `example.com`.
    pub name: String,
    pub verified: bool,
    pub verified_at: Option<String>,
    /// When verification was last attempted.
    pub last_checked_at: Option<String>,
    /// Where to publish the TXT record: `_roster-challenge.<domain>` (the apex works too).
    pub txt_record_name: String,
    /// The TXT record's value, `roster-verification=<random>`.
    pub txt_record_value: String,
    pub created_at: String,
}

/// Body of `POST /api/v1/domains`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewDomain {
    pub name: String,
}
