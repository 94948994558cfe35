//! Service tokens: machine credentials for the admin API. Rows are found by the SHA-256 of
//! the secret, never by the secret; a token opens nothing once expired or revoked.
use roster_api_types::token::{Scope, ServiceToken};
use serde_json::json;
use sqlx::{any::AnyRow, Row};

use crate::{
    auth::api_key::{self, NewKey},
    store::{
        audit::{record, Actor, Change},
        db::timestamps::{rfc3339, rfc3339_opt},
        db::tx::InTx,
        error::{Missing, ModelError},
        new_id, now_millis, Store,
    },
};

/// A token that may be used now, as the admin API's extractor sees it.
#[derive(Clone)]
pub struct TokenRecord {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub last_used_at: Option<i64>,
}

impl std::fmt::Debug for TokenRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRecord")
            .field("id", &self.id)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl TokenRecord {
    /// The token as the actor of what it changes.
    pub fn actor(&self) -> Actor {
        Actor::token(&self.id, &self.name)
    }
}

fn scopes_from(text: &str) -> Vec<Scope> {
    text.split_whitespace().filter_map(Scope::parse).collect()
}

fn scopes_text(scopes: &[Scope]) -> String {
    let mut sorted = scopes.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

const COLUMNS: &str = "id, name, token_prefix, scopes, created_at, created_by, expires_at, \
     last_used_at, revoked_at";

fn token_from_row(row: &AnyRow) -> Result<ServiceToken, sqlx::Error> {
    Ok(ServiceToken {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("token_prefix")?,
        scopes: scopes_from(&row.try_get::<String, _>("scopes")?),
        created_at: rfc3339(row.try_get("created_at")?),
        created_by: row.try_get("created_by")?,
        expires_at: rfc3339(row.try_get("expires_at")?),
        last_used_at: rfc3339_opt(row.try_get("last_used_at")?),
        revoked_at: rfc3339_opt(row.try_get("revoked_at")?),
    })
}

impl Store {
    /// Issues a token; the secret is in the answer only.
    pub async fn create_service_token(
        &self,
        org_id: &str,
        actor: &Actor,
        name: &str,
        scopes: &[Scope],
        lifetime_millis: i64,
    ) -> Result<(ServiceToken, NewKey), sqlx::Error> {
        let key = api_key::generate_with(api_key::TOKEN_PREFIX);
        let id = new_id();
        let now = now_millis();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO service_tokens (id, org_id, name, token_hash, token_prefix, scopes, \
             created_at, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(org_id)
        .bind(name)
        .bind(&key.hash)
        .bind(&key.prefix)
        .bind(scopes_text(scopes))
        .bind(now)
        .bind(&actor.label)
        .bind(now.saturating_add(lifetime_millis))
        .execute_in(&mut tx)
        .await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM service_tokens WHERE id = $1"
        ))
        .bind(&id)
        .fetch_one_in(&mut tx)
        .await?;
        let token = token_from_row(&row)?;
        let change = Change::new("service_token.created", "service_token", &id, name).after(
            json!({"prefix": token.prefix, "scopes": token.scopes, "expiresAt": token.expires_at}),
        );
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok((token, key))
    }

    /// The organization's tokens, newest first, revoked and expired ones included.
    pub async fn list_service_tokens(
        &self,
        org_id: &str,
    ) -> Result<Vec<ServiceToken>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM service_tokens WHERE org_id = $1 \
             ORDER BY created_at DESC, id DESC"
        ))
        .bind(org_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes a token at once. Revoking one already revoked changes nothing.
    pub async fn revoke_service_token(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
    ) -> Result<(), ModelError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "SELECT name, token_prefix, revoked_at FROM service_tokens \
             WHERE id = $1 AND org_id = $2",
        )
        .bind(id)
        .bind(org_id)
        .fetch_optional_in(&mut tx)
        .await?
        .ok_or(ModelError::NotFound(Missing::ServiceToken))?;
        if row.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
            return Ok(());
        }
        let name: String = row.try_get("name")?;
        let prefix: String = row.try_get("token_prefix")?;
        sqlx::query("UPDATE service_tokens SET revoked_at = $1 WHERE id = $2")
            .bind(now_millis())
            .bind(id)
            .execute_in(&mut tx)
            .await?;
        let change = Change::new("service_token.revoked", "service_token", id, &name)
            .before(json!({"prefix": prefix}));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live (unexpired, unrevoked) token with this secret hash.
    pub async fn service_token(&self, hash: &str) -> Result<Option<TokenRecord>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT id, org_id, name, scopes, last_used_at FROM service_tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(hash)
        .bind(now_millis())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| {
            Ok(TokenRecord {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                name: r.try_get("name")?,
                scopes: scopes_from(&r.try_get::<String, _>("scopes")?),
                last_used_at: r.try_get("last_used_at")?,
            })
        })
        .transpose()
    }

    /// Records that a token was used now.
    pub async fn touch_service_token(&self, id: &str) -> Result<(), sqlx::Error> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE service_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now_millis())
            .bind(id)
            .execute_in(&mut tx)
            .await?;
        tx.commit().await
    }
}
