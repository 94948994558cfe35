//! Recording the sync log. Every SCIM request yields one event; writing each on its own would
//! put a write on every read, so events go through a channel to one background task that
//! inserts them in batches, together with the hourly counters and the directory's
//! last-request time. A crash loses at most the last fraction of a second of the log, never
//! provisioning data.
use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

use sqlx::Row;
use tokio::sync::{mpsc, oneshot};

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

enum Message {
    Event(Box<SyncEventRecord>),
    Flush(oneshot::Sender<()>),
}

/// Handle for recording events; cheap to clone.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<Message>,
}

impl EventSink {
    /// Starts the writer task for `store`.
    pub fn start(store: Store) -> EventSink {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(writer(store, rx));
        EventSink { tx }
    }

    /// Queues an event; drops it (with a warning) if the writer is far behind.
    pub fn record(&self, event: SyncEventRecord) {
        if self.tx.try_send(Message::Event(Box::new(event))).is_err() {
            tracing::warn!("sync log queue full; an event was dropped");
        }
    }

    /// Waits until every event recorded so far is written (tests, shutdown).
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Message::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

async fn writer(store: Store, mut rx: mpsc::Receiver<Message>) {
    let mut batch: Vec<SyncEventRecord> = Vec::new();
    loop {
        let message = if batch.is_empty() {
            rx.recv().await
        } else {
            match tokio::time::timeout(FLUSH_EVERY, rx.recv()).await {
                Ok(m) => m,
                Err(_) => {
                    write_batch(&store, &mut batch).await;
                    continue;
                }
            }
        };
        match message {
            Some(Message::Event(e)) => {
                batch.push(*e);
                if batch.len() >= BATCH {
                    write_batch(&store, &mut batch).await;
                }
            }
            Some(Message::Flush(done)) => {
                write_batch(&store, &mut batch).await;
                let _ = done.send(());
            }
            None => {
                write_batch(&store, &mut batch).await;
                return;
            }
        }
    }
}

async fn write_batch(store: &Store, batch: &mut Vec<SyncEventRecord>) {
    if batch.is_empty() {
        return;
    }
    if let Err(err) = store.insert_sync_events(batch).await {
        // A deleted directory's events fail their foreign key; nothing else is expected.
        tracing::warn!(error = %err, events = batch.len(), "could not write sync events");
    }
    batch.clear();
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
