//! SCIM request extractors, with rejections as SCIM errors (RFC 7644 §3.12) rather than axum's
//! plain text, refusing text no store keeps (see [`crate::text`]): the body as JSON under any
//! of the media types IdPs send (`application/scim+json`, with or without a charset, or
//! `application/json`), the raw body, and path parameters.
use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::request::Parts,
};
use roster_scim::ScimError;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ScimApiError;
use crate::text;

/// A parsed JSON request body.
pub struct ScimBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for ScimBody {
    type Rejection = ScimApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ScimBytes(bytes) = ScimBytes::from_request(req, state).await?;
        if bytes.is_empty() {
            return Err(
                ScimError::invalid_syntax("the request body is empty; send a JSON object").into(),
            );
        }
        serde_json::from_slice(&bytes).map(ScimBody).map_err(|e| {
            ScimError::invalid_syntax(format!("the body is not valid JSON: {e}")).into()
        })
    }
}

/// The raw request body, within the route's limit and without NUL.
pub struct ScimBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ScimBytes {
    type Rejection = ScimApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status().as_u16() == 413 {
                ScimError::status(
                    413,
                    "the request body is too large (Bulk requests: see maxPayloadSize in \
                     /ServiceProviderConfig)",
                )
            } else {
                ScimError::invalid_syntax(format!("cannot read the request body: {rejection}"))
            }
        })?;
        if text::json_has_nul(&bytes) {
            return Err(ScimError::invalid_value(text::NUL_REFUSED).into());
        }
        Ok(ScimBytes(bytes))
    }
}

/// `axum::extract::Path` with SCIM rejections: a segment that is not UTF-8 once decoded is
/// `invalidSyntax`, one holding NUL `invalidValue`.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ScimApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if text::uri_has_nul(parts.uri.path()) {
            return Err(ScimError::invalid_value(text::NUL_REFUSED).into());
        }
        match axum::extract::Path::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) if rejection.status().is_server_error() => {
                tracing::error!(error = %rejection.body_text(), "path parameters do not fit the handler");
                Err(ScimError::status(500, "internal error").into())
            }
            Err(rejection) => Err(ScimError::invalid_syntax(rejection.body_text()).into()),
        }
    }
}
