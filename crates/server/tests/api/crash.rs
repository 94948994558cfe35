//! `kill -9` in the middle of an IdP's sync: after a restart the IdP retries, and a product
//! that follows the webhooks ends with exactly the view the API gives, having missed no event
//! of the feed (some may come twice: delivery is at least once).
use std::{
    collections::{BTreeMap, BTreeSet},
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{body::Bytes, extract::State, http::StatusCode, routing::post, Router};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

const EMAIL: &str = "crash@example.com";
const PASSWORD: &str = "a long enough password";
const USERS: usize = 600;

/// A Roster process on `port` over the SQLite file at `url`, once it listens.
async fn start(url: &str, port: u16) -> tokio::process::Child {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_roster"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            url,
        ])
        .args(["--webhook-allow-private", "--scim-rate-limit", "0"])
        .env("ROSTER_ADMIN_EMAIL", EMAIL)
        .env("ROSTER_ADMIN_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the server did not start")
            .unwrap()
            .expect("the server ended");
        if line.starts_with("Roster is listening") {
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}

/// The admin API with a signed-in session.
struct Admin {
    http: reqwest::Client,
    root: String,
    cookie: String,
    csrf: String,
}

impl Admin {
    async fn sign_in(root: &str) -> Admin {
        let http = reqwest::Client::new();
        let res = http
            .post(format!("{root}/api/v1/session"))
            .json(&json!({"email": EMAIL, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let csrf = res.json::<Value>().await.unwrap()["csrfToken"]
            .as_str()
            .unwrap()
            .to_owned();
        Admin {
            http,
            root: root.to_owned(),
            cookie,
            csrf,
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let res = self
            .http
            .post(format!("{}{path}", self.root))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        let res = self
            .http
            .get(format!("{}{path}", self.root))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.unwrap()
    }
}

/// The IdP's writes: each user found by filter or created, then added to the group. Stops
/// at the first failed request (the server went away). Returns how many it finished.
async fn sync(
    http: reqwest::Client,
    base: String,
    key: String,
    group: String,
    from: usize,
    step: usize,
) -> usize {
    let mut done = 0;
    for i in (from..USERS).step_by(step) {
        let name = format!("user{i}@example.com");
        let filter = format!("{base}/Users?filter=userName%20eq%20%22{name}%22");
        let Ok(found) = http.get(&filter).bearer_auth(&key).send().await else {
            return done;
        };
        let Ok(found) = found.json::<Value>().await else {
            return done;
        };
        let id = match found["Resources"][0]["id"].as_str() {
            Some(id) => id.to_owned(),
            None => {
                let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                  "userName": name, "active": true});
                let Ok(res) = http
                    .post(format!("{base}/Users"))
                    .bearer_auth(&key)
                    .json(&body)
                    .send()
                    .await
                else {
                    return done;
                };
                let Ok(created) = res.json::<Value>().await else {
                    return done;
                };
                created["id"].as_str().unwrap().to_owned()
            }
        };
        let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                           "Operations": [{"op": "add", "path": "members", "value": [{"value": id}]}]});
        let Ok(res) = http
            .patch(format!("{base}/Groups/{group}"))
            .bearer_auth(&key)
            .json(&patch)
            .send()
            .await
        else {
            return done;
        };
        if !res.status().is_success() {
            return done;
        }
        done += 1;
    }
    done
}

/// Every event id in the feed.
async fn feed_ids(admin: &Admin) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut cursor = "0-0".to_owned();
    loop {
        let page = admin
            .get(&format!("/api/v1/events?limit=1000&after={cursor}"))
            .await;
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            return ids;
        }
        for e in events {
            ids.insert(e["id"].as_str().unwrap().to_owned());
        }
        cursor = page["next"].as_str().unwrap().to_owned();
    }
}

/// What the product learns from its webhooks.
#[derive(Default)]
struct Product {
    seen: BTreeSet<String>,
    access: BTreeMap<String, String>,
}

async fn receive(State(product): State<Arc<Mutex<Product>>>, body: Bytes) -> StatusCode {
    let event: Value = serde_json::from_slice(&body).unwrap();
    let mut product = product.lock().unwrap();
    product
        .seen
        .insert(event["id"].as_str().unwrap().to_owned());
    let user = event["data"]["user"]["id"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    match event["type"].as_str().unwrap() {
        "access.granted" => {
            product
                .access
                .insert(user, event["data"]["role"].as_str().unwrap().to_owned());
        }
        "access.revoked" => {
            product.access.remove(&user);
        }
        _ => {}
    }
    StatusCode::NO_CONTENT
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_a_sync_loses_nothing_a_product_follows() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/roster.db", dir.path().display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let root = format!("http://127.0.0.1:{port}");
    let mut server = start(&url, port).await;

    let product = Arc::new(Mutex::new(Product::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(product.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let admin = Admin::sign_in(&root).await;
    let created = admin
        .post("/api/v1/directories", json!({"name": "Okta"}))
        .await;
    let base = created["directory"]["baseUrl"].as_str().unwrap().to_owned();
    let key = created["apiKey"].as_str().unwrap().to_owned();
    let site = admin
        .post(
            "/api/v1/sites",
            json!({"name": "Acme", "url": "https://acme.atlassian.net"}),
        )
        .await;
    let site = site["id"].as_str().unwrap().to_owned();
    let jira = admin
        .post(
            &format!("/api/v1/sites/{site}/products"),
            json!({"key": "jira"}),
        )
        .await;
    let jira = jira["id"].as_str().unwrap().to_owned();
    let before_hook = feed_ids(&admin).await;
    admin.post("/api/v1/webhooks", json!({"url": hook})).await;
    let http = reqwest::Client::new();
    let group: Value = http.post(format!("{base}/Groups")).bearer_auth(&key)
        .json(&json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Engineering"}))
        .send().await.unwrap().json().await.unwrap();
    let group = group["id"].as_str().unwrap().to_owned();
    admin
        .post(
            &format!("/api/v1/sites/{site}/products/{jira}/access"),
            json!({"groupId": group}),
        )
        .await;

    // Four IdP connections; the server dies under them.
    let writers: Vec<_> = (0..4)
        .map(|w| {
            tokio::spawn(sync(
                http.clone(),
                base.clone(),
                key.clone(),
                group.clone(),
                w,
                4,
            ))
        })
        .collect();
    // Killed once the product has heard of some of the sync, while writes and deliveries
    // are under way.
    for _ in 0..1000 {
        if product.lock().unwrap().seen.len() >= 150 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().await.unwrap();
    let mut before = 0;
    for w in writers {
        before += w.await.unwrap();
    }
    assert!(
        before < USERS,
        "the kill came after the sync ({before} users)"
    );

    // Restarted, the IdP sends everything again; the product catches up.
    let _server = start(&url, port).await;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            tokio::spawn(sync(
                http.clone(),
                base.clone(),
                key.clone(),
                group.clone(),
                w,
                4,
            ))
        })
        .collect();
    let mut after = 0;
    for w in writers {
        after += w.await.unwrap();
    }
    assert_eq!(after, USERS);

    let admin = Admin::sign_in(&root).await;
    let feed: BTreeSet<String> = feed_ids(&admin)
        .await
        .difference(&before_hook)
        .cloned()
        .collect();
    let expected: BTreeMap<String, String> = {
        let mut all = BTreeMap::new();
        let mut page_cursor: Option<String> = None;
        loop {
            let path = match &page_cursor {
                Some(c) => {
                    format!("/api/v1/sites/{site}/products/{jira}/users?limit=200&cursor={c}")
                }
                None => format!("/api/v1/sites/{site}/products/{jira}/users?limit=200"),
            };
            let page = admin.get(&path).await;
            for u in page["items"].as_array().unwrap() {
                all.insert(
                    u["id"].as_str().unwrap().to_owned(),
                    u["role"].as_str().unwrap().to_owned(),
                );
            }
            match page["nextCursor"].as_str() {
                Some(c) => page_cursor = Some(c.to_owned()),
                None => break all,
            }
        }
    };
    assert_eq!(expected.len(), USERS);
    // The dead process's lease on the endpoint expires (30 s) before the new one delivers.
    for _ in 0..1200 {
        {
            let product = product.lock().unwrap();
            if feed.is_subset(&product.seen) && product.access == expected {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let product = product.lock().unwrap();
    let missing: Vec<&String> = feed
        .iter()
        .filter(|id| !product.seen.contains(*id))
        .take(5)
        .collect();
    panic!(
        "the product missed {missing:?}…; it knows {} users of {}",
        product.access.len(),
        expected.len()
    );
}
