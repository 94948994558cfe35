//! Directory API keys: issuing, replacing (with an optional overlap) and checking them.
use sqlx::{Any, Row, Transaction};

use super::{new_id, now_millis, Store};
use crate::auth::{api_key, constant_time_eq, hash_token};

/// Last-used times are written at most this often per key, so SCIM reads stay reads.
const LAST_USED_EVERY_MILLIS: i64 = 60_000;

/// A key just issued: the secret (shown once) and when it expires.
#[derive(Debug)]
pub struct IssuedKey {
    pub key: api_key::NewKey,
    pub expires_at: i64,
    /// When replaced keys stop working (regeneration only).
    pub previous_valid_until: Option<i64>,
}

/// Inserts a new key for `directory_id`, retiring current keys at `now + overlap_millis`.
pub(super) async fn issue(
    tx: &mut Transaction<'static, Any>,
    directory_id: &str,
    lifetime_millis: i64,
    overlap_millis: i64,
) -> Result<IssuedKey, sqlx::Error> {
    let now = now_millis();
    let retire_at = now + overlap_millis.max(0);
    let retired = sqlx::query(
        "UPDATE directory_api_keys SET revoked_at = $1 \
         WHERE directory_id = $2 AND (revoked_at IS NULL OR revoked_at > $1)",
    )
    .bind(retire_at)
    .bind(directory_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let key = api_key::generate();
    let expires_at = now + lifetime_millis;
    sqlx::query(
        "INSERT INTO directory_api_keys (id, directory_id, key_hash, key_prefix, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(directory_id)
    .bind(&key.hash)
    .bind(&key.prefix)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(IssuedKey {
        key,
        expires_at,
        previous_valid_until: (retired > 0 && overlap_millis > 0).then_some(retire_at),
    })
}

impl Store {
    /// Whether `presented` is a live key of `directory_id`. Every live key of the directory is
    /// compared in constant time; the last-used time is recorded on a match.
    pub async fn check_api_key(
        &self,
        directory_id: &str,
        presented: &str,
    ) -> Result<bool, sqlx::Error> {
        Ok(self
            .authenticate_directory(directory_id, presented)
            .await?
            .is_some())
    }

    /// The organization of `directory_id` when `presented` is one of its live keys.
    pub async fn authenticate_directory(
        &self,
        directory_id: &str,
        presented: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        let now = now_millis();
        let rows = sqlx::query(
            "SELECT k.id, k.key_hash, k.last_used_at, d.org_id FROM directory_api_keys k \
             JOIN directories d ON d.id = k.directory_id \
             WHERE k.directory_id = $1 AND k.expires_at > $2 \
             AND (k.revoked_at IS NULL OR k.revoked_at > $2)",
        )
        .bind(directory_id)
        .bind(now)
        .fetch_all(&self.read)
        .await?;
        let presented_hash = hash_token(presented);
        let mut matched = None;
        for row in &rows {
            let hash: String = row.try_get("key_hash")?;
            // No early exit: every live key is compared.
            if constant_time_eq(&hash, &presented_hash) {
                let last: Option<i64> = row.try_get("last_used_at")?;
                let org: String = row.try_get("org_id")?;
                matched = Some((row.try_get::<String, _>("id")?, last, org));
            }
        }
        let Some((id, last_used, org_id)) = matched else {
            return Ok(None);
        };
        if last_used.is_none_or(|t| now - t > LAST_USED_EVERY_MILLIS) {
            let mut tx = self.write.begin().await?;
            sqlx::query("UPDATE directory_api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(Some(org_id))
    }
}
