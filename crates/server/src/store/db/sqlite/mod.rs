//! SQLite on the calling thread: the hot reads and writes, and the checkpointer.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every statement to it
//! over a channel: two thread switches per statement, which cost an index lookup many times
//! what the lookup itself does. The requests an IdP makes most (a user by id, a `userName
//! eq` lookup before each create, the create itself) are a few index seeks and writes, so
//! they run here, on the caller's thread, through `rusqlite` connections to the same file:
//! a small stack of readers, and one writer whose transactions take turns with sqlx's
//! writer ([`InPlace::write`]). Writes that queue up behind each other share one commit
//! (group commit): a commit is a sixth of a create's cost, and writes arriving together
//! mostly dirty the same pages.
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

use tokio::sync::watch;

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

use crate::store::{SqliteSynchronous, Store};

/// A query built with sqlx's binders, as the sqlx path runs it.
pub type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Connections to one SQLite file: idle readers, taken for one statement and put back (so
/// there are at most as many as threads that read at once), and one writer.
pub struct InPlace {
    path: PathBuf,
    /// Set on the writer's connection.
    sync: SqliteSynchronous,
    idle: Mutex<Vec<Connection>>,
    writer: Mutex<Option<Connection>>,
    /// Writers in place take turns here ([`InPlace::write`]).
    turn: tokio::sync::Mutex<Turn>,
    /// Writers waiting for `turn`.
    waiting: AtomicUsize,
}

/// What a run of writers in place hands from one to the next.
#[derive(Default)]
struct Turn {
    /// The sqlx write pool's connection, taken by the first writer of the run.
    baton: Option<Baton>,
    /// The writer connection's open transaction, when the last writer left it for the next.
    group: Option<Group>,
}

/// Writes done and not committed yet: the writer connection's open transaction. Its
/// writers wait for [`Group::done`] before they answer.
struct Group {
    /// The commit's outcome once there is one; dropped unset if the transaction was lost.
    done: watch::Sender<Option<Result<(), Arc<str>>>>,
    writes: usize,
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

/// Longest a run of writers in place keeps the pool's connection from sqlx's writers, and
/// so the longest a group of writes waits for its commit.
const BATON_HOLD: Duration = Duration::from_millis(10);
/// Most writes committed together, so the first of them does not wait for many more.
const MAX_GROUP: usize = 32;
/// How long a write waits for its group's commit before committing the group itself: the
/// writers it was left open for went away (their requests were cancelled).
const STRANDED: Duration = Duration::from_millis(40);

/// Most idle readers kept; more are opened under load and closed when returned.
const MAX_IDLE: usize = 8;
/// How often committed writes reach the disk (see [`InPlace::start_checkpoints`]). Often
/// enough that a burst of writes rarely grows the WAL to the writers' own checkpoint, which
/// would stall them for its fsyncs; a checkpoint with nothing to copy syncs nothing.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

impl InPlace {
    pub fn new(path: PathBuf, sync: SqliteSynchronous) -> InPlace {
        InPlace {
            path,
            sync,
            idle: Mutex::new(Vec::new()),
            writer: Mutex::new(None),
            turn: tokio::sync::Mutex::new(Turn::default()),
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
            // The savepoints of a group commit journal the pages they change; in memory,
            // that journal costs no file writes (it holds one write's pages at a time).
            "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
             PRAGMA wal_autocheckpoint = 10000; PRAGMA temp_store = MEMORY;"
        })?;
        if !query_only {
            conn.execute_batch(self.sync.pragma())?;
        }
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

    /// Runs `f` as one write transaction on the calling thread: its writes are committed
    /// together or, when `f` fails, not at all. `gate` is the store's write pool: holding
    /// its only connection keeps every sqlx writer out meanwhile, so the two never wait on
    /// SQLite's lock (whose busy handler sleeps). For short writes only: the thread is
    /// blocked.
    ///
    /// Writers in place take turns, and a run of them shares one hold of the pool's
    /// connection (the baton): sqlx pings a connection each time it goes back to the pool,
    /// two thread switches the next writer would wait for. They also share commits: a
    /// writer that sees others waiting leaves the transaction open for them (each runs in
    /// a savepoint of it, so a failure undoes its own writes only), and the last one
    /// commits for all. Every writer returns only once its writes are committed, so an
    /// answered write survives a crash of the process as before. The run, and with it the
    /// group, ends when no writer in place waits, after [`MAX_GROUP`] writes, or after
    /// [`BATON_HOLD`] so sqlx's writers get their turn.
    pub async fn write<R, E>(
        &self,
        gate: &AnyPool,
        f: impl FnOnce(WriteTx<'_>) -> Result<R, E>,
    ) -> Result<R, E>
    where
        E: From<sqlx::Error>,
    {
        let waiting = Waiting::new(&self.waiting);
        let mut turn = self.turn.lock().await;
        drop(waiting);
        if turn.baton.is_none() {
            turn.baton = Some(Baton {
                _gate: gate.acquire().await?,
                since: Instant::now(),
            });
        }
        let unwinding = HandBackOnPanic(&mut turn);
        let result = self.transaction(unwinding.0.group.is_some(), f);
        drop(unwinding);
        let done = if !self.in_transaction() {
            // Rolled back as a whole (the writes of a group too, if ending a savepoint
            // failed): dropping the group tells its writers.
            turn.group = None;
            None
        } else if result.is_ok() {
            let group = turn.group.get_or_insert_with(|| Group {
                done: watch::Sender::new(None),
                writes: 0,
            });
            group.writes += 1;
            Some(group.done.subscribe())
        } else {
            None
        };
        let expired = turn.baton.as_ref().is_some_and(Baton::expired);
        let others = self.waiting.load(Ordering::SeqCst) > 0;
        let full = turn.group.as_ref().is_some_and(|g| g.writes >= MAX_GROUP);
        if !others || expired || full {
            if let Some(group) = turn.group.take() {
                self.commit(group);
            }
        }
        if !others || expired {
            turn.baton = None;
        }
        drop(turn);
        let value = result?;
        if let Some(done) = done {
            self.committed(done).await?;
        }
        Ok(value)
    }

    /// Waits for the commit of the group a write joined. A group whose next writers went
    /// away is committed here, by the first of its writers to tire of waiting.
    async fn committed(
        &self,
        mut done: watch::Receiver<Option<Result<(), Arc<str>>>>,
    ) -> Result<(), sqlx::Error> {
        loop {
            let waited = tokio::time::timeout(STRANDED, done.wait_for(Option::is_some))
                .await
                .map(|outcome| outcome.map(|o| o.clone().unwrap_or(Ok(()))));
            match waited {
                Ok(Ok(Ok(()))) => return Ok(()),
                Ok(Ok(Err(err))) => return Err(lost(&format!("the commit failed: {err}"))),
                Ok(Err(_)) => {
                    return Err(lost(
                        "the write was rolled back with the writes committed together with it",
                    ))
                }
                Err(_) => {
                    let mut turn = self.turn.lock().await;
                    if turn
                        .group
                        .as_ref()
                        .is_some_and(|g| done.same_channel(&g.done.subscribe()))
                    {
                        self.end_stranded(&mut turn);
                    }
                }
            }
        }
    }

    /// Commits a group left open for writers that never came, and hands the pool's
    /// connection back if no writer in place waits for it.
    fn end_stranded(&self, turn: &mut Turn) {
        if self.waiting.load(Ordering::SeqCst) != 0 {
            return;
        }
        if let Some(group) = turn.group.take() {
            self.commit(group);
        }
        turn.baton = None;
    }

    /// Hands the pool's connection back (and commits the open group) when a run of writers
    /// in place left it held with no one to use it: the last writer saw a waiter that was
    /// then cancelled.
    fn release_stale_baton(&self) {
        if let Ok(mut turn) = self.turn.try_lock() {
            if turn.baton.as_ref().is_some_and(Baton::expired) {
                self.end_stranded(&mut turn);
            }
        }
    }

    /// Commits the open transaction and tells the group's writers how it went.
    fn commit(&self, group: Group) {
        let mut slot = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let outcome = match &mut *slot {
            Some(conn) => end(conn, "COMMIT").map_err(|err| Arc::from(err.to_string())),
            None => Err(Arc::from("no connection")),
        };
        group.done.send_replace(Some(outcome));
    }

    /// Whether the writer connection has a transaction open.
    fn in_transaction(&self) -> bool {
        let slot = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        slot.as_ref().is_some_and(|conn| !conn.is_autocommit())
    }

    /// Runs `f` in a transaction of its own (`BEGIN IMMEDIATE`), or in a savepoint of the
    /// open one when `joining` a group, and leaves the transaction open for [`Self::commit`];
    /// when `f` fails, its writes are rolled back.
    fn transaction<R, E>(
        &self,
        joining: bool,
        f: impl FnOnce(WriteTx<'_>) -> Result<R, E>,
    ) -> Result<R, E>
    where
        E: From<sqlx::Error>,
    {
        let mut slot = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let conn = match &mut *slot {
            Some(conn) => conn,
            empty => empty.insert(self.open(false).map_err(driver_error)?),
        };
        conn.execute_batch(if joining {
            "SAVEPOINT write"
        } else {
            "BEGIN IMMEDIATE"
        })
        .map_err(driver_error)?;
        // Rolls back if `f` panics: the next writer, in place or sqlx, must not find the
        // database locked.
        let mut open = OpenTransaction { conn, armed: true };
        let result = f(WriteTx {
            conn: &mut *open.conn,
        });
        open.armed = false;
        let conn = &mut *open.conn;
        let ended = match (&result, joining) {
            (Ok(_), false) => Ok(()),
            (Ok(_), true) => conn.execute_batch("RELEASE write"),
            (Err(_), false) => end(conn, "ROLLBACK"),
            (Err(_), true) => conn.execute_batch("ROLLBACK TO write; RELEASE write"),
        };
        if let Err(err) = ended {
            // The transaction's state is unknown: it all goes.
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            return Err(driver_error(err).into());
        }
        result
    }
}

/// Ends the connection's transaction with `COMMIT` or `ROLLBACK`; a failed `COMMIT` leaves
/// it open, so it is rolled back before the next writer.
fn end(conn: &Connection, how: &str) -> rusqlite::Result<()> {
    let ended = conn.execute_batch(how);
    if ended.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    ended
}

/// The error a write gets when its group's transaction did not commit.
fn lost(why: &str) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(why.to_owned()))
}

/// Hands the pool's connection back if `f` panics: sqlx's writers must not wait for it.
/// The transaction was rolled back, so the group's writers are told it is lost.
struct HandBackOnPanic<'a, 'b>(&'a mut tokio::sync::MutexGuard<'b, Turn>);

impl Drop for HandBackOnPanic<'_, '_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.baton = None;
            self.0.group = None;
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
/// disarms it and ends the transaction itself).
struct OpenTransaction<'c> {
    conn: &'c mut Connection,
    armed: bool,
}

impl Drop for OpenTransaction<'_> {
    fn drop(&mut self) {
        if self.armed && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// A write transaction of [`InPlace::write`]. It holds the writer connection exclusively,
/// so a write over it can be sent between threads like any other.
pub struct WriteTx<'c> {
    conn: &'c mut Connection,
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
    pub(in crate::store) async fn fetch_seek(
        &self,
        query: AnyQuery<'_>,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
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
        (dir, InPlace::new(path, SqliteSynchronous::Normal))
    }

    /// `--sqlite-synchronous` reaches both writers: sqlx's and the one in place.
    #[tokio::test]
    async fn full_synchronous_is_set_on_every_writer() {
        for (sync, level) in [(SqliteSynchronous::Normal, 1), (SqliteSynchronous::Full, 2)] {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("s.db").display());
            let store = Store::connect_with(&url, sync).await.unwrap();
            let pooled: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&store.write)
                .await
                .unwrap();
            assert_eq!(pooled, level, "{sync:?}");
            let inplace = store.inplace.as_ref().unwrap();
            let conn = inplace.open(false).unwrap();
            let direct: i64 = conn
                .query_row("PRAGMA synchronous", [], |row| row.get(0))
                .unwrap();
            assert_eq!(direct, level, "{sync:?}");
            store.close().await;
        }
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
        assert!(crate::store::error::is_unique_violation(&err), "{err:?}");
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
                    db.write(&gate, insert(&id)).await.map(|_| ())
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
        db.turn.lock().await.baton = Some(Baton {
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
        assert!(db.turn.lock().await.baton.is_none());
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

    fn insert<'a>(id: &'a str) -> impl FnOnce(WriteTx<'_>) -> Result<u64, sqlx::Error> + 'a {
        move |tx| tx.execute(sqlx::query("INSERT INTO t (id) VALUES ($1)").bind(id))
    }

    /// Starts a write while another writer seems to queue behind it, so it leaves its
    /// transaction open for that one; returns once the write is done and uncommitted.
    async fn left_open(
        db: &Arc<InPlace>,
        gate: &AnyPool,
        id: &'static str,
    ) -> tokio::task::JoinHandle<Result<u64, sqlx::Error>> {
        db.waiting.fetch_add(1, Ordering::SeqCst);
        let (db2, gate2) = (db.clone(), gate.clone());
        let task = tokio::spawn(async move { db2.write(&gate2, insert(id)).await });
        let started = Instant::now();
        while db.turn.lock().await.group.is_none() {
            assert!(started.elapsed() < Duration::from_secs(2), "left no group");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        task
    }

    #[tokio::test]
    async fn a_write_answers_once_its_group_is_committed() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        let db = Arc::new(db);
        let first = left_open(&db, &gate, "g1").await;
        assert!(!ids(&db).contains(&"g1".to_string()), "not committed yet");
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(!first.is_finished(), "waits for the commit");
        // The writer it waited for fails: only its own writes are undone.
        let failed: Result<(), sqlx::Error> = db
            .write(&gate, |tx| {
                insert("g2")(tx)?;
                Err(sqlx::Error::RowNotFound)
            })
            .await;
        assert!(failed.is_err());
        db.waiting.fetch_sub(1, Ordering::SeqCst);
        // The last writer of the run commits for all.
        db.write(&gate, insert("g3")).await.unwrap();
        first.await.unwrap().unwrap();
        assert_eq!(ids(&db), ["a", "b", "g1", "g3"]);
        assert!(db.turn.lock().await.baton.is_none());
    }

    #[tokio::test]
    async fn a_group_left_for_a_writer_that_went_away_still_commits() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        let db = Arc::new(db);
        let first = left_open(&db, &gate, "s1").await;
        // The queued writer is cancelled before its turn.
        db.waiting.fetch_sub(1, Ordering::SeqCst);
        tokio::time::timeout(Duration::from_secs(1), first)
            .await
            .expect("committed by its own writer")
            .unwrap()
            .unwrap();
        assert!(ids(&db).contains(&"s1".to_string()));
        let conn = tokio::time::timeout(Duration::from_secs(1), gate.acquire()).await;
        assert!(
            conn.is_ok_and(|c| c.is_ok()),
            "the pool's connection is back"
        );
    }

    #[tokio::test]
    async fn a_panic_in_a_group_fails_every_write_of_it() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        let db = Arc::new(db);
        let first = left_open(&db, &gate, "p1").await;
        let (db2, gate2) = (db.clone(), gate.clone());
        let panicked = tokio::spawn(async move {
            db2.write(&gate2, |tx| -> Result<(), sqlx::Error> {
                insert("p2")(tx)?;
                panic!("a bug");
            })
            .await
        })
        .await;
        assert!(panicked.is_err());
        assert!(first.await.unwrap().is_err(), "its transaction was lost");
        db.waiting.fetch_sub(1, Ordering::SeqCst);
        assert_eq!(ids(&db), ["a", "b"]);
        sqlx::query("INSERT INTO t (id) VALUES ('s')")
            .execute(&gate)
            .await
            .unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_are_committed_when_they_answer() {
        let (dir, db) = database();
        let gate = gate(&dir).await;
        let db = Arc::new(db);
        let mut tasks = Vec::new();
        for i in 0..60 {
            let (db, gate) = (db.clone(), gate.clone());
            tasks.push(tokio::spawn(async move {
                let id = format!("c{i:02}");
                let wrote: Result<u64, sqlx::Error> = db
                    .write(&gate, |tx| {
                        let n = insert(&id)(tx)?;
                        // Every third fails after writing.
                        if i % 3 == 0 {
                            return Err(sqlx::Error::RowNotFound);
                        }
                        Ok(n)
                    })
                    .await;
                // Another connection sees an answered write at once.
                let seen = db
                    .fetch_all(sqlx::query("SELECT id FROM t WHERE id = $1").bind(id.as_str()))
                    .unwrap()
                    .len();
                (wrote.is_ok(), seen)
            }));
        }
        for (i, task) in tasks.into_iter().enumerate() {
            let (ok, seen) = task.await.unwrap();
            assert_eq!(ok, i % 3 != 0, "write {i}");
            assert_eq!(seen, usize::from(ok), "write {i}");
        }
        assert_eq!(count(&db), 2 + 40);
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
