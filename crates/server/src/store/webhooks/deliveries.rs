//! The delivery state of endpoints, moved forward by the webhook worker. An endpoint is
//! delivered by one replica at a time: the worker leases it (a row update that only one
//! replica wins; PostgreSQL skips rows another replica has locked), sends its next events in
//! feed order, and moves the cursor past each only after the receiver accepted it, so a crash
//! at any point sends an event again rather than never.
use roster_api_types::webhook::WebhookDelivery;
use sqlx::Row;

use crate::store::{
    audit::{record, Actor, Change},
    db::backend::Backend,
    db::timestamps::rfc3339,
    db::tx::{InTx, Tx},
    events::feed::Position,
    new_id, now_millis, Store,
};

/// An endpoint leased for delivery.
#[derive(Clone)]
pub struct Lease {
    pub endpoint_id: String,
    pub org_id: String,
    pub url: String,
    pub event_types: Vec<String>,
    /// The secrets to sign with: the current one, and a replaced one during an overlap.
    pub secrets: Vec<String>,
    pub cursor: Position,
    /// Attempts so far of the event at the cursor.
    pub attempt: i64,
    pub failing_since: Option<i64>,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease")
            .field("endpoint_id", &self.endpoint_id)
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

/// One attempt's result, as logged.
#[derive(Debug)]
pub struct Attempt<'a> {
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub attempt: i64,
    pub succeeded: bool,
    pub status: Option<u16>,
    pub latency_ms: i64,
    pub error: Option<String>,
    pub response_excerpt: Option<String>,
}

/// Writes one attempt to the delivery log.
async fn insert_attempt(
    tx: &mut Tx<'_>,
    endpoint_id: &str,
    attempt: &Attempt<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, at, attempt, \
         succeeded, status, latency_ms, error, response_excerpt) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(new_id())
    .bind(endpoint_id)
    .bind(attempt.event_id)
    .bind(attempt.event_type)
    .bind(now_millis())
    .bind(attempt.attempt)
    .bind(attempt.succeeded)
    .bind(attempt.status.map(i64::from))
    .bind(attempt.latency_ms)
    .bind(attempt.error.as_deref())
    .bind(attempt.response_excerpt.as_deref())
    .execute_in(tx)
    .await?;
    Ok(())
}

/// Rows a lease may pick: another replica's locked row is skipped, not waited for.
fn skip_locked(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
    }
}

impl Store {
    /// Leases the endpoint most overdue for delivery to `owner` for `lease_millis`.
    pub async fn lease_webhook(
        &self,
        owner: &str,
        lease_millis: i64,
    ) -> Result<Option<Lease>, sqlx::Error> {
        let now = now_millis();
        let mut tx = self.begin().await?;
        let row = sqlx::query(&format!(
            "UPDATE webhook_endpoints SET lease_owner = $1, lease_until = $2 \
             WHERE id = (SELECT id FROM webhook_endpoints WHERE enabled \
               AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3) \
               ORDER BY next_attempt_at LIMIT 1{}) \
             RETURNING id, org_id, url, event_types, secret, previous_secret, \
               previous_secret_until, cursor_txid, cursor_seq, attempt, failing_since",
            skip_locked(self.backend)
        ))
        .bind(owner)
        .bind(now + lease_millis)
        .bind(now)
        .fetch_optional_in(&mut tx)
        .await?;
        tx.commit_quietly().await?;
        let Some(r) = row else { return Ok(None) };
        let mut secrets = vec![r.try_get::<String, _>("secret")?];
        if let (Some(previous), Some(until)) = (
            r.try_get::<Option<String>, _>("previous_secret")?,
            r.try_get::<Option<i64>, _>("previous_secret_until")?,
        ) {
            if until > now {
                secrets.push(previous);
            }
        }
        Ok(Some(Lease {
            endpoint_id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            url: r.try_get("url")?,
            event_types: super::types_from(&r.try_get::<String, _>("event_types")?),
            secrets,
            cursor: Position {
                txid: r.try_get("cursor_txid")?,
                seq: r.try_get("cursor_seq")?,
            },
            attempt: r.try_get("attempt")?,
            failing_since: r.try_get("failing_since")?,
        }))
    }

    /// Logs one attempt.
    pub async fn log_delivery(
        &self,
        endpoint_id: &str,
        attempt: &Attempt<'_>,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin().await?;
        insert_attempt(&mut tx, endpoint_id, attempt).await?;
        tx.commit_quietly().await
    }

    /// The events up to `to` were delivered (their attempts `logged` with them) or filtered
    /// out: the cursor moves past them, while `owner` still holds the lease.
    pub async fn advance_webhook(
        &self,
        lease: &Lease,
        owner: &str,
        to: Position,
        logged: &[Attempt<'_>],
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin().await?;
        let moved = sqlx::query(
            "UPDATE webhook_endpoints SET cursor_txid = $1, cursor_seq = $2, attempt = 0, \
             failing_since = NULL WHERE id = $3 AND lease_owner = $4",
        )
        .bind(to.txid)
        .bind(to.seq)
        .bind(&lease.endpoint_id)
        .bind(owner)
        .execute_in(&mut tx)
        .await?
        .rows_affected();
        for attempt in logged {
            insert_attempt(&mut tx, &lease.endpoint_id, attempt).await?;
        }
        tx.commit_quietly().await?;
        Ok(moved > 0)
    }

    /// Extends `owner`'s lease by `lease_millis` from now; `false` when it was lost.
    pub async fn renew_webhook_lease(
        &self,
        lease: &Lease,
        owner: &str,
        lease_millis: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin().await?;
        let renewed = sqlx::query(
            "UPDATE webhook_endpoints SET lease_until = $1 WHERE id = $2 AND lease_owner = $3",
        )
        .bind(now_millis() + lease_millis)
        .bind(&lease.endpoint_id)
        .bind(owner)
        .execute_in(&mut tx)
        .await?
        .rows_affected();
        tx.commit_quietly().await?;
        Ok(renewed > 0)
    }

    /// Gives the lease back; the endpoint is due again at `next_attempt_at`. After a failed
    /// attempt, `attempt` and `failing_since` say so.
    pub async fn release_webhook(
        &self,
        lease: &Lease,
        owner: &str,
        next_attempt_at: i64,
        failed: Option<(i64, i64)>,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin().await?;
        match failed {
            Some((attempt, since)) => {
                sqlx::query(
                    "UPDATE webhook_endpoints SET lease_owner = NULL, lease_until = NULL, \
                     next_attempt_at = $1, attempt = $2, failing_since = $3 \
                     WHERE id = $4 AND lease_owner = $5",
                )
                .bind(next_attempt_at)
                .bind(attempt)
                .bind(since)
                .bind(&lease.endpoint_id)
                .bind(owner)
                .execute_in(&mut tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "UPDATE webhook_endpoints SET lease_owner = NULL, lease_until = NULL, \
                     next_attempt_at = $1 WHERE id = $2 AND lease_owner = $3",
                )
                .bind(next_attempt_at)
                .bind(&lease.endpoint_id)
                .bind(owner)
                .execute_in(&mut tx)
                .await?;
            }
        }
        tx.commit_quietly().await
    }

    /// Stops deliveries to an endpoint that kept failing, audited as Roster's own act.
    pub async fn disable_failing_webhook(
        &self,
        lease: &Lease,
        reason: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = $1, \
             lease_owner = NULL, lease_until = NULL WHERE id = $2",
        )
        .bind(reason)
        .bind(&lease.endpoint_id)
        .execute_in(&mut tx)
        .await?;
        let change = Change::new(
            "webhook.disabled",
            "webhook",
            &lease.endpoint_id,
            &lease.url,
        )
        .after(serde_json::json!({"reason": reason}));
        record(&mut tx, &lease.org_id, &Actor::system(), change).await?;
        tx.commit().await
    }

    /// Due now: a write committed, so every idle endpoint looks again.
    pub async fn wake_webhooks(&self) -> Result<(), sqlx::Error> {
        let mut tx = self.begin().await?;
        let now = now_millis();
        sqlx::query(
            "UPDATE webhook_endpoints SET next_attempt_at = $1 \
             WHERE enabled AND attempt = 0 AND next_attempt_at > $1",
        )
        .bind(now)
        .execute_in(&mut tx)
        .await?;
        tx.commit_quietly().await
    }

    /// The newest attempts to deliver to an endpoint, newest first.
    pub async fn webhook_deliveries(
        &self,
        endpoint_id: &str,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT id, event_id, event_type, at, attempt, \
             CAST(CASE WHEN succeeded THEN 1 ELSE 0 END AS BIGINT) AS succeeded, status, \
             latency_ms, error, response_excerpt FROM webhook_deliveries \
             WHERE endpoint_id = $1 ORDER BY at DESC, id DESC LIMIT {limit}"
        ))
        .bind(endpoint_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(WebhookDelivery {
                    id: r.try_get("id")?,
                    event_id: r.try_get("event_id")?,
                    event_type: r.try_get("event_type")?,
                    at: rfc3339(r.try_get("at")?),
                    attempt: u32::try_from(r.try_get::<i64, _>("attempt")?).unwrap_or(0),
                    succeeded: r.try_get::<i64, _>("succeeded")? != 0,
                    status: r
                        .try_get::<Option<i64>, _>("status")?
                        .and_then(|s| u16::try_from(s).ok()),
                    latency_ms: u64::try_from(r.try_get::<i64, _>("latency_ms")?).unwrap_or(0),
                    error: r.try_get("error")?,
                    response_excerpt: r.try_get("response_excerpt")?,
                })
            })
            .collect()
    }
}

impl Store {
    /// Whether any endpoint is enabled (an idle worker then does nothing else).
    pub async fn has_enabled_webhooks(&self) -> Result<bool, sqlx::Error> {
        let row = sqlx::query("SELECT 1 FROM webhook_endpoints WHERE enabled LIMIT 1")
            .fetch_optional(&self.read)
            .await?;
        Ok(row.is_some())
    }
}
