//! A product following Roster while an IdP runs its first sync, as a product really does:
//! one HTTP server on loopback receiving webhooks, and a reader of the change feed with an
//! API token. Roster is killed (`kill -9`) in the middle of the sync and restarted; the IdP
//! sends everything again. At the end both views of the product (the webhooks' and the
//! feed's) equal, user for user and role for role, what the API lists for each product; the
//! feed gave every event exactly once, in increasing cursors, and the webhooks delivered
//! every access event at least once. On SQLite with one process, and on PostgreSQL with two
//! replicas behind the IdP, one of them killed.
use std::{
    collections::{BTreeMap, BTreeSet},
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{body::Bytes, extract::State, http::StatusCode, routing::post, Router};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::common::{fresh_database, Db};

const EMAIL: &str = "simulator@example.com";
const PASSWORD: &str = "a long enough password";
/// The IdP's users.
const USERS: usize = 10_000;
/// Users per round of the IdP: created one by one, then added to their groups in one PATCH
/// per group (as Okta's group push does).
const CHUNK: usize = 100;
/// The IdP's groups and who is in each: user `i` is in every group whose divisor divides `i`.
const GROUPS: [(&str, usize); 4] = [
    ("Everyone", 2),
    ("Engineering", 3),
    ("Jira admins", 50),
    ("Contractors", 7),
];

/// A Roster process on `port`, once it listens.
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
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.root))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        if res.status() == StatusCode::NO_CONTENT {
            return Value::Null;
        }
        res.json().await.unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn grant(&self, site: &str, product: &str, group: &str, role: &str) {
        self.post(
            &format!("/api/v1/sites/{site}/products/{product}/access"),
            json!({"groupId": group, "role": role}),
        )
        .await;
    }

    /// Who has access to a product and with which role, page by page.
    async fn product_users(&self, site: &str, product: &str) -> BTreeMap<String, String> {
        let mut all = BTreeMap::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/api/v1/sites/{site}/products/{product}/users?limit=200");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page = self.get(&path).await;
            for u in page["items"].as_array().unwrap() {
                all.insert(
                    u["id"].as_str().unwrap().to_owned(),
                    u["role"].as_str().unwrap().to_owned(),
                );
            }
            match page["nextCursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => return all,
            }
        }
    }

    /// Every event id in the feed from the start, of the `types` filter's events (`""`: all).
    async fn feed_ids(&self, types: &str) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        let mut cursor = "0-0".to_owned();
        loop {
            let page = self
                .get(&format!(
                    "/api/v1/events?limit=1000&types={types}&after={cursor}"
                ))
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
}

/// Who has access to what, as a product keeps it: (product, user) → role.
#[derive(Default, Clone, PartialEq, Debug)]
struct Access(BTreeMap<(String, String), String>);

impl Access {
    fn apply(&mut self, event: &Value) {
        let product = event["data"]["productId"].as_str().unwrap_or("").to_owned();
        let user = event["data"]["user"]["id"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        match event["type"].as_str().unwrap() {
            "access.granted" => {
                let role = event["data"]["role"].as_str().unwrap().to_owned();
                self.0.insert((product, user), role);
            }
            "access.revoked" => {
                self.0.remove(&(product, user));
            }
            _ => {}
        }
    }

    fn of(&self, product: &str) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter(|((p, _), _)| p == product)
            .map(|((_, u), r)| (u.clone(), r.clone()))
            .collect()
    }
}

/// What the product learns from its webhooks.
#[derive(Default)]
struct Hooks {
    seen: BTreeSet<String>,
    access: Access,
}

async fn receive(State(hooks): State<Arc<Mutex<Hooks>>>, body: Bytes) -> StatusCode {
    let event: Value = serde_json::from_slice(&body).unwrap();
    let mut hooks = hooks.lock().unwrap();
    hooks.seen.insert(event["id"].as_str().unwrap().to_owned());
    hooks.access.apply(&event);
    StatusCode::NO_CONTENT
}

/// What the product learns from the feed, read with its API token by long polls that go
/// to whichever replica answers.
#[derive(Default)]
struct Feed {
    /// Each event id once; a second delivery of one is a failure of the feed.
    seen: BTreeSet<String>,
    repeated: Vec<String>,
    access: Access,
}

async fn follow(roots: Vec<String>, token: String, feed: Arc<Mutex<Feed>>) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let mut cursor = "0-0".to_owned();
    for turn in 0usize.. {
        let root = &roots[turn % roots.len()];
        let url = format!("{root}/api/v1/events?after={cursor}&limit=500&wait=2");
        let page = match http.get(&url).bearer_auth(&token).send().await {
            Ok(res) if res.status().is_success() => res.json::<Value>().await.ok(),
            // The replica is down or restarting: a product retries.
            _ => None,
        };
        let Some(page) = page else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let mut feed = feed.lock().unwrap();
        for event in page["events"].as_array().unwrap() {
            let id = event["id"].as_str().unwrap().to_owned();
            if !feed.seen.insert(id.clone()) {
                feed.repeated.push(id);
            }
            feed.access.apply(event);
        }
        cursor = page["next"].as_str().unwrap().to_owned();
    }
}

/// The IdP's writes to one replica: rounds of [`CHUNK`] users, each user found by filter or
/// created, then each group's new members in one PATCH. Stops at the first failed request
/// (the replica went away) and returns how many rounds it finished.
async fn sync(base: String, key: String, groups: Vec<String>, from: usize, step: usize) -> usize {
    let http = reqwest::Client::new();
    let mut done = 0;
    for round in (from..USERS / CHUNK).step_by(step) {
        let mut ids = Vec::new();
        for i in round * CHUNK..(round + 1) * CHUNK {
            match find_or_create(&http, &base, &key, i).await {
                Some(id) => ids.push((i, id)),
                None => return done,
            }
        }
        for (group, (_, divisor)) in groups.iter().zip(GROUPS) {
            let members: Vec<Value> = ids
                .iter()
                .filter(|(i, _)| i % divisor == 0)
                .map(|(_, id)| json!({"value": id}))
                .collect();
            let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                               "Operations": [{"op": "add", "path": "members", "value": members}]});
            let res = http
                .patch(format!("{base}/Groups/{group}"))
                .bearer_auth(&key)
                .json(&patch)
                .send()
                .await;
            if !res.is_ok_and(|r| r.status().is_success()) {
                return done;
            }
        }
        done += 1;
    }
    done
}

async fn find_or_create(http: &reqwest::Client, base: &str, key: &str, i: usize) -> Option<String> {
    let name = format!("user{i}@example.com");
    let filter = format!("{base}/Users?filter=userName%20eq%20%22{name}%22");
    let found: Value = http
        .get(&filter)
        .bearer_auth(key)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    if let Some(id) = found["Resources"][0]["id"].as_str() {
        return Some(id.to_owned());
    }
    let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                      "userName": name, "active": true});
    let res = http
        .post(format!("{base}/Users"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .ok()?;
    if res.status() != StatusCode::CREATED {
        return None;
    }
    Some(res.json::<Value>().await.ok()?["id"].as_str()?.to_owned())
}

/// The IdP's whole sync spread over its connections, each on one of `bases` in turn.
async fn sync_all(bases: &[String], key: &str, groups: &[String]) -> usize {
    const CONNECTIONS: usize = 4;
    let writers: Vec<_> = (0..CONNECTIONS)
        .map(|w| {
            tokio::spawn(sync(
                bases[w % bases.len()].clone(),
                key.to_owned(),
                groups.to_vec(),
                w,
                CONNECTIONS,
            ))
        })
        .collect();
    let mut rounds = 0;
    for w in writers {
        rounds += w.await.unwrap();
    }
    rounds
}

/// The scenario on `url` with `replicas` Roster processes; the first is killed mid-sync.
async fn follow_a_sync_through_a_kill(url: &str, replicas: usize) {
    let ports: Vec<u16> = (0..replicas).map(|_| free_port()).collect();
    let roots: Vec<String> = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    let mut servers = Vec::new();
    for port in &ports {
        servers.push(Some(start(url, *port).await));
    }

    // The product: a webhook endpoint, and a feed reader with its API token.
    let hooks = Arc::new(Mutex::new(Hooks::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(hooks.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // The admin's setup, through the last replica (the one that stays up).
    let admin = Admin::sign_in(roots.last().unwrap()).await;
    let created = admin
        .post("/api/v1/directories", json!({"name": "Okta"}))
        .await;
    let directory = created["directory"]["id"].as_str().unwrap().to_owned();
    let base_path = created["directory"]["baseUrl"].as_str().unwrap();
    let base_path = &base_path[base_path.find("/scim").unwrap()..];
    let bases: Vec<String> = roots.iter().map(|r| format!("{r}{base_path}")).collect();
    let key = created["apiKey"].as_str().unwrap().to_owned();
    let site = admin
        .post(
            "/api/v1/sites",
            json!({"name": "Acme", "url": "https://acme.atlassian.net"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut products = Vec::new();
    for product in ["jira", "confluence"] {
        let made = admin
            .post(
                &format!("/api/v1/sites/{site}/products"),
                json!({"key": product}),
            )
            .await;
        products.push(made["id"].as_str().unwrap().to_owned());
    }
    let (jira, confluence) = (products[0].clone(), products[1].clone());
    let token = admin
        .post(
            "/api/v1/service-tokens",
            json!({"name": "Product simulator", "scopes": ["events:read", "access:read"]}),
        )
        .await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    admin
        .post(
            "/api/v1/webhooks",
            json!({"url": hook_url, "eventTypes": ["access.*"], "description": "simulator"}),
        )
        .await;
    let feed = Arc::new(Mutex::new(Feed::default()));
    tokio::spawn(follow(roots.clone(), token, feed.clone()));

    // The IdP's groups, granted before any member arrives: access fans out as members do.
    let http = reqwest::Client::new();
    let mut groups = Vec::new();
    for (name, _) in GROUPS {
        let made: Value = http
            .post(format!("{}/Groups", bases[0]))
            .bearer_auth(&key)
            .json(
                &json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                          "displayName": name}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        groups.push(made["id"].as_str().unwrap().to_owned());
    }
    admin.grant(&site, &confluence, &groups[0], "user").await;
    admin.grant(&site, &jira, &groups[1], "user").await;
    admin.grant(&site, &jira, &groups[2], "admin").await;

    // Killed once the product has heard of part of the sync, writes and deliveries under way.
    let sync = {
        let (bases, key, groups) = (bases.clone(), key.clone(), groups.clone());
        tokio::spawn(async move { sync_all(&bases, &key, &groups).await })
    };
    for _ in 0..6000 {
        if hooks.lock().unwrap().seen.len() >= 1500 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    servers[0].as_mut().unwrap().kill().await.unwrap();
    servers[0] = None;
    let before = sync.await.unwrap();
    assert!(
        before < USERS / CHUNK,
        "the kill came after the sync ({before} rounds)"
    );

    // Restarted, the IdP sends everything again.
    servers[0] = Some(start(url, ports[0]).await);
    assert_eq!(sync_all(&bases, &key, &groups).await, USERS / CHUNK);

    // After the sync the admin changes access: contractors get Confluence, Jira admins are
    // no longer granted (those also in Engineering keep Jira as users); the IdP deactivates
    // and removes a few users.
    let admin = Admin::sign_in(&roots[0]).await;
    admin.grant(&site, &confluence, &groups[3], "user").await;
    admin
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/sites/{site}/products/{jira}/access/{}", groups[2]),
            None,
        )
        .await;
    for i in (0..USERS).step_by(997) {
        let id = find_or_create(&http, &bases[i % bases.len()], &key, i)
            .await
            .unwrap();
        let res = if i % 2 == 0 {
            let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                               "Operations": [{"op": "replace", "path": "active", "value": false}]});
            http.patch(format!("{}/Users/{id}", bases[0]))
                .bearer_auth(&key)
                .json(&patch)
                .send()
                .await
        } else {
            http.delete(format!("{}/Users/{id}", bases[0]))
                .bearer_auth(&key)
                .send()
                .await
        };
        assert!(res.unwrap().status().is_success());
    }

    // The truth, from the API; the directory holds every user once.
    let users = admin
        .get(&format!("/api/v1/directories/{directory}/users?limit=1"))
        .await;
    let deleted = (0..USERS).step_by(997).filter(|i| i % 2 == 1).count();
    assert_eq!(users["total"], (USERS - deleted) as u64, "{users}");
    let expected: Vec<(String, BTreeMap<String, String>)> = vec![
        (jira.clone(), admin.product_users(&site, &jira).await),
        (
            confluence.clone(),
            admin.product_users(&site, &confluence).await,
        ),
    ];
    assert!(expected.iter().all(|(_, users)| users.len() > 1000));
    assert!(expected[0].1.values().all(|role| role == "user"));
    let feed_ids = admin.feed_ids("").await;
    let access_ids = admin.feed_ids("access.*").await;

    // The webhooks catch up (a dead process's lease on the endpoint expires after 30 s) and
    // the feed reader reaches the end.
    let agrees = |access: &Access| {
        expected
            .iter()
            .all(|(product, users)| access.of(product) == *users)
    };
    for _ in 0..2400 {
        {
            let hooks = hooks.lock().unwrap();
            let feed = feed.lock().unwrap();
            if access_ids.is_subset(&hooks.seen)
                && agrees(&hooks.access)
                && feed.seen.is_superset(&feed_ids)
                && agrees(&feed.access)
            {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let hooks = hooks.lock().unwrap();
    let feed = feed.lock().unwrap();
    let missed: Vec<&String> = access_ids.difference(&hooks.seen).take(5).collect();
    assert!(missed.is_empty(), "the webhooks missed {missed:?}…");
    let missed: Vec<&String> = feed_ids.difference(&feed.seen).take(5).collect();
    assert!(missed.is_empty(), "the feed skipped {missed:?}…");
    assert!(
        feed.repeated.is_empty(),
        "the feed repeated {:?}",
        feed.repeated
    );
    for (product, users) in &expected {
        assert_eq!(
            hooks.access.of(product),
            *users,
            "webhooks' view of {product}"
        );
        assert_eq!(
            feed.access.of(product),
            *users,
            "the feed's view of {product}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_follows_a_sync_through_a_kill_on_sqlite() {
    let (url, _dir) = fresh_database(Db::Sqlite).await.unwrap();
    follow_a_sync_through_a_kill(&url, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_follows_a_sync_through_a_kill_on_two_postgres_replicas() {
    let Some((url, _)) = fresh_database(Db::Postgres).await else {
        eprintln!("skipped: ROSTER_TEST_DATABASE_URL is not set");
        return;
    };
    follow_a_sync_through_a_kill(&url, 2).await;
}
