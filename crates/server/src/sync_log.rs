//! Recording the sync log. Every SCIM request yields one event; writing each on its own would
//! put a write on every read, so events are queued for one background task that inserts
//! them in batches, together with the hourly counters and the directory's
//! last-request time. A crash loses at most the last fraction of a second of the log, never
//! provisioning data.
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::sync::{oneshot, Notify};

use crate::store::{sync_log::SyncLogEntry, Store};

/// Longest a recorded event waits before it is written.
const FLUSH_EVERY: Duration = Duration::from_millis(250);
/// Events written per transaction at most.
const BATCH: usize = 500;
/// Events buffered before new ones are dropped (the log must never slow provisioning down).
const QUEUE: usize = 20_000;

/// Handle for recording events; cheap to clone.
#[derive(Clone)]
pub struct SyncLog {
    shared: Arc<Shared>,
}

/// What requests and the writer task share. Recording an event only pushes it: waking the
/// writer for each one would cost every request a thread wake-up. The first event of a
/// batch wakes it; it then waits [`FLUSH_EVERY`] for more unless the batch fills or a
/// flush asks.
#[derive(Default)]
struct Shared {
    queue: Mutex<Vec<SyncLogEntry>>,
    /// Flushes waiting for everything recorded before them to be written.
    flushes: Mutex<Vec<oneshot::Sender<()>>>,
    wake: Notify,
}

impl SyncLog {
    /// Starts the writer task for `store`.
    pub fn start(store: Store) -> SyncLog {
        let shared = Arc::new(Shared::default());
        tokio::spawn(writer(store, shared.clone()));
        SyncLog { shared }
    }

    /// Queues an event; drops it (with a warning) if the writer is far behind.
    pub fn record(&self, event: SyncLogEntry) {
        let queued = {
            let mut queue = lock(&self.shared.queue);
            if queue.len() >= QUEUE {
                None
            } else {
                queue.push(event);
                Some(queue.len())
            }
        };
        match queued {
            None => tracing::warn!("sync log queue full; an event was dropped"),
            Some(1 | BATCH) => self.shared.wake.notify_one(),
            Some(_) => {}
        }
    }

    /// Waits until every event recorded so far is written (tests, shutdown).
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        lock(&self.shared.flushes).push(done);
        self.shared.wake.notify_one();
        let _ = wait.await;
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

async fn writer(store: Store, shared: Arc<Shared>) {
    let urgent = || !lock(&shared.flushes).is_empty() || lock(&shared.queue).len() >= BATCH;
    loop {
        shared.wake.notified().await;
        if !urgent() {
            tokio::select! {
                _ = tokio::time::sleep(FLUSH_EVERY) => {}
                _ = shared.wake.notified() => {}
            }
        }
        // Flushes first, then the queue: every event recorded before a flush was queued
        // before the flush was, so the queue taken next holds it.
        let flushes = std::mem::take(&mut *lock(&shared.flushes));
        let events = std::mem::take(&mut *lock(&shared.queue));
        for batch in events.chunks(BATCH) {
            write_batch(&store, batch).await;
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

async fn write_batch(store: &Store, batch: &[SyncLogEntry]) {
    if let Err(err) = store.insert_sync_log_entries(batch).await {
        // A deleted directory's events fail their foreign key; nothing else is expected.
        tracing::warn!(error = %err, events = batch.len(), "could not write sync events");
    }
}

/// Prunes the sync log every hour, for as long as the server runs.
pub fn spawn_pruner(store: Store, retention: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match store.prune_sync_log(retention).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(events = n, "pruned the sync log"),
                Err(err) => tracing::warn!(error = %err, "could not prune the sync log"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::now_millis;

    async fn store_with_directory() -> (tempfile::TempDir, Store, String) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/r.db", dir.path().display());
        let store = Store::connect(&url).await.unwrap();
        store.bootstrap("Org", "a@example.com", "x").await.unwrap();
        let org: String = sqlx::query_scalar("SELECT id FROM organizations")
            .fetch_one(store.read_pool())
            .await
            .unwrap();
        let (directory, _) = store
            .create_directory(&org, "IdP", 1_000_000)
            .await
            .unwrap();
        (dir, store, directory)
    }

    fn event(directory_id: &str, status: u16) -> SyncLogEntry {
        SyncLogEntry {
            directory_id: directory_id.to_owned(),
            at: now_millis(),
            method: "GET".into(),
            path: "/Users".into(),
            operation: "list".into(),
            status,
            changed: vec!["name".into(), "title".into()],
            ..Default::default()
        }
    }

    async fn counted(store: &Store, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(store.read_pool())
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flush_writes_every_event_recorded_before_it() {
        let (_dir, store, directory) = store_with_directory().await;
        let sink = SyncLog::start(store.clone());
        // More than two batches, some of them errors, and events of a directory that is gone.
        for i in 0..(2 * BATCH + 7) {
            let mut recorded = event(&directory, if i % 10 == 0 { 409 } else { 200 });
            recorded.path = format!("/Users/{i}");
            sink.record(recorded);
            sink.record(event("deleted-directory", 200));
        }
        sink.flush().await;
        let n = (2 * BATCH + 7) as i64;
        assert_eq!(counted(&store, "SELECT COUNT(*) FROM sync_log").await, n);
        assert_eq!(
            counted(&store, "SELECT SUM(requests) FROM sync_stats_hourly").await,
            n
        );
        assert_eq!(
            counted(&store, "SELECT SUM(errors) FROM sync_stats_hourly").await,
            (n + 9) / 10
        );
        // Each row holds its own event's columns.
        assert_eq!(
            counted(&store, "SELECT COUNT(DISTINCT path) FROM sync_log").await,
            n
        );
        assert_eq!(
            counted(
                &store,
                "SELECT COUNT(*) FROM sync_log \
                 WHERE (status = 409) <> (CAST(substr(path, 8) AS INTEGER) % 10 = 0)"
            )
            .await,
            0
        );
        let changed: String = sqlx::query_scalar("SELECT changed FROM sync_log LIMIT 1")
            .fetch_one(store.read_pool())
            .await
            .unwrap();
        assert_eq!(changed, "name,title");
        // A flush with nothing recorded returns too, and later events are written.
        sink.flush().await;
        sink.record(event(&directory, 200));
        sink.flush().await;
        assert_eq!(
            counted(&store, "SELECT COUNT(*) FROM sync_log").await,
            n + 1
        );
    }
}
