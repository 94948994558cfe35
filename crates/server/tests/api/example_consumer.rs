//! The integration guide's consumer (`examples/product-sync/consumer.py`) runs against a real
//! server: its view of who has access follows a grant, a new member and a deactivation.
use std::{process::Stdio, time::Duration};

use axum::http::{Method, StatusCode};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::access_journey::site_with;
use crate::common::{patch_op, Db, TestApp};

/// The next line the consumer prints, within 20 s.
async fn next_line(lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>) -> String {
    tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("the consumer printed nothing in 20 s")
        .unwrap()
        .expect("the consumer ended")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_consumer_follows_access() {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no python3");
        return;
    }
    let mut app = TestApp::start(Db::Sqlite).await.unwrap();
    app.sign_in().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let dir = app.directory("Okta").await;
    let (site, product) = site_with(&mut app, "Acme", "jira").await;
    let ann = app.create_user(&dir, "ann").await;
    let ben = app.create_user(&dir, "ben").await;
    let group = app.create_group(&dir, "Engineering", &[&ann]).await;
    let access = format!("/api/v1/sites/{site}/products/{product}/access");
    let res = app
        .request(Method::POST, &access, Some(json!({"groupId": group})))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let res = app
        .request(
            Method::POST,
            "/api/v1/service-tokens",
            Some(json!({"name": "Jira", "scopes": ["access:read", "events:read"]})),
        )
        .await;
    let token = res.json()["secret"].as_str().unwrap().to_owned();

    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/product-sync/consumer.py"
    );
    let mut child = tokio::process::Command::new("python3")
        .arg(script)
        .arg(&site)
        .arg(&product)
        .env("ROSTER_URL", format!("http://{addr}"))
        .env("ROSTER_TOKEN", &token)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(next_line(&mut lines).await, "1 users: ann (user)");

    let add = patch_op(json!([{"op": "add", "path": "members", "value": [{"value": ben}]}]));
    let res = app
        .scim(&dir, Method::PATCH, &format!("/Groups/{group}"), Some(add))
        .await;
    assert!(res.status.is_success(), "{}", res.text());
    assert_eq!(
        next_line(&mut lines).await,
        "2 users: ann (user), ben (user)"
    );

    let off = patch_op(json!([{"op": "replace", "path": "active", "value": false}]));
    let res = app
        .scim(&dir, Method::PATCH, &format!("/Users/{ann}"), Some(off))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(next_line(&mut lines).await, "1 users: ben (user)");
    child.kill().await.unwrap();
}
