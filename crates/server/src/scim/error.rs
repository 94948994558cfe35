//! SCIM error responses: RFC 7644 §3.12 bodies with `application/scim+json`, and the mapping
//! from storage outcomes to them. 5xx details never leak internals.
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use roster_scim::ScimError;

use crate::store::error::WriteError;

/// Media type of every SCIM response.
pub const SCIM_CONTENT_TYPE: &str = "application/scim+json";

/// A SCIM error as a response.
#[derive(Debug)]
pub struct ScimApiError {
    pub error: ScimError,
    pub retry_after: Option<u64>,
}

impl From<ScimError> for ScimApiError {
    fn from(error: ScimError) -> Self {
        ScimApiError {
            error,
            retry_after: None,
        }
    }
}

impl From<sqlx::Error> for ScimApiError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error in a SCIM request");
        ScimError::status(500, "internal error").into()
    }
}

impl From<WriteError> for ScimApiError {
    fn from(err: WriteError) -> Self {
        match err {
            WriteError::NotFound => {
                ScimError::not_found("no such resource in this directory").into()
            }
            WriteError::Conflict(detail) => ScimError::uniqueness(detail).into(),
            WriteError::PreconditionFailed => ScimError::status(
                412,
                "the resource changed: its version no longer matches If-Match; read it again",
            )
            .into(),
            WriteError::UnknownMembers(ids) => {
                let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
                let more = if ids.len() > 5 {
                    format!(" and {} more", ids.len() - 5)
                } else {
                    String::new()
                };
                ScimError::invalid_value(format!(
                    "members must be users of this directory; unknown id(s): {}{more}",
                    shown.join(", ")
                ))
                .into()
            }
            WriteError::Db(e) => e.into(),
            too_big @ WriteError::TooBig => sqlx::Error::Protocol(too_big.to_string()).into(),
        }
    }
}

/// The error detail kept for the sync log, attached to the response.
#[derive(Debug, Clone)]
pub struct ErrorNote {
    pub scim_type: Option<String>,
    pub detail: String,
}

impl IntoResponse for ScimApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.error.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut res = (
            status,
            [(header::CONTENT_TYPE, SCIM_CONTENT_TYPE)],
            self.error.to_body().to_string(),
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res.extensions_mut().insert(ErrorNote {
            scim_type: self.error.scim_type.map(|t| t.as_str().to_owned()),
            detail: self.error.detail,
        });
        res
    }
}

/// Result of a SCIM operation.
pub type ScimApiResult<T> = Result<T, ScimApiError>;
