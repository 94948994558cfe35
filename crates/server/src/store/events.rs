//! Recording the sync log. Every SCIM request yields one event; writing each on its own would
//! put a write on every read, so events are queued for one background task that inserts
//! them in batches, together with the hourly counters and the directory's
//! last-request time. A crash loses at most the last fraction of a second of the log, never
//! provisioning data.
use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex},
    time::Duration,
};

use sqlx::Row;
use tokio::sync::{oneshot, Notify};

use super::{
    inplace::AnyQuery,
    new_id, now_millis,
    timestamps::{hour_start, HOUR_MILLIS},
    Backend, Store,
};

/// Longest a recorded event waits before it is written.
const FLUSH_EVERY: Duration = Duration::from_millis(250);
/// Events written per transaction at most.
const BATCH: usize = 500;
/// Events buffered before new ones are dropped (the log must never slow provisioning down).
const QUEUE: usize = 20_000;

/// One SCIM request, as the sync log keeps it. Never holds keys or attribute values beyond
/// the resource's label.
#[derive(Debug, Clone, Default)]
pub struct SyncEventRecord {
    pub directory_id: String,
    pub at: i64,
    pub method: String,
    pub path: String,
    pub operation: String,
    pub status: u16,
    pub duration_ms: i64,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub resource_label: Option<String>,
    pub changed: Vec<String>,
    pub ignored: Vec<String>,
    pub scim_type: Option<String>,
    pub detail: Option<String>,
}

/// Handle for recording events; cheap to clone.
#[derive(Clone)]
pub struct EventSink {
    shared: Arc<Shared>,
}

/// What requests and the writer task share. Recording an event only pushes it: waking the
/// writer for each one would cost every request a thread wake-up. The first event of a
/// batch wakes it; it then waits [`FLUSH_EVERY`] for more unless the batch fills or a
/// flush asks.
#[derive(Default)]
struct Shared {
    queue: Mutex<Vec<SyncEventRecord>>,
    /// Flushes waiting for everything recorded before them to be written.
    flushes: Mutex<Vec<oneshot::Sender<()>>>,
    wake: Notify,
}

impl EventSink {
    /// Starts the writer task for `store`.
    pub fn start(store: Store) -> EventSink {
        let shared = Arc::new(Shared::default());
        tokio::spawn(writer(store, shared.clone()));
        EventSink { shared }
    }

    /// Queues an event; drops it (with a warning) if the writer is far behind.
    pub fn record(&self, event: SyncEventRecord) {
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

async fn write_batch(store: &Store, batch: &[SyncEventRecord]) {
    if let Err(err) = store.insert_sync_events(batch).await {
        // A deleted directory's events fail their foreign key; nothing else is expected.
        tracing::warn!(error = %err, events = batch.len(), "could not write sync events");
    }
}

impl Store {
    async fn insert_sync_events(&self, events: &[SyncEventRecord]) -> Result<(), sqlx::Error> {
        // Events of directories deleted meanwhile are skipped rather than failing the batch.
        let mut directories: Vec<&str> = events.iter().map(|e| e.directory_id.as_str()).collect();
        directories.sort_unstable();
        directories.dedup();
        if let Some(inplace) = self.inplace.as_deref() {
            // SQLite: the batch on this thread, one prepared single-row INSERT per event.
            return inplace
                .write(&self.write, |tx| {
                    let mut existing = BTreeSet::new();
                    for chunk in directories.chunks(200) {
                        let sql = existing_sql(chunk.len());
                        for row in tx.fetch_all(bind_strs(sqlx::query(&sql), chunk))? {
                            existing.insert(row.try_get::<String, _>(0)?);
                        }
                    }
                    let kept = kept(events, &existing);
                    for e in &kept {
                        let id = new_id();
                        let changed = joined(&e.changed);
                        let ignored = joined(&e.ignored);
                        tx.execute(
                            sqlx::query(ONE_EVENT_INSERT)
                                .bind(id.as_str())
                                .bind(e.directory_id.as_str())
                                .bind(e.at)
                                .bind(e.method.as_str())
                                .bind(e.path.as_str())
                                .bind(e.operation.as_str())
                                .bind(i64::from(e.status))
                                .bind(e.duration_ms)
                                .bind(e.resource_type.as_deref())
                                .bind(e.resource_id.as_deref())
                                .bind(e.resource_label.as_deref())
                                .bind(changed.as_deref())
                                .bind(ignored.as_deref())
                                .bind(e.scim_type.as_deref())
                                .bind(e.detail.as_deref()),
                        )?;
                    }
                    let (hours, last) = rollups(&kept);
                    for ((dir, hour), (requests, errors)) in hours {
                        tx.execute(hour_query(dir, hour, requests, errors))?;
                    }
                    for (dir, at) in last {
                        tx.execute(last_request_query(dir, at))?;
                    }
                    Ok(())
                })
                .await;
        }
        let mut tx = self.write.begin().await?;
        let mut existing = BTreeSet::new();
        for chunk in directories.chunks(200) {
            let sql = existing_sql(chunk.len());
            for row in bind_strs(sqlx::query(&sql), chunk)
                .fetch_all(&mut *tx)
                .await?
            {
                existing.insert(row.try_get::<String, _>(0)?);
            }
        }
        let kept = kept(events, &existing);
        // The whole batch is one parameter, a JSON array the database unpacks: one statement
        // however many events, where bound parameters cost O(n²) (SQLite names each one by
        // scanning a list).
        let rows: Vec<serde_json::Value> = kept
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": new_id(),
                    "directory_id": e.directory_id,
                    "at": e.at,
                    "method": e.method,
                    "path": e.path,
                    "operation": e.operation,
                    "status": e.status,
                    "duration_ms": e.duration_ms,
                    "resource_type": e.resource_type,
                    "resource_id": e.resource_id,
                    "resource_label": e.resource_label,
                    "changed": joined(&e.changed),
                    "ignored": joined(&e.ignored),
                    "scim_type": e.scim_type,
                    "detail": e.detail,
                })
            })
            .collect();
        if !rows.is_empty() {
            sqlx::query(self.sync_events_insert())
                .bind(serde_json::Value::Array(rows).to_string())
                .execute(&mut *tx)
                .await?;
        }
        let (hours, last) = rollups(&kept);
        for ((dir, hour), (requests, errors)) in hours {
            hour_query(dir, hour, requests, errors)
                .execute(&mut *tx)
                .await?;
        }
        for (dir, at) in last {
            last_request_query(dir, at).execute(&mut *tx).await?;
        }
        tx.commit().await
    }

    /// `INSERT … SELECT` of sync events from a JSON array of objects (`$1`), one per backend
    /// (SQLite here only in memory: a file takes the in-place path).
    fn sync_events_insert(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => {
                "INSERT INTO sync_events (id, directory_id, at, method, path, operation, status, \
                 duration_ms, resource_type, resource_id, resource_label, changed, ignored, \
                 scim_type, detail) \
                 SELECT e.value ->> 'id', e.value ->> 'directory_id', e.value ->> 'at', \
                 e.value ->> 'method', e.value ->> 'path', e.value ->> 'operation', \
                 e.value ->> 'status', e.value ->> 'duration_ms', e.value ->> 'resource_type', \
                 e.value ->> 'resource_id', e.value ->> 'resource_label', e.value ->> 'changed', \
                 e.value ->> 'ignored', e.value ->> 'scim_type', e.value ->> 'detail' \
                 FROM json_each($1) e"
            }
            Backend::Postgres => {
                "INSERT INTO sync_events (id, directory_id, at, method, path, operation, status, \
                 duration_ms, resource_type, resource_id, resource_label, changed, ignored, \
                 scim_type, detail) \
                 SELECT id, directory_id, at, method, path, operation, status, duration_ms, \
                 resource_type, resource_id, resource_label, changed, ignored, scim_type, detail \
                 FROM jsonb_to_recordset($1::jsonb) AS e(id TEXT, directory_id TEXT, at BIGINT, \
                 method TEXT, path TEXT, operation TEXT, status BIGINT, duration_ms BIGINT, \
                 resource_type TEXT, resource_id TEXT, resource_label TEXT, changed TEXT, \
                 ignored TEXT, scim_type TEXT, detail TEXT)"
            }
        }
    }

    /// Deletes sync events and hourly counters older than `retention`.
    pub async fn prune_sync_log(&self, retention: Duration) -> Result<u64, sqlx::Error> {
        let cutoff = now_millis() - retention.as_millis() as i64;
        let mut tx = self.write.begin().await?;
        let n = sqlx::query("DELETE FROM sync_events WHERE at < $1")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM sync_stats_hourly WHERE hour < $1")
            .bind(cutoff - HOUR_MILLIS)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// One event's row (the in-place SQLite path: a cached statement run once per event).
const ONE_EVENT_INSERT: &str = "INSERT INTO sync_events (id, directory_id, at, method, path, \
     operation, status, duration_ms, resource_type, resource_id, resource_label, changed, \
     ignored, scim_type, detail) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

/// `SELECT` of which of `n` directory ids (`$1`…) still exist.
fn existing_sql(n: usize) -> String {
    let params: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!(
        "SELECT id FROM directories WHERE id IN ({})",
        params.join(", ")
    )
}

fn bind_strs<'q>(mut query: AnyQuery<'q>, values: &[&'q str]) -> AnyQuery<'q> {
    for value in values {
        query = query.bind(*value);
    }
    query
}

fn kept<'a>(
    events: &'a [SyncEventRecord],
    existing: &BTreeSet<String>,
) -> Vec<&'a SyncEventRecord> {
    events
        .iter()
        .filter(|e| existing.contains(&e.directory_id))
        .collect()
}

/// A list column: comma-joined, NULL when empty.
fn joined(values: &[String]) -> Option<String> {
    (!values.is_empty()).then(|| values.join(","))
}

/// Per directory and hour, the requests and errors; per directory, the latest request.
type Rollups<'a> = (BTreeMap<(&'a str, i64), (i64, i64)>, BTreeMap<&'a str, i64>);

fn rollups<'a>(kept: &[&'a SyncEventRecord]) -> Rollups<'a> {
    let (mut hours, mut last) = Rollups::default();
    for e in kept {
        let slot: &mut (i64, i64) = hours
            .entry((e.directory_id.as_str(), hour_start(e.at)))
            .or_default();
        slot.0 += 1;
        slot.1 += i64::from(e.status >= 400);
        let l: &mut i64 = last.entry(e.directory_id.as_str()).or_default();
        *l = (*l).max(e.at);
    }
    (hours, last)
}

fn hour_query(dir: &str, hour: i64, requests: i64, errors: i64) -> AnyQuery<'_> {
    sqlx::query(
        "INSERT INTO sync_stats_hourly (directory_id, hour, requests, errors) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (directory_id, hour) DO UPDATE SET \
         requests = sync_stats_hourly.requests + $3, errors = sync_stats_hourly.errors + $4",
    )
    .bind(dir)
    .bind(hour)
    .bind(requests)
    .bind(errors)
}

fn last_request_query(dir: &str, at: i64) -> AnyQuery<'_> {
    sqlx::query(
        "UPDATE directories SET last_request_at = $1 \
         WHERE id = $2 AND (last_request_at IS NULL OR last_request_at < $1)",
    )
    .bind(at)
    .bind(dir)
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

    async fn store_with_directory() -> (tempfile::TempDir, Store, String) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/r.db", dir.path().display());
        let store = Store::connect(&url).await.unwrap();
        store.bootstrap("Org", "a@example.com", "x").await.unwrap();
        let org: String = sqlx::query_scalar("SELECT id FROM organizations")
            .fetch_one(&store.read)
            .await
            .unwrap();
        let (directory, _) = store
            .create_directory(&org, "IdP", 1_000_000)
            .await
            .unwrap();
        (dir, store, directory)
    }

    fn event(directory_id: &str, status: u16) -> SyncEventRecord {
        SyncEventRecord {
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
            .fetch_one(&store.read)
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flush_writes_every_event_recorded_before_it() {
        let (_dir, store, directory) = store_with_directory().await;
        let sink = EventSink::start(store.clone());
        // More than two batches, some of them errors, and events of a directory that is gone.
        for i in 0..(2 * BATCH + 7) {
            let mut recorded = event(&directory, if i % 10 == 0 { 409 } else { 200 });
            recorded.path = format!("/Users/{i}");
            sink.record(recorded);
            sink.record(event("deleted-directory", 200));
        }
        sink.flush().await;
        let n = (2 * BATCH + 7) as i64;
        assert_eq!(counted(&store, "SELECT COUNT(*) FROM sync_events").await, n);
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
            counted(&store, "SELECT COUNT(DISTINCT path) FROM sync_events").await,
            n
        );
        assert_eq!(
            counted(
                &store,
                "SELECT COUNT(*) FROM sync_events \
                 WHERE (status = 409) <> (CAST(substr(path, 8) AS INTEGER) % 10 = 0)"
            )
            .await,
            0
        );
        let changed: String = sqlx::query_scalar("SELECT changed FROM sync_events LIMIT 1")
            .fetch_one(&store.read)
            .await
            .unwrap();
        assert_eq!(changed, "name,title");
        // A flush with nothing recorded returns too, and later events are written.
        sink.flush().await;
        sink.record(event(&directory, 200));
        sink.flush().await;
        assert_eq!(
            counted(&store, "SELECT COUNT(*) FROM sync_events").await,
            n + 1
        );
    }
}
