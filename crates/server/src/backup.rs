//! `roster backup` and `roster restore`: a consistent copy of a whole Roster database, taken
//! while the server runs, and a new database made from one, keys, sessions and the sync log
//! included (all of them only as the hashes the database holds).
//!
//! - SQLite: `VACUUM INTO` writes one transaction's snapshot to a new file, beside running
//!   writers (WAL); restoring checks the copy (`integrity_check`, Roster's migrations table)
//!   and moves it into place, never over a database unless forced.
//! - PostgreSQL: `pg_dump` (custom format) of the database, or of the schema Roster's tables
//!   live in when that is not `public`, and
//!   `pg_restore` into an empty database; both must be installed, of the server's major version
//!   or newer.
use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{bail, Context};
use sqlx::Connection;

use crate::store::Backend;

/// Writes a consistent copy of the database at `database_url` to `to`, which must not exist.
pub async fn backup(database_url: &str, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        bail!("{} exists; back up to a new file", to.display());
    }
    match Backend::from_url(database_url)? {
        Backend::Sqlite => {
            let path = sqlite_file(database_url)?;
            if !path.is_file() {
                bail!("no SQLite database at {}", path.display());
            }
            let to = to.to_owned();
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let conn = rusqlite::Connection::open_with_flags(
                    &path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )?;
                let target = to.to_str().context("the backup path is not UTF-8")?;
                conn.execute("VACUUM INTO ?1", [target])
                    .with_context(|| format!("cannot write {}", to.display()))?;
                Ok(())
            })
            .await?
        }
        Backend::Postgres => {
            let mut dump = Command::new("pg_dump");
            dump.args(["--format=custom", "--no-owner", "--no-privileges"]);
            // In `public`, the whole database: a dump naming `public` would create it again,
            // which fails in every new database. In another schema, that schema alone.
            let schema = postgres_schema(database_url).await?;
            if schema != "public" {
                dump.arg(format!("--schema={schema}"));
            }
            run(dump.arg("--file").arg(to).arg(database_url))
        }
    }
}

/// Makes the database at `database_url` from the backup `from`. The target must hold no Roster
/// database, unless `force` (SQLite: the server must be stopped; the old file is replaced).
pub async fn restore(from: &Path, database_url: &str, force: bool) -> anyhow::Result<()> {
    if !from.is_file() {
        bail!("no backup at {}", from.display());
    }
    match Backend::from_url(database_url)? {
        Backend::Sqlite => {
            let path = sqlite_file(database_url)?;
            if path.exists() && !force {
                bail!(
                    "{} exists; restore into a new path, or stop the server and pass --force",
                    path.display()
                );
            }
            let from = from.to_owned();
            tokio::task::spawn_blocking(move || restore_sqlite(&from, &path)).await?
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(database_url)
                .await
                .context("cannot connect to PostgreSQL")?;
            let existing: Option<String> =
                sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text")
                    .fetch_one(&mut conn)
                    .await?;
            conn.close().await?;
            if existing.is_some() && !force {
                bail!(
                    "the target database already holds Roster's tables; restore into an empty one"
                );
            }
            let mut restore = Command::new("pg_restore");
            restore.args(["--no-owner", "--no-privileges", "--exit-on-error"]);
            if force {
                restore.args(["--clean", "--if-exists"]);
            }
            run(restore.arg("--dbname").arg(database_url).arg(from))?;
            rebase_feed(database_url).await
        }
    }
}

/// The change feed orders events by the writing transaction's id, and a restored cluster
/// counts transactions afresh: the restored events move to id 0, before every event to come,
/// and the feed refuses the cursors of the old cluster that are past its counter (410), so a
/// consumer resyncs instead of waiting for ids the new cluster has not reached.
async fn rebase_feed(database_url: &str) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(database_url)
        .await
        .context("cannot connect to PostgreSQL")?;
    let events: Option<String> = sqlx::query_scalar("SELECT to_regclass('events')::text")
        .fetch_one(&mut conn)
        .await?;
    if events.is_some() {
        sqlx::query("UPDATE events SET txid = 0")
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(())
}

fn restore_sqlite(from: &Path, path: &Path) -> anyhow::Result<()> {
    let copy =
        rusqlite::Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("cannot open {}", from.display()))?;
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .with_context(|| format!("{} is not a SQLite database", from.display()))?;
    if check != "ok" {
        bail!("{} is damaged: {check}", from.display());
    }
    let migrations: i64 = copy.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        [],
        |row| row.get(0),
    )?;
    if migrations == 0 {
        bail!("{} is not a Roster database", from.display());
    }
    drop(copy);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Copied beside the target, then renamed: a crash leaves the old database or the new one.
    let partial = path.with_extension("restoring");
    std::fs::copy(from, &partial).with_context(|| format!("cannot write {}", partial.display()))?;
    for stale in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(stale);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    std::fs::rename(&partial, path)
        .with_context(|| format!("cannot move the restored database to {}", path.display()))
}

fn sqlite_file(database_url: &str) -> anyhow::Result<PathBuf> {
    crate::store::sqlite_file(database_url)?
        .context("an in-memory database has nothing to back up or restore into")
}

/// The schema Roster's tables live in: the connection's first on its search path.
async fn postgres_schema(database_url: &str) -> anyhow::Result<String> {
    let mut conn = sqlx::PgConnection::connect(database_url)
        .await
        .context("cannot connect to PostgreSQL")?;
    let schema: String = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    Ok(schema)
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let status = cmd.status().with_context(|| {
        format!(
            "cannot run {program}: install PostgreSQL's client tools (Debian: apt-get install \
             postgresql-client) of the server's major version or newer"
        )
    })?;
    if !status.success() {
        bail!("{program} failed ({status})");
    }
    Ok(())
}
