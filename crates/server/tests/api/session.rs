//! Admin sign-in, session and CSRF behaviour.
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::backend_tests;
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD};

backend_tests! {
    async fn sign_in_returns_the_admin_and_a_csrf_token(app) {
        let body = app.sign_in().await;
        assert_eq!(body["admin"]["email"], ADMIN_EMAIL);
        assert_eq!(body["organization"]["name"], "My organization");
        assert!(body["csrfToken"].as_str().unwrap().len() >= 32);
        let me = app.get("/api/v1/session").await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.json()["admin"]["email"], ADMIN_EMAIL);
    }

    async fn email_is_case_insensitive(app) {
        let res = app
            .request(Method::POST, "/api/v1/session",
                Some(json!({"email": "  ADMIN@Example.COM ", "password": ADMIN_PASSWORD})))
            .await;
        assert_eq!(res.status, StatusCode::OK);
    }

    async fn the_session_cookie_is_http_only_and_strict(app) {
        let res = app
            .request(Method::POST, "/api/v1/session",
                Some(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})))
            .await;
        let cookie = res.header("set-cookie").unwrap();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
    }

    async fn wrong_password_is_a_401_problem(app) {
        let res = app
            .request(Method::POST, "/api/v1/session",
                Some(json!({"email": ADMIN_EMAIL, "password": "nope"})))
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.header("content-type"), Some("application/problem+json"));
        let p = res.json();
        assert_eq!(p["status"], 401);
        assert_eq!(p["detail"], "Email or password is incorrect.");
        assert!(res.header("set-cookie").is_none());
    }

    async fn unknown_email_answers_like_a_wrong_password(app) {
        let res = app
            .request(Method::POST, "/api/v1/session",
                Some(json!({"email": "nobody@example.com", "password": "x"})))
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.json()["detail"], "Email or password is incorrect.");
    }

    async fn repeated_failures_are_slowed_down(app) {
        let mut last = StatusCode::OK;
        for _ in 0..6 {
            last = app
                .request(Method::POST, "/api/v1/session",
                    Some(json!({"email": ADMIN_EMAIL, "password": "guess"})))
                .await
                .status;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
        // Even the right password waits out the delay.
        let res = app
            .request(Method::POST, "/api/v1/session",
                Some(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})))
            .await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
        assert!(retry >= 1);
        assert_eq!(res.json()["status"], 429);
    }

    async fn failures_from_one_address_do_not_lock_the_owner_out_elsewhere(app) {
        for _ in 0..8 {
            let res = sign_in_from(&mut app, "203.0.113.7:5000", "guess").await;
            assert!(res.status == StatusCode::UNAUTHORIZED || res.status == StatusCode::TOO_MANY_REQUESTS);
        }
        let res = sign_in_from(&mut app, "203.0.113.7:5001", ADMIN_PASSWORD).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "the guessing address waits");
        // The owner, from their own address, signs in at once.
        let res = sign_in_from(&mut app, "198.51.100.20:6000", ADMIN_PASSWORD).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        // A locked unknown email answers exactly like a locked admin's (no enumeration).
        for _ in 0..8 {
            sign_in_as_from(&mut app, "203.0.113.7:5000", "nobody@example.com", "guess").await;
        }
        let unknown = sign_in_as_from(&mut app, "203.0.113.7:5000", "nobody@example.com", "x").await;
        let known = sign_in_from(&mut app, "203.0.113.7:5000", "x").await;
        assert_eq!(unknown.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(known.status, StatusCode::TOO_MANY_REQUESTS);
        let detail = |res: &crate::common::TestResponse| {
            res.json()["detail"].as_str().unwrap().chars().filter(|c| !c.is_ascii_digit()).collect::<String>()
        };
        assert_eq!(detail(&unknown), detail(&known));
    }

    async fn one_address_guessing_many_emails_is_slowed_down(app) {
        let mut last = StatusCode::OK;
        for i in 0..60 {
            last = sign_in_as_from(&mut app, "192.0.2.9:4000", &format!("user{i}@example.com"), "guess").await.status;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
        let res = sign_in_from(&mut app, "192.0.2.10:4000", ADMIN_PASSWORD).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    }

    async fn no_cookie_means_401(app) {
        let res = app.get("/api/v1/session").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.json()["status"], 401);
    }

    async fn sign_out_needs_the_csrf_token(app) {
        app.sign_in().await;
        let token = app.csrf.take();
        let res = app.request(Method::DELETE, "/api/v1/session", None).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.json()["detail"].as_str().unwrap().contains("X-CSRF-Token"));
        app.csrf = Some("wrong".into());
        assert_eq!(app.request(Method::DELETE, "/api/v1/session", None).await.status, StatusCode::FORBIDDEN);
        app.csrf = token;
        let res = app.request(Method::DELETE, "/api/v1/session", None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert!(res.header("set-cookie").unwrap().contains("Max-Age=0"));
        assert_eq!(app.get("/api/v1/session").await.status, StatusCode::UNAUTHORIZED);
    }

    async fn a_signed_out_token_stays_dead(app) {
        app.sign_in().await;
        let res = app.request(Method::POST, "/api/v1/session",
            Some(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))).await;
        assert_eq!(res.status, StatusCode::OK);
        let old_cookie = res.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
        app.csrf = res.json()["csrfToken"].as_str().map(str::to_owned);
        app.request(Method::DELETE, "/api/v1/session", None).await;
        let req = axum::http::Request::builder()
            .uri("/api/v1/session")
            .header("cookie", old_cookie)
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(app.send(req).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn malformed_sign_in_bodies_are_problems_not_500s(app) {
        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/session")
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{not json"))
            .unwrap();
        let res = app.send(req).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(res.header("content-type"), Some("application/problem+json"));
        let res = app.request(Method::POST, "/api/v1/session", Some(json!({"email": 1}))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/session")
            .body(axum::body::Body::from("email=a"))
            .unwrap();
        assert_eq!(app.send(req).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
}

/// Signs in as the first admin from the client address `peer`.
async fn sign_in_from(
    app: &mut crate::common::TestApp,
    peer: &str,
    password: &str,
) -> crate::common::TestResponse {
    sign_in_as_from(app, peer, ADMIN_EMAIL, password).await
}

async fn sign_in_as_from(
    app: &mut crate::common::TestApp,
    peer: &str,
    email: &str,
    password: &str,
) -> crate::common::TestResponse {
    let peer: std::net::SocketAddr = peer.parse().unwrap();
    let mut req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"email": email, "password": password}).to_string(),
        ))
        .unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    app.send(req).await
}
