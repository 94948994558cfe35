//! The SCIM request body extractor: JSON under any of the media types IdPs send
//! (`application/scim+json`, with or without a charset, or `application/json`), with
//! rejections as SCIM errors.
use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
};
use roster_scim::ScimError;
use serde_json::Value;

use super::error::ScimApiError;

/// A parsed JSON request body.
pub struct ScimBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for ScimBody {
    type Rejection = ScimApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status().as_u16() == 413 {
                ScimError::status(413, "the request body is too large")
            } else {
                ScimError::invalid_syntax(format!("cannot read the request body: {rejection}"))
            }
        })?;
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
