//! Reading the change feed. A reader that has seen position N never later receives an event
//! at or before N:
//!
//! - Positions are `(txid, seq)`, compared as a pair. On SQLite one transaction writes at a
//!   time, `txid` is 0 and `seq` is commit order ([`PositionSql`] compares `seq` alone).
//! - On PostgreSQL `seq` comes from a sequence at insert time, so a transaction can commit
//!   events with a smaller `seq` after another's larger ones. Each event also carries its
//!   transaction's id, and the feed serves only events of transactions older than the oldest
//!   still in flight (`pg_snapshot_xmin`): every one of those has ended, so no event can
//!   appear later below what was served. A transaction still open holds back the events
//!   after it (latency, never loss) until it ends.
//!
//! Each read first takes the head, the newest position servable now, and reads only up to
//! it; a read that finds fewer events than it asked for hands back the head as the next
//! cursor, so a filtered reader never scans the same unmatched events twice.
use roster_api_types::{audit::AuditActor, event::Event};
use serde_json::{json, Map, Value};
use sqlx::{any::AnyRow, Row};

use crate::store::{
    db::backend::Backend,
    db::timestamps::rfc3339,
    db::tx::{InTx, Tx},
    now_millis, Store,
};

/// A place in the feed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub txid: i64,
    pub seq: i64,
}

impl Position {
    /// The cursor a client passes back.
    pub fn cursor(self) -> String {
        format!("{}-{}", self.txid, self.seq)
    }

    /// A cursor this feed gave, or `None`.
    pub fn parse(cursor: &str) -> Option<Position> {
        let (txid, seq) = cursor.split_once('-')?;
        let position = Position {
            txid: txid.parse().ok()?,
            seq: seq.parse().ok()?,
        };
        (position.txid >= 0 && position.seq >= 0).then_some(position)
    }
}

/// Which event types a reader wants: exact types, or families (`access.*`).
#[derive(Clone, Debug, Default)]
pub struct Types {
    pub exact: Vec<String>,
    pub families: Vec<String>,
}

impl Types {
    fn is_all(&self) -> bool {
        self.exact.is_empty() && self.families.is_empty()
    }
}

/// Why a read of the feed was refused.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The cursor is at or before events retention removed: the reader must resync.
    #[error("cursor older than retention")]
    Gone,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The condition that an event's transaction has ended everywhere (see the module docs).
fn settled(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "1 = 1",
        Backend::Postgres => "txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
    }
}

/// Positions in SQL: `(txid, seq)` pairs on PostgreSQL; `seq` alone on SQLite, whose `txid`
/// is always 0, so its walks use the rowid and no second index slows every event insert.
/// Queries bind both halves of a position either way: SQLite binds `$n` by name.
pub(crate) struct PositionSql(Backend);

impl PositionSql {
    pub(crate) fn new(backend: Backend) -> PositionSql {
        PositionSql(backend)
    }

    /// The position `$txid, $seq`, comparable with [`Self::key`].
    pub(crate) fn at(&self, txid: usize, seq: usize) -> String {
        match self.0 {
            Backend::Sqlite => format!("${seq}"),
            Backend::Postgres => format!("(${txid}, ${seq})"),
        }
    }

    /// A row's position.
    pub(crate) fn key(&self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "seq",
            Backend::Postgres => "(txid, seq)",
        }
    }

    /// Feed order, oldest first (`newest_first`: the reverse).
    pub(crate) fn order(&self, newest_first: bool) -> &'static str {
        match (self.0, newest_first) {
            (Backend::Sqlite, false) => "seq",
            (Backend::Sqlite, true) => "seq DESC",
            (Backend::Postgres, false) => "txid, seq",
            (Backend::Postgres, true) => "txid DESC, seq DESC",
        }
    }
}

pub(super) const COLUMNS: &str =
    "txid, seq, type, at, directory_id, actor_type, actor_id, actor_label, \
     user_id, user_label, user_email, group_id, group_label, site_id, site_label, product_id, \
     product_key, product_label, role, data";

pub(super) fn event_from_row(row: &AnyRow) -> Result<Event, sqlx::Error> {
    let position = Position {
        txid: row.try_get("txid")?,
        seq: row.try_get("seq")?,
    };
    let directory_id: Option<String> = row.try_get("directory_id")?;
    let data = match row.try_get::<Option<String>, _>("data")? {
        Some(text) => serde_json::from_str(&text).unwrap_or(Value::Null),
        // Fanned-out events: their state is the columns.
        None => {
            let mut data = Map::new();
            if let Some(id) = row.try_get::<Option<String>, _>("user_id")? {
                data.insert(
                    "user".into(),
                    json!({"id": id, "directoryId": directory_id,
                           "userName": row.try_get::<Option<String>, _>("user_label")?,
                           "email": row.try_get::<Option<String>, _>("user_email")?}),
                );
            }
            if let Some(id) = row.try_get::<Option<String>, _>("group_id")? {
                data.insert(
                    "group".into(),
                    json!({"id": id,
                           "displayName": row.try_get::<Option<String>, _>("group_label")?}),
                );
            }
            let site_id = row.try_get::<Option<String>, _>("site_id")?;
            let product_id = row.try_get::<Option<String>, _>("product_id")?;
            if let Some(id) = &site_id {
                data.insert(
                    "site".into(),
                    json!({"id": id, "name": row.try_get::<Option<String>, _>("site_label")?}),
                );
            }
            if let Some(id) = &product_id {
                data.insert(
                    "product".into(),
                    json!({"id": id, "siteId": site_id,
                           "key": row.try_get::<Option<String>, _>("product_key")?,
                           "name": row.try_get::<Option<String>, _>("product_label")?}),
                );
            }
            for (key, v) in [
                ("siteId", site_id),
                ("productId", product_id),
                ("role", row.try_get::<Option<String>, _>("role")?),
            ] {
                if let Some(v) = v {
                    data.insert(key.into(), Value::String(v));
                }
            }
            Value::Object(data)
        }
    };
    Ok(Event {
        id: format!("evt_{}", position.seq),
        cursor: position.cursor(),
        type_: row.try_get("type")?,
        occurred_at: rfc3339(row.try_get("at")?),
        directory_id,
        actor: AuditActor {
            type_: row.try_get("actor_type")?,
            id: row.try_get("actor_id")?,
            label: row.try_get("actor_label")?,
        },
        data,
    })
}

impl Store {
    /// The newest position servable now: a snapshot read after it misses nothing before it.
    pub async fn feed_head(&self) -> Result<Position, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT txid, seq FROM events WHERE {} ORDER BY {} LIMIT 1",
            settled(self.backend),
            PositionSql::new(self.backend).order(true)
        ))
        .fetch_optional(&self.read)
        .await?;
        let head = match row {
            Some(r) => Position {
                txid: r.try_get(0)?,
                seq: r.try_get(1)?,
            },
            None => Position::default(),
        };
        // With every event pruned, the head is where retention stopped.
        Ok(head.max(self.feed_horizon().await?.unwrap_or_default()))
    }

    /// The next transaction id PostgreSQL will hand out (SQLite: ids are always 0).
    async fn next_txid(&self) -> Result<i64, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => Ok(1),
            Backend::Postgres => {
                sqlx::query_scalar("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
                    .fetch_one(&self.read)
                    .await
            }
        }
    }

    /// The newest position retention removed, if any.
    pub async fn feed_horizon(&self) -> Result<Option<Position>, sqlx::Error> {
        let row = sqlx::query("SELECT txid, seq FROM events_horizon WHERE id = 1")
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| {
            Ok(Position {
                txid: r.try_get(0)?,
                seq: r.try_get(1)?,
            })
        })
        .transpose()
    }

    /// Up to `limit` of the organization's events after `after` (from the oldest kept when
    /// `None`), oldest first, and the cursor to read on from.
    pub async fn events_after(
        &self,
        org_id: &str,
        after: Option<Position>,
        types: &Types,
        limit: u32,
    ) -> Result<(Vec<Event>, Position), FeedError> {
        let horizon = self.feed_horizon().await?;
        if let (Some(after), Some(horizon)) = (after, horizon) {
            if after < horizon {
                return Err(FeedError::Gone);
            }
        }
        if let Some(after) = after {
            if after.txid > 0 && after.txid >= self.next_txid().await? {
                // From another cluster (a restore's source): the ids it waits for are not
                // this cluster's.
                return Err(FeedError::Gone);
            }
        }
        let from = after.or(horizon).unwrap_or_default();
        let head = self.feed_head().await?;
        if head <= from {
            return Ok((Vec::new(), from));
        }
        let mut filter = String::new();
        let mut binds: Vec<String> = Vec::new();
        if !types.is_all() {
            let mut arms = Vec::new();
            for t in &types.exact {
                binds.push(t.clone());
                arms.push(format!("type = ${}", 5 + binds.len()));
            }
            for f in &types.families {
                binds.push(format!("{f}.%"));
                arms.push(format!("type LIKE ${}", 5 + binds.len()));
            }
            filter = format!(" AND ({})", arms.join(" OR "));
        }
        // `$1` org, `$2`–`$3` after, `$4`–`$5` head, then the types.
        let p = PositionSql::new(self.backend);
        let (key, order) = (p.key(), p.order(false));
        let sql = format!(
            "SELECT {COLUMNS} FROM events WHERE org_id = $1 AND {key} > {} AND {key} <= {}\
             {filter} ORDER BY {order} LIMIT {limit}",
            p.at(2, 3),
            p.at(4, 5)
        );
        let mut q = sqlx::query(&sql)
            .bind(org_id)
            .bind(from.txid)
            .bind(from.seq)
            .bind(head.txid)
            .bind(head.seq);
        for b in &binds {
            q = q.bind(b.as_str());
        }
        let rows = q.fetch_all(&self.read).await?;
        let events = rows
            .iter()
            .map(event_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let next = match events.last() {
            Some(last) if events.len() as u32 >= limit => {
                Position::parse(&last.cursor).unwrap_or(head)
            }
            // Everything up to the head was read.
            _ => head,
        };
        Ok((events, next))
    }

    /// One of the organization's events by its id (`evt_<seq>`).
    pub async fn event(&self, org_id: &str, id: &str) -> Result<Option<Event>, sqlx::Error> {
        let Some(seq) = id.strip_prefix("evt_").and_then(|s| s.parse::<i64>().ok()) else {
            return Ok(None);
        };
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM events WHERE org_id = $1 AND seq = $2"
        ))
        .bind(org_id)
        .bind(seq)
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(event_from_row).transpose()
    }

    /// Deletes events older than `retention`, oldest first in batches, and moves the horizon
    /// past them. Returns how many went.
    pub async fn prune_events(&self, retention: std::time::Duration) -> Result<u64, sqlx::Error> {
        let cutoff = now_millis() - retention.as_millis() as i64;
        let mut pruned = 0;
        let p = PositionSql::new(self.backend);
        let oldest = format!(
            "SELECT txid, seq, at FROM events ORDER BY {} LIMIT 1000",
            p.order(false)
        );
        let delete = format!("DELETE FROM events WHERE {} <= {}", p.key(), p.at(1, 2));
        loop {
            let mut tx = self.begin().await?;
            let rows = sqlx::query(&oldest).fetch_all_in(&mut tx).await?;
            let mut last = None;
            for r in &rows {
                if r.try_get::<i64, _>("at")? >= cutoff {
                    break;
                }
                last = Some(Position {
                    txid: r.try_get("txid")?,
                    seq: r.try_get("seq")?,
                });
            }
            let Some(last) = last else { break };
            let n = sqlx::query(&delete)
                .bind(last.txid)
                .bind(last.seq)
                .execute_in(&mut tx)
                .await?
                .rows_affected();
            move_horizon(&mut tx, last).await?;
            tx.commit().await?;
            pruned += n;
            if rows.len() < 1000 {
                break;
            }
        }
        // Webhooks' delivery log goes with the events it logged.
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE at < $1")
            .bind(cutoff)
            .execute_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(pruned)
    }
}

/// Records that events up to `to` are gone (never moving it back).
pub async fn move_horizon(tx: &mut Tx<'_>, to: Position) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO events_horizon (id, txid, seq) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET txid = $1, seq = $2 \
         WHERE (events_horizon.txid, events_horizon.seq) < ($1, $2)",
    )
    .bind(to.txid)
    .bind(to.seq)
    .execute_in(tx)
    .await?;
    Ok(())
}
