//! Directories (one per identity provider) as the admin manages them: listing with their
//! counters, health and key, creating with a first key, renaming, regenerating the key and
//! deleting with everything they provisioned. Every method is scoped to one organization, so
//! another organization's directory is indistinguishable from a missing one.
pub mod api_keys;
pub mod key_cache;

use roster_api_types::directory::{ApiKeyInfo, Directory, DirectoryDeletionImpact};
use serde_json::json;
use sqlx::{any::AnyRow, Row};

use crate::store::{
    access::changes::record_directory_deletion,
    audit::{self, Actor, Change},
    db::timestamps::{hour_start, rfc3339, rfc3339_opt, HOUR_MILLIS},
    db::tx::InTx,
    directories::api_keys::IssuedKey,
    events::{self, NewEvent},
    new_id, now_millis, Store,
};

/// The SCIM base URL of a directory, to paste into the identity provider.
pub fn scim_base_url(public_url: &str, directory_id: &str) -> String {
    format!(
        "{}/scim/directory/{directory_id}",
        public_url.trim_end_matches('/')
    )
}

/// Everything the directory list shows, in one query: counters are columns, errors come from
/// at most 24 hourly buckets, and the key is the directory's newest (issuing retires all
/// older ones). `$1` = start of the 24-hour window, `$2` = now, `$3` = organization.
const SELECT_DIRECTORIES: &str = "\
SELECT d.id, d.name, d.created_at, d.active_users, d.deactivated_users, d.group_count, \
       d.last_request_at, \
       k.key_prefix, k.created_at AS key_created_at, k.expires_at AS key_expires_at, \
       k.last_used_at AS key_last_used_at, \
       (SELECT CAST(COALESCE(SUM(s.errors), 0) AS BIGINT) FROM sync_stats_hourly s \
         WHERE s.directory_id = d.id AND s.hour >= $1) AS errors_24h, \
       (SELECT MAX(p.revoked_at) FROM directory_api_keys p \
         WHERE p.directory_id = d.id AND p.revoked_at > $2 AND p.expires_at > $2) AS previous_until \
FROM directories d \
LEFT JOIN directory_api_keys k ON k.id = ( \
    SELECT c.id FROM directory_api_keys c WHERE c.directory_id = d.id \
    ORDER BY c.created_at DESC, c.id DESC LIMIT 1) \
WHERE d.org_id = $3";

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn directory_from_row(row: &AnyRow, public_url: &str) -> Result<Directory, sqlx::Error> {
    let id: String = row.try_get("id")?;
    let created_at: i64 = row.try_get("created_at")?;
    // A directory always has a key (created with it, replaced in one transaction); the
    // fallbacks only keep a damaged row from hiding the whole list.
    let key_created: Option<i64> = row.try_get("key_created_at")?;
    let key_expires: Option<i64> = row.try_get("key_expires_at")?;
    Ok(Directory {
        base_url: scim_base_url(public_url, &id),
        id,
        name: row.try_get("name")?,
        created_at: rfc3339(created_at),
        active_users: count(row.try_get("active_users")?),
        deactivated_users: count(row.try_get("deactivated_users")?),
        group_count: count(row.try_get("group_count")?),
        last_request_at: rfc3339_opt(row.try_get("last_request_at")?),
        errors_last_24h: count(row.try_get("errors_24h")?),
        api_key: ApiKeyInfo {
            prefix: row
                .try_get::<Option<String>, _>("key_prefix")?
                .unwrap_or_default(),
            created_at: rfc3339(key_created.unwrap_or(created_at)),
            expires_at: rfc3339(key_expires.unwrap_or(created_at)),
            last_used_at: rfc3339_opt(row.try_get("key_last_used_at")?),
            previous_key_valid_until: rfc3339_opt(row.try_get("previous_until")?),
        },
    })
}

impl Store {
    /// The organization's directories, oldest first.
    pub async fn list_directories(
        &self,
        org_id: &str,
        public_url: &str,
    ) -> Result<Vec<Directory>, sqlx::Error> {
        let now = now_millis();
        let sql = format!("{SELECT_DIRECTORIES} ORDER BY d.created_at, d.id");
        let rows = sqlx::query(&sql)
            .bind(hour_start(now) - 23 * HOUR_MILLIS)
            .bind(now)
            .bind(org_id)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| directory_from_row(r, public_url))
            .collect()
    }

    /// One of the organization's directories.
    pub async fn directory(
        &self,
        org_id: &str,
        id: &str,
        public_url: &str,
    ) -> Result<Option<Directory>, sqlx::Error> {
        let now = now_millis();
        let sql = format!("{SELECT_DIRECTORIES} AND d.id = $4");
        let row = sqlx::query(&sql)
            .bind(hour_start(now) - 23 * HOUR_MILLIS)
            .bind(now)
            .bind(org_id)
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| directory_from_row(&r, public_url)).transpose()
    }

    /// Whether `id` is one of the organization's directories (others' are invisible).
    pub async fn directory_in_org(&self, org_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let row = sqlx::query("SELECT id FROM directories WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org_id)
            .fetch_optional(&self.read)
            .await?;
        Ok(row.is_some())
    }

    /// Creates a directory and issues its first key in one transaction, so a directory never
    /// exists without a key. Returns the new id and the key (shown once). Tools and tests
    /// that create directories outside the admin API are recorded as the system.
    pub async fn create_directory(
        &self,
        org_id: &str,
        name: &str,
        key_lifetime_millis: i64,
    ) -> Result<(String, IssuedKey), sqlx::Error> {
        self.create_directory_as(org_id, name, key_lifetime_millis, &Actor::system())
            .await
    }

    /// [`Store::create_directory`] by `actor`, audited in the same transaction.
    pub async fn create_directory_as(
        &self,
        org_id: &str,
        name: &str,
        key_lifetime_millis: i64,
        actor: &Actor,
    ) -> Result<(String, IssuedKey), sqlx::Error> {
        let id = new_id();
        let now = now_millis();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO directories (id, org_id, name, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&id)
        .bind(org_id)
        .bind(name)
        .bind(now)
        .execute_in(&mut tx)
        .await?;
        let key = api_keys::issue(&mut tx, &id, key_lifetime_millis, 0).await?;
        let change = Change::new("directory.created", "directory", &id, name)
            .after(json!({"name": name, "keyPrefix": key.key.prefix}));
        audit::record(&mut tx, org_id, actor, change).await?;
        let state = json!({"directory": {"id": id, "name": name}});
        let event = NewEvent::new("directory.created", org_id, state).directory(&id);
        events::record(&mut tx, actor, event).await?;
        tx.commit().await?;
        Ok((id, key))
    }

    /// Renames a directory. `false` when it is not the organization's.
    pub async fn rename_directory(
        &self,
        org_id: &str,
        id: &str,
        name: &str,
        actor: &Actor,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin().await?;
        let before: Option<String> =
            sqlx::query("SELECT name FROM directories WHERE id = $1 AND org_id = $2")
                .bind(id)
                .bind(org_id)
                .scalar_optional_in(&mut tx)
                .await?;
        let Some(before) = before else {
            return Ok(false);
        };
        let updated = sqlx::query(
            "UPDATE directories SET name = $1, updated_at = $2 WHERE id = $3 AND org_id = $4",
        )
        .bind(name)
        .bind(now_millis())
        .bind(id)
        .bind(org_id)
        .execute_in(&mut tx)
        .await?
        .rows_affected();
        let change = Change::new("directory.renamed", "directory", id, name)
            .before(json!({"name": before}))
            .after(json!({"name": name}));
        audit::record(&mut tx, org_id, actor, change).await?;
        let state = json!({"directory": {"id": id, "name": name}});
        let event = NewEvent::new("directory.updated", org_id, state).directory(id);
        events::record(&mut tx, actor, event).await?;
        tx.commit().await?;
        Ok(updated > 0)
    }

    /// Issues a new key, retiring the current ones now or after `overlap_millis`. `None` when
    /// the directory is not the organization's.
    pub async fn regenerate_api_key(
        &self,
        org_id: &str,
        id: &str,
        key_lifetime_millis: i64,
        overlap_millis: i64,
        actor: &Actor,
    ) -> Result<Option<IssuedKey>, sqlx::Error> {
        let mut tx = self.begin().await?;
        // Touching the directory row checks ownership and, on PostgreSQL, locks the row, so
        // two concurrent regenerations queue instead of both leaving a current key.
        let touched =
            sqlx::query("UPDATE directories SET updated_at = $1 WHERE id = $2 AND org_id = $3")
                .bind(now_millis())
                .bind(id)
                .bind(org_id)
                .execute_in(&mut tx)
                .await?
                .rows_affected();
        if touched == 0 {
            return Ok(None);
        }
        let key = api_keys::issue(&mut tx, id, key_lifetime_millis, overlap_millis).await?;
        let name: String = sqlx::query("SELECT name FROM directories WHERE id = $1")
            .bind(id)
            .scalar_one_in(&mut tx)
            .await?;
        let change = Change::new("directory.api_key_regenerated", "directory", id, &name)
            .after(json!({"keyPrefix": key.key.prefix, "overlapSeconds": overlap_millis / 1000}));
        audit::record(&mut tx, org_id, actor, change).await?;
        // Never the key: what a product needs to know is that the old one is going.
        let state = json!({"directory": {"id": id, "name": name}, "keyPrefix": key.key.prefix,
                           "expiresAt": rfc3339(key.expires_at),
                           "previousKeyValidUntil": rfc3339_opt(key.previous_valid_until)});
        let event = NewEvent::new("api_key.rotated", org_id, state).directory(id);
        events::record(&mut tx, actor, event).await?;
        tx.commit().await?;
        self.key_cache.invalidate(id);
        Ok(Some(key))
    }

    /// What deleting the directory would remove, from its counters (so asking is cheap even
    /// for a million users).
    pub async fn directory_deletion_impact(
        &self,
        org_id: &str,
        id: &str,
    ) -> Result<Option<DirectoryDeletionImpact>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT active_users, deactivated_users, group_count, \
             (SELECT COUNT(*) FROM access_grants ag JOIN groups g ON g.id = ag.group_id \
              WHERE g.directory_id = directories.id) AS access_grants \
             FROM directories WHERE id = $1 AND org_id = $2",
        )
        .bind(id)
        .bind(org_id)
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| {
            let active: i64 = r.try_get("active_users")?;
            let deactivated: i64 = r.try_get("deactivated_users")?;
            Ok(DirectoryDeletionImpact {
                users: count(active) + count(deactivated),
                groups: count(r.try_get("group_count")?),
                access_grants: count(r.try_get("access_grants")?),
            })
        })
        .transpose()
    }

    /// Deletes a directory with its keys, users, groups, memberships and sync log (foreign
    /// key cascades) and the access grants made through its groups, in one transaction.
    /// `false` when it is not the organization's. `actor` is recorded in the audit log.
    pub async fn delete_directory(
        &self,
        org_id: &str,
        id: &str,
        actor: &Actor,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin().await?;
        let owned = sqlx::query("SELECT id FROM directories WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org_id)
            .fetch_optional_in(&mut tx)
            .await?;
        if owned.is_none() {
            return Ok(false);
        }
        // Removes the grants made through the directory's groups
        // and writes the one audit entry of this deletion, naming the access that went.
        record_directory_deletion(&mut tx, org_id, id, actor).await?;
        let name: String = sqlx::query("SELECT name FROM directories WHERE id = $1")
            .bind(id)
            .scalar_one_in(&mut tx)
            .await?;
        events::directory_deleted(&mut tx, actor, org_id, id, &name).await?;
        sqlx::query("DELETE FROM directories WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org_id)
            .execute_in(&mut tx)
            .await?;
        tx.commit().await?;
        self.key_cache.invalidate(id);
        Ok(true)
    }
}
