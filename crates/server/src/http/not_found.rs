//! JSON answers for paths and methods no route handles: problem details under `/api`, SCIM
//! error bodies under `/scim`, never the console's `index.html`.
use axum::{
    http::{header, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use roster_api_types::Problem;

use crate::error::{problem_response, problem_type};

/// The SCIM error body (RFC 7644 §3.12) for a path that does not exist.
pub fn scim_not_found(uri: &Uri) -> Response {
    let body = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": "404",
        "detail": format!("No SCIM resource at {}", uri.path()),
    });
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "application/scim+json")],
        body.to_string(),
    )
        .into_response()
}

/// 404 for any path without a route.
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/scim/") || uri.path() == "/scim" {
        return scim_not_found(&uri);
    }
    problem_response(&Problem {
        type_: problem_type("not-found"),
        title: "Not found".into(),
        status: 404,
        detail: Some(format!("No API route at {}", uri.path())),
        instance: None,
        errors: Vec::new(),
    })
}

/// 405 for a known path called with a method it does not support.
pub async fn method_not_allowed(uri: Uri) -> Response {
    problem_response(&Problem {
        type_: problem_type("method-not-allowed"),
        title: "Method not allowed".into(),
        status: 405,
        detail: Some(format!("{} does not support this method", uri.path())),
        instance: None,
        errors: Vec::new(),
    })
}
