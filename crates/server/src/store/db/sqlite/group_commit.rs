//! Writes in place: they take turns with sqlx's writer and with each other, and writes that
//! queue up behind each other share one commit (group commit): a commit is a sixth of a
//! create's cost, and writes arriving together mostly dirty the same pages. See
//! [`InPlace::write`].
use std::{
    sync::atomic::{AtomicUsize, Ordering},
    sync::Arc,
    time::{Duration, Instant},
};

use rusqlite::Connection;
use sqlx::{any::AnyRow, pool::PoolConnection, Any, AnyPool, Execute};
use tokio::sync::watch;

use super::{
    adapter::{arguments, bind, driver_error, fetch},
    AnyQuery, InPlace,
};

/// What a run of writers in place hands from one to the next.
#[derive(Default)]
pub(super) struct Turn {
    /// The sqlx write pool's connection, taken by the first writer of the run.
    pub(super) baton: Option<Baton>,
    /// The writer connection's open transaction, when the last writer left it for the next.
    pub(super) group: Option<Group>,
}

/// Writes done and not committed yet: the writer connection's open transaction. Its
/// writers wait for [`Group::done`] before they answer.
pub(super) struct Group {
    /// The commit's outcome once there is one; dropped unset if the transaction was lost.
    done: watch::Sender<Option<Result<(), Arc<str>>>>,
    writes: usize,
}

/// The sqlx write pool's connection, held for a run of writers in place.
pub(super) struct Baton {
    pub(super) _gate: PoolConnection<Any>,
    pub(super) since: Instant,
}

impl Baton {
    /// Whether the run has kept the pool's connection from sqlx's writers long enough.
    fn expired(&self) -> bool {
        self.since.elapsed() >= BATON_HOLD
    }
}

/// Longest a run of writers in place keeps the pool's connection from sqlx's writers, and
/// so the longest a group of writes waits for its commit.
pub(super) const BATON_HOLD: Duration = Duration::from_millis(10);
/// Most writes committed together, so the first of them does not wait for many more.
const MAX_GROUP: usize = 32;
/// How long a write waits for its group's commit before committing the group itself: the
/// writers it was left open for went away (their requests were cancelled).
const STRANDED: Duration = Duration::from_millis(40);

impl InPlace {
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
    pub(super) fn release_stale_baton(&self) {
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
