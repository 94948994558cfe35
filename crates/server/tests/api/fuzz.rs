//! A bounded HTTP-level fuzz run with a fixed seed, on each store: malformed filters, PATCH and
//! create bodies built from SCIM's own vocabulary, bytes that are not JSON or not UTF-8,
//! percent-encoded junk in paths, and sizes around the limits. No answer may be a 5xx, and every
//! error body must be well-formed: an RFC 7644 error under `/scim`, an RFC 9457 problem under
//! `/api`.
use axum::{
    body::Body,
    http::{header, Method, Request},
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value};

use crate::common::{Db, TestApp};

const CASES: usize = 1500;
const SEED: [u8; 32] = *b"roster http fuzz, fixed seed 001";

const WORDS: &[&str] = &[
    "userName",
    "displayName",
    "members",
    "value",
    "Operations",
    "op",
    "path",
    "add",
    "remove",
    "replace",
    "schemas",
    "emails",
    "type",
    "primary",
    "active",
    "name",
    "givenName",
    "externalId",
    "groups",
    "id",
    "meta",
    "urn:ietf:params:scim:api:messages:2.0:PatchOp",
    "urn:ietf:params:scim:schemas:core:2.0:User",
    "members[value eq \"x\"]",
    "emails[type eq \"work\"].value",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
    "True",
    "",
    "\u{0}",
    "é",
    "\u{1F600}",
    "\\",
    "\"",
    "eq",
    "and",
    "or",
    "not",
    "(",
    ")",
    "[",
    "]",
    "pr",
    "co",
    "1e309",
];

fn word() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(WORDS).prop_map(str::to_owned),
        1 => ".{0,40}",
    ]
    .boxed()
}

fn json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((word(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
    .boxed()
}

/// A filter: SCIM tokens in any order, or any text.
fn filter() -> BoxedStrategy<String> {
    prop_oneof![
        prop::collection::vec(word(), 0..12).prop_map(|w| w.join(" ")),
        ".{0,80}",
    ]
    .boxed()
}

/// Percent-encodes every byte, so any byte sequence can be a path segment.
fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

#[derive(Debug, Clone)]
enum Case {
    ListFilter(String),
    SearchBody(Value),
    Create(bool, Value),
    Patch(bool, Value),
    RawBody(bool, Vec<u8>),
    Segment(bool, Vec<u8>),
    AdminBody(Vec<u8>),
    AdminSegment(Vec<u8>),
    Sized(usize),
}

fn case() -> BoxedStrategy<Case> {
    prop_oneof![
        filter().prop_map(Case::ListFilter),
        json().prop_map(Case::SearchBody),
        (any::<bool>(), json()).prop_map(|(g, v)| Case::Create(g, v)),
        (any::<bool>(), json()).prop_map(|(g, v)| Case::Patch(g, v)),
        (any::<bool>(), prop::collection::vec(any::<u8>(), 0..64))
            .prop_map(|(g, b)| Case::RawBody(g, b)),
        (any::<bool>(), prop::collection::vec(any::<u8>(), 1..12))
            .prop_map(|(g, b)| Case::Segment(g, b)),
        prop::collection::vec(any::<u8>(), 0..64).prop_map(Case::AdminBody),
        prop::collection::vec(any::<u8>(), 1..12).prop_map(Case::AdminSegment),
        prop::sample::select(vec![
            0,
            1,
            1024 * 1024 - 1,
            1024 * 1024 + 1,
            3 * 1024 * 1024
        ])
        .prop_map(Case::Sized),
    ]
    .boxed()
}

fn check(method: &Method, uri: &str, res: &crate::common::TestResponse) {
    let what = format!("{method} {uri}");
    assert!(
        !res.status.is_server_error(),
        "{what}: {} {}",
        res.status,
        res.text()
    );
    if res.status.is_success() {
        return;
    }
    let body: Value = serde_json::from_slice(&res.body).unwrap_or_else(|e| {
        panic!(
            "{what}: {} body is not JSON ({e}): {}",
            res.status,
            res.text()
        )
    });
    if uri.starts_with("/scim/") {
        assert_eq!(
            res.header("content-type"),
            Some("application/scim+json"),
            "{what}"
        );
        assert_eq!(
            body["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error",
            "{what}: {body}"
        );
        assert_eq!(body["status"], res.status.as_str(), "{what}: {body}");
    } else {
        assert_eq!(
            res.header("content-type"),
            Some("application/problem+json"),
            "{what}"
        );
        assert_eq!(body["status"], res.status.as_u16(), "{what}: {body}");
    }
}

/// One request of a case: method, URI, whether it carries the directory's key, body.
type Sent = (Method, String, bool, Vec<u8>);

/// What the directory a run fuzzes holds.
struct Target {
    base: String,
    user: String,
    group: String,
}

impl Target {
    fn resource(&self, group: bool) -> (&'static str, &str) {
        if group {
            ("Groups", &self.group)
        } else {
            ("Users", &self.user)
        }
    }

    /// The requests that exercise `case`.
    fn requests(&self, case: Case) -> Vec<Sent> {
        let base = &self.base;
        let scim = |method: Method, path: String, body: Vec<u8>| {
            (method, format!("{base}{path}"), true, body)
        };
        let admin = |method: Method, uri: String, body: Vec<u8>| (method, uri, false, body);
        match case {
            Case::ListFilter(f) => {
                let q = serde_urlencoded::to_string([("filter", f.as_str())]).unwrap();
                vec![
                    scim(Method::GET, format!("/Users?{q}"), Vec::new()),
                    scim(Method::GET, format!("/Groups?{q}"), Vec::new()),
                ]
            }
            Case::SearchBody(v) => vec![scim(
                Method::POST,
                "/.search".into(),
                v.to_string().into_bytes(),
            )],
            Case::Create(g, v) => {
                let (kind, _) = self.resource(g);
                vec![scim(
                    Method::POST,
                    format!("/{kind}"),
                    v.to_string().into_bytes(),
                )]
            }
            Case::Patch(g, v) => {
                let (kind, id) = self.resource(g);
                let op = serde_json::json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": v});
                vec![
                    scim(
                        Method::PATCH,
                        format!("/{kind}/{id}"),
                        op.to_string().into_bytes(),
                    ),
                    scim(
                        Method::PATCH,
                        format!("/{kind}/{id}"),
                        v.to_string().into_bytes(),
                    ),
                ]
            }
            Case::RawBody(g, bytes) => {
                let (kind, id) = self.resource(g);
                vec![
                    scim(Method::PUT, format!("/{kind}/{id}"), bytes.clone()),
                    scim(Method::POST, "/Bulk".into(), bytes),
                ]
            }
            Case::Segment(g, bytes) => {
                let (kind, _) = self.resource(g);
                let segment = encode(&bytes);
                vec![
                    scim(Method::GET, format!("/{kind}/{segment}"), Vec::new()),
                    scim(Method::DELETE, format!("/{kind}/{segment}"), Vec::new()),
                    scim(Method::GET, format!("/Schemas/{segment}"), Vec::new()),
                ]
            }
            Case::AdminBody(bytes) => vec![
                admin(Method::POST, "/api/v1/directories".into(), bytes.clone()),
                admin(Method::POST, "/api/v1/sites".into(), bytes),
            ],
            Case::AdminSegment(bytes) => {
                let segment = encode(&bytes);
                vec![
                    admin(
                        Method::GET,
                        format!("/api/v1/directories/{segment}/users"),
                        Vec::new(),
                    ),
                    admin(Method::GET, format!("/api/v1/groups/{segment}"), Vec::new()),
                ]
            }
            Case::Sized(size) => {
                let mut body = b"{\"displayName\":\"".to_vec();
                body.resize(size.max(16), b'a');
                body.extend_from_slice(b"\"}");
                vec![
                    scim(Method::POST, "/Groups".into(), body.clone()),
                    scim(Method::POST, "/Bulk".into(), body.clone()),
                    admin(Method::POST, "/api/v1/sites".into(), body),
                ]
            }
        }
    }
}

/// The run on one store; the SCIM rate limit is off, so every case reaches the handlers.
async fn run(db: Db) {
    let Some(mut app) = TestApp::start_with(db, |config| config.scim_rate_limit = 0).await else {
        return;
    };
    app.sign_in().await;
    let dir = app.directory("Fuzz").await;
    let user = app.create_user(&dir, "fuzz@example.com").await;
    let group = app.create_group(&dir, "Fuzzers", &[&user]).await;
    let target = Target {
        base: format!("/scim/directory/{}", dir.directory_id),
        user,
        group,
    };
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
    );
    let strategy = case();
    for _ in 0..CASES {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        for (method, uri, keyed, body) in target.requests(case) {
            let mut req = app.signed(Request::builder().method(method.clone()).uri(&uri));
            if keyed {
                req = req.header(header::AUTHORIZATION, format!("Bearer {}", dir.key));
            }
            let Ok(req) = req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
            else {
                continue; // Not a URI a client could send at all.
            };
            let res = app.send(req).await;
            check(&method, &uri, &res);
        }
    }
    // The fuzzed directory still answers.
    let res = app.scim(&dir, Method::GET, "/Users?count=1", None).await;
    assert!(res.status.is_success(), "{}", res.text());
}

#[tokio::test]
async fn hostile_requests_never_fail_sqlite() {
    run(Db::Sqlite).await;
}

#[tokio::test]
async fn hostile_requests_never_fail_postgres() {
    run(Db::Postgres).await;
}
