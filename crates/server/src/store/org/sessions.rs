//! Admin sessions, stored so that every replica sees every session. Rows are keyed by the
//! SHA-256 of the cookie token, never by the token itself.
use sqlx::Row;

use crate::store::{db::tx::InTx, now_millis, Store};

/// A live session joined with its admin and organization.
#[derive(Clone)]
pub struct SessionRecord {
    pub token_hash: String,
    pub admin_id: String,
    pub admin_email: String,
    pub org_id: String,
    pub org_name: String,
    pub csrf_token: String,
    pub last_seen_at: i64,
}

impl std::fmt::Debug for SessionRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRecord")
            .field("admin_id", &self.admin_id)
            .finish_non_exhaustive()
    }
}

impl Store {
    pub async fn create_session(
        &self,
        token_hash: &str,
        admin_id: &str,
        csrf_token: &str,
        idle_millis: i64,
    ) -> Result<(), sqlx::Error> {
        let now = now_millis();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO admin_sessions \
             (token_hash, admin_id, csrf_token, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(token_hash)
        .bind(admin_id)
        .bind(csrf_token)
        .bind(now)
        .bind(now + idle_millis)
        .execute_in(&mut tx)
        .await?;
        // Sessions expire by time; sweeping them on sign-in keeps the table small without a
        // background job.
        sqlx::query("DELETE FROM admin_sessions WHERE expires_at < $1")
            .bind(now)
            .execute_in(&mut tx)
            .await?;
        tx.commit().await
    }

    /// The unexpired session with this token hash.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT s.token_hash, s.admin_id, s.csrf_token, s.last_seen_at, a.email, \
                    o.id AS org_id, o.name AS org_name \
             FROM admin_sessions s \
             JOIN admins a ON a.id = s.admin_id \
             JOIN organizations o ON o.id = a.org_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_millis())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                token_hash: r.try_get("token_hash")?,
                admin_id: r.try_get("admin_id")?,
                admin_email: r.try_get("email")?,
                org_id: r.try_get("org_id")?,
                org_name: r.try_get("org_name")?,
                csrf_token: r.try_get("csrf_token")?,
                last_seen_at: r.try_get("last_seen_at")?,
            })
        })
        .transpose()
    }

    /// Slides the session's expiry forward.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        idle_millis: i64,
    ) -> Result<(), sqlx::Error> {
        let now = now_millis();
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE admin_sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3",
        )
        .bind(now)
        .bind(now + idle_millis)
        .bind(token_hash)
        .execute_in(&mut tx)
        .await?;
        tx.commit().await
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM admin_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute_in(&mut tx)
            .await?;
        tx.commit().await
    }
}
