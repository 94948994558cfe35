//! The one error type of the crate: an HTTP status, an optional RFC 7644 `scimType` and a detail
//! message, rendered as the RFC 7644 §3.12 error body. Every failure in parsing, filtering,
//! patching and projection is one of these, so the server can answer it without translation.

use serde_json::{json, Value};
use std::fmt;

/// URN of the SCIM error message.
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The `scimType` detail codes of RFC 7644 §3.12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScimType {
    /// The filter syntax was invalid or the attribute/operator combination is not supported.
    InvalidFilter,
    /// The request would return more results than allowed.
    TooMany,
    /// A value violates a uniqueness constraint.
    Uniqueness,
    /// The request tried to change an immutable or read-only attribute.
    Mutability,
    /// The body was not valid SCIM.
    InvalidSyntax,
    /// A PATCH `path` was malformed.
    InvalidPath,
    /// A PATCH path matched nothing where something was required.
    NoTarget,
    /// A value was of the wrong type or otherwise unacceptable.
    InvalidValue,
    /// The SCIM protocol version is not supported.
    InvalidVers,
    /// The request carried sensitive data in the URI.
    Sensitive,
}

impl ScimType {
    /// The wire form, e.g. `invalidFilter`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::TooMany => "tooMany",
            ScimType::Uniqueness => "uniqueness",
            ScimType::Mutability => "mutability",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
            ScimType::Sensitive => "sensitive",
        }
    }

    /// The HTTP status RFC 7644 pairs with this code.
    pub fn status(self) -> u16 {
        match self {
            ScimType::Uniqueness => 409,
            ScimType::Sensitive => 403,
            _ => 400,
        }
    }
}

impl fmt::Display for ScimType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A SCIM protocol error: HTTP status, optional `scimType`, and a human detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    /// HTTP status code.
    pub status: u16,
    /// RFC 7644 detail code, when one applies.
    pub scim_type: Option<ScimType>,
    /// Human-readable message; safe to show to the client.
    pub detail: String,
}

/// Result alias used throughout the crate.
pub type ScimResult<T> = Result<T, ScimError>;

impl ScimError {
    /// An error with the status RFC 7644 pairs with `scim_type`.
    pub fn new(scim_type: ScimType, detail: impl Into<String>) -> Self {
        ScimError {
            status: scim_type.status(),
            scim_type: Some(scim_type),
            detail: detail.into(),
        }
    }

    /// An error without a `scimType` (404, 401, 412, 500...).
    pub fn status(status: u16, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type: None,
            detail: detail.into(),
        }
    }

    /// `400 invalidFilter`.
    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::new(ScimType::InvalidFilter, detail)
    }
    /// `400 tooMany`.
    pub fn too_many(detail: impl Into<String>) -> Self {
        Self::new(ScimType::TooMany, detail)
    }
    /// `409 uniqueness`.
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(ScimType::Uniqueness, detail)
    }
    /// `400 mutability`.
    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::new(ScimType::Mutability, detail)
    }
    /// `400 invalidSyntax`.
    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::new(ScimType::InvalidSyntax, detail)
    }
    /// `400 invalidPath`.
    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::new(ScimType::InvalidPath, detail)
    }
    /// `400 noTarget`.
    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::new(ScimType::NoTarget, detail)
    }
    /// `400 invalidValue`.
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::new(ScimType::InvalidValue, detail)
    }
    /// `400 invalidVers`.
    pub fn invalid_vers(detail: impl Into<String>) -> Self {
        Self::new(ScimType::InvalidVers, detail)
    }
    /// `403 sensitive`.
    pub fn sensitive(detail: impl Into<String>) -> Self {
        Self::new(ScimType::Sensitive, detail)
    }
    /// `404` for a resource that does not exist.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::status(404, detail)
    }
    /// `401` for a missing or wrong bearer token.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::status(401, detail)
    }

    /// The RFC 7644 §3.12 body: `schemas`, `status` as a string, `scimType` when set, `detail`.
    pub fn to_body(&self) -> Value {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.to_string(),
            "detail": self.detail,
        });
        if let (Some(t), Some(map)) = (self.scim_type, body.as_object_mut()) {
            map.insert("scimType".into(), Value::String(t.as_str().into()));
        }
        body
    }
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.scim_type {
            Some(t) => write!(f, "{} {}: {}", self.status, t, self.detail),
            None => write!(f, "{}: {}", self.status, self.detail),
        }
    }
}

impl std::error::Error for ScimError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_string_status_and_scim_type() {
        let body = ScimError::uniqueness("userName taken").to_body();
        assert_eq!(
            body,
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "409",
                "scimType": "uniqueness",
                "detail": "userName taken"
            })
        );
    }

    #[test]
    fn body_without_scim_type() {
        let body = ScimError::unauthorized("bad token").to_body();
        assert_eq!(body["status"], "401");
        assert!(body.get("scimType").is_none());
    }

    #[test]
    fn statuses() {
        let cases = [
            (ScimError::invalid_filter(""), 400, "invalidFilter"),
            (ScimError::too_many(""), 400, "tooMany"),
            (ScimError::mutability(""), 400, "mutability"),
            (ScimError::invalid_syntax(""), 400, "invalidSyntax"),
            (ScimError::invalid_path(""), 400, "invalidPath"),
            (ScimError::no_target(""), 400, "noTarget"),
            (ScimError::invalid_value(""), 400, "invalidValue"),
            (ScimError::invalid_vers(""), 400, "invalidVers"),
            (ScimError::sensitive(""), 403, "sensitive"),
        ];
        for (e, status, t) in cases {
            assert_eq!(e.status, status);
            assert_eq!(e.to_body()["scimType"], t);
        }
    }
}
