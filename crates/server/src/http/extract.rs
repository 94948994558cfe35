//! Request extractors whose rejections are our problem-details errors instead of axum's
//! plain-text ones.
use axum::extract::rejection::{JsonRejection, QueryRejection};

use crate::error::AppError;

/// `axum::Json`, rejecting with a problem details body.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct Json<T>(pub T);

/// `axum::extract::Query`, rejecting with a problem details body.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType(
                "Send the body as JSON with Content-Type: application/json.".into(),
            ),
            JsonRejection::BytesRejection(r) if r.status().as_u16() == 413 => {
                AppError::PayloadTooLarge("The request body is too large.".into())
            }
            JsonRejection::JsonDataError(e) => AppError::Validation {
                detail: e.body_text(),
                errors: Vec::new(),
            },
            other => AppError::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::BadRequest(rejection.body_text())
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}
