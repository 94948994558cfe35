//! The admin API for directories: management, API keys, and browsing users, groups, members
//! and the sync log with keyset paging. Browsing data is inserted with SQL, so every sort key
//! (ties, NULLs, mixed case) is under the test's control.
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::AnyPool;

use crate::backend_tests;
use crate::common::TestApp;

const BASE_TIME: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600_000;

/// A user as seeded, with the values the API sorts and searches on.
#[derive(Clone, Debug)]
struct Seed {
    id: String,
    user_name: String,
    given: Option<String>,
    family: Option<String>,
    email: Option<String>,
    created: i64,
}

async fn pool(app: &TestApp) -> AnyPool {
    AnyPool::connect(&app.state.config.database_url)
        .await
        .unwrap()
}

/// Creates a directory through the API; returns its id and first key.
async fn create(app: &mut TestApp, name: &str) -> (String, String) {
    let res = app
        .request(
            Method::POST,
            "/api/v1/directories",
            Some(json!({ "name": name })),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&res.body)
    );
    let body = res.json();
    (
        body["directory"]["id"].as_str().unwrap().to_owned(),
        body["apiKey"].as_str().unwrap().to_owned(),
    )
}

/// Inserts `n` users with ties, NULLs and mixed case in every sort key, and sets the
/// directory's counters as the SCIM service would.
async fn seed_users(pool: &AnyPool, dir: &str, n: usize) -> Vec<Seed> {
    let givens = ["Ann", "bob", "Cara", "dave"];
    let families = ["Smith", "jones", "BROWN", "smithers"];
    let mut seeds = Vec::new();
    let mut active = 0;
    for i in 0..n {
        let s = Seed {
            // Ids in a different order than names or times, so the tie-breaker shows.
            id: format!("{dir}-{:06}", (i * 7919) % 100_003),
            user_name: format!("User{i:03}@Example.com"),
            given: (i % 7 != 0).then(|| givens[i % 4].to_owned()),
            family: (i % 5 != 0).then(|| families[i % 4].to_owned()),
            email: (i % 6 != 0).then(|| format!("E{:03}@example.com", (i * 53) % n)),
            created: BASE_TIME + ((i * 29) % 60) as i64 * 1000,
        };
        let is_active = i % 4 != 0;
        active += usize::from(is_active);
        sqlx::query(
            "INSERT INTO users (id, directory_id, user_name, user_name_lower, given_name, \
             family_name, primary_email, primary_email_lower, active, doc, version, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)",
        )
        .bind(&s.id)
        .bind(dir)
        .bind(&s.user_name)
        .bind(s.user_name.to_lowercase())
        .bind(s.given.clone())
        .bind(s.family.clone())
        .bind(s.email.clone())
        .bind(s.email.as_ref().map(|e| e.to_lowercase()))
        .bind(is_active)
        .bind(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": s.user_name}).to_string())
        .bind(s.created)
        .execute(pool)
        .await
        .unwrap();
        seeds.push(s);
    }
    sqlx::query("UPDATE directories SET active_users = $1, deactivated_users = $2 WHERE id = $3")
        .bind(active as i64)
        .bind((n - active) as i64)
        .bind(dir)
        .execute(pool)
        .await
        .unwrap();
    seeds
}

/// Inserts a group of `dir` with the given members and keeps the counters.
async fn seed_group(pool: &AnyPool, dir: &str, id: &str, name: &str, members: &[String]) {
    let org: String = sqlx::query_scalar("SELECT org_id FROM directories WHERE id = $1")
        .bind(dir)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO groups (id, org_id, directory_id, display_name, display_name_lower, doc, \
         version, member_count, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, '{}', 1, $6, $7, $7)",
    )
    .bind(id)
    .bind(org)
    .bind(dir)
    .bind(name)
    .bind(name.to_lowercase())
    .bind(members.len() as i64)
    .bind(BASE_TIME)
    .execute(pool)
    .await
    .unwrap();
    for m in members {
        sqlx::query("INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(m)
            .bind(BASE_TIME)
            .execute(pool)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE directories SET group_count = group_count + 1 WHERE id = $1")
        .bind(dir)
        .execute(pool)
        .await
        .unwrap();
}

/// The order the API must return for `sort`: non-NULL keys by (key, id), then NULLs by id;
/// descending is the exact reverse.
fn expected(seeds: &[Seed], sort: &str, desc: bool) -> Vec<String> {
    let key = |s: &Seed| -> Option<String> {
        match sort {
            "userName" => Some(s.user_name.to_lowercase()),
            "name" => s.family.as_ref().map(|f| f.to_lowercase()),
            "email" => s.email.as_ref().map(|e| e.to_lowercase()),
            // Zero-padded so string order is numeric order.
            "created" => Some(format!("{:020}", s.created)),
            _ => unreachable!(),
        }
    };
    let mut keyed: Vec<(String, String)> = seeds
        .iter()
        .filter_map(|s| key(s).map(|k| (k, s.id.clone())))
        .collect();
    keyed.sort();
    let mut nulls: Vec<String> = seeds
        .iter()
        .filter(|s| key(s).is_none())
        .map(|s| s.id.clone())
        .collect();
    nulls.sort();
    let mut all: Vec<String> = keyed.into_iter().map(|(_, id)| id).collect();
    all.extend(nulls);
    if desc {
        all.reverse();
    }
    all
}

/// Follows `nextCursor` from the first page; returns the ids and every page's body.
async fn walk(app: &mut TestApp, path: &str) -> (Vec<String>, Vec<Value>) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut url = path.to_owned();
    let mut ids = Vec::new();
    let mut pages = Vec::new();
    loop {
        let res = app.get(&url).await;
        assert_eq!(
            res.status,
            StatusCode::OK,
            "{url}: {}",
            String::from_utf8_lossy(&res.body)
        );
        let page = res.json();
        for item in page["items"].as_array().unwrap() {
            ids.push(item["id"].as_str().unwrap().to_owned());
        }
        let next = page["nextCursor"].as_str().map(str::to_owned);
        pages.push(page);
        match next {
            Some(c) => url = format!("{path}{sep}cursor={c}"),
            None => break,
        }
        assert!(pages.len() < 100, "paging does not end");
    }
    (ids, pages)
}

/// Follows `prevCursor` back from `page`; returns the ids in listing order.
async fn walk_back(app: &mut TestApp, path: &str, page: &Value) -> Vec<String> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut chunks: Vec<Vec<String>> = Vec::new();
    let mut prev = page["prevCursor"].as_str().map(str::to_owned);
    while let Some(c) = prev {
        let res = app.get(&format!("{path}{sep}cursor={c}")).await;
        assert_eq!(res.status, StatusCode::OK);
        let page = res.json();
        chunks.push(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect(),
        );
        prev = page["prevCursor"].as_str().map(str::to_owned);
        assert!(chunks.len() < 100, "paging back does not end");
    }
    chunks.into_iter().rev().flatten().collect()
}

fn assert_problem(res: &crate::common::TestResponse, status: StatusCode) {
    assert_eq!(res.status, status, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
    assert_eq!(res.json()["status"], status.as_u16());
}

backend_tests! {
    async fn create_list_get_rename_and_delete(app) {
        app.sign_in().await;
        let res = app.request(Method::POST, "/api/v1/directories", Some(json!({"name": "  Okta  "}))).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&res.body));
        let body = res.json();
        let id = body["directory"]["id"].as_str().unwrap().to_owned();
        let key = body["apiKey"].as_str().unwrap().to_owned();
        assert_eq!(res.header("location"), Some(format!("/api/v1/directories/{id}").as_str()));
        assert!(key.starts_with("roster_scim_"), "{key}");
        let dir = &body["directory"];
        assert_eq!(dir["name"], "Okta");
        assert_eq!(dir["baseUrl"], format!("{}/scim/directory/{id}", app.state.public_url()));
        assert_eq!(dir["activeUsers"], 0);
        assert_eq!(dir["errorsLast24h"], 0);
        assert!(dir["lastRequestAt"].is_null());
        assert!(key.starts_with(dir["apiKey"]["prefix"].as_str().unwrap()));
        assert_eq!(dir["apiKey"]["expiresAt"], body["apiKeyExpiresAt"]);
        assert!(dir["createdAt"].as_str().unwrap().ends_with('Z'));
        assert!(app.state.store.check_api_key(&id, &key).await.unwrap());

        let list = app.get("/api/v1/directories").await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.json().as_array().unwrap().len(), 1);
        assert_eq!(list.json()[0]["id"], id.as_str());
        // The secret is never shown again.
        assert!(!String::from_utf8_lossy(&list.body).contains(&key));

        let res = app.request(Method::PATCH, &format!("/api/v1/directories/{id}"), Some(json!({"name": "Okta prod"}))).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.json()["name"], "Okta prod");
        assert_eq!(app.get(&format!("/api/v1/directories/{id}")).await.json()["name"], "Okta prod");

        let res = app.request(Method::DELETE, &format!("/api/v1/directories/{id}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert_problem(&app.get(&format!("/api/v1/directories/{id}")).await, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/directories").await.json(), json!([]));
        assert!(!app.state.store.check_api_key(&id, &key).await.unwrap());
    }

    async fn names_are_trimmed_and_limited(app) {
        app.sign_in().await;
        for bad in [json!({"name": ""}), json!({"name": "   "}), json!({"name": "x".repeat(101)})] {
            let res = app.request(Method::POST, "/api/v1/directories", Some(bad)).await;
            assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(res.json()["errors"][0]["field"], "name");
        }
        let res = app.request(Method::POST, "/api/v1/directories", Some(json!({}))).await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
        let (id, _) = create(&mut app, &"é".repeat(100)).await;
        let res = app.request(Method::PATCH, &format!("/api/v1/directories/{id}"), Some(json!({"name": " "}))).await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.get(&format!("/api/v1/directories/{id}")).await.json()["name"], "é".repeat(100));
    }

    async fn unknown_directories_are_404_everywhere(app) {
        app.sign_in().await;
        let base = "/api/v1/directories/nope";
        for path in ["", "/deletion-impact", "/users", "/users/u", "/groups", "/groups/g",
                     "/groups/g/members", "/events", "/activity"] {
            assert_problem(&app.get(&format!("{base}{path}")).await, StatusCode::NOT_FOUND);
        }
        assert_problem(&app.request(Method::PATCH, base, Some(json!({"name": "x"}))).await, StatusCode::NOT_FOUND);
        assert_problem(&app.request(Method::DELETE, base, None).await, StatusCode::NOT_FOUND);
        assert_problem(&app.request(Method::POST, &format!("{base}/api-key"), None).await, StatusCode::NOT_FOUND);
        let (id, _) = create(&mut app, "Real").await;
        assert_problem(&app.get(&format!("/api/v1/directories/{id}/users/nope")).await, StatusCode::NOT_FOUND);
        assert_problem(&app.get(&format!("/api/v1/directories/{id}/groups/nope")).await, StatusCode::NOT_FOUND);
        assert_problem(&app.get(&format!("/api/v1/directories/{id}/groups/nope/members")).await, StatusCode::NOT_FOUND);
    }

    async fn sign_in_and_csrf_are_required(app) {
        assert_problem(&app.get("/api/v1/directories").await, StatusCode::UNAUTHORIZED);
        app.sign_in().await;
        let (id, key) = create(&mut app, "Okta").await;
        let csrf = app.csrf.take();
        assert_problem(&app.request(Method::POST, "/api/v1/directories", Some(json!({"name": "x"}))).await, StatusCode::FORBIDDEN);
        assert_problem(&app.request(Method::DELETE, &format!("/api/v1/directories/{id}"), None).await, StatusCode::FORBIDDEN);
        assert_problem(&app.request(Method::POST, &format!("/api/v1/directories/{id}/api-key"), None).await, StatusCode::FORBIDDEN);
        // Nothing happened.
        assert!(app.state.store.check_api_key(&id, &key).await.unwrap());
        assert_eq!(app.get("/api/v1/directories").await.json().as_array().unwrap().len(), 1);
        app.csrf = csrf;
    }

    async fn a_regenerated_key_replaces_the_old_one_at_once(app) {
        app.sign_in().await;
        let (id, old) = create(&mut app, "Okta").await;
        let res = app.request(Method::POST, &format!("/api/v1/directories/{id}/api-key"), None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
        let body = res.json();
        let new = body["apiKey"].as_str().unwrap().to_owned();
        assert_ne!(new, old);
        assert_eq!(body["baseUrl"], format!("{}/scim/directory/{id}", app.state.public_url()));
        assert!(body["previousKeyValidUntil"].is_null());
        assert!(!app.state.store.check_api_key(&id, &old).await.unwrap());
        assert!(app.state.store.check_api_key(&id, &new).await.unwrap());
        let dir = app.get(&format!("/api/v1/directories/{id}")).await.json();
        assert!(new.starts_with(dir["apiKey"]["prefix"].as_str().unwrap()));
        assert!(dir["apiKey"]["lastUsedAt"].is_string());
        assert!(dir["apiKey"]["previousKeyValidUntil"].is_null());
    }

    async fn a_regenerated_key_can_overlap_the_old_one(app) {
        app.sign_in().await;
        let (id, old) = create(&mut app, "Entra").await;
        let path = format!("/api/v1/directories/{id}/api-key");
        for bad in [json!({"overlapSeconds": 604_801}), json!({"overlapSeconds": -1}), json!({"overlapSeconds": "1h"})] {
            assert_problem(&app.request(Method::POST, &path, Some(bad)).await, StatusCode::UNPROCESSABLE_ENTITY);
        }
        assert!(app.state.store.check_api_key(&id, &old).await.unwrap(), "a rejected request changed the key");
        let res = app.request(Method::POST, &path, Some(json!({"overlapSeconds": 604_800}))).await;
        assert_eq!(res.status, StatusCode::OK);
        let body = res.json();
        let new = body["apiKey"].as_str().unwrap().to_owned();
        let until = body["previousKeyValidUntil"].as_str().unwrap().to_owned();
        assert!(app.state.store.check_api_key(&id, &old).await.unwrap());
        assert!(app.state.store.check_api_key(&id, &new).await.unwrap());
        let dir = app.get(&format!("/api/v1/directories/{id}")).await.json();
        assert_eq!(dir["apiKey"]["previousKeyValidUntil"], until.as_str());
        assert!(new.starts_with(dir["apiKey"]["prefix"].as_str().unwrap()));
        // Regenerating again without overlap stops both older keys.
        let res = app.request(Method::POST, &path, Some(json!({}))).await;
        let newest = res.json()["apiKey"].as_str().unwrap().to_owned();
        assert!(!app.state.store.check_api_key(&id, &old).await.unwrap());
        assert!(!app.state.store.check_api_key(&id, &new).await.unwrap());
        assert!(app.state.store.check_api_key(&id, &newest).await.unwrap());
    }

    async fn users_page_in_every_order_without_gaps_or_duplicates(app) {
        app.sign_in().await;
        let (dir, _) = create(&mut app, "Okta").await;
        let pool = pool(&app).await;
        let seeds = seed_users(&pool, &dir, 120).await;
        for sort in ["userName", "name", "email", "created"] {
            for order in ["asc", "desc"] {
                let path = format!("/api/v1/directories/{dir}/users?sort={sort}&order={order}&limit=25");
                let (ids, pages) = walk(&mut app, &path).await;
                assert_eq!(ids, expected(&seeds, sort, order == "desc"), "{sort} {order}");
                assert_eq!(pages.len(), 5);
                assert_eq!(pages[0]["total"], 120);
                assert!(pages[0]["prevCursor"].is_null());
                // Walking back from the last page gives the same rows in the same order.
                let back = walk_back(&mut app, &path, pages.last().unwrap()).await;
                assert_eq!(back, ids[..100].to_vec(), "back {sort} {order}");
            }
        }
        let page = app.get(&format!("/api/v1/directories/{dir}/users")).await.json();
        assert_eq!(page["items"].as_array().unwrap().len(), 50);
        let first = &page["items"][0];
        assert_eq!(first["userName"], "User000@Example.com");
        assert_eq!(first["directoryId"], dir.as_str());
        assert_eq!(first["active"], false);
        assert_eq!(first["email"], Value::Null);
    }

    async fn users_are_searched_by_prefix(app) {
        app.sign_in().await;
        let (dir, _) = create(&mut app, "Okta").await;
        let pool = pool(&app).await;
        let seeds = seed_users(&pool, &dir, 120).await;
        let starts = |v: &Option<String>, p: &str| v.as_ref().is_some_and(|v| v.to_lowercase().starts_with(p));
        for search in ["SMITH", "user00", "e01", "ann", "zzz", "%", "user_"] {
            let p = search.to_lowercase();
            let mut want: Vec<String> = seeds
                .iter()
                .filter(|s| s.user_name.to_lowercase().starts_with(&p) || starts(&s.email, &p)
                    || starts(&s.given, &p) || starts(&s.family, &p))
                .map(|s| s.user_name.to_lowercase())
                .collect();
            want.sort();
            let path = format!("/api/v1/directories/{dir}/users?search={search}&limit=7", search = search.replace('%', "%25"));
            let (ids, pages) = walk(&mut app, &path).await;
            let names: Vec<String> = ids
                .iter()
                .map(|id| seeds.iter().find(|s| &s.id == id).unwrap().user_name.to_lowercase())
                .collect();
            assert_eq!(names, want, "search {search}");
            assert_eq!(pages[0]["total"], want.len(), "total for {search}");
        }
        // "smith" also finds "smithers": a prefix, not a word.
        let page = app.get(&format!("/api/v1/directories/{dir}/users?search=smith&sort=name&limit=200")).await.json();
        let families: std::collections::BTreeSet<String> = page["items"].as_array().unwrap().iter()
            .filter_map(|u| u["familyName"].as_str().map(str::to_owned)).collect();
        assert!(families.contains("Smith") && families.contains("smithers"), "{families:?}");
    }

    async fn bad_paging_input_is_a_problem(app) {
        app.sign_in().await;
        let (dir, _) = create(&mut app, "Okta").await;
        let pool = pool(&app).await;
        seed_users(&pool, &dir, 10).await;
        let users = format!("/api/v1/directories/{dir}/users");
        assert_problem(&app.get(&format!("{users}?limit=0")).await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_problem(&app.get(&format!("{users}?limit=201")).await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_problem(&app.get(&format!("{users}?sort=age")).await, StatusCode::BAD_REQUEST);
        assert_problem(&app.get(&format!("{users}?cursor=garbage")).await, StatusCode::BAD_REQUEST);
        let page = app.get(&format!("{users}?limit=3")).await.json();
        let cursor = page["nextCursor"].as_str().unwrap();
        // A cursor belongs to its listing and order.
        assert_problem(&app.get(&format!("{users}?sort=email&cursor={cursor}")).await, StatusCode::BAD_REQUEST);
        assert_problem(&app.get(&format!("{users}?order=desc&cursor={cursor}")).await, StatusCode::BAD_REQUEST);
        assert_problem(&app.get(&format!("/api/v1/directories/{dir}/groups?cursor={cursor}")).await, StatusCode::BAD_REQUEST);
        assert_eq!(app.get(&format!("{users}?limit=3&cursor={cursor}")).await.status, StatusCode::OK);
        assert_problem(&app.get(&format!("/api/v1/directories/{dir}/activity?hours=0")).await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_problem(&app.get(&format!("/api/v1/directories/{dir}/events?status=bad")).await, StatusCode::BAD_REQUEST);
    }

    async fn a_user_shows_its_scim_resource_and_groups(app) {
        app.sign_in().await;
        let (dir, _) = create(&mut app, "Okta").await;
        let pool = pool(&app).await;
        let seeds = seed_users(&pool, &dir, 3).await;
        let uid = seeds[1].id.clone();
        sqlx::query("UPDATE users SET version = 3, doc = $1 WHERE id = $2")
            .bind(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "User001@Example.com",
                         "name": {"givenName": "Bob"}, "title": "Engineer"}).to_string())
            .bind(&uid)
            .execute(&pool).await.unwrap();
        seed_group(&pool, &dir, &format!("{dir}-g2"), "Zeta", std::slice::from_ref(&uid)).await;
        seed_group(&pool, &dir, &format!("{dir}-g1"), "alpha", std::slice::from_ref(&uid)).await;
        seed_group(&pool, &dir, &format!("{dir}-g3"), "Other", &[seeds[0].id.clone()]).await;

        let res = app.get(&format!("/api/v1/directories/{dir}/users/{uid}")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
        let body = res.json();
        assert_eq!(body["user"]["id"], uid.as_str());
        let r = &body["resource"];
        assert_eq!(r["id"], uid.as_str());
        assert_eq!(r["title"], "Engineer");
        assert_eq!(r["schemas"][0], "urn:ietf:params:scim:schemas:core:2.0:User");
        assert_eq!(r["meta"]["resourceType"], "User");
        assert_eq!(r["meta"]["version"], "W/\"3\"");
        assert_eq!(r["meta"]["location"], format!("{}/scim/directory/{dir}/Users/{uid}", app.state.public_url()));
        assert_eq!(r["meta"]["created"], "2023-11-14T22:13:49Z");
        let groups: Vec<&str> = body["groups"].as_array().unwrap().iter().map(|g| g["displayName"].as_str().unwrap()).collect();
        assert_eq!(groups, ["alpha", "Zeta"]);
        assert_eq!(r["groups"].as_array().unwrap().len(), 2);

        // Another directory's user is not found through this directory.
        let (other, _) = create(&mut app, "Other").await;
        assert_problem(&app.get(&format!("/api/v1/directories/{other}/users/{uid}")).await, StatusCode::NOT_FOUND);
        assert_problem(&app.get(&format!("/api/v1/directories/{other}/groups/{dir}-g1")).await, StatusCode::NOT_FOUND);
    }

    async fn groups_are_searched_and_members_paged(app) {
        app.sign_in().await;
        let (dir, _) = create(&mut app, "Okta").await;
        let pool = pool(&app).await;
        let seeds = seed_users(&pool, &dir, 120).await;
        let all: Vec<String> = seeds.iter().map(|s| s.id.clone()).collect();
        seed_group(&pool, &dir, &format!("{dir}-big"), "Everyone", &all).await;
        for (i, name) in ["Engineering", "eng-leads", "Sales", "Support", "engage"].iter().enumerate() {
            seed_group(&pool, &dir, &format!("{dir}-g{i}"), name, &all[..i]).await;
        }
        let (ids, pages) = walk(&mut app, &format!("/api/v1/directories/{dir}/groups?limit=2")).await;
        assert_eq!(pages[0]["total"], 6);
        let names: Vec<String> = ids.iter().map(|id| {
            if id.ends_with("-big") { "everyone".to_owned() } else {
                let i: usize = id.rsplit("-g").next().unwrap().parse().unwrap();
                ["engineering", "eng-leads", "sales", "support", "engage"][i].to_owned()
            }
        }).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert_eq!(names.len(), 6);

        let found = app.get(&format!("/api/v1/directories/{dir}/groups?search=ENG")).await.json();
        let found: Vec<&str> = found["items"].as_array().unwrap().iter().map(|g| g["displayName"].as_str().unwrap()).collect();
        assert_eq!(found, ["eng-leads", "engage", "Engineering"]);

        let group = app.get(&format!("/api/v1/directories/{dir}/groups/{dir}-big")).await.json();
        assert_eq!(group["memberCount"], 120);
        assert_eq!(group["directoryId"], dir.as_str());

        let path = format!("/api/v1/directories/{dir}/groups/{dir}-big/members?limit=50");
        let (members, pages) = walk(&mut app, &path).await;
        let mut want = all.clone();
        want.sort();
        assert_eq!(members, want);
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[0]["total"], 120);
        assert_eq!(walk_back(&mut app, &path, pages.last().unwrap()).await, want[..100].to_vec());
        let small = app.get(&format!("/api/v1/directories/{dir}/groups/{dir}-g2/members")).await.json();
        assert_eq!(small["items"].as_array().unwrap().len(), 2);
        assert!(small["nextCursor"].is_null());
    }

    async fn events_are_filtered_newest_first(app) {
        app.sign_in().await;
        let (dir, _) = create(&mut app, "Okta").await;
        let pool = pool(&app).await;
        for i in 0..30i64 {
            let error = i % 3 == 0;
            sqlx::query(
                "INSERT INTO sync_log (id, directory_id, at, method, path, operation, status, \
                 duration_ms, resource_type, resource_label, changed, scim_type, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 5, 'User', $8, $9, $10, $11)",
            )
            .bind(format!("e{i:02}"))
            .bind(&dir)
            // Pairs share a timestamp, so the id breaks ties.
            .bind(BASE_TIME + (i / 2) * 1000)
            .bind(if i % 2 == 0 { "POST" } else { "PATCH" })
            .bind(format!("/Users/{i}"))
            .bind(if i % 2 == 0 { "createUser" } else { "patchUser" })
            .bind(if error { 409 } else { 200 })
            .bind(format!("User{i}@Example.com"))
            .bind((!error).then_some("name.givenName,emails"))
            .bind(error.then_some("uniqueness"))
            .bind(error.then(|| format!("userName 100% taken ({i})")))
            .execute(&pool).await.unwrap();
        }
        let base = format!("/api/v1/directories/{dir}/events");
        let (ids, pages) = walk(&mut app, &format!("{base}?limit=7")).await;
        let want: Vec<String> = (0..30).rev().map(|i| format!("e{i:02}")).collect();
        assert_eq!(ids, want);
        assert_eq!(pages[0]["total"], 30);
        let first = &pages[0]["items"][0];
        assert_eq!(first["status"], 200);
        assert_eq!(first["changed"], json!(["name.givenName", "emails"]));
        assert_eq!(first["ignored"], json!([]));
        assert!(first["at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(walk_back(&mut app, &format!("{base}?limit=7"), pages.last().unwrap()).await, want[..28].to_vec());

        let (errors, pages) = walk(&mut app, &format!("{base}?status=error&limit=4")).await;
        assert_eq!(errors, (0..30).rev().filter(|i| i % 3 == 0).map(|i| format!("e{i:02}")).collect::<Vec<_>>());
        assert_eq!(pages[0]["total"], 10);
        assert_eq!(pages[0]["items"][0]["scimType"], "uniqueness");

        let (patches, _) = walk(&mut app, &format!("{base}?operation=patchUser&status=error")).await;
        assert_eq!(patches, ["e27", "e21", "e15", "e09", "e03"]);
        let (found, _) = walk(&mut app, &format!("{base}?q=USER1@")).await;
        assert_eq!(found, ["e01"]);
        let (found, _) = walk(&mut app, &format!("{base}?q=100%25%20TAKEN%20(2")).await;
        assert_eq!(found, ["e27", "e24", "e21"]);
        // `%` and `_` are literal, not wildcards.
        let (found, _) = walk(&mut app, &format!("{base}?q=_")).await;
        assert!(found.is_empty());
        let (found, _) = walk(&mut app, &format!("{base}?q=/users/2")).await;
        assert_eq!(found.len(), 11);
    }

    async fn activity_is_hourly_and_zero_filled(app) {
        app.sign_in().await;
        let (dir, _) = create(&mut app, "Okta").await;
        let pool = pool(&app).await;
        let now = roster_server::store::now_millis();
        let hour = now - now.rem_euclid(HOUR);
        for (h, requests, errors) in [(hour, 10, 2), (hour - 2 * HOUR, 5, 1), (hour - 23 * HOUR, 4, 4), (hour - 24 * HOUR, 7, 7)] {
            sqlx::query("INSERT INTO sync_stats_hourly (directory_id, hour, requests, errors) VALUES ($1, $2, $3, $4)")
                .bind(&dir).bind(h).bind(requests as i64).bind(errors as i64)
                .execute(&pool).await.unwrap();
        }
        let res = app.get(&format!("/api/v1/directories/{dir}/activity?hours=3")).await;
        assert_eq!(res.status, StatusCode::OK);
        let counts: Vec<(u64, u64)> = res.json().as_array().unwrap().iter()
            .map(|h| (h["requests"].as_u64().unwrap(), h["errors"].as_u64().unwrap())).collect();
        assert_eq!(counts, [(5, 1), (0, 0), (10, 2)]);
        let week = app.get(&format!("/api/v1/directories/{dir}/activity")).await.json();
        let week = week.as_array().unwrap();
        assert_eq!(week.len(), 168);
        assert!(week[167]["hour"].as_str().unwrap().ends_with(":00:00Z"));
        assert_eq!(week.iter().map(|h| h["requests"].as_u64().unwrap()).sum::<u64>(), 26);
        // The last 24 hours: this hour and the 23 before it.
        let listed = app.get(&format!("/api/v1/directories/{dir}")).await.json();
        assert_eq!(listed["errorsLast24h"], 7);
    }

    async fn deleting_removes_users_groups_and_memberships(app) {
        app.sign_in().await;
        let (dir, key) = create(&mut app, "Okta").await;
        let (keep, _) = create(&mut app, "Keep").await;
        let pool = pool(&app).await;
        let seeds = seed_users(&pool, &dir, 40).await;
        let kept = seed_users(&pool, &keep, 5).await;
        let all: Vec<String> = seeds.iter().map(|s| s.id.clone()).collect();
        seed_group(&pool, &dir, &format!("{dir}-a"), "A", &all).await;
        seed_group(&pool, &dir, &format!("{dir}-b"), "B", &all[..3]).await;
        seed_group(&pool, &keep, &format!("{keep}-a"), "A", &[kept[0].id.clone()]).await;

        let impact = app.get(&format!("/api/v1/directories/{dir}/deletion-impact")).await;
        assert_eq!(impact.status, StatusCode::OK);
        assert_eq!(impact.json(), json!({"users": 40, "groups": 2, "accessGrants": 0}));
        let listed = app.get(&format!("/api/v1/directories/{dir}")).await.json();
        assert_eq!((listed["activeUsers"].as_u64(), listed["deactivatedUsers"].as_u64(), listed["groupCount"].as_u64()),
                   (Some(30), Some(10), Some(2)));

        assert_eq!(app.request(Method::DELETE, &format!("/api/v1/directories/{dir}"), None).await.status, StatusCode::NO_CONTENT);
        let count = |sql: &'static str, id: String| {
            let pool = pool.clone();
            async move { sqlx::query_scalar::<_, i64>(sql).bind(id).fetch_one(&pool).await.unwrap() }
        };
        assert_eq!(count("SELECT COUNT(*) FROM users WHERE directory_id = $1", dir.clone()).await, 0);
        assert_eq!(count("SELECT COUNT(*) FROM groups WHERE directory_id = $1", dir.clone()).await, 0);
        assert_eq!(count("SELECT COUNT(*) FROM directory_api_keys WHERE directory_id = $1", dir.clone()).await, 0);
        assert_eq!(count("SELECT COUNT(*) FROM group_members WHERE group_id LIKE $1", format!("{dir}%")).await, 0);
        assert!(!app.state.store.check_api_key(&dir, &key).await.unwrap());
        // The other directory is untouched.
        assert_eq!(count("SELECT COUNT(*) FROM users WHERE directory_id = $1", keep.clone()).await, 5);
        assert_eq!(count("SELECT COUNT(*) FROM group_members WHERE group_id = $1", format!("{keep}-a")).await, 1);
        assert_problem(&app.get(&format!("/api/v1/directories/{dir}/deletion-impact")).await, StatusCode::NOT_FOUND);
    }
}
