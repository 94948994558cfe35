//! The built console, served as the router's last fallback: real files when they exist,
//! `index.html` for client-side routes, the page under its Content-Security-Policy (see
//! [`super::csp`]). Unknown `/api/*` and `/scim/*` paths never reach it; they answer JSON 404s
//! from [`super::not_found`].
use std::path::Path;

use axum::{
    http::{header, HeaderValue},
    response::Response,
    Router,
};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

use crate::state::AppState;

/// A router serving `dir` with `index.html` for every path that is not a file; pages may be
/// framed by `frame_ancestors` only.
pub fn router(dir: &Path, frame_ancestors: &[String]) -> Router<AppState> {
    let index = ServeFile::new(dir.join("index.html"));
    let files = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .fallback(index);
    let policy = super::csp::console_policy(dir, frame_ancestors)
        .and_then(|policy| Ok(HeaderValue::try_from(policy)?))
        .unwrap_or_else(|error| {
            // `roster serve` checks the console before it starts; a console changed since then
            // gets a policy that runs none of its scripts rather than none at all.
            tracing::error!(
                error = format!("{error:#}"),
                "no Content-Security-Policy for the console"
            );
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'")
        });
    let framed = !frame_ancestors.is_empty();
    // Trunk puts a content hash in asset names, but index.html and config.json must be
    // revalidated so a new deployment is picked up at once.
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::map_response(
            move |mut response: Response| {
                let policy = policy.clone();
                async move {
                    let html = response
                        .headers()
                        .get(header::CONTENT_TYPE)
                        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
                    if html {
                        let headers = response.headers_mut();
                        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
                        if !framed {
                            // For browsers older than `frame-ancestors`.
                            headers
                                .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
                        }
                    }
                    response
                }
            },
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
}
