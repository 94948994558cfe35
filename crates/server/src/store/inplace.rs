//! SQLite on the calling thread: the hot reads and writes, and the checkpointer.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every statement to it
//! over a channel: two thread switches per statement, which cost an index lookup many times
//! what the lookup itself does. The requests an IdP makes most (a user by id, a `userName
//! eq` lookup before each create, the create itself) are a few index seeks and writes, so
//! they run here, on the caller's thread, through `rusqlite` connections to the same file:
//! a small stack of readers, and one writer whose transactions take turns with sqlx's
//! writer ([`InPlace::write`]).
//!
//! Only bounded work may come here: a statement blocks the async worker that runs it.
//! Scans (`co` searches, deep pages, big groups' members) stay on sqlx's threads. Queries
//! are built with sqlx's binders, and rows come back as sqlx [`AnyRow`]s typed as sqlx's
//! SQLite driver types them (by the value's storage class), so the callers' SQL and row
//! mapping are the ones the sqlx path uses.
use std::{
    path::PathBuf,
    sync::atomic::{AtomicUsize, Ordering},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use rusqlite::{types::ValueRef, Connection, OpenFlags, Statement};
use sqlx::{
    any::{AnyArguments, AnyRow},
    pool::PoolConnection,
    query::Query,
    Any, AnyPool, Execute,
};
// The row's and arguments' parts are sqlx-core's semver-exempt fields: the version is pinned
// (`=0.8.6`) and the tests below decode rows the way the store's row mappers do.
use sqlx_core::{
    any::{AnyColumn, AnyTypeInfo, AnyTypeInfoKind, AnyValue, AnyValueKind},
    ext::ustr::UStr,
};

use super::Store;

/// A query built with sqlx's binders, as the sqlx path runs it.
pub type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Connections to one SQLite file: idle readers, taken for one statement and put back (so
/// there are at most as many as threads that read at once), and one writer.
pub struct InPlace {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    writer: Mutex<Option<Connection>>,
    /// Writers in place take turns here, and the first of a run of them takes the sqlx
    /// write pool's connection for all of them ([`InPlace::write`]).
    baton: tokio::sync::Mutex<Option<Baton>>,
    /// Writers waiting for `baton`.
    waiting: AtomicUsize,
}

/// The sqlx write pool's connection, held for a run of writers in place.
struct Baton {
    _gate: PoolConnection<Any>,
    since: Instant,
}

impl Baton {
    /// Whether the run has kept the pool's connection from sqlx's writers long enough.
    fn expired(&self) -> bool {
        self.since.elapsed() >= BATON_HOLD
    }
}

/// Longest a run of writers in place keeps the pool's connection from sqlx's writers.
const BATON_HOLD: Duration = Duration::from_millis(10);

/// Most idle readers kept; more are opened under load and closed when returned.
const MAX_IDLE: usize = 8;
/// How often committed writes reach the disk (see [`InPlace::start_checkpoints`]). Often
/// enough that a burst of writes rarely grows the WAL to the writers' own checkpoint, which
/// would stall them for its fsyncs; a checkpoint with nothing to copy syncs nothing.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

impl InPlace {
    pub fn new(path: PathBuf) -> InPlace {
        InPlace {
            path,
            idle: Mutex::new(Vec::new()),
            writer: Mutex::new(None),
            baton: tokio::sync::Mutex::new(None),
            waiting: AtomicUsize::new(0),
        }
    }

    fn open(&self, query_only: bool) -> rusqlite::Result<Connection> {
        // Read-write even for readers, like sqlx's connections (a read-only connection cannot
        // rebuild a WAL index after a crash); readers refuse writes with `query_only`.
        // NO_MUTEX: a connection is used by one thread at a time.
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch(if query_only {
            "PRAGMA busy_timeout = 10000; PRAGMA query_only = ON;"
        } else {
            "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
             PRAGMA wal_autocheckpoint = 10000;"
        })?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    /// Starts the checkpointer: a thread that, every [`CHECKPOINT_EVERY`], copies committed
    /// WAL frames into the database file and syncs both (`wal_checkpoint(PASSIVE)`, which
    /// waits for no reader or writer). With `synchronous=NORMAL` a commit is synced at the
    /// next checkpoint, so this bounds what a power loss can take to about that long, at any
    /// write rate, and requests rarely pay for a checkpoint's fsyncs. The writers' own
    /// auto-checkpoint stays as a backstop for a WAL of 10,000 pages, which only a long
    /// burst of writes reaches (the WAL starts over only when a writer finds it fully
    /// checkpointed). The thread also hands back a stale baton ([`InPlace::write`]), and
    /// ends when the store is dropped.
    pub fn start_checkpoints(self: &Arc<Self>) {
        let this = Arc::downgrade(self);
        // Handing a pool connection back spawns a task: it needs the runtime.
        let runtime = tokio::runtime::Handle::try_current().ok();
        let spawned = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                let _runtime = runtime.as_ref().map(tokio::runtime::Handle::enter);
                let mut conn = None;
                loop {
                    std::thread::sleep(CHECKPOINT_EVERY);
                    let Some(this) = this.upgrade() else { return };
                    this.release_stale_baton();
                    if conn.is_none() {
                        conn = this.open(false).ok();
                    }
                    let Some(db) = &conn else { continue };
                    if let Err(err) = db.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!(error = %err, "SQLite checkpoint failed");
                    }
                }
            });
        if let Err(err) = spawned {
            tracing::warn!(error = %err, "could not start the SQLite checkpointer");
        }
    }

    /// Runs one `SELECT` and returns its rows.
    pub fn fetch_all(&self, query: AnyQuery<'_>) -> Result<Vec<AnyRow>, sqlx::Error> {
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open(true).map_err(driver_error)?,
        };
        let rows = fetch(&conn, query);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        rows
    }

    /// Runs `f` as one write transaction (`BEGIN IMMEDIATE` … `COMMIT`, rolled back when `f`
    /// fails) on the calling thread. `gate` is the store's write pool: holding its only
    /// connection keeps every sqlx writer out meanwhile, so the two never wait on SQLite's
    /// lock (whose busy handler sleeps). For short writes only: the thread is blocked.
    ///
    /// Writers in place queue for a baton, and a run of them shares one hold of the pool's
    /// connection: sqlx pings a connection each time it goes back to the pool, two thread
    /// switches the next writer would wait for. The hold ends when no writer in place
    /// waits, or after [`BATON_HOLD`] so sqlx's writers get their turn.
    pub async fn write<R, E>(
        &self,
        gate: &AnyPool,
        f: impl FnOnce(&WriteTx<'_>) -> Result<R, E>,
    ) -> Result<R, E>
    where
        E: From<sqlx::Error>,
    {
        let waiting = Waiting::new(&self.waiting);
        let mut baton = self.baton.lock().await;
        drop(waiting);
        if baton.is_none() {
            *baton = Some(Baton {
                _gate: gate.acquire().await?,
                since: Instant::now(),
            });
        }
        let unwinding = HandBackOnPanic(&mut baton);
        let result = self.transaction(f);
        drop(unwinding);
        if self.waiting.load(Ordering::SeqCst) == 0 || baton.as_ref().is_some_and(Baton::expired) {
            *baton = None;
        }
        result
    }

    /// Hands the pool's connection back when a run of writers in place left it held with
    /// no one to use it: the last writer saw a waiter that was then cancelled.
    fn release_stale_baton(&self) {
        if self.waiting.load(Ordering::SeqCst) != 0 {
            return;
        }
        if let Ok(mut baton) = self.baton.try_lock() {
            if baton.as_ref().is_some_and(Baton::expired) {
                *baton = None;
            }
        }
    }

    fn transaction<R, E>(&self, f: impl FnOnce(&WriteTx<'_>) -> Result<R, E>) -> Result<R, E>
    where
        E: From<sqlx::Error>,
    {
        let mut slot = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let conn = match &mut *slot {
            Some(conn) => conn,
            empty => empty.insert(self.open(false).map_err(driver_error)?),
        };
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(driver_error)?;
        // Rolls back if `f` panics: the next writer, in place or sqlx, must not find the
        // database locked.
        let open = OpenTransaction(conn);
        let result = f(&WriteTx { conn });
        std::mem::forget(open);
        let end = match &result {
            Ok(_) => conn.execute_batch("COMMIT"),
            Err(_) => conn.execute_batch("ROLLBACK"),
        };
        if let Err(err) = end {
            // A failed COMMIT leaves the transaction open: end it before the next writer.
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            return Err(driver_error(err).into());
        }
        result
    }
}

/// Hands the pool's connection back if `f` panics: sqlx's writers must not wait for it.
struct HandBackOnPanic<'a, 'b>(&'a mut tokio::sync::MutexGuard<'b, Option<Baton>>);

impl Drop for HandBackOnPanic<'_, '_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            **self.0 = None;
        }
    }
}

/// Counts a writer waiting for the baton while it lives, cancelled or not.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Rolls back the transaction it guards when dropped (only on unwinding: the normal path
/// ends the transaction itself and forgets the guard).
struct OpenTransaction<'c>(&'c Connection);

impl Drop for OpenTransaction<'_> {
    fn drop(&mut self) {
        if !self.0.is_autocommit() {
            let _ = self.0.execute_batch("ROLLBACK");
        }
    }
}

/// A write transaction of [`InPlace::write`].
pub struct WriteTx<'c> {
    conn: &'c Connection,
}

impl WriteTx<'_> {
    pub fn fetch_all(&self, query: AnyQuery<'_>) -> Result<Vec<AnyRow>, sqlx::Error> {
        fetch(self.conn, query)
    }

    /// Runs `query`, whose SQL may be several statements joined by `"; "` sharing its `$n`
    /// arguments (as a sqlx query string on SQLite); returns the rows the last one changed.
    pub fn execute(&self, mut query: AnyQuery<'_>) -> Result<u64, sqlx::Error> {
        let sql = query.sql();
        let args = arguments(&mut query)?;
        let mut changed = 0;
        for sql in sql.split("; ") {
            let mut stmt = self.conn.prepare_cached(sql).map_err(driver_error)?;
            bind(&mut stmt, &args).map_err(driver_error)?;
            changed = stmt.raw_execute().map_err(driver_error)? as u64;
        }
        Ok(changed)
    }
}

/// Runs a bounded read in place when `inplace` is given, else on `pool`.
pub async fn fetch_all(
    pool: &AnyPool,
    inplace: Option<&InPlace>,
    query: AnyQuery<'_>,
) -> Result<Vec<AnyRow>, sqlx::Error> {
    match inplace {
        Some(inplace) => inplace.fetch_all(query),
        None => query.fetch_all(pool).await,
    }
}

impl Store {
    /// An index lookup of a few rows (a key, a unique name, one seek per listed id): in place
    /// on a SQLite file, else on the read pool.
    pub(super) async fn fetch_seek(&self, query: AnyQuery<'_>) -> Result<Vec<AnyRow>, sqlx::Error> {
        fetch_all(&self.read, self.inplace.as_deref(), query).await
    }
}

fn driver_error(err: rusqlite::Error) -> sqlx::Error {
    match err {
        rusqlite::Error::SqliteFailure(code, message) => {
            sqlx::Error::Database(Box::new(DatabaseError {
                code,
                message: message.unwrap_or_else(|| code.to_string()),
            }))
        }
        other => sqlx::Error::AnyDriverError(Box::new(other)),
    }
}

fn arguments<'q>(query: &mut AnyQuery<'q>) -> Result<Vec<AnyValueKind<'q>>, sqlx::Error> {
    Ok(query
        .take_arguments()
        .map_err(sqlx::Error::Encode)?
        .map(|args| args.values.0)
        .unwrap_or_default())
}

/// Binds `$n` parameters by their number: SQLite numbers parameters by first appearance.
fn bind(stmt: &mut Statement<'_>, args: &[AnyValueKind<'_>]) -> rusqlite::Result<()> {
    for i in 1..=stmt.parameter_count() {
        let n = stmt
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(i);
        match args.get(n - 1) {
            Some(AnyValueKind::Bool(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(AnyValueKind::SmallInt(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(AnyValueKind::Integer(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(AnyValueKind::BigInt(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(AnyValueKind::Real(v)) => stmt.raw_bind_parameter(i, f64::from(*v))?,
            Some(AnyValueKind::Double(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(AnyValueKind::Text(v)) => stmt.raw_bind_parameter(i, v.as_ref())?,
            Some(AnyValueKind::Blob(v)) => stmt.raw_bind_parameter(i, v.as_ref())?,
            // As sqlx does: a parameter without an argument (or a NULL) is NULL.
            _ => stmt.raw_bind_parameter(i, rusqlite::types::Null)?,
        }
    }
    Ok(())
}

fn fetch(conn: &Connection, mut query: AnyQuery<'_>) -> Result<Vec<AnyRow>, sqlx::Error> {
    let args = arguments(&mut query)?;
    let mut stmt = conn.prepare_cached(query.sql()).map_err(driver_error)?;
    bind(&mut stmt, &args).map_err(driver_error)?;
    rows(stmt).map_err(driver_error)
}

/// The statement's rows, typed by each value's storage class as sqlx's SQLite driver does.
fn rows(mut stmt: rusqlite::CachedStatement<'_>) -> rusqlite::Result<Vec<AnyRow>> {
    let columns: Vec<AnyColumn> = stmt
        .column_names()
        .into_iter()
        .enumerate()
        .map(|(ordinal, name)| AnyColumn {
            ordinal,
            name: UStr::new(name),
            type_info: AnyTypeInfo {
                kind: AnyTypeInfoKind::Null,
            },
        })
        .collect();
    let names: Arc<sqlx_core::HashMap<UStr, usize>> = Arc::new(
        columns
            .iter()
            .map(|c| (c.name.clone(), c.ordinal))
            .collect(),
    );
    let mut out = Vec::new();
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(columns.len());
        for i in 0..columns.len() {
            let kind = match row.get_ref(i)? {
                ValueRef::Null => AnyValueKind::Null(AnyTypeInfoKind::Null),
                ValueRef::Integer(v) => AnyValueKind::BigInt(v),
                ValueRef::Real(v) => AnyValueKind::Double(v),
                // SQLite text is UTF-8 unless written as bytes; validating is the fast path.
                ValueRef::Text(t) => AnyValueKind::Text(match std::str::from_utf8(t) {
                    Ok(text) => text.to_owned().into(),
                    Err(_) => String::from_utf8_lossy(t).into_owned().into(),
                }),
                ValueRef::Blob(b) => AnyValueKind::Blob(b.to_vec().into()),
            };
            values.push(AnyValue { kind });
        }
        out.push(AnyRow {
            column_names: names.clone(),
            columns: columns.clone(),
            values,
        });
    }
    Ok(out)
}

/// A SQLite error in sqlx's form, so callers classify it as they do sqlx's own
/// (`is_unique_violation`).
#[derive(Debug)]
struct DatabaseError {
    code: rusqlite::ffi::Error,
    message: String,
}

impl std::fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DatabaseError {}

impl sqlx::error::DatabaseError for DatabaseError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
        Some(self.code.extended_code.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        use sqlx::error::ErrorKind;
        match self.code.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use super::*;

    fn database() -> (tempfile::TempDir, InPlace) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; \
             CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT, flag BOOLEAN, note TEXT); \
             INSERT INTO t VALUES ('a', 1, 1, NULL), ('b', 2, 0, 'x');",
        )
        .unwrap();
        (dir, InPlace::new(path))
    }

    #[test]
    fn binds_dollar_parameters_by_number_not_position() {
        let (_dir, db) = database();
        // `$2` appears first, so SQLite numbers it 1.
        let rows = db
            .fetch_all(
                sqlx::query("SELECT id FROM t WHERE n = $2 AND id = $1")
                    .bind("b")
                    .bind(2i64),
            )
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].try_get::<String, _>("id").unwrap(), "b");
    }

    #[test]
    fn rows_decode_as_sqlx_sqlite_rows_do() {
        let (_dir, db) = database();
        let rows = db
            .fetch_all(
                sqlx::query(
                    "SELECT id, n, flag, note FROM t WHERE flag = $1 OR n > $2 ORDER BY id",
                )
                .bind(true)
                .bind(1i64),
            )
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].try_get::<i64, _>("n").unwrap(), 1);
        assert_eq!(rows[0].try_get::<Option<String>, _>("note").unwrap(), None);
        assert_eq!(
            rows[1].try_get::<Option<String>, _>(3).unwrap().as_deref(),
            Some("x")
        );
        assert_eq!(rows[1].try_get::<i64, _>("flag").unwrap(), 0);
    }

    #[test]
    fn errors_are_errors_and_connections_are_reused() {
        let (_dir, db) = database();
        assert!(db.fetch_all(sqlx::query("SELECT nope FROM t")).is_err());
        assert!(
            db.fetch_all(sqlx::query("DELETE FROM t")).is_err(),
            "query_only"
        );
        db.fetch_all(sqlx::query("SELECT 1")).unwrap();
        assert_eq!(db.idle.lock().unwrap().len(), 1);
    }

    /// The store's gate: a one-connection sqlx pool on the same file.
    async fn gate(dir: &tempfile::TempDir) -> AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap()
    }

    fn ids(db: &InPlace) -> Vec<String> {
        db.fetch_all(sqlx::query("SELECT id FROM t ORDER BY id"))
            .unwrap()
            .iter()
            .map(|r| r.try_get("id").unwrap())
            .collect()
    }

    fn count(db: &InPlace) -> i64 {
        db.fetch_all(sqlx::query("SELECT COUNT(*) FROM t")).unwrap()[0]
            .try_get(0)
            .unwrap()
    }

    #[tokio::test]
    async fn a_write_commits_or_rolls_back_as_a_whole() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        let failed: Result<(), sqlx::Error> = db
            .write(&gate, |tx| {
                tx.execute(
                    sqlx::query(
                        "INSERT INTO t (id, n) VALUES ($1, 3); DELETE FROM t WHERE id = 'a'",
                    )
                    .bind("c"),
                )?;
                Err(sqlx::Error::RowNotFound)
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(count(&db), 2, "rolled back");
        db.write(&gate, |tx| {
            tx.execute(
                sqlx::query("INSERT INTO t (id, n) VALUES ($1, 3); DELETE FROM t WHERE id = 'a'")
                    .bind("c"),
            )
        })
        .await
        .unwrap();
        assert_eq!(count(&db), 2, "one in, one out");
        assert_eq!(ids(&db), ["b", "c"]);
    }

    #[tokio::test]
    async fn unique_violations_read_as_sqlx_ones() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        let err = db
            .write(&gate, |tx| {
                tx.execute(sqlx::query("INSERT INTO t (id) VALUES ($1)").bind("a"))
            })
            .await
            .unwrap_err();
        assert!(crate::store::is_unique_violation(&err), "{err:?}");
        // The writer is usable after the failure.
        db.write(&gate, |tx| {
            tx.execute(sqlx::query("INSERT INTO t (id) VALUES ($1)").bind("z"))
        })
        .await
        .unwrap();
        assert_eq!(count(&db), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writers_take_turns_with_sqlx_writers() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        let db = Arc::new(db);
        let mut tasks = Vec::new();
        for i in 0..40 {
            let (db, gate) = (db.clone(), gate.clone());
            tasks.push(tokio::spawn(async move {
                let id = format!("w{i}");
                if i % 2 == 0 {
                    db.write(&gate, |tx| {
                        tx.execute(sqlx::query("INSERT INTO t (id) VALUES ($1)").bind(id.as_str()))
                    })
                    .await
                    .map(|_| ())
                } else {
                    let mut tx = gate.begin().await?;
                    sqlx::query("INSERT INTO t (id) VALUES ($1)")
                        .bind(id.as_str())
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await
                }
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(count(&db), 42);
    }

    #[tokio::test]
    async fn the_write_pool_is_free_after_writes_in_place() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        for id in ["x", "y"] {
            db.write(&gate, |tx| {
                tx.execute(sqlx::query("INSERT INTO t (id) VALUES ($1)").bind(id))
            })
            .await
            .unwrap();
        }
        // No writer in place waits: the pool's connection went back with the last one.
        let conn = tokio::time::timeout(std::time::Duration::from_secs(1), gate.acquire()).await;
        assert!(conn.is_ok_and(|c| c.is_ok()));
    }

    #[tokio::test]
    async fn a_baton_left_with_no_writer_goes_back_to_the_pool() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        let db = Arc::new(db);
        // What a waiter cancelled after the last writer saw it leaves: the pool's connection
        // held, no one queued.
        *db.baton.lock().await = Some(Baton {
            _gate: gate.acquire().await.unwrap(),
            since: Instant::now(),
        });
        db.start_checkpoints();
        let started = Instant::now();
        sqlx::query("INSERT INTO t (id) VALUES ('s')")
            .execute(&gate)
            .await
            .unwrap();
        assert!(started.elapsed() < BATON_HOLD + 5 * CHECKPOINT_EVERY);
        assert!(db.baton.lock().await.is_none());
    }

    #[tokio::test]
    async fn a_panicking_write_leaves_nothing_behind() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        let db = Arc::new(db);
        let (db2, gate2) = (db.clone(), gate.clone());
        let panicked = tokio::spawn(async move {
            db2.write(&gate2, |tx| -> Result<(), sqlx::Error> {
                tx.execute(sqlx::query("INSERT INTO t (id) VALUES ($1)").bind("p"))?;
                panic!("a bug");
            })
            .await
        })
        .await;
        assert!(panicked.is_err());
        // A sqlx writer finds the database unlocked at once (its busy timeout is 5 s).
        let started = std::time::Instant::now();
        sqlx::query("INSERT INTO t (id) VALUES ('s')")
            .execute(&gate)
            .await
            .unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        db.write(&gate, |tx| {
            tx.execute(sqlx::query("INSERT INTO t (id) VALUES ($1)").bind("q"))
        })
        .await
        .unwrap();
        assert_eq!(ids(&db), ["a", "b", "q", "s"]);
    }

    #[tokio::test]
    async fn commits_reach_the_database_file_within_seconds() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        let db = Arc::new(db);
        db.write(&gate, |tx| {
            tx.execute(sqlx::query("INSERT INTO t (id) VALUES ($1)").bind("late"))
        })
        .await
        .unwrap();
        // The database file alone, without its WAL, holds the row once it is checkpointed.
        let copy = dir.path().join("copy.db");
        // (A copy taken while a checkpoint writes may be torn: that reads as "not yet".)
        let in_file = || {
            std::fs::copy(dir.path().join("t.db"), &copy).unwrap();
            let n = Connection::open(&copy).and_then(|conn| {
                conn.query_row("SELECT COUNT(*) FROM t WHERE id = 'late'", [], |r| {
                    r.get::<_, i64>(0)
                })
            });
            let _ = std::fs::remove_file(&copy);
            matches!(n, Ok(1))
        };
        assert!(!in_file(), "not before a checkpoint");
        db.start_checkpoints();
        let deadline = std::time::Instant::now() + 5 * CHECKPOINT_EVERY;
        while !in_file() {
            assert!(std::time::Instant::now() < deadline, "not checkpointed");
            tokio::time::sleep(CHECKPOINT_EVERY / 4).await;
        }
    }
}
