//! Webhook endpoints: what admins manage (create, change, rotate the secret, redeliver,
//! delete, each audited) and the delivery state the worker moves forward
//! ([`deliveries`]).
pub mod deliveries;

use roster_api_types::webhook::Webhook;
use serde_json::json;
use sqlx::{any::AnyRow, Row};

use crate::store::{
    audit::{record, Actor, Change},
    db::timestamps::{rfc3339, rfc3339_opt},
    db::tx::{InTx, Tx},
    events::feed::{Position, PositionSql},
    new_id, now_millis, Store,
};

const DAY_MILLIS: i64 = 86_400_000;

const COLUMNS: &str = "w.id, w.url, w.event_types, w.description, \
     CAST(CASE WHEN w.enabled THEN 1 ELSE 0 END AS BIGINT) AS enabled, w.disabled_reason, \
     w.created_at, w.failing_since, w.next_attempt_at, w.previous_secret_until, \
     (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.at > $1 \
      AND d.succeeded) AS ok_24h, \
     (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.at > $1 \
      AND NOT d.succeeded) AS failed_24h";

/// The comma-separated form of a type list.
pub fn types_text(types: &[String]) -> String {
    types.join(",")
}

/// A type list from its stored form.
pub fn types_from(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn webhook_from_row(row: &AnyRow) -> Result<Webhook, sqlx::Error> {
    let now = now_millis();
    let failing_since: Option<i64> = row.try_get("failing_since")?;
    Ok(Webhook {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        event_types: types_from(&row.try_get::<String, _>("event_types")?),
        description: row.try_get("description")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        disabled_reason: row.try_get("disabled_reason")?,
        created_at: rfc3339(row.try_get("created_at")?),
        failing_since: rfc3339_opt(failing_since),
        next_attempt_at: failing_since.and(rfc3339_opt(row.try_get("next_attempt_at")?)),
        succeeded_24h: u64::try_from(row.try_get::<i64, _>("ok_24h")?).unwrap_or(0),
        failed_24h: u64::try_from(row.try_get::<i64, _>("failed_24h")?).unwrap_or(0),
        previous_secret_valid_until: rfc3339_opt(
            row.try_get::<Option<i64>, _>("previous_secret_until")?
                .filter(|until| *until > now),
        ),
    })
}

/// The URL of the organization's endpoint `id`, read inside `tx`; `None` when it is not one.
async fn endpoint_url(
    tx: &mut Tx<'_>,
    org_id: &str,
    id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT url FROM webhook_endpoints WHERE org_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .scalar_optional_in(tx)
        .await
}

/// What an admin may change of an endpoint, checked.
#[derive(Debug, Default)]
pub struct EndpointChange {
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
}

impl Store {
    /// Creates an endpoint that receives the events after the feed's current head.
    pub async fn create_webhook(
        &self,
        org_id: &str,
        actor: &Actor,
        url: &str,
        event_types: &[String],
        description: &str,
        secret: &str,
    ) -> Result<Webhook, sqlx::Error> {
        let head = self.feed_head().await?;
        let id = new_id();
        let now = now_millis();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO webhook_endpoints (id, org_id, url, event_types, description, secret, \
             enabled, cursor_txid, cursor_seq, next_attempt_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, $9, $9, $9)",
        )
        .bind(&id)
        .bind(org_id)
        .bind(url)
        .bind(types_text(event_types))
        .bind(description)
        .bind(secret)
        .bind(head.txid)
        .bind(head.seq)
        .bind(now)
        .execute_in(&mut tx)
        .await?;
        let change = Change::new("webhook.created", "webhook", &id, url)
            .after(json!({"url": url, "eventTypes": event_types, "description": description}));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        self.webhook(org_id, &id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    pub async fn list_webhooks(&self, org_id: &str) -> Result<Vec<Webhook>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM webhook_endpoints w WHERE w.org_id = $2 \
             ORDER BY w.created_at, w.id"
        ))
        .bind(now_millis() - DAY_MILLIS)
        .bind(org_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(webhook_from_row).collect()
    }

    pub async fn webhook(&self, org_id: &str, id: &str) -> Result<Option<Webhook>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM webhook_endpoints w WHERE w.org_id = $2 AND w.id = $3"
        ))
        .bind(now_millis() - DAY_MILLIS)
        .bind(org_id)
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(webhook_from_row).transpose()
    }

    /// Changes an endpoint; `false` when it is not the organization's. Enabling an endpoint
    /// resumes its deliveries at once from where they stopped.
    pub async fn update_webhook(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
        change: &EndpointChange,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "SELECT url, event_types, description, \
             CAST(CASE WHEN enabled THEN 1 ELSE 0 END AS BIGINT) AS enabled \
             FROM webhook_endpoints WHERE org_id = $1 AND id = $2",
        )
        .bind(org_id)
        .bind(id)
        .fetch_optional_in(&mut tx)
        .await?;
        let Some(row) = row else { return Ok(false) };
        let before = json!({
            "url": row.try_get::<String, _>("url")?,
            "eventTypes": types_from(&row.try_get::<String, _>("event_types")?),
            "description": row.try_get::<String, _>("description")?,
            "enabled": row.try_get::<i64, _>("enabled")? != 0,
        });
        let now = now_millis();
        if let Some(url) = &change.url {
            sqlx::query("UPDATE webhook_endpoints SET url = $1 WHERE id = $2")
                .bind(url)
                .bind(id)
                .execute_in(&mut tx)
                .await?;
        }
        if let Some(types) = &change.event_types {
            sqlx::query("UPDATE webhook_endpoints SET event_types = $1 WHERE id = $2")
                .bind(types_text(types))
                .bind(id)
                .execute_in(&mut tx)
                .await?;
        }
        if let Some(description) = &change.description {
            sqlx::query("UPDATE webhook_endpoints SET description = $1 WHERE id = $2")
                .bind(description)
                .bind(id)
                .execute_in(&mut tx)
                .await?;
        }
        match change.enabled {
            Some(true) => {
                sqlx::query(
                    "UPDATE webhook_endpoints SET enabled = TRUE, disabled_reason = NULL, \
                     failing_since = NULL, attempt = 0, next_attempt_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(id)
                .execute_in(&mut tx)
                .await?;
            }
            Some(false) => {
                sqlx::query(
                    "UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = NULL \
                     WHERE id = $1",
                )
                .bind(id)
                .execute_in(&mut tx)
                .await?;
            }
            None => {}
        }
        sqlx::query("UPDATE webhook_endpoints SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute_in(&mut tx)
            .await?;
        let label = change
            .url
            .clone()
            .unwrap_or_else(|| before["url"].as_str().unwrap_or("").to_owned());
        let audit = Change::new("webhook.updated", "webhook", id, &label)
            .before(before)
            .after(json!({"url": change.url, "eventTypes": change.event_types,
                          "description": change.description, "enabled": change.enabled}));
        record(&mut tx, org_id, actor, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Where and with which secrets to send to an endpoint now (a test, a redelivery).
    pub async fn webhook_target(
        &self,
        org_id: &str,
        id: &str,
    ) -> Result<Option<(String, Vec<String>)>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT url, secret, previous_secret, previous_secret_until FROM webhook_endpoints \
             WHERE org_id = $1 AND id = $2",
        )
        .bind(org_id)
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let mut secrets = vec![r.try_get::<String, _>("secret")?];
        if let (Some(previous), Some(until)) = (
            r.try_get::<Option<String>, _>("previous_secret")?,
            r.try_get::<Option<i64>, _>("previous_secret_until")?,
        ) {
            if until > now_millis() {
                secrets.push(previous);
            }
        }
        Ok(Some((r.try_get("url")?, secrets)))
    }

    /// Deletes an endpoint and its delivery log; `false` when it is not the organization's.
    pub async fn delete_webhook(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin().await?;
        let Some(url) = endpoint_url(&mut tx, org_id, id).await? else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1")
            .bind(id)
            .execute_in(&mut tx)
            .await?;
        let change =
            Change::new("webhook.deleted", "webhook", id, &url).before(json!({"url": url}));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Replaces the signing secret; the old one keeps signing too for `overlap_millis`.
    pub async fn rotate_webhook_secret(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
        secret: &str,
        overlap_millis: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin().await?;
        let Some(url) = endpoint_url(&mut tx, org_id, id).await? else {
            return Ok(false);
        };
        let now = now_millis();
        let until = (overlap_millis > 0).then_some(now + overlap_millis);
        sqlx::query(
            "UPDATE webhook_endpoints SET previous_secret = CASE WHEN $1 IS NULL THEN NULL \
             ELSE secret END, previous_secret_until = $1, secret = $2, updated_at = $3 \
             WHERE id = $4",
        )
        .bind(until)
        .bind(secret)
        .bind(now)
        .bind(id)
        .execute_in(&mut tx)
        .await?;
        let change = Change::new("webhook.secret_rotated", "webhook", id, &url)
            .after(json!({"overlapSeconds": overlap_millis / 1000}));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Starts an endpoint's deliveries again from the first event at or after `since`
    /// (millis), as far back as the feed keeps events.
    pub async fn redeliver_since(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
        since: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin().await?;
        let Some(url) = endpoint_url(&mut tx, org_id, id).await? else {
            return Ok(false);
        };
        let before = format!(
            "SELECT txid, seq FROM events WHERE org_id = $1 AND at < $2 ORDER BY {} LIMIT 1",
            PositionSql::new(self.backend).order(true)
        );
        let before = sqlx::query(&before)
            .bind(org_id)
            .bind(since)
            .fetch_optional_in(&mut tx)
            .await?;
        let from = match before {
            Some(r) => Position {
                txid: r.try_get(0)?,
                seq: r.try_get(1)?,
            },
            None => Position::default(),
        };
        sqlx::query(
            "UPDATE webhook_endpoints SET cursor_txid = $1, cursor_seq = $2, attempt = 0, \
             next_attempt_at = $3, updated_at = $3 WHERE id = $4",
        )
        .bind(from.txid)
        .bind(from.seq)
        .bind(now_millis())
        .bind(id)
        .execute_in(&mut tx)
        .await?;
        let change = Change::new("webhook.redelivered", "webhook", id, &url)
            .after(json!({"since": rfc3339(since)}));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(true)
    }
}
