//! Webhooks: a real receiver on loopback gets the feed's events in order, signed per the
//! Standard Webhooks spec (verified with the published `standardwebhooks` library), again
//! after failures, and with both secrets while a rotation overlaps.
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode},
    routing::post,
    Router,
};
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::{Db, TestApp};

/// What the receiver got, and how many requests it is still to refuse.
#[derive(Default)]
struct Inbox {
    received: Vec<(HeaderMap, String)>,
    refuse: usize,
}

/// A receiver on loopback; returns its URL and its inbox.
async fn receiver() -> (String, Arc<Mutex<Inbox>>) {
    let inbox = Arc::new(Mutex::new(Inbox::default()));
    async fn hook(
        State(inbox): State<Arc<Mutex<Inbox>>>,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        let mut inbox = inbox.lock().unwrap();
        inbox
            .received
            .push((headers, String::from_utf8(body.to_vec()).unwrap()));
        if inbox.refuse > 0 {
            inbox.refuse -= 1;
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
        StatusCode::NO_CONTENT
    }
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), inbox)
}

async fn start(db: Db) -> Option<TestApp> {
    let mut app = TestApp::start_with(db, |c| {
        c.webhook_allow_private = true;
        c.webhook_retry_unit = Duration::from_millis(50);
    })
    .await?;
    app.sign_in().await;
    Some(app)
}

/// Waits until the inbox holds `n` requests that were accepted (and the failures before).
async fn wait_for(inbox: &Arc<Mutex<Inbox>>, n: usize) -> Vec<(HeaderMap, String)> {
    for _ in 0..400 {
        {
            let inbox = inbox.lock().unwrap();
            if inbox.received.len() >= n {
                return inbox.received.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "the receiver got {} of {n}",
        inbox.lock().unwrap().received.len()
    );
}

fn verified(secret: &str, headers: &HeaderMap, body: &str) -> bool {
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(body.as_bytes(), headers)
        .is_ok()
}

async fn create(app: &mut TestApp, url: &str, types: Value) -> (String, String) {
    let res = app
        .request(
            Method::POST,
            "/api/v1/webhooks",
            Some(json!({"url": url, "eventTypes": types, "description": "Jira sync"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let body = res.json();
    (
        body["webhook"]["id"].as_str().unwrap().to_owned(),
        body["secret"].as_str().unwrap().to_owned(),
    )
}

async fn run_signed_in_order_and_again_after_failures(db: Db) {
    let Some(mut app) = start(db).await else {
        return;
    };
    let (url, inbox) = receiver().await;
    let dir = app.directory("Okta").await;
    let (id, secret) = create(&mut app, &url, json!(["user.*"])).await;
    assert!(secret.starts_with("whsec_"));
    inbox.lock().unwrap().refuse = 2;
    for name in ["ann", "ben", "cy"] {
        app.create_user(&dir, name).await;
    }
    app.create_group(&dir, "Not wanted", &[]).await;
    let got = wait_for(&inbox, 5).await;
    // The first event was refused twice, then each came once, in order.
    let names: Vec<String> = got
        .iter()
        .map(|(_, body)| {
            let event: Value = serde_json::from_str(body).unwrap();
            event["data"]["user"]["userName"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names, ["ann", "ann", "ann", "ben", "cy"]);
    for (headers, body) in &got {
        assert!(verified(&secret, headers, body), "signature");
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            headers["webhook-id"].to_str().unwrap(),
            event["id"].as_str().unwrap()
        );
        assert_eq!(event["type"], "user.created");
    }
    assert_eq!(
        got[0].0["webhook-id"], got[2].0["webhook-id"],
        "a retry keeps its id"
    );
    // A batch's attempts are logged with its cursor's move, just after the receiver answered.
    let mut log = Value::Null;
    for _ in 0..200 {
        log = app
            .get(&format!("/api/v1/webhooks/{id}/deliveries"))
            .await
            .json();
        if log.as_array().unwrap().len() >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let attempts: Vec<(u64, bool)> = log
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|d| {
            (
                d["attempt"].as_u64().unwrap(),
                d["succeeded"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        attempts,
        [(1, false), (2, false), (3, true), (1, true), (1, true)]
    );
    assert_eq!(log[0]["status"], 204);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        inbox.lock().unwrap().received.len(),
        5,
        "the group event was not wanted"
    );
    let hook = app.get(&format!("/api/v1/webhooks/{id}")).await.json();
    assert_eq!(hook["succeeded24h"], 3);
    assert_eq!(hook["failed24h"], 2);
    assert!(hook["failingSince"].is_null());
}

#[tokio::test]
async fn events_arrive_signed_in_order_and_again_after_failures() {
    run_signed_in_order_and_again_after_failures(Db::Sqlite).await;
    run_signed_in_order_and_again_after_failures(Db::Postgres).await;
}

#[tokio::test]
async fn rotation_test_events_and_redelivery() {
    let Some(mut app) = start(Db::Sqlite).await else {
        return;
    };
    let (url, inbox) = receiver().await;
    let dir = app.directory("Okta").await;
    let (id, old) = create(&mut app, &url, json!([])).await;
    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/webhooks/{id}/secret"),
            Some(json!({"overlapSeconds": 3600})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let new = res.json()["secret"].as_str().unwrap().to_owned();
    assert!(res.json()["webhook"]["previousSecretValidUntil"].is_string());
    let res = app
        .request(Method::POST, &format!("/api/v1/webhooks/{id}/test"), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["succeeded"], true);
    assert_eq!(res.json()["status"], 204);
    let got = wait_for(&inbox, 1).await;
    let (headers, body) = &got[0];
    assert!(
        verified(&old, headers, body) && verified(&new, headers, body),
        "both sign"
    );
    assert_eq!(
        headers["webhook-signature"]
            .to_str()
            .unwrap()
            .split(' ')
            .count(),
        2
    );
    assert!(body.contains("webhook.test"));

    app.create_user(&dir, "ann").await;
    let got = wait_for(&inbox, 2).await;
    let event: Value = serde_json::from_str(&got[1].1).unwrap();
    let event_id = event["id"].as_str().unwrap().to_owned();
    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/webhooks/{id}/redeliver"),
            Some(json!({"eventId": event_id})),
        )
        .await;
    assert_eq!(res.json()["succeeded"], true, "{}", res.text());
    let got = wait_for(&inbox, 3).await;
    assert_eq!(got[2].1, got[1].1, "the same event, byte for byte");
    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/webhooks/{id}/redeliver"),
            Some(json!({"since": "2000-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    // Everything the feed keeps: directory.created (before the endpoint existed) and ann.
    let got = wait_for(&inbox, 5).await;
    let types: Vec<String> = got[3..]
        .iter()
        .map(|(_, b)| {
            serde_json::from_str::<Value>(b).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(types, ["directory.created", "user.created"]);

    // Pausing stops deliveries; resuming sends what came meanwhile.
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/webhooks/{id}"),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(res.json()["enabled"], false);
    app.create_user(&dir, "ben").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(inbox.lock().unwrap().received.len(), 5);
    app.request(
        Method::PATCH,
        &format!("/api/v1/webhooks/{id}"),
        Some(json!({"enabled": true})),
    )
    .await;
    let got = wait_for(&inbox, 6).await;
    assert!(got[5].1.contains("\"ben\""));
    let audit = app.get("/api/v1/audit?action=webhook.*").await.json();
    assert!(audit["items"].as_array().unwrap().len() >= 5);
    let res = app
        .request(Method::DELETE, &format!("/api/v1/webhooks/{id}"), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
}

backend_tests! {
    async fn endpoints_are_checked(app) {
        app.sign_in().await;
        for (body, field) in [
            (json!({"url": "http://hooks.example.com/x"}), "url"),
            (json!({"url": "https://127.0.0.1/x"}), "url"),
            (json!({"url": "https://localhost/x"}), "url"),
            (json!({"url": "https://10.0.0.8/x"}), "url"),
            (json!({"url": "nonsense"}), "url"),
            (json!({"url": "https://hooks.example.com/x", "eventTypes": ["user.exploded"]}), "eventTypes"),
        ] {
            let res = app.request(Method::POST, "/api/v1/webhooks", Some(body)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text());
            assert!(res.text().contains(field), "{}", res.text());
        }
        let res = app.request(Method::POST, "/api/v1/webhooks",
                              Some(json!({"url": "https://hooks.example.com/roster"}))).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let id = res.json()["webhook"]["id"].as_str().unwrap().to_owned();
        let list = app.get("/api/v1/webhooks").await;
        assert!(!list.text().contains("whsec_"), "the secret is shown once");
        for (body, field) in [
            (json!({"overlapSeconds": 700000}), "overlapSeconds"),
        ] {
            let res = app.request(Method::POST, &format!("/api/v1/webhooks/{id}/secret"), Some(body)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", field);
        }
        let res = app.request(Method::POST, &format!("/api/v1/webhooks/{id}/redeliver"), Some(json!({}))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        let res = app.request(Method::POST, &format!("/api/v1/webhooks/{id}/redeliver"), Some(json!({"eventId": "evt_999999"}))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = app.get("/api/v1/webhooks/nope").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    }
}
