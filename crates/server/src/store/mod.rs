//! Storage: one SQL implementation over sqlx's `Any` driver, run on SQLite (default) or
//! PostgreSQL. Queries use `$n` placeholders and types both backends share (TEXT, BIGINT,
//! BOOLEAN); what really differs — connection setup, migrations, a few SQL fragments — lives in
//! [`db::backend`], chosen once from the database URL.
//!
//! Methods are grouped per aggregate in submodules (`admins`, `sessions`, ...), each an
//! `impl Store` block.
pub mod access;
pub mod audit;
pub mod db;
pub mod directories;
pub mod error;
pub mod events;
pub mod groups;
pub mod org;
pub mod rows;
pub mod scim_query;
pub mod sync_log;
pub mod users;
pub mod webhooks;

pub use db::backend::{sqlite_file, Backend, SqliteSynchronous};
pub use directories::api_keys::IssuedKey;
pub use org::{
    admins::AdminRecord,
    sessions::SessionRecord,
    throttle::{SignInAttempt, ThrottleState},
};
pub use users::scim::RawUser;

use sqlx::AnyPool;

/// Handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Store {
    /// Pool for reads (and for writes on PostgreSQL).
    read: AnyPool,
    /// Pool for write transactions. On SQLite it holds one connection, so writers queue in
    /// the pool instead of failing with `SQLITE_BUSY` when a deferred transaction upgrades.
    write: AnyPool,
    backend: Backend,
    /// Directories' live API keys, briefly cached (see [`directories::key_cache`]).
    key_cache: std::sync::Arc<directories::key_cache::KeyCache>,
    /// SQLite files only: point reads on the calling thread (see [`db::sqlite`]).
    inplace: Option<std::sync::Arc<db::sqlite::InPlace>>,
}

impl Store {
    /// Connects, applies pending migrations and returns the store. A failed migration is an
    /// error: the server must not start on a schema it does not understand.
    pub async fn connect(database_url: &str) -> anyhow::Result<Store> {
        Store::connect_with(database_url, SqliteSynchronous::default()).await
    }

    /// [`Self::connect`] with SQLite's commits synced as `sync` says.
    pub async fn connect_with(
        database_url: &str,
        sync: SqliteSynchronous,
    ) -> anyhow::Result<Store> {
        let opened = db::backend::connect(database_url, sync).await?;
        let store = Store {
            read: opened.read,
            write: opened.write,
            backend: opened.backend,
            key_cache: Default::default(),
            inplace: opened
                .sqlite_file
                .map(|path| std::sync::Arc::new(db::sqlite::InPlace::new(path, sync))),
        };
        db::backend::migrate(&store.write, store.backend).await?;
        if let Some(inplace) = &store.inplace {
            inplace.start_checkpoints();
        }
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .map(|_| ())
    }

    /// The read pool, for tests that check rows directly.
    #[cfg(test)]
    pub(crate) fn read_pool(&self) -> &AnyPool {
        &self.read
    }

    /// Closes both pools (graceful shutdown).
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// Current time as Unix milliseconds, the representation of every stored time.
pub fn now_millis() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A new time-ordered id (UUID v7): rows inserted together sit together in indexes.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
