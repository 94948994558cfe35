//! What differs between SQLite and PostgreSQL: how to connect, which migrations to run.
use std::{
    path::{Path, PathBuf},
    str::FromStr,
    time::Duration,
};

use anyhow::{bail, Context};
use sqlx::{
    any::{install_default_drivers, AnyPoolOptions},
    migrate::Migrator,
    sqlite::SqliteConnectOptions,
    AnyPool, Executor,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The database behind a [`crate::store::Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            bail!("unsupported database URL scheme (use sqlite:// or postgres://)")
        }
    }
}

/// SQLite's `synchronous` setting: when a commit reaches the disk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    /// At the next checkpoint (every 100 ms): a power loss can take the commits since.
    #[default]
    Normal,
    /// At every commit (writers that share a group commit share its sync): a power loss takes
    /// nothing that was answered.
    Full,
}

impl SqliteSynchronous {
    /// The pragma that sets it.
    pub fn pragma(self) -> &'static str {
        match self {
            SqliteSynchronous::Normal => "PRAGMA synchronous = NORMAL;",
            SqliteSynchronous::Full => "PRAGMA synchronous = FULL;",
        }
    }
}

/// What [`connect`] opens: the read and write pools, and for a SQLite file its path (for
/// the reads that run in place, see [`crate::store::inplace`]).
pub(in crate::store) struct Opened {
    pub backend: Backend,
    pub read: AnyPool,
    pub write: AnyPool,
    pub sqlite_file: Option<PathBuf>,
}

/// Opens the read and write pools for `url`.
pub(in crate::store) async fn connect(
    url: &str,
    sync: SqliteSynchronous,
) -> anyhow::Result<Opened> {
    install_default_drivers();
    let backend = Backend::from_url(url)?;
    match backend {
        Backend::Sqlite => {
            let (url, in_memory) = sqlite_url(url)?;
            if in_memory {
                // Every connection to `:memory:` is its own database: share one.
                let pool = sqlite_pool(&url, 1, sync).await?;
                return Ok(Opened {
                    backend,
                    read: pool.clone(),
                    write: pool,
                    sqlite_file: None,
                });
            }
            // The write pool opens first: its connection creates the file and turns on WAL.
            let write = sqlite_pool(&url, 1, sync).await?;
            let read = sqlite_pool(&url, 4, sync).await?;
            let path = SqliteConnectOptions::from_str(&url)?
                .get_filename()
                .to_owned();
            Ok(Opened {
                backend,
                read,
                write,
                sqlite_file: Some(path),
            })
        }
        Backend::Postgres => {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .context("cannot connect to PostgreSQL")?;
            Ok(Opened {
                backend,
                read: pool.clone(),
                write: pool,
                sqlite_file: None,
            })
        }
    }
}

/// The file a `sqlite:` URL names; `None` for an in-memory database.
pub fn sqlite_file(url: &str) -> anyhow::Result<Option<PathBuf>> {
    let opts = SqliteConnectOptions::from_str(url).context("invalid SQLite URL")?;
    let path = opts.get_filename();
    let in_memory = path == Path::new(":memory:") || url.contains("mode=memory");
    Ok((!in_memory).then(|| path.to_owned()))
}

/// Makes sure the database file can be created: its folder exists and `mode=rwc` is set.
fn sqlite_url(url: &str) -> anyhow::Result<(String, bool)> {
    let file = sqlite_file(url)?;
    let in_memory = file.is_none();
    if let Some(path) = &file {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create database folder {}", dir.display()))?;
        }
    }
    let url = if in_memory || url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    };
    Ok((url, in_memory))
}

async fn sqlite_pool(url: &str, max: u32, sync: SqliteSynchronous) -> anyhow::Result<AnyPool> {
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        // The default pings every connection on every acquire: one more round trip to the
        // connection's thread per statement, for a local file that cannot have gone away.
        .test_before_acquire(false)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // WAL lets readers run beside the single writer; NORMAL syncs at checkpoints,
                // so a process crash loses nothing and a power loss at most the last commits
                // (FULL: none). Checkpoints run every 100 ms in the background
                // (`InPlace::start_checkpoints`); a writer checkpoints itself only if the WAL
                // reaches 10,000 pages (40 MB).
                conn.execute(sync.pragma()).await?;
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                     PRAGMA busy_timeout = 10000; PRAGMA wal_autocheckpoint = 10000;",
                )
                .await?;
                Ok(())
            })
        })
        .connect(url)
        .await
        .context("cannot open the SQLite database")
}

/// Applies the backend's pending migrations.
pub(in crate::store) async fn migrate(pool: &AnyPool, backend: Backend) -> anyhow::Result<()> {
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator
        .run(pool)
        .await
        .context("database migration failed; the server will not start on this schema")
}
