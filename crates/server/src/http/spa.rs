//! The built console, served as the router's last fallback: real files when they exist,
//! `index.html` for client-side routes. Unknown `/api/*` and `/scim/*` paths never reach it;
//! they answer JSON 404s from [`super::not_found`].
use std::path::Path;

use axum::{
    http::{header, HeaderValue},
    Router,
};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

use crate::state::AppState;

/// A router serving `dir` with `index.html` for every path that is not a file.
pub fn router(dir: &Path) -> Router<AppState> {
    let index = ServeFile::new(dir.join("index.html"));
    let files = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .fallback(index);
    // Trunk puts a content hash in asset names, but index.html and config.json must be
    // revalidated so a new deployment is picked up at once.
    Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
}
