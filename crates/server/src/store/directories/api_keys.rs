//! Directory API keys: issuing, replacing (with an optional overlap) and checking them.
use sqlx::Row;

use crate::auth::{api_key, constant_time_eq, hash_token};
use crate::store::{
    db::tx::{InTx, Tx},
    directories::key_cache,
    new_id, now_millis, Store,
};

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
pub(in crate::store) async fn issue(
    tx: &mut Tx<'_>,
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
    .execute_in(tx)
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
    .execute_in(tx)
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
    ///
    /// The directory's live keys (hashes only) are cached for [`key_cache::TTL`]: a SCIM
    /// request then costs no key query. Every cached key is still compared in constant time
    /// and its expiry and revocation times are checked on each request. A key that matches
    /// nothing cached is looked up again, so a key issued by another replica works at once;
    /// regenerating or deleting on this replica drops the entry at once; a revocation made
    /// by another replica applies here within the TTL.
    pub async fn authenticate_directory(
        &self,
        directory_id: &str,
        presented: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        let now = now_millis();
        let presented_hash = hash_token(presented);
        if let Some(keys) = self.key_cache.get(directory_id, now) {
            if let Some(found) = match_key(&keys, &presented_hash, now) {
                return self.note_use(directory_id, found, now).await;
            }
        }
        let generation = self.key_cache.generation();
        let rows = sqlx::query(
            "SELECT k.id, k.key_hash, k.last_used_at, k.expires_at, k.revoked_at, d.org_id \
             FROM directory_api_keys k JOIN directories d ON d.id = k.directory_id \
             WHERE k.directory_id = $1 AND k.expires_at > $2 \
             AND (k.revoked_at IS NULL OR k.revoked_at > $2)",
        )
        .bind(directory_id)
        .bind(now)
        .fetch_all(&self.read)
        .await?;
        let mut keys = Vec::with_capacity(rows.len());
        for row in &rows {
            keys.push(key_cache::LiveKey {
                id: row.try_get("id")?,
                hash: row.try_get("key_hash")?,
                org_id: row.try_get("org_id")?,
                expires_at: row.try_get("expires_at")?,
                revoked_at: row.try_get("revoked_at")?,
                last_used_at: row.try_get("last_used_at")?,
            });
        }
        let keys = self.key_cache.put(directory_id, keys, now, generation);
        match match_key(&keys, &presented_hash, now) {
            Some(found) => self.note_use(directory_id, found, now).await,
            None => Ok(None),
        }
    }

    /// Records the last-used time of the matched key (at most once a minute) and returns
    /// its organization.
    async fn note_use(
        &self,
        directory_id: &str,
        found: key_cache::LiveKey,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        if found
            .last_used_at
            .is_none_or(|t| now - t > LAST_USED_EVERY_MILLIS)
            && self
                .key_cache
                .claim_last_used(directory_id, &found.id, now, LAST_USED_EVERY_MILLIS)
        {
            let mut tx = self.begin().await?;
            sqlx::query("UPDATE directory_api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&found.id)
                .execute_in(&mut tx)
                .await?;
            tx.commit().await?;
        }
        Ok(Some(found.org_id))
    }
}

/// The live key among `keys` whose hash is `presented_hash`. Every key is compared in
/// constant time, with no early exit.
fn match_key(
    keys: &[key_cache::LiveKey],
    presented_hash: &str,
    now: i64,
) -> Option<key_cache::LiveKey> {
    let mut matched = None;
    for key in keys {
        if constant_time_eq(&key.hash, presented_hash) && key.is_live(now) {
            matched = Some(key.clone());
        }
    }
    matched
}
