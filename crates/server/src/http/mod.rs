//! HTTP: each module exposes its own `router()`; [`app`] merges them, adds the layers every
//! request goes through, and puts the console last.
mod access;
mod audit;
pub mod caller;
mod client;
mod compress;
pub mod csp;
mod directories;
mod directory_browse;
mod domains;
mod events;
pub mod extract;
mod groups;
mod health;
mod keep_alive;
mod not_found;
pub mod openapi;
mod service_tokens;
mod session;
mod sites;
mod spa;
mod users;
mod webhooks;

use std::time::Duration;

use axum::{
    extract::{DefaultBodyLimit, Request},
    http::{header, HeaderName, HeaderValue, Method, StatusCode},
    routing::any,
    Router,
};
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
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
        .merge(directory_browse::router())
        .merge(sites::router())
        .merge(access::router())
        .merge(groups::router())
        .merge(users::router())
        .merge(domains::router())
        .merge(audit::router())
        .merge(service_tokens::router())
        .merge(events::router())
        .merge(webhooks::router())
        .merge(openapi::router())
        .layer(DefaultBodyLimit::max(ADMIN_BODY_LIMIT))
        .route("/api", any(not_found::not_found))
        .route("/api/", any(not_found::not_found))
        .route("/api/{*rest}", any(not_found::not_found))
        .route("/scim", any(not_found::not_found))
        .route("/scim/", any(not_found::not_found))
        .route("/scim/{*rest}", any(not_found::not_found))
        .method_not_allowed_fallback(not_found::method_not_allowed);

    let state_cors = state.config.cors_origins.clone();
    let mut router = Router::new()
        .merge(health::router())
        .merge(crate::scim::router(state.clone()))
        .merge(api);
    router = match state.config.console_dir.as_deref() {
        Some(dir) => router.merge(spa::router(dir, &state.config.frame_ancestors)),
        None => router.fallback(not_found::not_found),
    };

    // Without configured origins there is no CORS layer at all: browsers keep the
    // same-origin rule, and responses carry no `Vary` for headers nothing varies on.
    if let Some(cors) = cors_layer(&state_cors) {
        router = router.layer(cors);
    }
    router = router.layer(compress::layer());
    // Browsers must take every answer as the type it says it is, and send no page's address
    // to other sites; over HTTPS they must never fall back to plain HTTP.
    router = router
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ));
    if state.public_url().starts_with("https://") {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    router
        .layer(axum::middleware::from_fn(keep_alive::drain_unread_body))
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

/// CORS for a console served from another origin (static hosting): only the configured
/// origins, with credentials (the session cookie) and the CSRF header. Without configured
/// origins no CORS headers are sent and browsers keep the same-origin rule.
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .map(|o| o.trim().trim_end_matches('/'))
        .filter(|o| !o.is_empty())
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if allowed.is_empty() {
        return None;
    }
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_credentials(true)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("x-csrf-token"),
        ])
        // The request id lets a cross-origin console name a failed request to the operator.
        .expose_headers([
            header::LOCATION,
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
        ])
        .max_age(Duration::from_secs(3600));
    Some(cors)
}
