//! The sync log's tables: one row per SCIM request (`sync_log`), hourly request and error
//! counts (`sync_stats_hourly`) and each directory's last request. Written in batches by the
//! sync log's worker (`crate::sync_log`), pruned by age, and read for the console: entries
//! newest first with filters, and the activity chart.
use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

use roster_api_types::{
    directory::{HourlyActivity, SyncEvent},
    page::Page,
};
use sqlx::{any::AnyRow, Row};

use crate::store::{
    db::bulk::{insert_rows, Cell, Kind},
    db::paging::{like_escape, Anchor, PageRequest, SortValue, Sql, COUNT_CAP},
    db::sqlite::AnyQuery,
    db::timestamps::{hour_start, rfc3339, HOUR_MILLIS},
    db::tx::{write_once, InTx},
    error::WriteError,
    new_id, now_millis, Store,
};

/// Cursor tag of sync log pages ("events", as cursors already handed out say).
pub const SYNC_LOG_TAG: &str = "events";

/// Which entries of the sync log to list.
#[derive(Clone, Debug, Default)]
pub struct SyncLogFilter {
    /// Only requests answered with status 400 or above.
    pub errors_only: bool,
    /// Exact operation name.
    pub operation: Option<String>,
    /// Case-insensitive substring of path, resource label or detail.
    pub text: Option<String>,
}

pub(in crate::store) const ENTRY_COLUMNS: &str =
    "id, at, method, path, operation, status, duration_ms, resource_type, \
     resource_id, resource_label, changed, ignored, scim_type, detail";

/// `changed` / `ignored` are stored as comma-separated attribute names.
fn split_names(text: Option<String>) -> Vec<String> {
    text.map(|t| {
        t.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

pub(in crate::store) fn entry_from_row(row: &AnyRow) -> Result<SyncEvent, sqlx::Error> {
    let status: i64 = row.try_get("status")?;
    let duration: i64 = row.try_get("duration_ms")?;
    Ok(SyncEvent {
        id: row.try_get("id")?,
        at: rfc3339(row.try_get("at")?),
        method: row.try_get("method")?,
        path: row.try_get("path")?,
        operation: row.try_get("operation")?,
        status: u16::try_from(status).unwrap_or(0),
        duration_ms: u64::try_from(duration).unwrap_or(0),
        resource_type: row.try_get("resource_type")?,
        resource_id: row.try_get("resource_id")?,
        resource_label: row.try_get("resource_label")?,
        changed: split_names(row.try_get("changed")?),
        ignored: split_names(row.try_get("ignored")?),
        scim_type: row.try_get("scim_type")?,
        detail: row.try_get("detail")?,
    })
}

/// Appends the filter's conditions.
fn push_filter(sql: &mut Sql, filter: &SyncLogFilter) {
    if filter.errors_only {
        sql.push(" AND status >= 400");
    }
    if let Some(op) = &filter.operation {
        let p = sql.text(op);
        sql.push(&format!(" AND operation = {p}"));
    }
    if let Some(text) = &filter.text {
        // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
        let p = sql.text(&format!("%{}%", like_escape(&text.to_lowercase())));
        sql.push(&format!(
            " AND (lower(path) LIKE {p} ESCAPE '\\' OR lower(resource_label) LIKE {p} ESCAPE '\\' \
             OR lower(detail) LIKE {p} ESCAPE '\\')"
        ));
    }
}

/// One SCIM request, as the sync log keeps it. Never holds keys or attribute values beyond
/// the resource's label.
#[derive(Debug, Clone, Default)]
pub struct SyncLogEntry {
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

impl Store {
    /// One page of a directory's sync events, newest first. `total` is counted up to
    /// [`COUNT_CAP`].
    pub async fn list_sync_log(
        &self,
        directory_id: &str,
        filter: &SyncLogFilter,
        page: &PageRequest,
    ) -> Result<Page<SyncEvent>, sqlx::Error> {
        // Newest first; a previous page walks oldest first from its anchor.
        let desc = !page.reversed();
        let dir = if desc { "DESC" } else { "ASC" };
        let mut sql = Sql::new(&format!(
            "SELECT {ENTRY_COLUMNS} FROM sync_log WHERE directory_id = "
        ));
        let d = sql.text(directory_id);
        sql.push(&d);
        push_filter(&mut sql, filter);
        if let Some(a) = page.anchor() {
            sql.push_after("at", "id", desc, a);
        }
        sql.push(&format!(
            " ORDER BY at {dir}, id {dir} LIMIT {}",
            page.fetch_limit()
        ));
        let rows = sql.query().fetch_all(&self.read).await?;
        let rows = rows
            .iter()
            .map(|r| Ok((entry_from_row(r)?, r.try_get::<i64, _>("at")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let result = page.finish(rows, |(e, at)| Anchor {
            key: SortValue::Int(*at),
            id: e.id.clone(),
        });

        let mut count = Sql::new(
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM sync_log WHERE directory_id = ",
        );
        let d = count.text(directory_id);
        count.push(&d);
        push_filter(&mut count, filter);
        count.push(&format!(" LIMIT {}) matches", COUNT_CAP + 1));
        let n: i64 = count.query().fetch_one(&self.read).await?.try_get("n")?;

        Ok(Page {
            items: result.items.into_iter().map(|(e, _)| e).collect(),
            total: (n <= COUNT_CAP).then(|| u64::try_from(n).unwrap_or(0)),
            next_cursor: result.next_cursor,
            prev_cursor: result.prev_cursor,
            feed_cursor: None,
        })
    }

    /// Requests and errors per hour over the last `hours` hours (the current one last),
    /// with zeros for hours without requests.
    pub async fn directory_activity(
        &self,
        directory_id: &str,
        hours: u32,
    ) -> Result<Vec<HourlyActivity>, sqlx::Error> {
        let current = hour_start(now_millis());
        let first = current - i64::from(hours.saturating_sub(1)) * HOUR_MILLIS;
        let rows = sqlx::query(
            "SELECT hour, requests, errors FROM sync_stats_hourly \
             WHERE directory_id = $1 AND hour >= $2 ORDER BY hour",
        )
        .bind(directory_id)
        .bind(first)
        .fetch_all(&self.read)
        .await?;
        let mut buckets: Vec<(i64, i64, i64)> = (0..i64::from(hours))
            .map(|i| (first + i * HOUR_MILLIS, 0, 0))
            .collect();
        for row in &rows {
            let hour: i64 = row.try_get("hour")?;
            // Buckets are hour starts; a row between them is counted in its hour.
            let index = (hour_start(hour) - first) / HOUR_MILLIS;
            if let Some(bucket) = usize::try_from(index).ok().and_then(|i| buckets.get_mut(i)) {
                bucket.1 += row.try_get::<i64, _>("requests")?;
                bucket.2 += row.try_get::<i64, _>("errors")?;
            }
        }
        Ok(buckets
            .into_iter()
            .map(|(hour, requests, errors)| HourlyActivity {
                hour: rfc3339(hour),
                requests: u64::try_from(requests).unwrap_or(0),
                errors: u64::try_from(errors).unwrap_or(0),
            })
            .collect())
    }
}

/// The columns of a `sync_log` row, in the order [`Store::insert_sync_log_entries`] gives them.
const ENTRY_ROW: [(&str, Kind); 15] = [
    ("id", Kind::Text),
    ("directory_id", Kind::Text),
    ("at", Kind::Int),
    ("method", Kind::Text),
    ("path", Kind::Text),
    ("operation", Kind::Text),
    ("status", Kind::Int),
    ("duration_ms", Kind::Int),
    ("resource_type", Kind::Text),
    ("resource_id", Kind::Text),
    ("resource_label", Kind::Text),
    ("changed", Kind::Text),
    ("ignored", Kind::Text),
    ("scim_type", Kind::Text),
    ("detail", Kind::Text),
];

impl Store {
    /// Writes a batch of the sync log with its hourly counters and the directories' last
    /// request, in one transaction. Entries of directories deleted meanwhile are skipped
    /// rather than failing the batch.
    pub async fn insert_sync_log_entries(&self, events: &[SyncLogEntry]) -> Result<(), WriteError> {
        let mut directories: Vec<&str> = events.iter().map(|e| e.directory_id.as_str()).collect();
        directories.sort_unstable();
        directories.dedup();
        write_once!(self, |tx| -> Result<(), WriteError> {
            tx.bounded(events.len())?;
            let mut existing = BTreeSet::new();
            for chunk in directories.chunks(200) {
                let sql = existing_sql(chunk.len());
                for row in bind_strs(sqlx::query(&sql), chunk).fetch_all_in(tx).await? {
                    existing.insert(row.try_get::<String, _>(0)?);
                }
            }
            let kept = kept(events, &existing);
            let ids: Vec<String> = kept.iter().map(|_| new_id()).collect();
            let lists: Vec<[Option<String>; 2]> = kept
                .iter()
                .map(|e| [joined(&e.changed), joined(&e.ignored)])
                .collect();
            let rows: Vec<Vec<Cell<'_>>> = kept
                .iter()
                .zip(&ids)
                .zip(&lists)
                .map(|((e, id), [changed, ignored])| {
                    vec![
                        Cell::Text(Some(id)),
                        Cell::Text(Some(&e.directory_id)),
                        Cell::Int(e.at),
                        Cell::Text(Some(&e.method)),
                        Cell::Text(Some(&e.path)),
                        Cell::Text(Some(&e.operation)),
                        Cell::Int(i64::from(e.status)),
                        Cell::Int(e.duration_ms),
                        Cell::Text(e.resource_type.as_deref()),
                        Cell::Text(e.resource_id.as_deref()),
                        Cell::Text(e.resource_label.as_deref()),
                        Cell::Text(changed.as_deref()),
                        Cell::Text(ignored.as_deref()),
                        Cell::Text(e.scim_type.as_deref()),
                        Cell::Text(e.detail.as_deref()),
                    ]
                })
                .collect();
            insert_rows(tx, "sync_log", &ENTRY_ROW, &rows).await?;
            let (hours, last) = rollups(&kept);
            for ((dir, hour), (requests, errors)) in hours {
                hour_query(dir, hour, requests, errors)
                    .execute_in(tx)
                    .await?;
            }
            for (dir, at) in last {
                last_request_query(dir, at).execute_in(tx).await?;
            }
            Ok(())
        })
    }

    /// Deletes sync events and hourly counters older than `retention`.
    pub async fn prune_sync_log(&self, retention: Duration) -> Result<u64, sqlx::Error> {
        let cutoff = now_millis() - retention.as_millis() as i64;
        let mut tx = self.begin().await?;
        let n = sqlx::query("DELETE FROM sync_log WHERE at < $1")
            .bind(cutoff)
            .execute_in(&mut tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM sync_stats_hourly WHERE hour < $1")
            .bind(cutoff - HOUR_MILLIS)
            .execute_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(n)
    }
}

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

fn kept<'a>(events: &'a [SyncLogEntry], existing: &BTreeSet<String>) -> Vec<&'a SyncLogEntry> {
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

fn rollups<'a>(kept: &[&'a SyncLogEntry]) -> Rollups<'a> {
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
