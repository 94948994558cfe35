//! API tokens: machine credentials for the admin API. A token opens exactly what its scopes
//! cover, without CSRF; it is shown once, stored as a hash, audited as the actor of what it
//! changes, and opens nothing once revoked. SCIM keys and tokens never stand in for each other.
use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::{TestApp, TestResponse};

/// Creates a token through the admin's session; returns (id, secret).
async fn issue(app: &mut TestApp, scopes: &[&str]) -> (String, String) {
    let res = app
        .request(
            Method::POST,
            "/api/v1/service-tokens",
            Some(json!({"name": "Jira provisioning", "scopes": scopes})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let body = res.json();
    (
        body["token"]["id"].as_str().unwrap().to_owned(),
        body["secret"].as_str().unwrap().to_owned(),
    )
}

/// A request with only `Authorization: Bearer <secret>` (no cookie, no CSRF).
async fn with_bearer(
    app: &mut TestApp,
    secret: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {secret}"));
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    app.send(req).await
}

/// One route of every admin handler family with the scope it needs.
const MATRIX: &[(&str, &str, &str)] = &[
    ("GET", "/api/v1/directories", "directories:read"),
    ("GET", "/api/v1/directories/nope", "directories:read"),
    ("GET", "/api/v1/directories/nope/users", "directories:read"),
    ("GET", "/api/v1/directories/nope/events", "directories:read"),
    ("POST", "/api/v1/directories", "admin"),
    ("DELETE", "/api/v1/directories/nope", "admin"),
    ("POST", "/api/v1/directories/nope/api-key", "admin"),
    ("GET", "/api/v1/sites", "access:read"),
    ("GET", "/api/v1/product-types", "access:read"),
    ("POST", "/api/v1/sites", "access:write"),
    ("DELETE", "/api/v1/sites/nope", "access:write"),
    ("GET", "/api/v1/groups", "access:read"),
    ("POST", "/api/v1/groups", "access:write"),
    ("GET", "/api/v1/users", "access:read"),
    (
        "POST",
        "/api/v1/sites/nope/products/nope/access",
        "access:write",
    ),
    (
        "GET",
        "/api/v1/sites/nope/products/nope/users",
        "access:read",
    ),
    ("GET", "/api/v1/domains", "access:read"),
    ("POST", "/api/v1/domains", "admin"),
    ("GET", "/api/v1/audit", "admin"),
    ("GET", "/api/v1/service-tokens", "admin"),
    ("GET", "/api/v1/events", "events:read"),
    ("GET", "/api/v1/webhooks", "webhooks:manage"),
    ("POST", "/api/v1/webhooks", "webhooks:manage"),
    ("POST", "/api/v1/webhooks/nope/test", "webhooks:manage"),
    ("POST", "/api/v1/service-tokens", "admin"),
];

backend_tests! {
    async fn a_token_is_shown_once_and_opens_what_its_scopes_cover(app) {
        app.sign_in().await;
        let res = app
            .request(
                Method::POST,
                "/api/v1/service-tokens",
                Some(json!({"name": "Portal", "scopes": ["directories:read", "events:read"],
                            "expiresInDays": 30})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        assert!(res.header("location").unwrap().starts_with("/api/v1/service-tokens/"));
        let body = res.json();
        let secret = body["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("roster_svc_"));
        assert!(secret.starts_with(body["token"]["prefix"].as_str().unwrap()));
        assert_eq!(body["token"]["scopes"], json!(["directories:read", "events:read"]));
        assert_eq!(body["token"]["createdBy"], "admin@example.com");

        // Listed without the secret, and stored only as its hash.
        let list = app.get("/api/v1/service-tokens").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(!list.text().contains(&secret));
        assert_eq!(list.json().as_array().unwrap().len(), 1);
        assert!(list.json()[0]["lastUsedAt"].is_null());

        let res = with_bearer(&mut app, &secret, Method::GET, "/api/v1/directories", None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let list = app.get("/api/v1/service-tokens").await;
        assert!(list.json()[0]["lastUsedAt"].is_string(), "last use recorded");

        // A scope it lacks: 403 naming the scope.
        let res = with_bearer(&mut app, &secret, Method::GET, "/api/v1/sites", None).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.json()["detail"].as_str().unwrap().contains("`access:read`"));
        // The session routes are the browser's, not a token's.
        let res = with_bearer(&mut app, &secret, Method::GET, "/api/v1/session", None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }

    async fn every_admin_route_checks_its_scope(app) {
        app.sign_in().await;
        let scopes = ["directories:read", "access:read", "access:write", "events:read",
                      "webhooks:manage", "admin"];
        let mut tokens = Vec::new();
        for scope in scopes {
            tokens.push((scope, issue(&mut app, &[scope]).await.1));
        }
        for (method, path, needed) in MATRIX {
            for (scope, secret) in &tokens {
                let method: Method = method.parse().unwrap();
                let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
                let res = with_bearer(&mut app, secret, method.clone(), path, body).await;
                let allowed = scope == needed || *scope == "admin";
                if allowed {
                    assert_ne!(res.status, StatusCode::FORBIDDEN,
                               "{method} {path} with {scope}: {}", res.text());
                    assert_ne!(res.status, StatusCode::UNAUTHORIZED, "{method} {path}");
                } else {
                    assert_eq!(res.status, StatusCode::FORBIDDEN, "{method} {path} with {scope}");
                    let detail = res.json()["detail"].as_str().unwrap().to_owned();
                    assert!(detail.contains(&format!("`{needed}`")), "{detail}");
                }
            }
        }
    }

    async fn a_token_changes_things_as_itself_without_csrf(app) {
        app.sign_in().await;
        let (token_id, secret) = issue(&mut app, &["admin"]).await;
        let res = with_bearer(&mut app, &secret, Method::POST, "/api/v1/directories",
                              Some(json!({"name": "Okta"}))).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let audit = app.get("/api/v1/audit?action=directory.created").await;
        let entry = &audit.json()["items"][0];
        assert_eq!(entry["actor"]["type"], "token");
        assert_eq!(entry["actor"]["id"], token_id.as_str());
        assert_eq!(entry["actor"]["label"], "API token: Jira provisioning");
        // Creating and revoking tokens is audited too.
        let audit = app.get("/api/v1/audit?action=service_token.created").await;
        assert_eq!(audit.json()["items"][0]["actor"]["label"], "admin@example.com");
    }

    async fn a_revoked_or_unknown_token_opens_nothing(app) {
        app.sign_in().await;
        let (id, secret) = issue(&mut app, &["admin"]).await;
        let res = app.request(Method::DELETE, &format!("/api/v1/service-tokens/{id}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        let res = with_bearer(&mut app, &secret, Method::GET, "/api/v1/directories", None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.header("content-type"), Some("application/problem+json"));
        let list = app.get("/api/v1/service-tokens").await;
        assert!(list.json()[0]["revokedAt"].is_string());
        let audit = app.get("/api/v1/audit?action=service_token.revoked").await;
        assert_eq!(audit.json()["items"].as_array().unwrap().len(), 1);
        // Revoking again changes nothing; an unknown id is a 404.
        let res = app.request(Method::DELETE, &format!("/api/v1/service-tokens/{id}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        let res = app.request(Method::DELETE, "/api/v1/service-tokens/nope", None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = with_bearer(&mut app, "roster_svc_not-a-real-token", Method::GET,
                              "/api/v1/directories", None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }

    async fn scim_keys_and_tokens_never_stand_in_for_each_other(app) {
        app.sign_in().await;
        let target = app.directory("Okta").await;
        let (_, secret) = issue(&mut app, &["admin"]).await;
        let res = with_bearer(&mut app, &target.key, Method::GET, "/api/v1/directories", None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(res.json()["detail"].as_str().unwrap().contains("SCIM key"));
        let path = format!("/scim/directory/{}/Users", target.directory_id);
        let res = with_bearer(&mut app, &secret, Method::GET, &path, None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }

    async fn token_requests_are_checked(app) {
        app.sign_in().await;
        for (body, field) in [
            (json!({"name": " ", "scopes": ["admin"]}), "name"),
            (json!({"name": "x", "scopes": []}), "scopes"),
            (json!({"name": "x", "scopes": ["admin"], "expiresInDays": 0}), "expiresInDays"),
            (json!({"name": "x", "scopes": ["admin"], "expiresInDays": 366}), "expiresInDays"),
        ] {
            let res = app.request(Method::POST, "/api/v1/service-tokens", Some(body)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text());
            assert!(res.text().contains(field), "{}", res.text());
        }
        let res = app.request(Method::POST, "/api/v1/service-tokens",
                              Some(json!({"name": "x", "scopes": ["users:write"]}))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text());
        // A token without the admin scope cannot mint one.
        let (_, secret) = issue(&mut app, &["access:write"]).await;
        let res = with_bearer(&mut app, &secret, Method::POST, "/api/v1/service-tokens",
                              Some(json!({"name": "wider", "scopes": ["admin"]}))).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
}
