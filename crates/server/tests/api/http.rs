//! Routing, probes and the JSON answers for unknown paths.
use axum::http::{Method, StatusCode};

use crate::backend_tests;

backend_tests! {
    async fn probes_answer(app) {
        let res = app.get("/healthz").await;
        assert_eq!(res.status, StatusCode::OK);
        let res = app.get("/readyz").await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.json()["status"], "ready");
    }

    async fn unknown_api_paths_are_json_404s(app) {
        let res = app.get("/api/v1/does-not-exist").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert_eq!(res.header("content-type"), Some("application/problem+json"));
        assert_eq!(res.json()["status"], 404);
    }

    async fn unknown_scim_paths_are_scim_404s(app) {
        let res = app.get("/scim/nowhere/Users").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert_eq!(res.header("content-type"), Some("application/scim+json"));
        let body = res.json();
        assert_eq!(body["status"], "404");
        assert_eq!(body["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error");
    }

    async fn wrong_methods_are_405_problems(app) {
        let res = app.request(Method::PUT, "/api/v1/session", None).await;
        assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(res.json()["status"], 405);
    }

    async fn responses_carry_a_request_id(app) {
        let res = app.get("/healthz").await;
        assert!(res.header("x-request-id").is_some());
    }
}

/// The console is the last fallback: files as they are, `index.html` for client routes,
/// and never for API paths.
#[tokio::test]
async fn console_fallback_serves_index_for_client_routes_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Roster</title>",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.js"), "console.log(1)").unwrap();
    let db = tempfile::tempdir().unwrap();
    let mut config = roster_server::config::Config::for_database(format!(
        "sqlite://{}/r.db",
        db.path().display()
    ));
    config.console_dir = Some(dir.path().to_owned());
    let store = roster_server::store::Store::connect(&config.database_url)
        .await
        .unwrap();
    let state = roster_server::AppState::new(store, config).await.unwrap();
    let app = roster_server::app(state);
    use tower::ServiceExt;
    let get = |path: &str| {
        axum::http::Request::builder()
            .uri(path)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let res = app
        .clone()
        .oneshot(get("/directories/abc?tab=users"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let res = app.clone().oneshot(get("/app.js")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let res = app.clone().oneshot(get("/api/v1/nothing")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

/// A console on another origin may call the admin API with its cookie only when that origin
/// is configured.
#[tokio::test]
async fn cors_allows_only_configured_origins_with_credentials() {
    let db = tempfile::tempdir().unwrap();
    let mut config = roster_server::config::Config::for_database(format!(
        "sqlite://{}/r.db",
        db.path().display()
    ));
    config.cors_origins = vec!["https://console.example.com".into()];
    let store = roster_server::store::Store::connect(&config.database_url)
        .await
        .unwrap();
    let app = roster_server::app(roster_server::AppState::new(store, config).await.unwrap());
    use tower::ServiceExt;
    let preflight = |origin: &str| {
        axum::http::Request::builder()
            .method("OPTIONS")
            .uri("/api/v1/session")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-csrf-token",
            )
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let res = app
        .clone()
        .oneshot(preflight("https://console.example.com"))
        .await
        .unwrap();
    let h = res.headers();
    assert_eq!(
        h["access-control-allow-origin"],
        "https://console.example.com"
    );
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert!(h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("x-csrf-token"));
    // A console on another origin can read a failed request's id, to name it to the operator.
    let res = app
        .clone()
        .oneshot(
            axum::http::Request::builder()
                .uri("/api/v1/session")
                .header("origin", "https://console.example.com")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(res.headers().contains_key("x-request-id"));
    let exposed = res.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("x-request-id"), "{exposed}");
    let res = app
        .clone()
        .oneshot(preflight("https://evil.example.com"))
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

/// The console's files go out compressed as the build made them and cached by whether their
/// name holds a hash; the API compresses large answers; a missing file is a 404, not the page.
#[tokio::test]
async fn answers_are_compressed_and_cached_as_browsers_need() {
    use http_body_util::BodyExt;
    use std::io::Read;
    use tower::ServiceExt;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("index.html"),
        r#"<!doctype html><title>Roster</title><base href="/" />"#,
    )
    .unwrap();
    std::fs::write(root.join("config.json"), "{}").unwrap();
    let wasm = "roster-console-0123456789abcdef_bg.wasm";
    std::fs::write(root.join(wasm), b"\0asm raw bytes").unwrap();
    std::fs::write(root.join(format!("{wasm}.br")), b"brotli bytes").unwrap();
    std::fs::write(root.join(format!("{wasm}.gz")), b"gzip bytes").unwrap();
    let db = tempfile::tempdir().unwrap();
    let mut config = roster_server::config::Config::for_database(format!(
        "sqlite://{}/r.db",
        db.path().display()
    ));
    config.console_dir = Some(root.to_owned());
    let store = roster_server::store::Store::connect(&config.database_url)
        .await
        .unwrap();
    let app = roster_server::app(roster_server::AppState::new(store, config).await.unwrap());
    let get = |path: &str, accept: Option<&str>| {
        let mut req = axum::http::Request::builder().uri(path);
        if let Some(accept) = accept {
            req = req.header("accept-encoding", accept);
        }
        let app = app.clone();
        let req = req.body(axum::body::Body::empty()).unwrap();
        async move {
            let res = app.oneshot(req).await.unwrap();
            let (parts, body) = res.into_parts();
            (parts, body.collect().await.unwrap().to_bytes())
        }
    };
    let header = |parts: &axum::http::response::Parts, name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };

    let path = format!("/{wasm}");
    let (parts, body) = get(&path, Some("gzip, deflate, br")).await;
    assert_eq!(parts.status, StatusCode::OK);
    assert_eq!(header(&parts, "content-encoding").as_deref(), Some("br"));
    assert_eq!(&body[..], b"brotli bytes");
    assert_eq!(
        header(&parts, "cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert!(header(&parts, "vary")
        .unwrap_or_default()
        .contains("accept-encoding"));
    let (parts, body) = get(&path, Some("gzip")).await;
    assert_eq!(header(&parts, "content-encoding").as_deref(), Some("gzip"));
    assert_eq!(&body[..], b"gzip bytes");
    let (parts, body) = get(&path, None).await;
    assert_eq!(header(&parts, "content-encoding"), None);
    assert_eq!(&body[..], b"\0asm raw bytes");

    // Pages and settings are revalidated on every visit, so a deployment shows at once.
    for page in ["/", "/index.html", "/config.json", "/directories/abc"] {
        let (parts, _) = get(page, Some("br")).await;
        assert_eq!(parts.status, StatusCode::OK, "{page}");
        assert_eq!(
            header(&parts, "cache-control").as_deref(),
            Some("no-cache"),
            "{page}"
        );
    }
    // A client route's page tells the loader where the console is, so it asks nowhere else.
    let (_, body) = get("/directories/abc", None).await;
    let page = String::from_utf8(body.to_vec()).unwrap();
    assert!(
        page.contains(r#"<base data-roster-root="/" href="/" />"#),
        "{page}"
    );
    // ... and a revisit that has it costs a 304.
    let tag = {
        let req = axum::http::Request::builder()
            .uri("/sites")
            .body(axum::body::Body::empty())
            .unwrap();
        app.clone().oneshot(req).await.unwrap().headers()["etag"].clone()
    };
    let req = axum::http::Request::builder()
        .uri("/directories/abc")
        .header("if-none-match", tag)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    // A config.json asked for in a client route's folder is not there, and says so.
    let (parts, _) = get("/directories/config.json", None).await;
    assert_eq!(parts.status, StatusCode::NOT_FOUND);
    assert_eq!(
        header(&parts, "content-type").as_deref(),
        Some("application/problem+json")
    );

    // A large API answer is compressed for a client that asks; a small one is not.
    let (parts, body) = get("/api/v1/openapi.json", Some("gzip")).await;
    assert_eq!(header(&parts, "content-encoding").as_deref(), Some("gzip"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_string(&mut text)
        .unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["info"]["title"], "Roster admin API");
    let (parts, _) = get("/api/v1/openapi.json", None).await;
    assert_eq!(header(&parts, "content-encoding"), None);
    let (parts, _) = get("/readyz", Some("gzip, br")).await;
    assert_eq!(header(&parts, "content-encoding"), None);
}
