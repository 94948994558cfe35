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
//! Scans (`co` searches, deep pages, big groups' members) stay on sqlx's threads. Here: the
//! readers; [`group_commit`] the writer, [`checkpoint`] the checkpointer, [`adapter`]
//! rusqlite under sqlx's query and row types.
use std::{
    path::PathBuf,
    sync::{atomic::AtomicUsize, Mutex},
};

use futures_util::TryStreamExt;
use rusqlite::{Connection, OpenFlags};
use sqlx::{
    any::{AnyArguments, AnyRow},
    query::Query,
    Any,
};

use crate::store::{SqliteSynchronous, Store};

mod adapter;
mod checkpoint;
mod group_commit;

use adapter::{driver_error, fetch};
use group_commit::Turn;
pub use group_commit::WriteTx;

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

/// Most idle readers kept; more are opened under load and closed when returned.
const MAX_IDLE: usize = 8;
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
}

impl Store {
    /// An index lookup of a few rows (a key, a unique name, one seek per listed id): in place
    /// on a SQLite file, else on the read pool.
    pub(in crate::store) async fn fetch_seek(
        &self,
        query: AnyQuery<'_>,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        self.fetch_read(query, true).await
    }

    /// A read's rows: in place on a SQLite file when the read is `bounded` (its cost does
    /// not grow with the data), else on the read pool.
    pub(in crate::store) async fn fetch_read(
        &self,
        query: AnyQuery<'_>,
        bounded: bool,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        match self.inplace.as_deref().filter(|_| bounded) {
            Some(inplace) => inplace.fetch_all(query),
            None => query.fetch_all(&self.read).await,
        }
    }

    /// A read's rows one at a time: in place when `bounded` (as [`Self::fetch_read`]), else
    /// streamed from the read pool, so a long result is never held at once.
    pub(in crate::store) async fn for_each_read(
        &self,
        query: AnyQuery<'_>,
        bounded: bool,
        mut each: impl FnMut(AnyRow) -> Result<(), sqlx::Error>,
    ) -> Result<(), sqlx::Error> {
        if let Some(inplace) = self.inplace.as_deref().filter(|_| bounded) {
            return inplace.fetch_all(query)?.into_iter().try_for_each(each);
        }
        let mut rows = query.fetch(&self.read);
        while let Some(row) = rows.try_next().await? {
            each(row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::{atomic::Ordering, Arc},
        time::{Duration, Instant},
    };

    use sqlx::{AnyPool, Row};

    use super::{
        checkpoint::CHECKPOINT_EVERY,
        group_commit::{Baton, BATON_HOLD},
        *,
    };

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
