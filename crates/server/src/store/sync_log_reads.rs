//! Reading a directory's sync log for the console: events newest first with filters, and
//! hourly request/error counts for the activity chart. The SCIM service writes both tables;
//! nothing here writes.
use roster_api_types::directory::{HourlyActivity, Page, SyncEvent};
use sqlx::{any::AnyRow, Row};

use super::{
    now_millis,
    paging::{like_escape, Anchor, PageRequest, SortValue, Sql, COUNT_CAP},
    timestamps::{hour_start, rfc3339, HOUR_MILLIS},
    Store,
};

/// Cursor tag of event lists.
pub const EVENTS_TAG: &str = "events";

/// Which events to list.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    /// Only requests answered with status 400 or above.
    pub errors_only: bool,
    /// Exact operation name.
    pub operation: Option<String>,
    /// Case-insensitive substring of path, resource label or detail.
    pub text: Option<String>,
}

const EVENT_COLUMNS: &str = "id, at, method, path, operation, status, duration_ms, resource_type, \
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

fn event_from_row(row: &AnyRow) -> Result<SyncEvent, sqlx::Error> {
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
fn push_filter(sql: &mut Sql, filter: &EventFilter) {
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

impl Store {
    /// One page of a directory's sync events, newest first. `total` is counted up to
    /// [`COUNT_CAP`].
    pub async fn list_sync_events(
        &self,
        directory_id: &str,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Page<SyncEvent>, sqlx::Error> {
        // Newest first; a previous page walks oldest first from its anchor.
        let desc = !page.reversed();
        let dir = if desc { "DESC" } else { "ASC" };
        let mut sql = Sql::new(&format!(
            "SELECT {EVENT_COLUMNS} FROM sync_events WHERE directory_id = "
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
            .map(|r| Ok((event_from_row(r)?, r.try_get::<i64, _>("at")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let result = page.finish(rows, |(e, at)| Anchor {
            key: SortValue::Int(*at),
            id: e.id.clone(),
        });

        let mut count = Sql::new(
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM sync_events WHERE directory_id = ",
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
