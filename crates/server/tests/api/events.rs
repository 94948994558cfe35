//! The change feed: every change is an event, in an order a reader can follow without ever
//! skipping one, and a product that replays the access events knows exactly who has access.
use std::collections::{BTreeMap, BTreeSet};

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::access_journey::site_with;
use crate::backend_tests;
use crate::common::{patch_op, Db, TestApp};

/// Waits until every committed event is servable. On PostgreSQL the feed holds back events
/// behind any transaction still open on the server, other tests' included.
async fn settle(app: &TestApp) {
    let pool = sqlx::AnyPool::connect(&app.state.config.database_url)
        .await
        .unwrap();
    for _ in 0..500 {
        let newest: Option<(i64, i64)> =
            sqlx::query_as("SELECT txid, seq FROM events ORDER BY txid DESC, seq DESC LIMIT 1")
                .fetch_optional(&pool)
                .await
                .unwrap();
        let head = app.state.store.feed_head().await.unwrap();
        if newest.is_none_or(|(txid, seq)| (txid, seq) <= (head.txid, head.seq)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the feed never caught up");
}

/// Reads the feed from `after` to its end, once every committed event is servable; returns
/// the events and the last cursor.
async fn read_all(app: &mut TestApp, after: Option<&str>) -> (Vec<Value>, String) {
    settle(app).await;
    read_now(app, after).await
}

/// Reads from `after` until `n` events came (other tests' open transactions may hold them
/// back a moment on PostgreSQL).
async fn read_until(app: &mut TestApp, after: &str, n: usize) -> (Vec<Value>, String) {
    for _ in 0..250 {
        let read = read_now(app, Some(after)).await;
        if read.0.len() >= n {
            return read;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("fewer than {n} events came");
}

/// Reads what the feed serves now from `after`.
async fn read_now(app: &mut TestApp, after: Option<&str>) -> (Vec<Value>, String) {
    let mut events = Vec::new();
    let mut cursor = after.map(str::to_owned);
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/events?limit=7&after={c}"),
            None => "/api/v1/events?limit=7".to_owned(),
        };
        let res = app.get(&path).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let page = res.json();
        let batch = page["events"].as_array().unwrap().clone();
        let next = page["next"].as_str().unwrap().to_owned();
        let done = batch.is_empty();
        events.extend(batch);
        cursor = Some(next);
        if done {
            return (events, cursor.unwrap());
        }
    }
}

fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

/// What a product learns from the feed: per product, each user with access and their role.
#[derive(Default, Debug, PartialEq)]
struct ProductView(BTreeMap<String, BTreeMap<String, String>>);

impl ProductView {
    fn apply(&mut self, event: &Value) {
        let data = &event["data"];
        let (Some(product), Some(user)) = (data["productId"].as_str(), data["user"]["id"].as_str())
        else {
            return;
        };
        let users = self.0.entry(product.to_owned()).or_default();
        match event["type"].as_str().unwrap() {
            "access.granted" => {
                users.insert(user.to_owned(), data["role"].as_str().unwrap().to_owned());
            }
            "access.revoked" => {
                users.remove(user);
            }
            _ => {}
        }
    }

    fn users(&self, product: &str) -> BTreeMap<String, String> {
        self.0.get(product).cloned().unwrap_or_default()
    }
}

/// Who the admin API says has access to a product, with roles.
async fn api_users(app: &mut TestApp, site: &str, product: &str) -> BTreeMap<String, String> {
    let res = app
        .get(&format!(
            "/api/v1/sites/{site}/products/{product}/users?limit=200"
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["id"].as_str().unwrap().to_owned(),
                u["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn set_active(app: &mut TestApp, dir: &crate::common::ScimTarget, id: &str, active: bool) {
    let body = patch_op(json!([{"op": "replace", "path": "active", "value": active}]));
    let res = app
        .scim(dir, Method::PATCH, &format!("/Users/{id}"), Some(body))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
}

async fn members(
    app: &mut TestApp,
    dir: &crate::common::ScimTarget,
    group: &str,
    op: &str,
    ids: &[&str],
) {
    let value: Vec<Value> = ids.iter().map(|id| json!({"value": id})).collect();
    let body = patch_op(json!([{"op": op, "path": "members", "value": value}]));
    let res = app
        .scim(dir, Method::PATCH, &format!("/Groups/{group}"), Some(body))
        .await;
    assert!(res.status.is_success(), "{}", res.text());
}

async fn grant(app: &mut TestApp, site: &str, product: &str, group: &str, role: &str) {
    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/sites/{site}/products/{product}/access"),
            Some(json!({"groupId": group, "role": role})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
}

backend_tests! {
    async fn the_feed_tells_a_product_exactly_who_has_access(app) {
        app.sign_in().await;
        let dir = app.directory("Okta").await;
        let (site, jira) = site_with(&mut app, "Acme", "jira").await;
        let (_, after_setup) = read_all(&mut app, None).await;

        let alice = app.create_user(&dir, "alice").await;
        let bob = app.create_user(&dir, "bob").await;
        let carol = app.create_user(&dir, "carol").await;
        let eng = app.create_group(&dir, "Engineering", &[&alice, &bob]).await;
        let ops = app.create_group(&dir, "Ops", &[&bob]).await;
        let (events, cursor) = read_all(&mut app, Some(&after_setup)).await;
        assert_eq!(types(&events), [
            "user.created", "user.created", "user.created",
            "group.created", "group.member_added", "group.member_added",
            "group.created", "group.member_added",
        ]);
        let created = &events[0];
        assert_eq!(created["actor"]["type"], "scim");
        assert_eq!(created["actor"]["label"], "SCIM: Okta");
        assert_eq!(created["directoryId"], dir.directory_id.as_str());
        assert_eq!(created["data"]["user"]["userName"], "alice");
        assert_eq!(created["data"]["user"]["active"], true);
        assert!(created["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(events[4]["data"]["group"]["displayName"], "Engineering");

        // Granting Engineering: one event per member, none for anyone else.
        grant(&mut app, &site, &jira, &eng, "user").await;
        let (events, cursor) = read_all(&mut app, Some(&cursor)).await;
        assert_eq!(types(&events), ["access.granted", "access.granted"]);
        assert_eq!(events[0]["actor"]["type"], "admin");
        assert_eq!(events[0]["data"]["group"]["id"], eng.as_str());
        assert_eq!(events[0]["data"]["role"], "user");
        let mut view = ProductView::default();
        for e in &events { view.apply(e); }
        assert_eq!(view.users(&jira), api_users(&mut app, &site, &jira).await);

        // A grant to members who all have access already changes nothing.
        let also = app.create_group(&dir, "Also", &[&alice]).await;
        grant(&mut app, &site, &jira, &also, "user").await;
        let (events, cursor) = read_all(&mut app, Some(&cursor)).await;
        assert_eq!(types(&events), ["group.created", "group.member_added"]);
        // Ops too, as admins: bob's highest role changes, alice's does not.
        grant(&mut app, &site, &jira, &ops, "admin").await;
        // Bob keeps access through Ops when he leaves Engineering: no revoke.
        members(&mut app, &dir, &eng, "remove", &[&bob]).await;
        members(&mut app, &dir, &eng, "add", &[&carol]).await;
        set_active(&mut app, &dir, &alice, false).await;
        set_active(&mut app, &dir, &alice, true).await;
        let (events, cursor) = read_all(&mut app, Some(&cursor)).await;
        assert_eq!(types(&events), [
            "access.granted",
            "group.member_removed",
            "group.member_added", "access.granted",
            "user.deactivated", "access.revoked",
            "user.reactivated", "access.granted",
        ]);
        assert_eq!(events[0]["data"]["user"]["id"], bob.as_str());
        assert_eq!(events[0]["data"]["role"], "admin");
        for e in &events { view.apply(e); }
        assert_eq!(view.users(&jira), api_users(&mut app, &site, &jira).await);
        assert_eq!(view.users(&jira).len(), 3);

        // Ops becomes a user grant: bob's role goes down; then Ops' grant goes, bob loses Jira.
        grant(&mut app, &site, &jira, &ops, "user").await;
        let res = app.request(Method::DELETE, &format!("/api/v1/sites/{site}/products/{jira}/access/{ops}"), None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        // Deleting Engineering over SCIM takes carol's; alice keeps Jira through Also.
        let res = app.scim(&dir, Method::DELETE, &format!("/Groups/{eng}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        let (events, cursor) = read_all(&mut app, Some(&cursor)).await;
        assert_eq!(types(&events), [
            "access.granted", "access.revoked", "group.deleted", "access.revoked",
        ]);
        assert_eq!(events[0]["data"]["role"], "user");
        assert_eq!(events[3]["data"]["user"]["id"], carol.as_str());
        for e in &events { view.apply(e); }
        assert_eq!(view.users(&jira), api_users(&mut app, &site, &jira).await);
        assert_eq!(view.users(&jira).len(), 1);

        // Bob joins Also, which then grants admin: both members' role rises; alice leaves.
        members(&mut app, &dir, &also, "add", &[&bob]).await;
        grant(&mut app, &site, &jira, &also, "admin").await;
        members(&mut app, &dir, &also, "remove", &[&alice]).await;
        let (events, cursor) = read_all(&mut app, Some(&cursor)).await;
        assert_eq!(types(&events), [
            "group.member_added", "access.granted", "access.granted", "access.granted",
            "group.member_removed", "access.revoked",
        ]);
        assert_eq!(events[2]["data"]["role"], "admin");
        for e in &events { view.apply(e); }
        assert_eq!(view.users(&jira), api_users(&mut app, &site, &jira).await);
        assert_eq!(view.users(&jira).get(&bob).map(String::as_str), Some("admin"));

        // A deleted user's event carries their last state.
        let res = app.scim(&dir, Method::DELETE, &format!("/Users/{carol}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        let (events, cursor) = read_all(&mut app, Some(&cursor)).await;
        assert_eq!(types(&events), ["user.deleted"]);
        assert_eq!(events[0]["data"]["user"]["userName"], "carol");

        // Jira leaves the site: bob's revocation still names what he lost, and where.
        let res = app.request(Method::DELETE, &format!("/api/v1/sites/{site}/products/{jira}"), None).await;
        assert!(res.status.is_success(), "{}", res.text());
        let (events, _) = read_all(&mut app, Some(&cursor)).await;
        let revoked = events.iter().find(|e| e["type"] == "access.revoked").expect("a revocation");
        assert_eq!(revoked["data"]["user"]["id"], bob.as_str());
        assert_eq!(revoked["data"]["product"], json!({"id": jira, "siteId": site, "key": "jira", "name": "Jira"}));
        assert_eq!(revoked["data"]["site"], json!({"id": site, "name": "Acme"}));
    }

    async fn admin_changes_are_events_too(app) {
        app.sign_in().await;
        let res = app.request(Method::POST, "/api/v1/directories", Some(json!({"name": "Entra"}))).await;
        let dir = res.json()["directory"]["id"].as_str().unwrap().to_owned();
        app.request(Method::PATCH, &format!("/api/v1/directories/{dir}"), Some(json!({"name": "Entra ID"}))).await;
        let res = app.request(Method::POST, &format!("/api/v1/directories/{dir}/api-key"), None).await;
        let key = res.json()["apiKey"].as_str().unwrap().to_owned();
        let (site, product) = site_with(&mut app, "Acme", "confluence").await;
        app.request(Method::DELETE, &format!("/api/v1/sites/{site}/products/{product}"), None).await;
        app.request(Method::DELETE, &format!("/api/v1/sites/{site}"), None).await;
        let res = app.request(Method::POST, "/api/v1/groups", Some(json!({"name": "Contractors"}))).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        app.request(Method::DELETE, &format!("/api/v1/directories/{dir}"), None).await;
        let (events, _) = read_all(&mut app, None).await;
        assert_eq!(types(&events), [
            "directory.created", "directory.updated", "api_key.rotated",
            "site.created", "product.added", "product.removed", "site.deleted",
            "group.created", "directory.deleted",
        ]);
        assert_eq!(events[1]["data"]["directory"]["name"], "Entra ID");
        let rotated = events[2].to_string();
        assert!(!rotated.contains(&key), "a key never travels in an event");
        assert_eq!(events[0]["actor"]["label"], "admin@example.com");
    }

    async fn cursors_filters_and_limits(app) {
        app.sign_in().await;
        let dir = app.directory("Okta").await;
        let a = app.create_user(&dir, "a").await;
        app.create_user(&dir, "b").await;
        app.create_group(&dir, "G", &[&a]).await;
        // Other tests' open transactions on the same PostgreSQL may hold these back a moment.
        settle(&app).await;
        let res = app.get("/api/v1/events?types=group.*").await;
        assert_eq!(types(res.json()["events"].as_array().unwrap()), ["group.created", "group.member_added"]);
        let res = app.get("/api/v1/events?types=user.created&limit=1").await;
        let page = res.json();
        assert_eq!(page["events"].as_array().unwrap().len(), 1);
        let next = page["next"].as_str().unwrap().to_owned();
        let res = app.get(&format!("/api/v1/events?types=user.created&after={next}")).await;
        assert_eq!(res.json()["events"][0]["data"]["user"]["userName"], "b");
        // Past every match, the cursor moves to the end: nothing is scanned twice.
        let end = res.json()["next"].as_str().unwrap().to_owned();
        let res = app.get(&format!("/api/v1/events?types=user.deleted&after={end}")).await;
        assert_eq!(res.json()["events"].as_array().unwrap().len(), 0);
        assert_eq!(res.json()["next"], end.as_str());
        for (query, status) in [
            ("after=banana", StatusCode::BAD_REQUEST),
            ("after=-1-2", StatusCode::BAD_REQUEST),
            ("types=user.exploded", StatusCode::UNPROCESSABLE_ENTITY),
            ("types=nothing.*", StatusCode::UNPROCESSABLE_ENTITY),
            ("limit=0", StatusCode::UNPROCESSABLE_ENTITY),
            ("limit=1001", StatusCode::UNPROCESSABLE_ENTITY),
            ("wait=31", StatusCode::UNPROCESSABLE_ENTITY),
            ("wait=x", StatusCode::BAD_REQUEST),
        ] {
            let res = app.get(&format!("/api/v1/events?{query}")).await;
            assert_eq!(res.status, status, "{query}: {}", res.text());
            assert_eq!(res.header("content-type"), Some("application/problem+json"));
        }
    }

    async fn a_long_poll_answers_when_an_event_arrives(app) {
        app.sign_in().await;
        let dir = app.directory("Okta").await;
        let (_, end) = read_all(&mut app, None).await;
        let router = app.router.clone();
        let key = dir.key.clone();
        let uri = format!("/scim/directory/{}/Users", dir.directory_id);
        let writer = tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            use tower::ServiceExt;
            let req = axum::http::Request::post(uri)
                .header("authorization", format!("Bearer {key}"))
                .header("content-type", "application/scim+json")
                .body(axum::body::Body::from(json!({"userName": "late"}).to_string()))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        });
        let started = std::time::Instant::now();
        let res = app.get(&format!("/api/v1/events?after={end}&wait=10")).await;
        assert_eq!(writer.await.unwrap(), StatusCode::CREATED);
        assert_eq!(types(res.json()["events"].as_array().unwrap()), ["user.created"]);
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        // With nothing to come, the poll ends at its wait with the same cursor.
        let next = res.json()["next"].as_str().unwrap().to_owned();
        let res = app.get(&format!("/api/v1/events?after={next}&wait=1")).await;
        assert_eq!(res.json()["events"].as_array().unwrap().len(), 0);
        assert_eq!(res.json()["next"], next.as_str());
    }

    async fn lists_give_the_cursor_a_snapshot_was_taken_at(app) {
        app.sign_in().await;
        let dir = app.directory("Okta").await;
        let (site, jira) = site_with(&mut app, "Acme", "jira").await;
        let a = app.create_user(&dir, "a").await;
        let g = app.create_group(&dir, "G", &[&a]).await;
        grant(&mut app, &site, &jira, &g, "user").await;
        let res = app.get(&format!("/api/v1/sites/{site}/products/{jira}/users")).await;
        let snapshot = res.json();
        let cursor = snapshot["feedCursor"].as_str().unwrap().to_owned();
        let b = app.create_user(&dir, "b").await;
        members(&mut app, &dir, &g, "add", &[&b]).await;
        // Snapshot then feed: the product's view equals the API's.
        let mut view = ProductView::default();
        for u in snapshot["items"].as_array().unwrap() {
            view.0.entry(jira.clone()).or_default()
                .insert(u["id"].as_str().unwrap().to_owned(), u["role"].as_str().unwrap().to_owned());
        }
        let (events, _) = read_all(&mut app, Some(&cursor)).await;
        // What came after the snapshot, and perhaps (on PostgreSQL, while another transaction
        // held the feed back) a change the snapshot already shows: applying it again is harmless.
        assert!(types(&events).ends_with(&["user.created".into(), "group.member_added".into(),
                                          "access.granted".into()]), "{:?}", types(&events));
        for e in &events { view.apply(e); }
        assert_eq!(view.users(&jira), api_users(&mut app, &site, &jira).await);
        for path in [format!("/api/v1/directories/{}/users", dir.directory_id),
                     format!("/api/v1/directories/{}/groups", dir.directory_id),
                     "/api/v1/users".to_owned(), "/api/v1/groups".to_owned()] {
            assert!(app.get(&path).await.json()["feedCursor"].is_string(), "{path}");
        }
    }

    async fn a_users_timeline_says_why_they_lost_access(app) {
        app.sign_in().await;
        let dir = app.directory("Okta").await;
        let (site, jira) = site_with(&mut app, "Acme", "jira").await;
        // Ann's changes are numbered across 9 to 10 (the millisecond check below needs it).
        let pool = sqlx::AnyPool::connect(&app.state.config.database_url).await.unwrap();
        let last = || sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(seq), 0) FROM events");
        for pad in 0.. {
            if last().fetch_one(&pool).await.unwrap() >= 5 { break; }
            app.create_user(&dir, &format!("pad{pad}")).await;
        }
        let ann = app.create_user(&dir, "ann").await;
        let eng = app.create_group(&dir, "Engineering", &[]).await;
        grant(&mut app, &site, &jira, &eng, "user").await;
        members(&mut app, &dir, &eng, "add", &[&ann]).await;
        set_active(&mut app, &dir, &ann, false).await;
        app.state.sync_log.flush().await;
        let res = app.get(&format!("/api/v1/users/{ann}/timeline")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let items = res.json()["items"].as_array().unwrap().clone();
        let what: Vec<String> = items.iter().map(|i| match i["event"]["type"].as_str() {
            Some(t) => t.to_owned(),
            None => format!("request {}", i["request"]["operation"].as_str().unwrap()),
        }).collect();
        // Newest first: a request (logged when answered) above the changes it made. The group's
        // PATCH is the group's request, not the user's.
        let mut newest = what[..3].to_vec();
        newest.sort();
        assert_eq!(newest, ["access.revoked", "request patchUser", "user.deactivated"]);
        assert!(what.contains(&"access.granted".to_owned()) && what.contains(&"group.member_added".to_owned()));
        let mut oldest = what[what.len() - 2..].to_vec();
        oldest.sort();
        assert_eq!(oldest, ["request createUser", "user.created"]);
        let revoked = &items.iter().find(|i| i["event"]["type"] == "access.revoked").unwrap()["event"]["data"];
        assert_eq!(revoked["group"]["displayName"], "Engineering");
        assert_eq!(revoked["productId"], jira.as_str());

        // Paged two at a time: the same entries, each once.
        let mut paged = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/users/{ann}/timeline?limit=2&cursor={c}"),
                None => format!("/api/v1/users/{ann}/timeline?limit=2"),
            };
            let page = app.get(&path).await.json();
            paged.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["nextCursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(paged, items);

        // Changes in one millisecond stay newest first, also where their numbers gain a digit.
        sqlx::query("UPDATE events SET at = 1 WHERE user_id = $1").bind(ann.as_str())
            .execute(&pool).await.unwrap();
        let items = app.get(&format!("/api/v1/users/{ann}/timeline")).await.json()["items"].clone();
        let seqs: Vec<u64> = items.as_array().unwrap().iter()
            .filter_map(|i| i["event"]["cursor"].as_str())
            .map(|c| c.rsplit('-').next().unwrap().parse().unwrap())
            .collect();
        assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
        assert!(seqs.first().unwrap().to_string().len() > seqs.last().unwrap().to_string().len(), "{seqs:?}");

        // A deleted user's history stays; someone else's does not exist.
        let res = app.scim(&dir, Method::DELETE, &format!("/Users/{ann}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        app.state.sync_log.flush().await;
        let res = app.get(&format!("/api/v1/users/{ann}/timeline")).await;
        // The request and its change, in either order when they share a millisecond.
        let top = res.json()["items"].as_array().unwrap()[..2].to_vec();
        assert!(top.iter().any(|i| i["request"]["operation"] == "deleteUser"), "{top:?}");
        assert!(top.iter().any(|i| i["event"]["type"] == "user.deleted"), "{top:?}");
        assert_eq!(app.get("/api/v1/users/nobody/timeline").await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/users/{ann}/timeline?cursor=x")).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(app.get(&format!("/api/v1/users/{ann}/timeline?limit=0")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn a_cursor_older_than_retention_must_resync(app) {
        app.sign_in().await;
        let dir = app.directory("Okta").await;
        app.create_user(&dir, "old").await;
        let (events, _) = read_all(&mut app, None).await;
        let first = events[1]["cursor"].as_str().unwrap().to_owned();
        app.create_user(&dir, "new").await;
        settle(&app).await;
        // Age every event but the newest past a day's retention, then prune.
        let pool = sqlx::AnyPool::connect(&app.state.config.database_url).await.unwrap();
        sqlx::query("UPDATE events SET at = at - 2 * 86400000 WHERE seq < (SELECT MAX(seq) FROM events)")
            .execute(&pool).await.unwrap();
        let pruned = app.state.store.prune_events(std::time::Duration::from_secs(86_400)).await.unwrap();
        assert_eq!(pruned, 2);
        let res = app.get("/api/v1/events?after=0-0").await;
        assert_eq!(res.status, StatusCode::GONE, "{}", res.text());
        assert_eq!(res.header("content-type"), Some("application/problem+json"));
        assert!(res.json()["detail"].as_str().unwrap().contains("snapshot"));
        // The cursor of the last pruned event is still good; from the start means what is kept.
        let res = app.get(&format!("/api/v1/events?after={first}")).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.json()["events"][0]["data"]["user"]["userName"], "new");
        let res = app.get("/api/v1/events").await;
        assert_eq!(res.json()["events"][0]["data"]["user"]["userName"], "new");
    }
}

/// Two replicas on one PostgreSQL: transactions that commit out of sequence order are served
/// in an order no reader skips through, from either replica.
#[tokio::test]
async fn out_of_order_commits_are_never_skipped_on_postgres() {
    let Some(mut one) = TestApp::start(Db::Postgres).await else {
        return;
    };
    let url = one.state.config.database_url.clone();
    let mut two = TestApp::start_with(Db::Postgres, |c| c.database_url = url.clone())
        .await
        .unwrap();
    one.sign_in().await;
    two.sign_in().await;
    let org: String = one.state.store.organization().await.unwrap().unwrap().id;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let insert = "INSERT INTO events (org_id, type, at, actor_type, actor_label, data) \
                  VALUES ($1, 'site.created', 0, 'system', 'test', $2)";
    let (_, start) = read_all(&mut two, None).await;

    // A takes its transaction id first but writes its event after B, which commits first.
    let mut a = pool.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *a)
        .await
        .unwrap();
    let mut b = pool.begin().await.unwrap();
    sqlx::query(insert)
        .bind(&org)
        .bind(r#"{"n":"b"}"#)
        .execute(&mut *b)
        .await
        .unwrap();
    sqlx::query(insert)
        .bind(&org)
        .bind(r#"{"n":"a"}"#)
        .execute(&mut *a)
        .await
        .unwrap();
    // C begins, writes and stays open past everything.
    let mut c = pool.begin().await.unwrap();
    sqlx::query(insert)
        .bind(&org)
        .bind(r#"{"n":"c"}"#)
        .execute(&mut *c)
        .await
        .unwrap();
    b.commit().await.unwrap();
    for app in [&mut one, &mut two] {
        let (events, next) = read_now(app, Some(&start)).await;
        assert!(
            events.is_empty(),
            "B waits for A, which began first: {events:?}"
        );
        assert_eq!(next, start);
    }
    a.commit().await.unwrap();
    let (events, after_ab) = read_until(&mut two, &start, 2).await;
    let seen: Vec<&str> = events
        .iter()
        .map(|e| e["data"]["n"].as_str().unwrap())
        .collect();
    assert_eq!(seen, ["a", "b"]);
    // D starts after C and commits before it: held back until C ends.
    let mut d = pool.begin().await.unwrap();
    sqlx::query(insert)
        .bind(&org)
        .bind(r#"{"n":"d"}"#)
        .execute(&mut *d)
        .await
        .unwrap();
    d.commit().await.unwrap();
    assert!(read_now(&mut one, Some(&after_ab)).await.0.is_empty());
    c.commit().await.unwrap();
    let (events, _) = read_until(&mut one, &after_ab, 2).await;
    let seen: Vec<&str> = events
        .iter()
        .map(|e| e["data"]["n"].as_str().unwrap())
        .collect();
    assert_eq!(seen, ["c", "d"]);
}

/// Many writers on one replica, a reader on another: every event committed is read exactly
/// once, in increasing cursor order.
#[tokio::test]
async fn concurrent_writers_lose_nothing_to_a_reader_on_another_replica() {
    for db in [Db::Sqlite, Db::Postgres] {
        let Some(mut one) = TestApp::start(db).await else {
            continue;
        };
        let url = one.state.config.database_url.clone();
        let mut two = TestApp::start_with(db, |c| c.database_url = url.clone())
            .await
            .unwrap();
        one.sign_in().await;
        two.sign_in().await;
        let dir = one.directory("Okta").await;
        let (_, mut cursor) = read_all(&mut two, None).await;
        let mut writers = Vec::new();
        for w in 0..8 {
            let router = one.router.clone();
            let key = dir.key.clone();
            let uri = format!("/scim/directory/{}/Users", dir.directory_id);
            writers.push(tokio::spawn(async move {
                use tower::ServiceExt;
                for i in 0..25 {
                    let req = axum::http::Request::post(&uri)
                        .header("authorization", format!("Bearer {key}"))
                        .header("content-type", "application/scim+json")
                        .body(axum::body::Body::from(
                            json!({"userName": format!("u{w}-{i}")}).to_string(),
                        ))
                        .unwrap();
                    assert_eq!(
                        router.clone().oneshot(req).await.unwrap().status(),
                        StatusCode::CREATED
                    );
                }
            }));
        }
        let mut seen = BTreeSet::new();
        let mut last_cursor: Option<(i64, i64)> = None;
        let parse = |c: &str| {
            let (t, s) = c.split_once('-').unwrap();
            (t.parse::<i64>().unwrap(), s.parse::<i64>().unwrap())
        };
        while seen.len() < 200 {
            let res = two
                .get(&format!("/api/v1/events?after={cursor}&limit=13&wait=2"))
                .await;
            assert_eq!(res.status, StatusCode::OK);
            let page = res.json();
            for e in page["events"].as_array().unwrap() {
                let at = parse(e["cursor"].as_str().unwrap());
                assert!(last_cursor.is_none_or(|l| at > l), "cursor went back");
                last_cursor = Some(at);
                assert!(
                    seen.insert(e["data"]["user"]["userName"].as_str().unwrap().to_owned()),
                    "an event came twice"
                );
            }
            cursor = page["next"].as_str().unwrap().to_owned();
            if writers.iter().all(|w| w.is_finished())
                && page["events"].as_array().unwrap().is_empty()
            {
                break;
            }
        }
        for w in writers {
            w.await.unwrap();
        }
        let (rest, _) = read_all(&mut two, Some(&cursor)).await;
        for e in &rest {
            let at = parse(e["cursor"].as_str().unwrap());
            assert!(last_cursor.is_none_or(|l| at > l), "cursor went back");
            last_cursor = Some(at);
            assert!(
                seen.insert(e["data"]["user"]["userName"].as_str().unwrap().to_owned()),
                "an event came twice"
            );
        }
        assert_eq!(seen.len(), 200, "{db:?}: every user's event was read");
    }
}
