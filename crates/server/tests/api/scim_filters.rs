//! The differential filter test: a generated corpus of SCIM filters (the core's property
//! generators, with values drawn from the seeded data), sent in a shuffled order to SQLite and,
//! when configured, PostgreSQL, each holding the same users and groups. Every answer must be
//! exactly what the core's in-memory evaluator decides over that store's resources, so the two
//! stores also agree with each other; a filter may be refused only as `invalidFilter`, and by
//! both stores alike. The order matters: statement caches keyed by SQL text fail only after
//! another filter compiled to the same text.
use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use roster_scim::{arbitrary, Filter, ResourceKind};
use serde_json::{json, Value};

use crate::common::{Db, ScimTarget, TestApp};

const USERS: usize = 24;
const GROUPS: usize = 4;
/// Filters per resource type: enough to meet every column, operator and combination, small
/// enough for a few seconds per store.
const CORPUS: usize = 400;
const SEED: [u8; 32] = *b"roster differential filters 2026";

/// Text the seeded resources hold (in various cases), and text they do not: filter values are
/// drawn from these, so comparisons match often. `@u3` and `@g1` stand for the ids of user 3
/// and group 1, which differ between the stores.
const VALUES: &[&str] = &[
    "alice",
    "ALICE@example.com",
    "alice@example.com",
    "bob@example.com",
    "Bob",
    "émile@example.com",
    "ÉMILE",
    "straße",
    "STRASSE",
    "a%b",
    "a_b",
    "work",
    "home",
    "Work",
    "Engineering",
    "engineering",
    "Sales",
    "en-US",
    "x",
    "",
    "e",
    "ex",
    "com",
    "Manager",
    "1000",
    "2020-01-01T00:00:00Z",
    "2999-01-01T00:00:00Z",
    "not a date",
    "@u0",
    "@u3",
    "@u7",
    "@g0",
    "@g1",
];

fn user(i: usize) -> Value {
    let names = [
        "alice@example.com",
        "Bob@Example.com",
        "émile@example.com",
        "straße@example.com",
        "a%b@example.com",
        "a_b@example.com",
    ];
    let base = names[i % names.len()];
    let user_name = if i < names.len() {
        base.to_owned()
    } else {
        format!("{i}.{base}")
    };
    let given = ["Alice", "Bob", "Émile", "x"][i % 4];
    let department = ["Engineering", "Sales"][i % 2];
    let mut user = json!({
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        ],
        "userName": user_name,
        "active": !i.is_multiple_of(3),
        "name": {"givenName": given, "familyName": "Example"},
    });
    if i.is_multiple_of(2) {
        user["externalId"] = json!(["ALICE", "alice", "x", "a%b"][i % 4]);
    }
    if i % 3 != 1 {
        user["title"] = json!(["Engineering", "Manager", "Work"][i % 3]);
        user["displayName"] = json!(format!("User {i}"));
    }
    if i % 4 != 3 {
        let kinds = ["work", "home", "Work"];
        user["emails"] = json!([
            {"value": user_name.to_uppercase(), "type": kinds[i % 3], "primary": i.is_multiple_of(2)},
            {"value": format!("other{i}@example.com"), "type": "home"},
        ]);
    }
    if i.is_multiple_of(5) {
        user["locale"] = json!("en-US");
        user["nickName"] = json!("ex");
    }
    if i % 2 == 1 {
        user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = json!({
            "employeeNumber": format!("{}", 1000 + i),
            "department": department,
        });
    }
    user
}

/// The same users and groups in a new directory; its ids in creation order.
async fn seed(app: &mut TestApp) -> (ScimTarget, Vec<String>, Vec<String>) {
    let dir = app.directory("Differential").await;
    let mut users = Vec::new();
    for i in 0..USERS {
        let res = app.scim(&dir, Method::POST, "/Users", Some(user(i))).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        users.push(res.json()["id"].as_str().unwrap().to_owned());
    }
    let mut groups = Vec::new();
    for g in 0..GROUPS {
        let members: Vec<&str> = users
            .iter()
            .enumerate()
            .filter(|(i, _)| i % (g + 2) == 0)
            .map(|(_, id)| id.as_str())
            .collect();
        let name = ["Engineering", "Sales", "alice", "a%b"][g];
        groups.push(app.create_group(&dir, name, &members).await);
    }
    (dir, users, groups)
}

/// One store under test: its app, directory, ids and every resource as the API renders it.
struct Store {
    app: TestApp,
    dir: ScimTarget,
    users: Vec<String>,
    groups: Vec<String>,
    all: [Vec<Value>; 2],
}

impl Store {
    async fn start(db: Db) -> Option<Store> {
        let mut app = TestApp::start(db).await?;
        let (dir, users, groups) = seed(&mut app).await;
        let mut store = Store {
            app,
            dir,
            users,
            groups,
            all: [Vec::new(), Vec::new()],
        };
        for (slot, endpoint) in [(0, "/Users"), (1, "/Groups")] {
            let res = store
                .app
                .scim(
                    &store.dir,
                    Method::GET,
                    &format!("{endpoint}?count=1000"),
                    None,
                )
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.text());
            store.all[slot] = res.json()["Resources"].as_array().unwrap().clone();
        }
        Some(store)
    }

    /// The filter with this store's ids in place of `@u3` and `@g1`.
    fn resolve(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (prefix, ids) in [("@u", &self.users), ("@g", &self.groups)] {
            for (i, id) in ids.iter().enumerate().rev() {
                out = out.replace(&format!("\"{prefix}{i}\""), &format!("\"{id}\""));
            }
        }
        out
    }

    /// What the store answers: the matching resources' names, or the refusal's `scimType`.
    async fn answer(&mut self, kind: ResourceKind, text: &str) -> Result<BTreeSet<String>, String> {
        let query = serde_urlencoded::to_string([("filter", text), ("count", "1000")]).unwrap();
        let path = format!("{}?{query}", kind.endpoint());
        let res = self.app.scim(&self.dir, Method::GET, &path, None).await;
        match res.status {
            StatusCode::OK => Ok(names(kind, res.json()["Resources"].as_array().unwrap())),
            StatusCode::BAD_REQUEST => {
                if std::env::var_os("ROSTER_SHOW_REFUSED").is_some() {
                    eprintln!("REFUSED {text}: {}", res.json()["detail"]);
                }
                Err(res.json()["scimType"].as_str().unwrap_or("").into())
            }
            other => panic!("{:?}: {text} answered {other}: {}", self.app.db, res.text()),
        }
    }

    /// What the core's evaluator decides over every resource of the store.
    fn expected(&self, kind: ResourceKind, text: &str) -> BTreeSet<String> {
        let filter = Filter::parse(kind, text).unwrap();
        let all = &self.all[usize::from(kind == ResourceKind::Group)];
        let matching: Vec<Value> = all.iter().filter(|r| filter.matches(r)).cloned().collect();
        names(kind, &matching)
    }
}

fn names(kind: ResourceKind, resources: &[Value]) -> BTreeSet<String> {
    let key = match kind {
        ResourceKind::User => "userName",
        ResourceKind::Group => "displayName",
    };
    resources
        .iter()
        .map(|r| r[key].as_str().unwrap().to_owned())
        .collect()
}

/// The corpus: filters on users and on groups, printed, in one shuffled order.
fn corpus() -> Vec<(ResourceKind, String)> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
    );
    let strings = prop::sample::select(VALUES).prop_map(str::to_owned).boxed();
    let mut out = Vec::new();
    for kind in [ResourceKind::User, ResourceKind::Group] {
        // Memberships are filtered on by their `value` only (others are refused, rightly).
        let paths = arbitrary::paths(kind)
            .into_iter()
            .filter(|p| {
                !matches!(p.attribute.name, "members" | "groups")
                    || p.sub_attribute.is_none_or(|s| s.name == "value")
            })
            .collect();
        let strategy = arbitrary::filter_over(paths, strings.clone());
        for _ in 0..CORPUS {
            let filter = strategy.new_tree(&mut runner).unwrap().current();
            out.push((kind, filter.to_string()));
        }
    }
    for i in (1..out.len()).rev() {
        let j = (runner.rng().next_u64() % (i as u64 + 1)) as usize;
        out.swap(i, j);
    }
    out
}

#[tokio::test]
async fn filters_answer_alike_on_every_store_and_in_memory() {
    let mut stores = Vec::new();
    for db in [Db::Sqlite, Db::Postgres] {
        if let Some(store) = Store::start(db).await {
            stores.push(store);
        }
    }
    let mut refused = 0;
    assert!(!stores.is_empty());
    for (kind, text) in corpus() {
        let mut answers = Vec::new();
        for store in &mut stores {
            let resolved = store.resolve(&text);
            let answer = store.answer(kind, &resolved).await;
            match &answer {
                Ok(found) => assert_eq!(
                    found,
                    &store.expected(kind, &resolved),
                    "{:?} answered {kind:?} filter {resolved} unlike the evaluator",
                    store.app.db
                ),
                Err(scim_type) => {
                    assert_eq!(scim_type, "invalidFilter", "{resolved}");
                    // Only memberships, kept apart from the documents, limit what is answered.
                    assert!(
                        text.contains("members") || text.contains("groups"),
                        "{:?} refused {kind:?} filter {resolved}",
                        store.app.db
                    );
                    refused += 1;
                }
            }
            answers.push(answer.map(|_| ()));
        }
        assert!(
            answers.windows(2).all(|w| w[0] == w[1]),
            "the stores disagree on {kind:?} filter {text}: {answers:?}"
        );
    }
    // Refusals are the exception, not a way around the comparison.
    assert!(
        refused * 5 < CORPUS * 2 * stores.len() * 2,
        "{refused} filters refused"
    );
}
