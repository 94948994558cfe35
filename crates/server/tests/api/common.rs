//! Test kit: an in-process app on a fresh database per test, and a small client that keeps
//! the session cookie and CSRF token like a browser would.
#![allow(dead_code)]

use axum::{
    body::Body,
    http::{header, HeaderMap, Method, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use roster_server::{config::Config, store::Store, AppState};
use serde_json::Value;
use tower::ServiceExt;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A fresh database URL: a temporary SQLite file, or a new schema in the PostgreSQL database
/// named by `ROSTER_TEST_DATABASE_URL`. `None` when PostgreSQL is not configured.
pub async fn fresh_database(db: Db) -> Option<(String, Option<tempfile::TempDir>)> {
    match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/roster.db", dir.path().display());
            Some((url, Some(dir)))
        }
        Db::Postgres => {
            let base = std::env::var("ROSTER_TEST_DATABASE_URL").ok()?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_secs();
            let schema = format!("t_{now}_{}", uuid::Uuid::new_v4().simple());
            let pool = sqlx::PgPool::connect(&base)
                .await
                .expect("connect to test PostgreSQL");
            drop_stale_schemas(&pool, now).await;
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&pool)
                .await
                .expect("create schema");
            pool.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            Some((
                format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                None,
            ))
        }
    }
}

/// Drops, once per test run, the schemas of runs that started over an hour ago: a test
/// cannot drop its own (it ends without an async drop), and thousands of leftover schemas
/// slow every later run's PostgreSQL.
async fn drop_stale_schemas(pool: &sqlx::PgPool, now: u64) {
    static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    ONCE.get_or_init(|| async {
        let names: Vec<String> =
            sqlx::query_scalar("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'")
                .fetch_all(pool)
                .await
                .unwrap_or_default();
        for name in names {
            // `t_<unix seconds>_<uuid>`; older names (`t_<uuid>`) carry no time and go too.
            let started = name
                .strip_prefix("t_")
                .and_then(|rest| rest.split_once('_'))
                .and_then(|(secs, _)| secs.parse::<u64>().ok())
                .unwrap_or(0);
            if started + 3600 < now {
                let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                    .execute(pool)
                    .await;
            }
        }
    })
    .await;
}

/// An app under test with a signed-out client.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    /// The backend this app runs on (to start another app like it).
    pub db: Db,
    cookie: Option<String>,
    pub csrf: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

/// A response, with its body read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    /// The body as text (for assertion messages).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    /// A new app with the first admin created, or `None` (test skipped) when the backend is
    /// not available.
    pub async fn start(db: Db) -> Option<TestApp> {
        TestApp::start_with(db, |_| {}).await
    }

    /// [`Self::start`] with the configuration adjusted by `configure` first.
    pub async fn start_with(db: Db, configure: impl FnOnce(&mut Config)) -> Option<TestApp> {
        // Server logs appear with a failing test's output (RUST_LOG=debug for more).
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "warn".into()),
            )
            .with_test_writer()
            .try_init();
        let Some((url, dir)) = fresh_database(db).await else {
            eprintln!("skipped: ROSTER_TEST_DATABASE_URL is not set");
            return None;
        };
        let mut config = Config::for_database(url);
        config.admin_email = ADMIN_EMAIL.into();
        config.admin_password = Some(ADMIN_PASSWORD.into());
        configure(&mut config);
        let store = Store::connect_with(&config.database_url, config.sqlite_synchronous)
            .await
            .expect("store");
        roster_server::bootstrap::ensure_first_admin(&store, &config)
            .await
            .expect("bootstrap");
        let state = AppState::new(store, config).await.expect("state");
        Some(TestApp {
            router: roster_server::app(state.clone()),
            state,
            db,
            cookie: None,
            csrf: None,
            _dir: dir,
        })
    }

    /// Sends a request with the session cookie and CSRF token, if any.
    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> TestResponse {
        let req = self.signed(Request::builder().method(method).uri(path));
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.send(req).await
    }

    /// `req` with the session cookie and CSRF token, if any, as [`Self::request`] sends them.
    pub fn signed(&self, mut req: axum::http::request::Builder) -> axum::http::request::Builder {
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        if let Some(t) = &self.csrf {
            req = req.header("X-CSRF-Token", t);
        }
        req
    }

    /// Sends a prepared request as it is, remembering a session cookie that is set.
    pub async fn send(&mut self, req: Request<Body>) -> TestResponse {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        if let Some(set) = headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
        {
            let pair = set.split(';').next().unwrap_or("").to_owned();
            self.cookie = if pair.ends_with('=') {
                None
            } else {
                Some(pair)
            };
        }
        let body = res
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request(Method::GET, path, None).await
    }

    /// Signs in as the first admin and keeps the CSRF token.
    pub async fn sign_in(&mut self) -> Value {
        let res = self
            .request(
                Method::POST,
                "/api/v1/session",
                Some(serde_json::json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::OK,
            "{:?}",
            String::from_utf8_lossy(&res.body)
        );
        let body = res.json();
        self.csrf = body["csrfToken"].as_str().map(str::to_owned);
        body
    }
}

/// Runs each listed test body on SQLite and, when configured, on PostgreSQL.
#[macro_export]
macro_rules! backend_tests {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    #[allow(unused_mut)]
                    let Some(mut $app) = $crate::common::TestApp::start($crate::common::Db::Sqlite).await else { return };
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    #[allow(unused_mut)]
                    let Some(mut $app) = $crate::common::TestApp::start($crate::common::Db::Postgres).await else { return };
                    $body
                }
            )*
        }
    };
}

/// A directory to provision into over SCIM, with its key.
pub struct ScimTarget {
    pub directory_id: String,
    pub key: String,
}

impl TestApp {
    /// Creates a directory through the store and returns its id and first key.
    pub async fn directory(&self, name: &str) -> ScimTarget {
        let org = self
            .state
            .store
            .organization()
            .await
            .unwrap()
            .expect("organization");
        let (directory_id, issued) = self
            .state
            .store
            .create_directory(&org.id, name, 365 * 24 * 3600 * 1000)
            .await
            .unwrap();
        ScimTarget {
            directory_id,
            key: issued.key.secret.clone(),
        }
    }

    /// Sends a SCIM request to `path` (relative to the directory's base URL) with the key.
    pub async fn scim(
        &mut self,
        target: &ScimTarget,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> TestResponse {
        self.scim_with(target, method, path, body, &[]).await
    }

    /// [`Self::scim`] with extra headers.
    pub async fn scim_with(
        &mut self,
        target: &ScimTarget,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let uri = format!("/scim/directory/{}{path}", target.directory_id);
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", target.key));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/scim+json; charset=utf-8")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.send(req).await
    }
}

/// A SCIM PatchOp body with these operations.
pub fn patch_op(operations: Value) -> Value {
    serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": operations,
    })
}

impl TestApp {
    /// Sends raw bytes to a SCIM `path` with the key and the given content type.
    pub async fn scim_raw(
        &mut self,
        target: &ScimTarget,
        method: Method,
        path: &str,
        content_type: &str,
        body: impl Into<Body>,
    ) -> TestResponse {
        let req = Request::builder()
            .method(method)
            .uri(format!("/scim/directory/{}{path}", target.directory_id))
            .header(header::AUTHORIZATION, format!("Bearer {}", target.key))
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .expect("request");
        self.send(req).await
    }

    /// Creates a user over SCIM and returns its id.
    pub async fn create_user(&mut self, target: &ScimTarget, user_name: &str) -> String {
        let res = self
            .scim(
                target,
                Method::POST,
                "/Users",
                Some(serde_json::json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "userName": user_name,
                    "displayName": format!("User {user_name}"),
                    "active": true,
                })),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        res.json()["id"].as_str().expect("id").to_owned()
    }

    /// Creates a group with these member ids over SCIM and returns its id.
    pub async fn create_group(
        &mut self,
        target: &ScimTarget,
        display_name: &str,
        members: &[&str],
    ) -> String {
        let members: Vec<Value> = members
            .iter()
            .map(|id| serde_json::json!({"value": id}))
            .collect();
        let res = self
            .scim(
                target,
                Method::POST,
                "/Groups",
                Some(serde_json::json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                    "displayName": display_name,
                    "members": members,
                })),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        res.json()["id"].as_str().expect("id").to_owned()
    }

    /// A group's member ids over SCIM, sorted.
    pub async fn member_ids(&mut self, target: &ScimTarget, group_id: &str) -> Vec<String> {
        let res = self
            .scim(target, Method::GET, &format!("/Groups/{group_id}"), None)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let mut ids: Vec<String> = res.json()["members"]
            .as_array()
            .map(|m| {
                m.iter()
                    .map(|v| v["value"].as_str().expect("member value").to_owned())
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// The directory's sync log, newest first, read over the admin API once every recorded
    /// event is written. Signs the client in.
    pub async fn sync_log(&mut self, target: &ScimTarget) -> Vec<Value> {
        self.state.sync_log.flush().await;
        if self.csrf.is_none() {
            self.sign_in().await;
        }
        let res = self
            .get(&format!(
                "/api/v1/directories/{}/events?limit=100",
                target.directory_id
            ))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        res.json()["items"].as_array().cloned().unwrap_or_default()
    }
}
