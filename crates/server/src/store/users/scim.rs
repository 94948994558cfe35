//! SCIM users of a directory: the normalised document plus indexed columns, the emails table,
//! and the directory's user counters, all changed in one transaction per write.
use futures_util::TryStreamExt;
use roster_scim::{Email, UserFields};
use serde_json::Value;
use sqlx::{
    any::{AnyArguments, AnyRow},
    query::Query,
    Any, Row, Transaction,
};

use crate::store::{
    access::grants::record_user_access_change,
    db::sqlite::{fetch_all, InPlace},
    is_unique_violation, new_id, now_millis,
    scim_query::{bind_all, order_clause, parse_doc, ListQuery, StoredResource, WriteError},
    users::org::email_domain,
    Backend, Store,
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
    tx: &mut Transaction<'static, Any>,
    directory_id: &str,
    user_id: &str,
    fields: &UserFields,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_emails WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    insert_emails(tx, directory_id, user_id, fields).await
}

/// Inserts the user's email rows in one statement (per 100 emails).
async fn insert_emails(
    tx: &mut Transaction<'static, Any>,
    directory_id: &str,
    user_id: &str,
    fields: &UserFields,
) -> Result<(), sqlx::Error> {
    for (chunk_no, chunk) in fields.emails.chunks(EMAILS_PER_INSERT).enumerate() {
        let sql = emails_insert_sql(1, 2, 3, chunk.len());
        let query = sqlx::query(&sql).bind(user_id).bind(directory_id);
        bind_emails(query, chunk_no * EMAILS_PER_INSERT, chunk)
            .execute(&mut **tx)
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

/// SQLite runs every statement of a query string on its connection's thread in one
/// hand-off, where each separate statement costs two thread switches (sqlx keeps every
/// SQLite connection on its own thread). The single writer's statements are the sync's
/// bottleneck, so SQLite writes the rows of one user change as one string. PostgreSQL
/// accepts one statement per bound query.
fn one_string(backend: Backend, fields: &UserFields) -> bool {
    backend == Backend::Sqlite && fields.emails.len() <= EMAILS_PER_INSERT
}

/// The update of the directory's user counters (parameter `$dir`) by the deltas, which are
/// -1, 0 or 1 and so written into the SQL; `None` when nothing changes.
fn count_user_sql(dir: usize, active_delta: i64, deactivated_delta: i64) -> Option<String> {
    (active_delta != 0 || deactivated_delta != 0).then(|| {
        format!(
            "UPDATE directories SET active_users = active_users + ({active_delta}), \
             deactivated_users = deactivated_users + ({deactivated_delta}) WHERE id = ${dir}"
        )
    })
}

/// Moves one user between the active and deactivated counters (or adds/removes one).
async fn count_user(
    tx: &mut Transaction<'static, Any>,
    directory_id: &str,
    active_delta: i64,
    deactivated_delta: i64,
) -> Result<(), sqlx::Error> {
    if let Some(sql) = count_user_sql(1, active_delta, deactivated_delta) {
        sqlx::query(&sql)
            .bind(directory_id)
            .execute(&mut **tx)
            .await?;
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

/// Takes the write lock of one row of `table` before the transaction reads it: concurrent
/// writers of the resource then queue here and each sees the one before it, instead of
/// reading the same version and all but one failing (PostgreSQL; SQLite has one writer).
/// A no-op `UPDATE` rather than `SELECT … FOR UPDATE`, which SQLite lacks.
pub(in crate::store) async fn lock_row(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    directory_id: &str,
    id: &str,
) -> Result<(), WriteError> {
    let locked = sqlx::query(&format!(
        "UPDATE {table} SET version = version WHERE directory_id = $1 AND id = $2"
    ))
    .bind(directory_id)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if locked.rows_affected() == 0 {
        return Err(WriteError::NotFound);
    }
    Ok(())
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

/// What an update of a user writes: the statement(s), the counters' move and the access
/// change it records.
struct UserChange {
    /// +1 reactivated, -1 deactivated, 0 neither (the deactivated counter moves opposite).
    active_delta: i64,
    access_change: Option<&'static str>,
    now: i64,
    /// Whether the emails and counters are written in the `UPDATE`'s string (see
    /// [`one_string`]); otherwise the caller writes them.
    single: bool,
    email: Option<String>,
    sql: String,
}

impl UserChange {
    fn new(was_active: bool, fields: &UserFields, single: bool) -> UserChange {
        let (active_delta, access_change) = match (was_active, fields.active) {
            (true, false) => (-1, Some("user.deactivated")),
            (false, true) => (1, Some("user.reactivated")),
            _ => (0, None),
        };
        // The version predicate makes a concurrent writer (PostgreSQL) lose cleanly instead of
        // overwriting. SQLite has one writer, and this transaction read the version: there,
        // the rows of one string are written together and the predicate cannot miss.
        let mut sql = String::from(
            "UPDATE users SET user_name = $1, user_name_lower = $2, external_id = $3, \
             display_name = $4, given_name = $5, family_name = $6, primary_email = $7, \
             primary_email_lower = $8, active = $9, doc = $10, version = version + 1, \
             updated_at = $11, primary_email_domain = $14 WHERE id = $12 AND version = $13",
        );
        if single {
            sql.push_str("; DELETE FROM user_emails WHERE user_id = $12");
            if !fields.emails.is_empty() {
                sql.push_str("; ");
                sql.push_str(&emails_insert_sql(12, 15, 16, fields.emails.len()));
            }
            if let Some(count) = count_user_sql(15, active_delta, -active_delta) {
                sql.push_str("; ");
                sql.push_str(&count);
            }
        }
        UserChange {
            active_delta,
            access_change,
            now: now_millis(),
            single,
            email: primary_email(fields),
            sql,
        }
    }

    /// The update of the user at `version`, bound.
    fn query<'q>(
        &'q self,
        fields: &'q UserFields,
        doc: &Value,
        directory_id: &'q str,
        id: &'q str,
        version: i64,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        let query = bind_user_columns(sqlx::query(&self.sql), fields, &self.email, doc)
            .bind(self.now)
            .bind(id)
            .bind(version)
            // Access model (issue 5): the email's domain decides managed vs external.
            .bind(self.email.as_deref().and_then(email_domain));
        if self.single {
            bind_emails(query.bind(directory_id), 0, &fields.emails)
        } else {
            query
        }
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
        let single = one_string(self.backend, fields);
        let mut sql = String::from(
            "INSERT INTO users (id, directory_id, user_name, user_name_lower, external_id, \
             display_name, given_name, family_name, primary_email, primary_email_lower, active, \
             doc, version, created_at, updated_at, primary_email_domain) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13, $14)",
        );
        if single {
            // A new user has no email rows yet: no DELETE first.
            if !fields.emails.is_empty() {
                sql.push_str("; ");
                sql.push_str(&emails_insert_sql(1, 2, 15, fields.emails.len()));
            }
            if let Some(count) = count_user_sql(2, a, d) {
                sql.push_str("; ");
                sql.push_str(&count);
            }
        }
        let query = sqlx::query(&sql).bind(&id).bind(directory_id);
        let query = bind_user_columns(query, fields, &email, doc)
            .bind(now)
            // Access model (issue 5): the email's domain decides managed vs external.
            .bind(email.as_deref().and_then(email_domain));
        let query = if single {
            bind_emails(query, 0, &fields.emails)
        } else {
            query
        };
        if let (true, Some(inplace)) = (single, self.inplace.as_deref()) {
            inplace
                .write(&self.write, |tx| {
                    tx.execute(query)
                        .map_err(|e| conflict(e, &fields.user_name))
                })
                .await?;
            return Ok(StoredResource::created(id, doc, now, 0));
        }
        let mut tx = self.write.begin().await?;
        query
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict(e, &fields.user_name))?;
        if !single {
            insert_emails(&mut tx, directory_id, &id, fields).await?;
            count_user(&mut tx, directory_id, a, d).await?;
        }
        tx.commit().await?;
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
    /// `update` may be called twice (SQLite: when the in-place attempt hands over to sqlx).
    pub async fn update_user<E>(
        &self,
        directory_id: &str,
        id: &str,
        if_match: Option<i64>,
        mut update: impl FnMut(&StoredResource) -> Result<(Value, UserFields), E>,
    ) -> Result<Result<StoredResource, E>, WriteError> {
        let current_sql = format!(
            "SELECT {COLUMNS}, {ACTIVE} FROM users u WHERE u.directory_id = $1 AND u.id = $2"
        );
        // The whole transaction on this thread; a change of access (which writes the audit
        // log) or a user with very many emails goes the general way below.
        let done = self
            .write_in_place(|tx| -> Result<Option<Result<_, E>>, WriteError> {
                let rows = tx.fetch_all(sqlx::query(&current_sql).bind(directory_id).bind(id))?;
                let (current, was_active) = current_user(rows.first(), if_match)?;
                let (doc, fields) = match update(&current) {
                    Ok(v) => v,
                    Err(e) => return Ok(Some(Err(e))),
                };
                if !one_string(self.backend, &fields) {
                    return Ok(None);
                }
                let change = UserChange::new(was_active, &fields, true);
                if change.access_change.is_some() {
                    return Ok(None);
                }
                let query = change.query(&fields, &doc, directory_id, id, current.version);
                tx.execute(query)
                    .map_err(|e| conflict(e, &fields.user_name))?;
                Ok(Some(Ok(change.updated(id, doc, &current))))
            })
            .await?;
        if let Some(done) = done {
            return Ok(done);
        }
        let mut tx = self.write.begin().await?;
        if self.backend == Backend::Postgres {
            lock_row(&mut tx, "users", directory_id, id).await?;
        }
        let row = sqlx::query(&current_sql)
            .bind(directory_id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let (current, was_active) = current_user(row.as_ref(), if_match)?;
        let (doc, fields) = match update(&current) {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        let change = UserChange::new(was_active, &fields, one_string(self.backend, &fields));
        let query = change.query(&fields, &doc, directory_id, id, current.version);
        let updated = query
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict(e, &fields.user_name))?;
        if !change.single {
            if updated.rows_affected() == 0 {
                return Err(WriteError::PreconditionFailed);
            }
            write_emails(&mut tx, directory_id, id, &fields).await?;
            count_user(
                &mut tx,
                directory_id,
                change.active_delta,
                -change.active_delta,
            )
            .await?;
        }
        if let Some(action) = change.access_change {
            record_user_access_change(&mut tx, directory_id, id, action).await?;
        }
        tx.commit().await?;
        Ok(Ok(change.updated(id, doc, &current)))
    }

    /// Deletes a user and their memberships (group member counts follow). Returns the
    /// deleted user's userName, for the sync log.
    pub async fn delete_user(
        &self,
        directory_id: &str,
        id: &str,
        if_match: Option<i64>,
    ) -> Result<String, WriteError> {
        let mut tx = self.write.begin().await?;
        let row = sqlx::query(&format!(
            "SELECT u.version, u.user_name, {ACTIVE} FROM users u \
             WHERE u.directory_id = $1 AND u.id = $2"
        ))
        .bind(directory_id)
        .bind(id)
        .fetch_optional(&mut *tx)
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
            "UPDATE groups SET member_count = member_count - 1, version = version + 1, updated_at = $1 \
             WHERE id IN (SELECT group_id FROM group_members WHERE user_id = $2)",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // While the memberships still exist: the access this deletion takes away.
        if active {
            record_user_access_change(&mut tx, directory_id, id, "user.deleted").await?;
        }
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let (a, d) = if active { (-1, 0) } else { (0, -1) };
        count_user(&mut tx, directory_id, a, d).await?;
        tx.commit().await?;
        Ok(user_name)
    }

    /// Lists users. With a residual filter, rows stream through `keep` (the core's evaluator)
    /// and are counted as they pass; nothing is held beyond the requested page.
    pub async fn list_users(
        &self,
        directory_id: &str,
        q: &ListQuery,
        keep: impl Fn(&StoredResource) -> bool,
    ) -> Result<(u64, Vec<StoredResource>), sqlx::Error> {
        list(
            &self.read,
            self.inplace.as_deref(),
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

/// The furthest end (`startIndex - 1 + count`) of a page read in place.
const IN_PLACE_PAGE_END: u64 = 10_000;

/// What [`list`] lists: a directory's users or groups.
pub(in crate::store) struct Listed {
    /// The table, aliased `alias`.
    pub table: &'static str,
    pub alias: &'static str,
    pub columns: &'static str,
    /// The directory's (`$1`) rows in all, from its counters: an unfiltered list's total
    /// without visiting every row.
    pub total: &'static str,
    pub from_row: fn(&AnyRow) -> Result<StoredResource, sqlx::Error>,
}

/// Runs a list query in a directory: a count and a page, or, for residual filters, one pass
/// that counts and keeps the page. On SQLite an index seek (an IdP's `userName eq` lookup)
/// runs in place, and so does a short page in id order and an unfiltered list's total;
/// anything else runs on `pool`, streamed.
pub(in crate::store) async fn list(
    pool: &sqlx::AnyPool,
    inplace: Option<&InPlace>,
    listed: &Listed,
    directory_id: &str,
    q: &ListQuery,
    keep: impl Fn(&StoredResource) -> bool,
) -> Result<(u64, Vec<StoredResource>), sqlx::Error> {
    let Listed {
        table,
        alias,
        columns,
        from_row,
        ..
    } = *listed;
    let empty = Vec::new();
    let (cond, binds, residual) = match &q.filter {
        Some(f) => (f.sql.as_str(), &f.binds, f.residual),
        None => ("1 = 1", &empty, false),
    };
    let offset = q.start_index.saturating_sub(1);
    // An index seek runs in place whole. A page in id order and without a filter walks the
    // `(directory_id, id)` index for `offset + count` entries: bounded when that is, so the
    // page may run in place too (an IdP's import walks /Users that way); its total is the
    // directory's counters, one row.
    let seek = q.filter.as_ref().is_some_and(|f| f.seek);
    let walk = q.filter.is_none()
        && q.order_by.is_none()
        && offset.saturating_add(q.count) <= IN_PLACE_PAGE_END;
    let page_inplace = inplace.filter(|_| seek || walk);
    let seek_inplace = inplace.filter(|_| seek);
    let order = order_clause(q, &format!("{alias}.id"));
    let where_ = format!("{alias}.directory_id = $1 AND {cond}");
    if residual {
        let sql = format!("SELECT {columns} FROM {table} WHERE {where_} {order}");
        let (mut total, mut page) = (0u64, Vec::new());
        let mut take = |r: StoredResource| {
            if keep(&r) {
                if total >= offset && (page.len() as u64) < q.count {
                    page.push(r);
                }
                total += 1;
            }
        };
        if let Some(inplace) = seek_inplace {
            let query = bind_all(sqlx::query(&sql).bind(directory_id), binds);
            for row in inplace.fetch_all(query)? {
                take(from_row(&row)?);
            }
        } else {
            let mut rows = bind_all(sqlx::query(&sql).bind(directory_id), binds).fetch(pool);
            while let Some(row) = rows.try_next().await? {
                take(from_row(&row)?);
            }
        }
        return Ok((total, page));
    }
    let count = || async {
        let rows = if q.filter.is_none() {
            let query = sqlx::query(listed.total).bind(directory_id);
            fetch_all(pool, inplace, query).await?
        } else {
            let count_sql = format!("SELECT COUNT(*) FROM {table} WHERE {where_}");
            let query = bind_all(sqlx::query(&count_sql).bind(directory_id), binds);
            fetch_all(pool, seek_inplace, query).await?
        };
        let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
        Ok::<u64, sqlx::Error>(row.try_get::<i64, _>(0)? as u64)
    };
    if q.count == 0 {
        return Ok((count().await?, Vec::new()));
    }
    let n = binds.len() + 2;
    let sql = format!(
        "SELECT {columns} FROM {table} WHERE {where_} {order} LIMIT ${n} OFFSET ${}",
        n + 1
    );
    let query = bind_all(sqlx::query(&sql).bind(directory_id), binds)
        .bind(q.count as i64)
        .bind(offset as i64);
    let rows = fetch_all(pool, page_inplace, query).await?;
    let page = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    // A page that is not full and starts inside the results ends them: the total is known
    // without counting. An IdP's lookup before each create (`userName eq`, 0 or 1 results)
    // is then one statement instead of two.
    let total = if (page.len() as u64) < q.count && (offset == 0 || !page.is_empty()) {
        offset + page.len() as u64
    } else {
        count().await?
    };
    Ok((total, page))
}
