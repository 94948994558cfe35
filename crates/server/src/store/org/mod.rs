//! The organization: one per deployment today, created on first start.
pub mod admins;
pub mod domains;
pub mod service_tokens;
pub mod sessions;
pub mod throttle;

use sqlx::Row;

use crate::store::{db::tx::InTx, new_id, now_millis, Store};
use roster_api_types::Organization;

impl Store {
    /// The organization, if the server has been set up.
    pub async fn organization(&self) -> Result<Option<Organization>, sqlx::Error> {
        let row = sqlx::query("SELECT id, name FROM organizations ORDER BY created_at LIMIT 1")
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| {
            Ok(Organization {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .transpose()
    }

    /// Creates the organization and its first admin in one transaction, unless an
    /// organization exists already (another replica may have won the race). Returns whether
    /// this call created them.
    pub async fn bootstrap(
        &self,
        org_name: &str,
        admin_email: &str,
        password_hash: &str,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin().await?;
        let existing: i64 = sqlx::query("SELECT COUNT(*) FROM organizations")
            .scalar_one_in(&mut tx)
            .await?;
        if existing > 0 {
            return Ok(false);
        }
        let now = now_millis();
        let org_id = new_id();
        sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&org_id)
            .bind(org_name)
            .bind(now)
            .execute_in(&mut tx)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO admins (id, org_id, email, email_lower, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(&org_id)
        .bind(admin_email)
        .bind(admin_email.to_lowercase())
        .bind(password_hash)
        .bind(now)
        .execute_in(&mut tx)
        .await;
        match inserted {
            Ok(_) => {
                tx.commit().await?;
                Ok(true)
            }
            // A concurrent replica created the same admin first: theirs stands.
            Err(e) if crate::store::error::is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

impl Store {
    /// Whether a directory with this id exists.
    pub async fn directory_exists(&self, directory_id: &str) -> Result<bool, sqlx::Error> {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM directories WHERE id = $1")
            .bind(directory_id)
            .fetch_optional(&self.read)
            .await?;
        Ok(found.is_some())
    }
}
