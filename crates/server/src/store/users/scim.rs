//! SCIM users of a directory: the normalised document plus indexed columns, the emails table,
//! and the directory's user counters, all changed in one transaction per write.
use roster_scim::{Email, UserFields};
use serde_json::Value;
use sqlx::{
    any::{AnyArguments, AnyRow},
    query::Query,
    Any, Row,
};

use crate::store::{
    access::changes::record_user_access_change,
    db::tx::{write_once, InTx, Tx},
    error::is_unique_violation,
    error::WriteError,
    events::{
        self,
        access::{self as access_events, Gain, Loss},
        NewEvent,
    },
    new_id, now_millis,
    scim_query::list::Listed,
    scim_query::{parse_doc, ListQuery, StoredResource},
    users::org::email_domain,
    Store,
};

const COLUMNS: &str = "u.id, u.doc, u.version, u.created_at, u.updated_at";
/// `active` as 0/1: the Any driver cannot decode SQLite's BOOLEAN columns, only integers.
pub(in crate::store) const ACTIVE: &str =
    "CAST(CASE WHEN u.active THEN 1 ELSE 0 END AS BIGINT) AS active";

fn from_row(row: &AnyRow) -> Result<StoredResource, sqlx::Error> {
    Ok(StoredResource {
        id: row.try_get("id")?,
        doc: parse_doc(&row.try_get::<String, _>("doc")?)?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        member_count: 0,
    })
}

/// A user row with its document still as stored: the JSON text of the normalised document.
#[derive(Debug, Clone)]
pub struct RawUser {
    pub id: String,
    pub doc: String,
    pub user_name: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl RawUser {
    /// The row with its document parsed, as every other read returns it.
    pub fn parsed(self) -> Result<StoredResource, sqlx::Error> {
        Ok(StoredResource {
            doc: parse_doc(&self.doc)?,
            id: self.id,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            member_count: 0,
        })
    }
}

fn conflict(err: sqlx::Error, user_name: &str) -> WriteError {
    if is_unique_violation(&err) {
        WriteError::Conflict(format!("a user with userName '{user_name}' already exists"))
    } else {
        WriteError::Db(err)
    }
}

/// Rewrites the user's email rows (a user has a handful).
async fn write_emails(
    tx: &mut Tx<'_>,
    directory_id: &str,
    user_id: &str,
    fields: &UserFields,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_emails WHERE user_id = $1")
        .bind(user_id)
        .execute_in(tx)
        .await?;
    insert_emails(tx, directory_id, user_id, fields).await
}

/// Inserts the user's email rows in one statement (per 100 emails).
async fn insert_emails(
    tx: &mut Tx<'_>,
    directory_id: &str,
    user_id: &str,
    fields: &UserFields,
) -> Result<(), sqlx::Error> {
    for (chunk_no, chunk) in fields.emails.chunks(EMAILS_PER_INSERT).enumerate() {
        let sql = emails_insert_sql(1, 2, 3, chunk.len());
        let query = sqlx::query(&sql).bind(user_id).bind(directory_id);
        bind_emails(query, chunk_no * EMAILS_PER_INSERT, chunk)
            .execute_in(tx)
            .await?;
    }
    Ok(())
}

/// Email rows per `INSERT`.
const EMAILS_PER_INSERT: usize = 100;

/// `INSERT` of `n` email rows: the user id and directory are parameters `$user` and `$dir`,
/// each row's five values follow from `$first` (see [`bind_emails`]).
fn emails_insert_sql(user: usize, dir: usize, first: usize, n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|r| {
            let b = first + r * 5;
            format!(
                "(${user}, ${dir}, ${}, ${}, ${}, ${}, ${})",
                b,
                b + 1,
                b + 2,
                b + 3,
                b + 4
            )
        })
        .collect();
    format!(
        "INSERT INTO user_emails (user_id, directory_id, position, value, value_lower, kind, \
         is_primary) VALUES {}",
        rows.join(", ")
    )
}

/// Binds the five values of each email row of [`emails_insert_sql`], numbered from `position`.
fn bind_emails<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    position: usize,
    emails: &'q [Email],
) -> Query<'q, Any, AnyArguments<'q>> {
    for (i, email) in emails.iter().enumerate() {
        query = query
            .bind((position + i) as i64)
            .bind(&email.value)
            .bind(email.value.to_lowercase())
            .bind(email.kind.as_ref().map(|k| k.to_lowercase()))
            .bind(email.primary);
    }
    query
}

/// Moves one user between the active and deactivated counters (or adds/removes one). The
/// deltas are -1, 0 or 1 and so written into the SQL.
async fn count_user(
    tx: &mut Tx<'_>,
    directory_id: &str,
    active_delta: i64,
    deactivated_delta: i64,
) -> Result<(), sqlx::Error> {
    if active_delta != 0 || deactivated_delta != 0 {
        let sql = format!(
            "UPDATE directories SET active_users = active_users + ({active_delta}), \
             deactivated_users = deactivated_users + ({deactivated_delta}) WHERE id = $1"
        );
        sqlx::query(&sql).bind(directory_id).execute_in(tx).await?;
    }
    Ok(())
}

/// Binds the ten user columns create and update both write, in this order: userName, its
/// lowercase form, externalId, displayName, given and family name, the primary email and its
/// lowercase form, active, and the document.
fn bind_user_columns<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    fields: &'q UserFields,
    email: &'q Option<String>,
    doc: &Value,
) -> Query<'q, Any, AnyArguments<'q>> {
    query
        .bind(&fields.user_name)
        .bind(fields.user_name.to_lowercase())
        .bind(&fields.external_id)
        .bind(&fields.display_name)
        .bind(&fields.given_name)
        .bind(&fields.family_name)
        .bind(email)
        .bind(email.as_ref().map(|e| e.to_lowercase()))
        .bind(fields.active)
        .bind(doc.to_string())
}

fn primary_email(fields: &UserFields) -> Option<String> {
    fields.primary_email().map(|e| e.value.clone())
}

/// The row an update starts from, and whether the user was active; `if_match` must name its
/// version.
fn current_user(
    row: Option<&AnyRow>,
    if_match: Option<i64>,
) -> Result<(StoredResource, bool), WriteError> {
    let row = row.ok_or(WriteError::NotFound)?;
    let current = from_row(row)?;
    let was_active = row.try_get::<i64, _>("active")? != 0;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(WriteError::PreconditionFailed);
    }
    Ok((current, was_active))
}

/// What an update of a user writes: the row's statement, the counters' move and the access
/// change it records.
struct UserChange {
    /// +1 reactivated, -1 deactivated, 0 neither (the deactivated counter moves opposite).
    active_delta: i64,
    access_change: Option<&'static str>,
    now: i64,
    email: Option<String>,
}

/// The version predicate makes a concurrent writer (PostgreSQL) lose cleanly instead of
/// overwriting.
const UPDATE_USER: &str = "UPDATE users SET user_name = $1, user_name_lower = $2, \
     external_id = $3, display_name = $4, given_name = $5, family_name = $6, \
     primary_email = $7, primary_email_lower = $8, active = $9, doc = $10, \
     version = version + 1, updated_at = $11, primary_email_domain = $14 \
     WHERE id = $12 AND version = $13";

impl UserChange {
    fn new(was_active: bool, fields: &UserFields) -> UserChange {
        let (active_delta, access_change) = match (was_active, fields.active) {
            (true, false) => (-1, Some("user.deactivated")),
            (false, true) => (1, Some("user.reactivated")),
            _ => (0, None),
        };
        UserChange {
            active_delta,
            access_change,
            now: now_millis(),
            email: primary_email(fields),
        }
    }

    /// The update of the user at `version`, bound.
    fn query<'q>(
        &'q self,
        fields: &'q UserFields,
        doc: &Value,
        id: &'q str,
        version: i64,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        bind_user_columns(sqlx::query(UPDATE_USER), fields, &self.email, doc)
            .bind(self.now)
            .bind(id)
            .bind(version)
            // The email's domain decides whether the user is managed or external.
            .bind(self.email.as_deref().and_then(email_domain))
    }

    fn updated(&self, id: &str, doc: Value, current: &StoredResource) -> StoredResource {
        StoredResource {
            id: id.to_owned(),
            doc,
            version: current.version + 1,
            created_at: current.created_at,
            updated_at: self.now,
            member_count: 0,
        }
    }
}

impl Store {
    /// Creates a user from a normalised document.
    pub async fn create_user(
        &self,
        directory_id: &str,
        doc: &Value,
        fields: &UserFields,
    ) -> Result<StoredResource, WriteError> {
        let id = new_id();
        let now = now_millis();
        let email = primary_email(fields);
        let (a, d) = if fields.active { (1, 0) } else { (0, 1) };
        write_once!(self, |tx| -> Result<_, WriteError> {
            tx.bounded(fields.emails.len())?;
            let insert = sqlx::query(
                "INSERT INTO users (id, directory_id, user_name, user_name_lower, external_id, \
                 display_name, given_name, family_name, primary_email, primary_email_lower, \
                 active, doc, version, created_at, updated_at, primary_email_domain) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13, $14)",
            )
            .bind(&id)
            .bind(directory_id);
            bind_user_columns(insert, fields, &email, doc)
                .bind(now)
                // The email's domain decides whether the user is managed or external.
                .bind(email.as_deref().and_then(email_domain))
                .execute_in(tx)
                .await
                .map_err(|e| conflict(e, &fields.user_name))?;
            insert_emails(tx, directory_id, &id, fields).await?;
            count_user(tx, directory_id, a, d).await?;
            let state = events::user_state(&id, directory_id, fields);
            let event = NewEvent::new("user.created", "", state)
                .directory(directory_id)
                .user(&id, &fields.user_name, email.as_deref());
            events::record_scim(tx, directory_id, event).await?;
            Ok(())
        })?;
        Ok(StoredResource::created(id, doc, now, 0))
    }

    pub async fn get_user(
        &self,
        directory_id: &str,
        id: &str,
    ) -> Result<Option<StoredResource>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS} FROM users u WHERE u.directory_id = $1 AND u.id = $2");
        self.fetch_seek(sqlx::query(&sql).bind(directory_id).bind(id))
            .await?
            .first()
            .map(from_row)
            .transpose()
    }

    /// A user and their groups (id, displayName, ordered by id) in one query: what
    /// `GET /Users/{id}` shows by default. The document stays text: the default answer is
    /// written around it without parsing it ([`RawUser`]).
    pub async fn get_user_with_groups(
        &self,
        directory_id: &str,
        id: &str,
    ) -> Result<Option<(RawUser, Vec<(String, String)>)>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS}, u.user_name, g.id AS group_id, g.display_name AS group_name \
             FROM users u \
             LEFT JOIN group_members gm ON gm.user_id = u.id \
             LEFT JOIN groups g ON g.id = gm.group_id \
             WHERE u.directory_id = $1 AND u.id = $2"
        );
        let rows = self
            .fetch_seek(sqlx::query(&sql).bind(directory_id).bind(id))
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let user = RawUser {
            id: first.try_get("id")?,
            doc: first.try_get("doc")?,
            user_name: first.try_get("user_name")?,
            version: first.try_get("version")?,
            created_at: first.try_get("created_at")?,
            updated_at: first.try_get("updated_at")?,
        };
        let mut groups = Vec::with_capacity(rows.len());
        for row in &rows {
            let group_id: Option<String> = row.try_get("group_id")?;
            let name: Option<String> = row.try_get("group_name")?;
            if let (Some(group_id), Some(name)) = (group_id, name) {
                groups.push((group_id, name));
            }
        }
        // Sorted here: an `ORDER BY` costs SQLite a temporary b-tree, a third of the query.
        groups.sort_unstable();
        Ok(Some((user, groups)))
    }

    /// Replaces a user's document (PUT, and PATCH after the core applied it). `update`
    /// receives the current row inside the write transaction and returns the new document and
    /// its fields, or an error that aborts the write. `if_match` is an expected version.
    /// `update` may be called twice (see [`write_once!`]).
    pub async fn update_user<E: Send>(
        &self,
        directory_id: &str,
        id: &str,
        if_match: Option<i64>,
        mut update: impl FnMut(&StoredResource) -> Result<(Value, UserFields), E> + Send,
    ) -> Result<Result<StoredResource, E>, WriteError> {
        let current_sql = format!(
            "SELECT {COLUMNS}, {ACTIVE} FROM users u WHERE u.directory_id = $1 AND u.id = $2"
        );
        write_once!(self, |tx| -> Result<_, WriteError> {
            if !tx.lock_row("users", directory_id, id).await? {
                return Err(WriteError::NotFound);
            }
            let row = sqlx::query(&current_sql)
                .bind(directory_id)
                .bind(id)
                .fetch_optional_in(tx)
                .await?;
            let (current, was_active) = current_user(row.as_ref(), if_match)?;
            let (doc, fields) = match update(&current) {
                Ok(v) => v,
                Err(e) => return Ok(Err(e)),
            };
            tx.bounded(fields.emails.len())?;
            let change = UserChange::new(was_active, &fields);
            let updated = change
                .query(&fields, &doc, id, current.version)
                .execute_in(tx)
                .await
                .map_err(|e| conflict(e, &fields.user_name))?;
            if updated.rows_affected() == 0 {
                return Err(WriteError::PreconditionFailed);
            }
            write_emails(tx, directory_id, id, &fields).await?;
            count_user(tx, directory_id, change.active_delta, -change.active_delta).await?;
            if let Some(action) = change.access_change {
                record_user_access_change(tx, directory_id, id, action).await?;
            }
            let kind = events::user_change_kind(was_active, fields.active);
            let state = events::user_state(id, directory_id, &fields);
            let event = NewEvent::new(kind, "", state).directory(directory_id).user(
                id,
                &fields.user_name,
                change.email.as_deref(),
            );
            events::record_scim(tx, directory_id, event).await?;
            if kind != "user.updated" {
                let (_, actor) = events::scim_context(tx, directory_id).await?;
                if kind == "user.deactivated" {
                    access_events::revoked(tx, &actor, Loss::User(id)).await?;
                } else {
                    access_events::granted(tx, &actor, Gain::User(id)).await?;
                }
            }
            Ok(Ok(change.updated(id, doc, &current)))
        })
    }

    /// Deletes a user and their memberships (group member counts follow). Returns the
    /// deleted user's userName, for the sync log.
    pub async fn delete_user(
        &self,
        directory_id: &str,
        id: &str,
        if_match: Option<i64>,
    ) -> Result<String, WriteError> {
        write_once!(self, |tx| -> Result<_, WriteError> {
            let row = sqlx::query(&format!(
                "SELECT u.version, u.user_name, u.external_id, u.display_name, \
                 u.primary_email, {ACTIVE} FROM users u WHERE u.directory_id = $1 AND u.id = $2"
            ))
            .bind(directory_id)
            .bind(id)
            .fetch_optional_in(tx)
            .await?;
            let Some(row) = row else {
                return Err(WriteError::NotFound);
            };
            let version: i64 = row.try_get("version")?;
            let user_name: String = row.try_get("user_name")?;
            let active = row.try_get::<i64, _>("active")? != 0;
            if if_match.is_some_and(|v| v != version) {
                return Err(WriteError::PreconditionFailed);
            }
            let now = now_millis();
            sqlx::query(
                "UPDATE groups SET member_count = member_count - 1, version = version + 1, \
             updated_at = $1 WHERE id IN (SELECT group_id FROM group_members WHERE user_id = $2)",
            )
            .bind(now)
            .bind(id)
            .execute_in(tx)
            .await?;
            // While the memberships still exist: the access this deletion takes away.
            if active {
                record_user_access_change(tx, directory_id, id, "user.deleted").await?;
            }
            let (org_id, actor) = events::scim_context(tx, directory_id).await?;
            let email: Option<String> = row.try_get("primary_email")?;
            let state = serde_json::json!({"user": {
                "id": id, "directoryId": directory_id, "userName": user_name,
                "externalId": row.try_get::<Option<String>, _>("external_id")?,
                "displayName": row.try_get::<Option<String>, _>("display_name")?,
                "email": email, "active": active,
            }});
            let event = NewEvent::new("user.deleted", &org_id, state)
                .directory(directory_id)
                .user(id, &user_name, email.as_deref());
            events::record(tx, &actor, event).await?;
            if active {
                access_events::revoked(tx, &actor, Loss::User(id)).await?;
            }
            sqlx::query("DELETE FROM users WHERE id = $1")
                .bind(id)
                .execute_in(tx)
                .await?;
            let (a, d) = if active { (-1, 0) } else { (0, -1) };
            count_user(tx, directory_id, a, d).await?;
            Ok(user_name)
        })
    }

    /// Lists users. With a residual filter, rows stream through `keep` (the core's evaluator)
    /// and are counted as they pass; nothing is held beyond the requested page.
    pub async fn list_users(
        &self,
        directory_id: &str,
        q: &ListQuery,
        keep: impl Fn(&StoredResource) -> bool,
    ) -> Result<(u64, Vec<StoredResource>), sqlx::Error> {
        self.list_scim(
            &Listed {
                table: "users u",
                alias: "u",
                columns: COLUMNS,
                total: "SELECT active_users + deactivated_users FROM directories WHERE id = $1",
                from_row,
            },
            directory_id,
            q,
            keep,
        )
        .await
    }

    /// The groups of each user in `user_ids` (for the read-only `groups` attribute), in
    /// group id order. A chunk is one index seek per user: in place on SQLite.
    pub async fn groups_of_users(
        &self,
        user_ids: &[String],
    ) -> Result<Vec<(String, String, String)>, sqlx::Error> {
        let mut out = Vec::new();
        for chunk in user_ids.chunks(200) {
            let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT gm.user_id, g.id, g.display_name FROM group_members gm \
                 JOIN groups g ON g.id = gm.group_id WHERE gm.user_id IN ({})",
                params.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            for row in self.fetch_seek(query).await? {
                out.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?));
            }
        }
        out.sort_unstable_by(|a: &(String, String, String), b| a.1.cmp(&b.1));
        Ok(out)
    }
}
