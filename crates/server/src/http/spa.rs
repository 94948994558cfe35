//! The built console, served as the router's last fallback: real files when they exist,
//! `index.html` for client-side routes (a missing file, a path whose last part has an
//! extension, is a 404: the loader's probes for `config.json` learn it without an HTML page),
//! the page under its Content-Security-Policy (see
//! [`super::csp`]). Unknown `/api/*` and `/scim/*` paths never reach it; they answer JSON 404s
//! from [`super::not_found`].
//!
//! Files go out as `cargo xtask dist` compressed them at build time (`.br`, `.gz` beside each,
//! chosen by `Accept-Encoding`). Trunk puts a content hash in the names of the wasm, the JS and
//! the chunk folders, so those are cached for a year without asking again; `index.html`,
//! `config.json` (which an operator edits in place) and every other file are revalidated on
//! each visit, so a new deployment or a changed setting is picked up at once.
use std::{convert::Infallible, path::Path};

use axum::{
    body::Bytes,
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Router,
};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::{error::AppError, state::AppState};

/// A router serving `dir` with `index.html` for every path that is not a file; pages may be
/// framed by `frame_ancestors` only.
pub fn router(dir: &Path, frame_ancestors: &[String]) -> Router<AppState> {
    let index = ServeFile::new(dir.join("index.html"));
    let page = client_route_page(dir);
    let page_or_missing = tower::service_fn(move |req: Request| {
        let index = index.clone();
        let page = page.clone();
        async move {
            if names_a_file(req.uri().path()) {
                return Ok::<_, Infallible>(missing_file(req.uri().path()));
            }
            Ok(match page {
                Some(page) => page.answer(&req),
                None => index.oneshot(req).await?.into_response(),
            })
        }
    });
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .fallback(page_or_missing);
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
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn(caching))
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
}

/// The page for client routes: `index.html` with `data-roster-root="/"` on its `<base>`. The
/// loader then knows where the console's files and `config.json` are (Roster serves them at the
/// root) and asks only there; on a static host, without the attribute, it finds the folder by
/// asking from the URL's folder upwards. Read once, as the page's policy is; `None` (no `<base>`)
/// serves the file as it is.
fn client_route_page(dir: &Path) -> Option<Page> {
    let mut html = std::fs::read_to_string(dir.join("index.html")).ok()?;
    let at = html.find("<base ")? + "<base".len();
    html.insert_str(at, r#" data-roster-root="/""#);
    // FNV-1a of the text: the same on every replica serving the same build.
    let hash = html.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let etag = HeaderValue::from_str(&format!("\"{hash:016x}\"")).ok()?;
    Some(Page {
        html: Bytes::from(html),
        etag,
    })
}

/// The client routes' page and its validator, so a revisit costs a 304.
#[derive(Clone)]
struct Page {
    html: Bytes,
    etag: HeaderValue,
}

impl Page {
    fn answer(self, req: &Request) -> Response {
        let ours = self.etag.as_bytes();
        let unchanged = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .map(str::trim)
                    .any(|t| t == "*" || t.trim_start_matches("W/").as_bytes() == ours)
            });
        let mut response = if unchanged {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                self.html,
            )
                .into_response()
        };
        response.headers_mut().insert(header::ETAG, self.etag);
        response
    }
}

/// Whether a path names a file rather than a page: its last part has an extension. The
/// console's routes never do.
fn names_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

fn missing_file(path: &str) -> Response {
    AppError::NotFound(format!("The console has no file at {path}")).into_response()
}

/// Cache-Control and Vary of a console answer: a year for a file whose path names its content
/// (a hashed name), revalidation for everything else, pages above all.
async fn caching(req: Request, next: Next) -> Response {
    let hashed = is_hashed(req.uri().path());
    let mut response = next.run(req).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    let policy = if hashed && !html && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    // The same URL answers brotli, gzip or plain bytes by the request's Accept-Encoding.
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Whether a path has a part named with a content hash, as Trunk (`name-<hash>.js`,
/// `name-<hash>_bg.wasm`) and wasm-bindgen (`snippets/<crate>-<hash>/`) name what they write: 12
/// to 16 hex digits after the part's last `-`, before its extension. A 64-bit hash printed in
/// hex has fewer in one case of 65,000; such a file is merely revalidated. Only files are
/// judged by this: a page (a client route, whatever its path) is always revalidated.
fn is_hashed(path: &str) -> bool {
    path.split('/').any(|part| {
        let stem = part.split('.').next().unwrap_or(part);
        let stem = stem.strip_suffix("_bg").unwrap_or(stem);
        stem.rsplit_once('-').is_some_and(|(_, hash)| {
            (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn hashed_names_are_the_ones_trunk_and_wasm_bindgen_write() {
        for path in [
            "/roster-console-5d1f0c2a9b7e3f41_bg.wasm",
            "/roster-console-5d1f0c2a9b7e3f41.js",
            "/snippets/roster-split-00a1b2c3d4e5f607/chunk_3.wasm",
            "/snippets/leptos-8f2e11aa04c3b9d0/inline0.js",
        ] {
            assert!(is_hashed(path), "{path}");
        }
        for path in [
            "/",
            "/index.html",
            "/config.json",
            "/roster-embed.js",
            "/directories/abc/config.json",
            "/style-sheet.css",
        ] {
            assert!(!is_hashed(path), "{path}");
        }
    }
}
