//! The organization's email domains and their verification state. The DNS lookup itself
//! lives in `http::domains`; the store records its outcome.
use roster_api_types::domain::{Domain, CHALLENGE_PREFIX};
use serde_json::json;
use sqlx::{any::AnyRow, Row};

use crate::store::{
    audit::{record, Actor, Change},
    db::timestamps::{rfc3339, rfc3339_opt},
    db::tx::InTx,
    error::is_unique_violation,
    error::{Missing, ModelError, Taken},
    new_id, now_millis, Store,
};

fn domain_from_row(row: &AnyRow) -> Result<Domain, sqlx::Error> {
    let name: String = row.try_get("name")?;
    let verified_at: Option<i64> = row.try_get("verified_at")?;
    Ok(Domain {
        id: row.try_get("id")?,
        txt_record_name: format!("{CHALLENGE_PREFIX}.{name}"),
        name,
        verified: verified_at.is_some(),
        verified_at: rfc3339_opt(verified_at),
        last_checked_at: rfc3339_opt(row.try_get("last_checked_at")?),
        txt_record_value: row.try_get("txt_value")?,
        created_at: rfc3339(row.try_get("created_at")?),
    })
}

const COLUMNS: &str = "id, name, txt_value, created_at, verified_at, last_checked_at";

impl Store {
    /// The organization's domains by name.
    pub async fn list_domains(&self, org_id: &str) -> Result<Vec<Domain>, sqlx::Error> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM domains WHERE org_id = $1 ORDER BY name"
        ))
        .bind(org_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(domain_from_row)
        .collect()
    }

    /// One of the organization's domains.
    pub async fn domain(&self, org_id: &str, id: &str) -> Result<Option<Domain>, sqlx::Error> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM domains WHERE org_id = $1 AND id = $2"
        ))
        .bind(org_id)
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .as_ref()
        .map(domain_from_row)
        .transpose()
    }

    /// Adds a domain (name already normalised) with its TXT value; returns its id.
    pub async fn add_domain(
        &self,
        org_id: &str,
        actor: &Actor,
        name: &str,
        txt_value: &str,
    ) -> Result<String, ModelError> {
        let id = new_id();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO domains (id, org_id, name, txt_value, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(org_id)
        .bind(name)
        .bind(txt_value)
        .bind(now_millis())
        .execute_in(&mut tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                ModelError::Taken(Taken::Domain(name.to_owned()))
            } else {
                e.into()
            }
        })?;
        let change = Change::new("domain.added", "domain", &id, name).after(json!({"name": name}));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a verification attempt; a success marks the domain verified (once) and is
    /// audited. Returns whether the domain exists.
    pub async fn record_domain_check(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
        verified: bool,
    ) -> Result<bool, sqlx::Error> {
        let now = now_millis();
        let mut tx = self.begin().await?;
        let row =
            sqlx::query("SELECT name, verified_at FROM domains WHERE org_id = $1 AND id = $2")
                .bind(org_id)
                .bind(id)
                .fetch_optional_in(&mut tx)
                .await?;
        let Some(row) = row else { return Ok(false) };
        let name: String = row.try_get("name")?;
        let was_verified = row.try_get::<Option<i64>, _>("verified_at")?.is_some();
        sqlx::query(
            "UPDATE domains SET last_checked_at = $1, \
             verified_at = CASE WHEN $2 = 1 THEN COALESCE(verified_at, $1) ELSE verified_at END \
             WHERE id = $3",
        )
        .bind(now)
        .bind(i64::from(verified))
        .bind(id)
        .execute_in(&mut tx)
        .await?;
        if verified && !was_verified {
            let change = Change::new("domain.verified", "domain", id, &name)
                .before(json!({"verified": false}))
                .after(json!({"verified": true}));
            record(&mut tx, org_id, actor, change).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes a domain; its users become external.
    pub async fn delete_domain(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
    ) -> Result<(), ModelError> {
        let mut tx = self.begin().await?;
        let row =
            sqlx::query("SELECT name, verified_at FROM domains WHERE org_id = $1 AND id = $2")
                .bind(org_id)
                .bind(id)
                .fetch_optional_in(&mut tx)
                .await?
                .ok_or(ModelError::NotFound(Missing::Domain))?;
        let name: String = row.try_get("name")?;
        let verified = row.try_get::<Option<i64>, _>("verified_at")?.is_some();
        sqlx::query("DELETE FROM domains WHERE id = $1")
            .bind(id)
            .execute_in(&mut tx)
            .await?;
        let change = Change::new("domain.deleted", "domain", id, &name)
            .before(json!({"name": name, "verified": verified}));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }
}
