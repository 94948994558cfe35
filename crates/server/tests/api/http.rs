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
    let res = app
        .clone()
        .oneshot(preflight("https://evil.example.com"))
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}
