//! Organization admins (the people who sign in to the console).
use sqlx::{any::AnyRow, Row};

use crate::store::Store;

/// An admin as stored, including the password hash (never sent to clients).
#[derive(Clone)]
pub struct AdminRecord {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub password_hash: String,
}

impl std::fmt::Debug for AdminRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

fn admin_from_row(row: &AnyRow) -> Result<AdminRecord, sqlx::Error> {
    Ok(AdminRecord {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
    })
}

impl Store {
    /// Finds an admin by email, case-insensitively.
    pub async fn admin_by_email(&self, email: &str) -> Result<Option<AdminRecord>, sqlx::Error> {
        sqlx::query("SELECT id, org_id, email, password_hash FROM admins WHERE email_lower = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(admin_from_row)
            .transpose()
    }
}
