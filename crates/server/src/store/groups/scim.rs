//! SCIM groups of a directory. Memberships are rows in `group_members`: adding or removing
//! members costs O(members changed), and reading a group without its members never touches
//! them.
use std::collections::HashSet;

use roster_scim::{GroupFields, MemberChange};
use serde_json::Value;
use sqlx::{any::AnyRow, Row};

use crate::store::{
    access::changes::{record_and_remove_group_grants, record_membership_change},
    audit::Actor,
    db::sqlite::AnyQuery,
    db::tx::{write_once, InTx, Tx},
    error::is_unique_violation,
    error::WriteError,
    events::{
        self,
        access::{granted, members_added, members_removed, revoked, Gain, Loss},
        NewEvent,
    },
    new_id, now_millis,
    scim_query::list::Listed,
    scim_query::{parse_doc, ListQuery, StoredResource},
    Store,
};

const COLUMNS: &str = "g.id, g.doc, g.version, g.created_at, g.updated_at, g.member_count";
/// Rows per multi-row statement; well under both backends' parameter limits.
const CHUNK: usize = 400;

fn from_row(row: &AnyRow) -> Result<StoredResource, sqlx::Error> {
    Ok(StoredResource {
        id: row.try_get("id")?,
        doc: parse_doc(&row.try_get::<String, _>("doc")?)?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        member_count: row.try_get("member_count")?,
    })
}

/// The row an update starts from; `if_match` must name its version.
fn current_group(
    row: Option<&AnyRow>,
    if_match: Option<i64>,
) -> Result<StoredResource, WriteError> {
    let current = from_row(row.ok_or(WriteError::NotFound)?)?;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(WriteError::PreconditionFailed);
    }
    Ok(current)
}

/// A group's new name and document.
fn rename<'q>(fields: &'q GroupFields, doc: &Value, id: &'q str) -> AnyQuery<'q> {
    sqlx::query(
        "UPDATE groups SET display_name = $1, display_name_lower = $2, external_id = $3, \
         doc = $4 WHERE id = $5",
    )
    .bind(fields.display_name.as_str())
    .bind(fields.display_name.to_lowercase())
    .bind(fields.external_id.as_deref())
    .bind(doc.to_string())
    .bind(id)
}

/// Moves the member count by `net` and the version on; returns both. By the delta, so
/// concurrent patches to one group both count.
fn count_members(net: i64, now: i64, id: &str) -> AnyQuery<'_> {
    sqlx::query(
        "UPDATE groups SET member_count = member_count + $1, version = version + 1, \
         updated_at = $2 WHERE id = $3 RETURNING version, member_count",
    )
    .bind(net)
    .bind(now)
    .bind(id)
}

/// The group as updated, from the row [`count_members`] returned.
fn updated(
    id: &str,
    doc: Value,
    current: &StoredResource,
    now: i64,
    counted: &AnyRow,
) -> Result<StoredResource, sqlx::Error> {
    Ok(StoredResource {
        id: id.to_owned(),
        doc,
        version: counted.try_get("version")?,
        created_at: current.created_at,
        updated_at: now,
        member_count: counted.try_get("member_count")?,
    })
}

fn conflict(err: sqlx::Error, name: &str) -> WriteError {
    if is_unique_violation(&err) {
        WriteError::Conflict(format!("a group with displayName '{name}' already exists"))
    } else {
        WriteError::Db(err)
    }
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The membership statements for a chunk of `n` ids (see [`bind_ids`]).
mod member_sql {
    use super::{placeholders, CHUNK};

    /// Which of a chunk of ids (`$2`…) are users of the directory (`$1`).
    pub fn existing(n: usize) -> String {
        format!(
            "SELECT id FROM users WHERE directory_id = $1 AND id IN ({})",
            placeholders(2, n)
        )
    }

    /// Adds a chunk of ids (`$3`…) to the group (`$1`) at `$2`, ignoring those already in.
    pub fn add(n: usize) -> String {
        let values: Vec<String> = (0..n).map(|i| format!("($1, ${}, $2)", i + 3)).collect();
        format!(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES {} \
             ON CONFLICT (group_id, user_id) DO NOTHING",
            values.join(", ")
        )
    }

    /// Removes a chunk of ids (`$2`…) from the group (`$1`).
    pub fn remove(n: usize) -> String {
        format!(
            "DELETE FROM group_members WHERE group_id = $1 AND user_id IN ({})",
            placeholders(2, n)
        )
    }

    /// The ids once each, in chunks a statement takes.
    pub fn unique(ids: &[String]) -> Vec<Vec<&str>> {
        let unique: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .collect::<std::collections::HashSet<_>>()
            .into_iter()
            .collect();
        unique.chunks(CHUNK).map(<[&str]>::to_vec).collect()
    }
}

/// Binds `ids` in order after the arguments `q` has.
fn bind_ids<'q, S: AsRef<str>>(mut q: AnyQuery<'q>, ids: &'q [S]) -> AnyQuery<'q> {
    for id in ids {
        q = q.bind(id.as_ref());
    }
    q
}

/// The ids of `wanted` that `found` lacks, as the error for them; O(ids).
fn unknown(wanted: &[Vec<&str>], found: &HashSet<String>) -> Result<(), WriteError> {
    let missing: Vec<String> = wanted
        .iter()
        .flatten()
        .filter(|id| !found.contains(**id))
        .map(|id| id.to_string())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(WriteError::UnknownMembers(missing))
    }
}

/// Fails with the ids that are not users of the directory. Costs O(ids).
async fn check_members(
    tx: &mut Tx<'_>,
    directory_id: &str,
    chunks: &[Vec<&str>],
) -> Result<(), WriteError> {
    let mut found = HashSet::new();
    for chunk in chunks {
        let sql = member_sql::existing(chunk.len());
        for row in bind_ids(sqlx::query(&sql).bind(directory_id), chunk)
            .fetch_all_in(tx)
            .await?
        {
            found.insert(row.try_get::<String, _>(0)?);
        }
    }
    unknown(chunks, &found)
}

/// Adds members (all must be users of the directory), ignoring those already in; returns
/// how many were added.
async fn add_members(
    tx: &mut Tx<'_>,
    actor: &Actor,
    directory_id: &str,
    group_id: &str,
    ids: &[String],
) -> Result<i64, WriteError> {
    let chunks = member_sql::unique(ids);
    check_members(tx, directory_id, &chunks).await?;
    let now = now_millis();
    let mut added = 0;
    for chunk in &chunks {
        // Before the rows: the events name only users who were not members.
        members_added(tx, actor, group_id, chunk).await?;
        let gain = Gain::Members {
            group_id,
            users: chunk,
        };
        granted(tx, actor, gain).await?;
        let sql = member_sql::add(chunk.len());
        let q = bind_ids(sqlx::query(&sql).bind(group_id).bind(now), chunk);
        added += q.execute_in(tx).await?.rows_affected() as i64;
    }
    Ok(added)
}

/// Removes members; returns how many were removed.
async fn remove_members(
    tx: &mut Tx<'_>,
    actor: &Actor,
    group_id: &str,
    ids: &[String],
) -> Result<i64, sqlx::Error> {
    let mut removed = 0;
    for chunk in member_sql::unique(ids) {
        members_removed(tx, actor, group_id, Some(&chunk)).await?;
        let loss = Loss::Members {
            group_id,
            users: Some(&chunk),
        };
        revoked(tx, actor, loss).await?;
        let sql = member_sql::remove(chunk.len());
        let q = bind_ids(sqlx::query(&sql).bind(group_id), &chunk);
        removed += q.execute_in(tx).await?.rows_affected() as i64;
    }
    Ok(removed)
}

/// Rows the changes touch: the ids they name, or unknown (`usize::MAX`) for those whose
/// cost is the group's size (a replacement, a removal of all or by filter).
fn work(changes: &[MemberChange]) -> usize {
    changes.iter().fold(0, |sum, change| match change {
        MemberChange::Add(ids) | MemberChange::Remove(ids) => sum.saturating_add(ids.len()),
        _ => usize::MAX,
    })
}

/// Every member id of a group, streamed (only for full replacements and filtered removals,
/// whose cost is proportional to the group anyway).
async fn member_ids(tx: &mut Tx<'_>, group_id: &str) -> Result<HashSet<String>, sqlx::Error> {
    let mut out = HashSet::new();
    let query = sqlx::query("SELECT user_id FROM group_members WHERE group_id = $1").bind(group_id);
    tx.for_each(query, |row| {
        out.insert(row.try_get::<String, _>(0)?);
        Ok(())
    })
    .await?;
    Ok(out)
}

/// Applies membership changes in order; returns how many members were added and removed.
async fn apply_changes(
    tx: &mut Tx<'_>,
    actor: &Actor,
    directory_id: &str,
    group_id: &str,
    changes: &[MemberChange],
    display_of: &(dyn Fn(&str) -> Value + Sync),
) -> Result<(i64, i64), WriteError> {
    let (mut added, mut removed) = (0, 0);
    for change in changes {
        match change {
            MemberChange::Add(ids) => {
                added += add_members(tx, actor, directory_id, group_id, ids).await?
            }
            MemberChange::Remove(ids) => {
                removed += remove_members(tx, actor, group_id, ids).await?
            }
            MemberChange::RemoveAll => {
                members_removed(tx, actor, group_id, None).await?;
                let loss = Loss::Members {
                    group_id,
                    users: None,
                };
                revoked(tx, actor, loss).await?;
                removed += sqlx::query("DELETE FROM group_members WHERE group_id = $1")
                    .bind(group_id)
                    .execute_in(tx)
                    .await?
                    .rows_affected() as i64;
            }
            MemberChange::Replace(ids) => {
                check_members(tx, directory_id, &member_sql::unique(ids)).await?;
                let current = member_ids(tx, group_id).await?;
                let wanted: HashSet<&String> = ids.iter().collect();
                let gone: Vec<String> = current
                    .iter()
                    .filter(|id| !wanted.contains(id))
                    .cloned()
                    .collect();
                let new: Vec<String> = wanted
                    .into_iter()
                    .filter(|id| !current.contains(*id))
                    .cloned()
                    .collect();
                removed += remove_members(tx, actor, group_id, &gone).await?;
                added += add_members(tx, actor, directory_id, group_id, &new).await?;
            }
            MemberChange::RemoveWhere(filter) => {
                let current = member_ids(tx, group_id).await?;
                let gone: Vec<String> = current
                    .into_iter()
                    .filter(|id| filter.matches_element(&display_of(id)))
                    .collect();
                removed += remove_members(tx, actor, group_id, &gone).await?;
            }
        }
    }
    Ok((added, removed))
}

impl Store {
    /// Creates a group with its initial members (all must be users of the directory).
    pub async fn create_group(
        &self,
        org_id: &str,
        directory_id: &str,
        doc: &Value,
        fields: &GroupFields,
        members: &[String],
    ) -> Result<StoredResource, WriteError> {
        let id = new_id();
        let now = now_millis();
        let (name_lower, text) = (fields.display_name.to_lowercase(), doc.to_string());
        let insert = || {
            sqlx::query(
                "INSERT INTO groups (id, org_id, directory_id, display_name, display_name_lower, \
                 external_id, doc, version, member_count, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 0, $8, $8)",
            )
            .bind(id.as_str())
            .bind(org_id)
            .bind(directory_id)
            .bind(fields.display_name.as_str())
            .bind(name_lower.as_str())
            .bind(fields.external_id.as_deref())
            .bind(text.as_str())
            .bind(now)
        };
        write_once!(self, |tx| -> Result<_, WriteError> {
            tx.bounded(members.len())?;
            insert()
                .execute_in(tx)
                .await
                .map_err(|e| conflict(e, &fields.display_name))?;
            let (org_id, actor) = events::scim_context(tx, directory_id).await?;
            let distinct = member_sql::unique(members)
                .iter()
                .map(Vec::len)
                .sum::<usize>();
            let state = events::group_state(&id, Some(directory_id), fields, distinct as i64);
            let event = NewEvent::new("group.created", &org_id, state)
                .directory(directory_id)
                .group(&id, &fields.display_name);
            events::record(tx, &actor, event).await?;
            let count = add_members(tx, &actor, directory_id, &id, members).await?;
            if count != 0 {
                sqlx::query("UPDATE groups SET member_count = $1 WHERE id = $2")
                    .bind(count)
                    .bind(id.as_str())
                    .execute_in(tx)
                    .await?;
            }
            sqlx::query("UPDATE directories SET group_count = group_count + 1 WHERE id = $1")
                .bind(directory_id)
                .execute_in(tx)
                .await?;
            Ok(StoredResource::created(id.clone(), doc, now, count))
        })
    }

    pub async fn get_group(
        &self,
        directory_id: &str,
        id: &str,
    ) -> Result<Option<StoredResource>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS} FROM groups g WHERE g.directory_id = $1 AND g.id = $2");
        self.fetch_seek(sqlx::query(&sql).bind(directory_id).bind(id))
            .await?
            .first()
            .map(from_row)
            .transpose()
    }

    /// Updates a group's document and applies membership changes in one transaction.
    /// `update` maps the current row to the new document, its fields and the membership
    /// changes; its error aborts the write. `update` may be called twice (see
    /// [`write_once!`]).
    pub async fn update_group<E: Send>(
        &self,
        directory_id: &str,
        id: &str,
        if_match: Option<i64>,
        mut update: impl FnMut(&StoredResource) -> Result<(Value, GroupFields, Vec<MemberChange>), E>
            + Send,
    ) -> Result<Result<StoredResource, E>, WriteError> {
        let current_sql =
            format!("SELECT {COLUMNS} FROM groups g WHERE g.directory_id = $1 AND g.id = $2");
        write_once!(self, |tx| -> Result<_, WriteError> {
            if !tx.lock_row("groups", directory_id, id).await? {
                return Err(WriteError::NotFound);
            }
            let row = sqlx::query(&current_sql)
                .bind(directory_id)
                .bind(id)
                .fetch_optional_in(tx)
                .await?;
            let current = current_group(row.as_ref(), if_match)?;
            let (doc, fields, changes) = match update(&current) {
                Ok(v) => v,
                Err(e) => return Ok(Err(e)),
            };
            tx.bounded(work(&changes))?;
            let (org_id, actor) = events::scim_context(tx, directory_id).await?;
            if doc != current.doc {
                rename(&fields, &doc, id)
                    .execute_in(tx)
                    .await
                    .map_err(|e| conflict(e, &fields.display_name))?;
                let state =
                    events::group_state(id, Some(directory_id), &fields, current.member_count);
                let event = NewEvent::new("group.updated", &org_id, state)
                    .directory(directory_id)
                    .group(id, &fields.display_name);
                events::record(tx, &actor, event).await?;
            }
            let display_of = |uid: &str| serde_json::json!({"value": uid, "type": "User"});
            let (added, removed) =
                apply_changes(tx, &actor, directory_id, id, &changes, &display_of).await?;
            // Access through this group changed for those users: the audit log says so.
            record_membership_change(tx, directory_id, id, added, removed).await?;
            let now = now_millis();
            let counted = count_members(added - removed, now, id)
                .fetch_one_in(tx)
                .await?;
            Ok(Ok(updated(id, doc, &current, now, &counted)?))
        })
    }

    /// Deletes a group, its memberships and the grants made through it. Returns the deleted
    /// group's displayName, for the sync log.
    pub async fn delete_group(
        &self,
        directory_id: &str,
        id: &str,
        if_match: Option<i64>,
    ) -> Result<String, WriteError> {
        write_once!(self, |tx| -> Result<_, WriteError> {
            let row = sqlx::query(
                "SELECT version, display_name, external_id, member_count FROM groups \
             WHERE directory_id = $1 AND id = $2",
            )
            .bind(directory_id)
            .bind(id)
            .fetch_optional_in(tx)
            .await?;
            let Some(row) = row else {
                return Err(WriteError::NotFound);
            };
            let version: i64 = row.try_get("version")?;
            let display_name: String = row.try_get("display_name")?;
            if if_match.is_some_and(|v| v != version) {
                return Err(WriteError::PreconditionFailed);
            }
            // The memberships go with the group.
            tx.bounded(row.try_get::<i64, _>("member_count")? as usize)?;
            let (org_id, actor) = events::scim_context(tx, directory_id).await?;
            let state = serde_json::json!({"group": {
                "id": id, "directoryId": directory_id, "displayName": display_name,
                "externalId": row.try_get::<Option<String>, _>("external_id")?,
                "memberCount": row.try_get::<i64, _>("member_count")?,
            }});
            let event = NewEvent::new("group.deleted", &org_id, state)
                .directory(directory_id)
                .group(id, &display_name);
            events::record(tx, &actor, event).await?;
            // So do the grants through it, and the audit log records which access disappeared.
            record_and_remove_group_grants(tx, directory_id, id, &actor).await?;
            sqlx::query("DELETE FROM groups WHERE id = $1")
                .bind(id)
                .execute_in(tx)
                .await?;
            sqlx::query("UPDATE directories SET group_count = group_count - 1 WHERE id = $1")
                .bind(directory_id)
                .execute_in(tx)
                .await?;
            Ok(display_name)
        })
    }

    pub async fn list_groups(
        &self,
        directory_id: &str,
        q: &ListQuery,
        keep: impl Fn(&StoredResource) -> bool,
    ) -> Result<(u64, Vec<StoredResource>), sqlx::Error> {
        self.list_scim(
            &Listed {
                table: "groups g",
                alias: "g",
                columns: COLUMNS,
                total: "SELECT group_count FROM directories WHERE id = $1",
                from_row,
            },
            directory_id,
            q,
            keep,
        )
        .await
    }

    /// One page of a group's members as (id, label), ordered by user id.
    pub async fn group_members_page(
        &self,
        group_id: &str,
        after: Option<&str>,
        limit: u64,
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT u.id, COALESCE(u.display_name, u.user_name) AS label FROM group_members gm \
             JOIN users u ON u.id = gm.user_id \
             WHERE gm.group_id = $1 AND gm.user_id > $2 ORDER BY gm.user_id LIMIT $3",
        )
        .bind(group_id)
        .bind(after.unwrap_or(""))
        .bind(limit as i64)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }
}
