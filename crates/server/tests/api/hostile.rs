//! Input no client should send, on every route: path segments that are not UTF-8 once
//! decoded or that hold NUL, bodies past the limits or holding NUL, paths without routes. Every
//! answer is a 4xx in the API's own error format (RFC 7644 errors under `/scim`, RFC 9457
//! problems under `/api`), on each store; the security headers ride on every answer.
use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use serde_json::{json, Value};

use crate::{
    backend_tests,
    common::{TestApp, TestResponse},
    scim_protocol::{all_routes, assert_scim_error},
};

/// Path segments that decode to invalid UTF-8, to NUL, or to both.
const BAD_SEGMENTS: [&str; 4] = ["%FF", "%C0%AF", "%00", "a%00%FF"];

fn assert_problem(res: &TestResponse, what: &str) {
    assert!(
        res.status.is_client_error(),
        "{what}: {} {}",
        res.status,
        res.text()
    );
    assert_eq!(
        res.header("content-type"),
        Some("application/problem+json"),
        "{what}: {}",
        res.text()
    );
    let body = res.json();
    assert_eq!(body["status"], res.status.as_u16(), "{what}: {body}");
    assert!(
        body["title"].is_string() && body["type"].is_string(),
        "{what}: {body}"
    );
}

async fn raw(app: &mut TestApp, method: Method, uri: &str, body: Vec<u8>) -> TestResponse {
    let req = app
        .signed(Request::builder().method(method).uri(uri))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

/// Every admin route of the OpenAPI document, with `{params}` replaced by `fill`.
fn admin_routes(spec: &Value, fill: &str) -> Vec<(Method, String)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let mut uri = String::new();
        for (i, part) in path.split('{').enumerate() {
            match part.split_once('}') {
                Some((_, rest)) if i > 0 => {
                    uri.push_str(fill);
                    uri.push_str(rest);
                }
                _ => uri.push_str(part),
            }
        }
        for method in item.as_object().unwrap().keys() {
            if let Ok(method) = method.to_uppercase().parse::<Method>() {
                out.push((method, uri.clone()));
            }
        }
    }
    out
}

backend_tests! {
    async fn admin_routes_answer_problems_for_undecodable_and_nul_segments(app) {
        app.sign_in().await;
        let spec = app.get("/api/v1/openapi.json").await.json();
        let mut walked = 0;
        for bad in BAD_SEGMENTS {
            for (method, uri) in admin_routes(&spec, bad) {
                if !uri.contains(bad) {
                    continue;
                }
                walked += 1;
                let res = raw(&mut app, method.clone(), &uri, b"{}".to_vec()).await;
                assert_problem(&res, &format!("{method} {uri}"));
            }
        }
        assert!(walked > 20, "only {walked} routes with parameters");
        // Queries that decode to NUL.
        let res = app.get("/api/v1/users?search=a%00b").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_problem(&res, "query with NUL");
    }

    async fn admin_bodies_past_the_limit_or_with_nul_are_problems(app) {
        app.sign_in().await;
        let spec = app.get("/api/v1/openapi.json").await.json();
        let big = {
            let mut body = b"{\"name\":\"".to_vec();
            body.resize(2 * 1024 * 1024, b'a');
            body.extend_from_slice(b"\"}");
            body
        };
        for (method, uri) in admin_routes(&spec, "x") {
            if !matches!(method, Method::POST | Method::PUT | Method::PATCH) {
                continue;
            }
            let res = raw(&mut app, method.clone(), &uri, big.clone()).await;
            assert_problem(&res, &format!("{method} {uri} (2 MiB)"));
            let res = raw(&mut app, method.clone(), &uri, br#"{"name":"a\u0000b","email":"a\u0000@x","password":"\u0000"}"#.to_vec()).await;
            assert_problem(&res, &format!("{method} {uri} (NUL)"));
        }
        // What the store would keep is refused the same way on either store.
        let res = app.request(Method::POST, "/api/v1/directories", Some(json!({"name": "Okta\u{0}"}))).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text());
        assert_problem(&res, "directory name with NUL");
        let res = raw(&mut app, Method::POST, "/api/v1/directories", br#"{"name":"back\\u0000slash"}"#.to_vec()).await;
        assert_eq!(res.status, StatusCode::CREATED, "a backslash then u0000 is text: {}", res.text());
    }

    async fn scim_routes_answer_scim_errors_for_hostile_input(app) {
        let dir = app.directory("Hostile").await;
        let user = app.create_user(&dir, "kept@example.com").await;
        let group = app.create_group(&dir, "Kept", &[&user]).await;
        for bad in BAD_SEGMENTS {
            for (method, path, body) in all_routes(bad, bad) {
                if !path.contains(bad) || path.starts_with("/Bulk") {
                    continue;
                }
                let res = app.scim(&dir, method.clone(), &path, body).await;
                assert_eq!(res.status, StatusCode::BAD_REQUEST, "{method} {path}: {}", res.text());
                assert_scim_error(&res, StatusCode::BAD_REQUEST);
            }
            for path in [format!("/Schemas/{bad}"), format!("/ResourceTypes/{bad}")] {
                let res = app.scim(&dir, Method::GET, &path, None).await;
                assert!(res.status.is_client_error(), "{path}: {}", res.text());
                assert_scim_error(&res, res.status);
            }
        }
        // NUL anywhere in a body, and in a filter.
        for (method, path, body) in [
            (Method::POST, "/Users".to_owned(), json!({"userName": "nul\u{0}@example.com"})),
            (Method::POST, "/Groups".to_owned(), json!({"displayName": "Nul\u{0}"})),
            (Method::PUT, format!("/Groups/{group}"), json!({"displayName": "Nul\u{0}"})),
            (Method::POST, "/Users/.search".to_owned(), json!({"filter": "userName eq \"a\u{0}\""})),
        ] {
            let res = app.scim(&dir, method.clone(), &path, Some(body)).await;
            assert_scim_error(&res, StatusCode::BAD_REQUEST);
            assert_eq!(res.json()["scimType"], "invalidValue", "{method} {path}");
        }
        let res = app.scim(&dir, Method::GET, "/Users?filter=userName%20eq%20%22a%00%22", None).await;
        assert_scim_error(&res, StatusCode::BAD_REQUEST);
        assert_eq!(res.json()["scimType"], "invalidValue");
        // Nothing was stored.
        assert_eq!(app.member_ids(&dir, &group).await, vec![user.clone()]);
        let res = app.scim(&dir, Method::GET, "/Users?filter=userName%20sw%20%22nul%22", None).await;
        assert_eq!(res.json()["totalResults"], 0);

        // Bodies past the limits: the resource routes' 16 MiB, and Bulk's maxPayloadSize.
        let config = app.scim(&dir, Method::GET, "/ServiceProviderConfig", None).await.json();
        let max_payload = config["bulk"]["maxPayloadSize"].as_u64().unwrap() as usize;
        for (path, size) in [("/Bulk", max_payload + 1), ("/Bulk", 20 * 1024 * 1024), ("/Users", 17 * 1024 * 1024)] {
            let mut body = b"{\"displayName\":\"".to_vec();
            body.resize(size, b'a');
            body.extend_from_slice(b"\"}");
            let res = app.scim_raw(&dir, Method::POST, path, "application/scim+json", body).await;
            assert_scim_error(&res, StatusCode::PAYLOAD_TOO_LARGE);
        }
        // A value longer than its attribute allows.
        let res = app.scim(&dir, Method::POST, "/Groups", Some(json!({"displayName": "x".repeat(10 * 1024 * 1024)}))).await;
        assert_scim_error(&res, StatusCode::BAD_REQUEST);
        assert_eq!(res.json()["scimType"], "invalidValue");
    }

    async fn api_and_scim_roots_are_json_404s(app) {
        for path in ["/api", "/api/", "/api/v1", "/api/v1/"] {
            let res = app.get(path).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
            assert_problem(&res, path);
        }
        for path in ["/scim", "/scim/", "/scim/directory/"] {
            let res = app.get(path).await;
            assert!(res.status.is_client_error(), "{path}: {}", res.status);
            assert_eq!(res.header("content-type"), Some("application/scim+json"), "{path}");
        }
    }

    async fn every_answer_carries_the_security_headers(app) {
        let dir = app.directory("Headers").await;
        let answers = [
            app.get("/api/v1/session").await,
            app.get("/healthz").await,
            app.scim(&dir, Method::GET, "/Users", None).await,
            app.get("/api/nope").await,
        ];
        for res in &answers {
            assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
            assert_eq!(res.header("referrer-policy"), Some("no-referrer"));
            assert_eq!(res.header("strict-transport-security"), None, "plain HTTP");
        }
    }
}

/// A built console's shape: an inline loader and a same-origin `config.json`.
fn console_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!DOCTYPE html><html><head><script type=\"module\">import('./app.js')</script></head><body></body></html>",
    )
    .unwrap();
    std::fs::write(dir.path().join("config.json"), "{}").unwrap();
    std::fs::write(dir.path().join("app.js"), "export {}").unwrap();
    dir
}

#[tokio::test]
async fn the_console_page_has_a_strict_policy() {
    let console = console_dir();
    let path = console.path().to_owned();
    let mut app = TestApp::start_with(crate::common::Db::Sqlite, |config| {
        config.console_dir = Some(path);
        config.public_url = Some("https://roster.example.com".into());
    })
    .await
    .unwrap();
    for page in ["/", "/directories/abc"] {
        let res = app.get(page).await;
        assert_eq!(res.status, StatusCode::OK, "{page}");
        let policy = res
            .header("content-security-policy")
            .unwrap_or_default()
            .to_owned();
        for directive in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-",
            "connect-src 'self';",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{directive} in {policy}");
        }
        assert!(
            !policy.contains("script-src 'self' 'unsafe-inline'"),
            "{policy}"
        );
        assert_eq!(res.header("x-frame-options"), Some("DENY"));
        assert_eq!(
            res.header("strict-transport-security"),
            Some("max-age=31536000")
        );
    }
    // Scripts are files, not pages: they carry no page policy.
    let res = app.get("/app.js").await;
    assert_eq!(res.header("content-security-policy"), None);
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));

    let console = console_dir();
    let path = console.path().to_owned();
    let mut framed = TestApp::start_with(crate::common::Db::Sqlite, |config| {
        config.console_dir = Some(path);
        config.frame_ancestors = vec!["https://portal.example.com".into()];
    })
    .await
    .unwrap();
    let res = framed.get("/").await;
    assert!(res
        .header("content-security-policy")
        .unwrap()
        .ends_with("frame-ancestors https://portal.example.com"));
    assert_eq!(res.header("x-frame-options"), None);
}
