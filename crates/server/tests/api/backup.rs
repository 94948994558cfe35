//! `roster backup` and `roster restore`: a copy taken while the server runs restores into a new
//! database whose server answers the same SCIM and admin reads, with the same keys.
use axum::http::{Method, StatusCode};
use roster_server::backup;
use serde_json::Value;

use crate::common::{fresh_database, patch_op, Db, TestApp};

/// What a directory's IdP and its admin read.
async fn reads(app: &mut TestApp, dir: &crate::common::ScimTarget, group: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for path in ["/Users?sortBy=userName", &format!("/Groups/{group}")] {
        let res = app.scim(dir, Method::GET, path, None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        out.push(res.json());
    }
    app.sign_in().await;
    for path in ["/api/v1/directories", "/api/v1/audit"] {
        let res = app.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        out.push(res.json());
    }
    out
}

async fn round_trip(db: Db) {
    let Some(mut app) = TestApp::start(db).await else {
        return;
    };
    let dir = app.directory("Backed up").await;
    let alice = app.create_user(&dir, "alice@example.com").await;
    let bob = app.create_user(&dir, "bob@example.com").await;
    let group = app.create_group(&dir, "Engineering", &[&alice]).await;
    let patch =
        patch_op(serde_json::json!([{"op": "add", "path": "members", "value": [{"value": bob}]}]));
    let res = app
        .scim(
            &dir,
            Method::PATCH,
            &format!("/Groups/{group}"),
            Some(patch),
        )
        .await;
    assert!(res.status.is_success(), "{}", res.text());
    // The sync log (and the directory's last request) is written in batches: all of it now,
    // so the reads before and after the backup see the same.
    app.state.sync_log.flush().await;
    let before = reads(&mut app, &dir, &group).await;

    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("roster.backup");
    // Taken while the first server is up.
    backup::backup(&app.state.config.database_url, &file)
        .await
        .unwrap();
    assert!(
        backup::backup(&app.state.config.database_url, &file)
            .await
            .is_err(),
        "never over a file"
    );

    let target = match db {
        Db::Sqlite => format!("sqlite://{}", folder.path().join("restored.db").display()),
        Db::Postgres => new_postgres_database(&app.state.config.database_url).await,
    };
    backup::restore(&file, &target, false).await.unwrap();
    assert!(
        backup::restore(&file, &target, false).await.is_err(),
        "never over a database"
    );
    let mut restored = TestApp::start_with(db, |config| config.database_url = target.clone())
        .await
        .unwrap();
    // The same key opens the same directory.
    let after = reads(&mut restored, &dir, &group).await;
    assert_eq!(after[..2], before[..2]);
    assert_eq!(after[2], before[2]);
    assert_eq!(restored.member_ids(&dir, &group).await.len(), 2);
    // The restored server takes writes.
    restored.create_user(&dir, "carol@example.com").await;

    // What is not a Roster backup is refused, and nothing is written.
    let junk = folder.path().join("junk");
    std::fs::write(&junk, b"not a database").unwrap();
    let elsewhere = match db {
        Db::Sqlite => format!("sqlite://{}", folder.path().join("junk.db").display()),
        Db::Postgres => new_postgres_database(&app.state.config.database_url).await,
    };
    assert!(backup::restore(&junk, &elsewhere, false).await.is_err());
    if db == Db::Sqlite {
        assert!(!folder.path().join("junk.db").exists());
    }
}

/// An empty database beside the test database, reached like `like` (the same schema on its
/// search path, which the restore creates), for a restore.
async fn new_postgres_database(like: &str) -> String {
    let base = std::env::var("ROSTER_TEST_DATABASE_URL").unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let name = format!("restore_{now}_{}", uuid::Uuid::new_v4().simple());
    let pool = sqlx::PgPool::connect(&base).await.unwrap();
    // Runs end without dropping their databases (the restored server still holds them): an
    // hour later they go.
    let old: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'restore\\_%'")
            .fetch_all(&pool)
            .await
            .unwrap();
    for stale in old {
        let started = stale
            .split('_')
            .nth(1)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0);
        if started + 3600 < now {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {stale} WITH (FORCE)"))
                .execute(&pool)
                .await;
        }
    }
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (server, rest) = like.rsplit_once('/').unwrap();
    let options = rest
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{server}/{name}{options}")
}

#[tokio::test]
async fn a_sqlite_backup_restores_into_a_new_server() {
    round_trip(Db::Sqlite).await;
}

#[tokio::test]
async fn a_postgres_backup_restores_into_a_new_database() {
    if fresh_database(Db::Postgres).await.is_none() {
        return;
    }
    round_trip(Db::Postgres).await;
}
