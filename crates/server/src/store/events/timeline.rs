//! A user's timeline: the SCIM requests about them (the sync log) and the events about them
//! (their changes, memberships and access with its cause), newest first in one order, paged
//! by a keyset over (time, source, key), so a page costs its size whatever the history.
use roster_api_types::{event::TimelineEntry, page::Page};
use sqlx::Row;

use super::feed::{event_from_row, COLUMNS};
use crate::store::{
    db::timestamps::rfc3339,
    sync_log::{entry_from_row, ENTRY_COLUMNS},
    Store,
};

/// An event's key in the timeline's order: its `seq` as 19 digits, so that text order is
/// number order (`99` before `100`) on both backends.
const EVENT_KEY: &str =
    "substr('0000000000000000000' || CAST(seq AS TEXT), length(CAST(seq AS TEXT)) + 1)";

/// Where a page starts: the last entry of the page before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineCursor {
    at: i64,
    /// 1 for events, 0 for requests.
    source: i64,
    key: String,
}

impl TimelineCursor {
    pub fn parse(text: &str) -> Option<TimelineCursor> {
        let mut parts = text.splitn(3, '.');
        let at = parts.next()?.parse().ok()?;
        let source = parts.next()?.parse().ok().filter(|s| *s == 0 || *s == 1)?;
        let key = parts.next()?.to_owned();
        Some(TimelineCursor { at, source, key })
    }

    fn text(&self) -> String {
        format!("{}.{}.{}", self.at, self.source, self.key)
    }
}

impl Store {
    /// Whether the user is one of the organization's, or was (their events are kept).
    pub async fn user_has_history(&self, org_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
        let row = sqlx::query(
            "SELECT 1 FROM users u JOIN directories d ON d.id = u.directory_id \
             WHERE u.id = $1 AND d.org_id = $2 \
             UNION ALL SELECT 1 FROM events WHERE user_id = $1 AND org_id = $2 LIMIT 1",
        )
        .bind(user_id)
        .bind(org_id)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.is_some())
    }

    /// One page of a user's timeline, newest first.
    pub async fn user_timeline(
        &self,
        user_id: &str,
        after: Option<&TimelineCursor>,
        limit: u32,
    ) -> Result<Page<TimelineEntry>, sqlx::Error> {
        let keyset = if after.is_some() {
            " WHERE (t.at, t.src, t.k) < ($2, $3, $4)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT t.at, t.src, t.k FROM ( \
               SELECT at, 1 AS src, {EVENT_KEY} AS k FROM events WHERE user_id = $1 \
               UNION ALL \
               SELECT at, 0 AS src, id AS k FROM sync_log \
               WHERE resource_id = $1 AND resource_type = 'User') t{keyset} \
             ORDER BY t.at DESC, t.src DESC, t.k DESC LIMIT {}",
            limit + 1
        );
        let mut q = sqlx::query(&sql).bind(user_id);
        if let Some(c) = after {
            q = q.bind(c.at).bind(c.source).bind(c.key.as_str());
        }
        let mut keys: Vec<TimelineCursor> = q
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| {
                Ok(TimelineCursor {
                    at: r.try_get(0)?,
                    source: r.try_get(1)?,
                    key: r.try_get(2)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        let more = keys.len() > limit as usize;
        keys.truncate(limit as usize);

        let mut events = std::collections::HashMap::new();
        let seqs: Vec<i64> = keys
            .iter()
            .filter(|k| k.source == 1)
            .filter_map(|k| k.key.parse().ok())
            .collect();
        if !seqs.is_empty() {
            let list = (1..=seqs.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>();
            let sql = format!(
                "SELECT {COLUMNS} FROM events WHERE seq IN ({})",
                list.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for s in &seqs {
                q = q.bind(*s);
            }
            for row in q.fetch_all(&self.read).await? {
                let seq: i64 = row.try_get("seq")?;
                events.insert(seq, event_from_row(&row)?);
            }
        }
        let mut requests = std::collections::HashMap::new();
        let ids: Vec<&str> = keys
            .iter()
            .filter(|k| k.source == 0)
            .map(|k| k.key.as_str())
            .collect();
        if !ids.is_empty() {
            let list = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>();
            let sql = format!(
                "SELECT {ENTRY_COLUMNS} FROM sync_log WHERE id IN ({})",
                list.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for id in &ids {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&self.read).await? {
                let entry = entry_from_row(&row)?;
                requests.insert(entry.id.clone(), entry);
            }
        }
        let items = keys
            .iter()
            .map(|k| TimelineEntry {
                at: rfc3339(k.at),
                request: (k.source == 0).then(|| requests.remove(&k.key)).flatten(),
                event: (k.source == 1)
                    .then(|| k.key.parse().ok().and_then(|seq: i64| events.remove(&seq)))
                    .flatten(),
            })
            .collect();
        Ok(Page {
            items,
            total: None,
            next_cursor: more
                .then(|| keys.last().map(TimelineCursor::text))
                .flatten(),
            prev_cursor: None,
            feed_cursor: None,
        })
    }
}
