//! HTTP: each module exposes its own `router()`; [`app`] merges them, adds the layers every
//! request goes through, and puts the console last.
mod directories;
mod directory_browse;
pub mod extract;
mod health;
mod not_found;
mod session;
mod spa;

use std::time::Duration;

use axum::{
    extract::{DefaultBodyLimit, Request},
    http::StatusCode,
    routing::any,
    Router,
};
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::state::AppState;

/// Largest request body accepted by the admin API.
const ADMIN_BODY_LIMIT: usize = 1024 * 1024;

/// The whole application: APIs, probes, then the console as the last fallback.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(session::router())
        .merge(directories::router())
        .layer(DefaultBodyLimit::max(ADMIN_BODY_LIMIT))
        .route("/api", any(not_found::not_found))
        .route("/api/{*rest}", any(not_found::not_found))
        .route("/scim", any(not_found::not_found))
        .route("/scim/{*rest}", any(not_found::not_found))
        .method_not_allowed_fallback(not_found::method_not_allowed);

    let mut router = Router::new()
        .merge(health::router())
        .merge(crate::scim::router(state.clone()))
        .merge(api);
    router = match state.config.console_dir.as_deref() {
        Some(dir) => router.merge(spa::router(dir)),
        None => router.fallback(not_found::not_found),
    };

    router
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                // Only method and path: query strings and headers may carry personal data or
                // credentials.
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(60)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
