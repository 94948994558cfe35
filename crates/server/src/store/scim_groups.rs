//! SCIM groups of a directory. Memberships are rows in `group_members`: adding or removing
//! members costs O(members changed), and reading a group without its members never touches
//! them.
use std::collections::HashSet;

use futures_util::TryStreamExt;
use roster_scim::{GroupFields, MemberChange};
use serde_json::Value;
use sqlx::{any::AnyRow, Any, Row, Transaction};

use super::{
    is_unique_violation, new_id, now_millis,
    scim_common::{parse_doc, ListQuery, StoredResource, WriteError},
    scim_users::{list, lock_row},
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

/// Fails with the ids that are not users of the directory. Costs O(ids).
async fn check_members(
    tx: &mut Transaction<'static, Any>,
    directory_id: &str,
    ids: &[String],
) -> Result<(), WriteError> {
    let unique: Vec<&String> = ids.iter().collect::<HashSet<_>>().into_iter().collect();
    let mut found = HashSet::new();
    for chunk in unique.chunks(CHUNK) {
        let sql = format!(
            "SELECT id FROM users WHERE directory_id = $1 AND id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(directory_id);
        for id in chunk {
            q = q.bind(id.as_str());
        }
        for row in q.fetch_all(&mut **tx).await? {
            found.insert(row.try_get::<String, _>(0)?);
        }
    }
    let missing: Vec<String> = unique
        .into_iter()
        .filter(|id| !found.contains(*id))
        .cloned()
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(WriteError::UnknownMembers(missing))
    }
}

/// Adds members, ignoring those already in; returns how many were added.
async fn add_members(
    tx: &mut Transaction<'static, Any>,
    group_id: &str,
    ids: &[String],
) -> Result<i64, sqlx::Error> {
    let now = now_millis();
    let mut added = 0;
    for chunk in ids.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, ${}, $2)", i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES {} \
             ON CONFLICT (group_id, user_id) DO NOTHING",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(group_id).bind(now);
        for id in chunk {
            q = q.bind(id.as_str());
        }
        added += q.execute(&mut **tx).await?.rows_affected() as i64;
    }
    Ok(added)
}

/// Removes members; returns how many were removed.
async fn remove_members(
    tx: &mut Transaction<'static, Any>,
    group_id: &str,
    ids: &[String],
) -> Result<i64, sqlx::Error> {
    let mut removed = 0;
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "DELETE FROM group_members WHERE group_id = $1 AND user_id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(group_id);
        for id in chunk {
            q = q.bind(id.as_str());
        }
        removed += q.execute(&mut **tx).await?.rows_affected() as i64;
    }
    Ok(removed)
}

/// Every member id of a group, streamed (only for full replacements and filtered removals,
/// whose cost is proportional to the group anyway).
async fn member_ids(
    tx: &mut Transaction<'static, Any>,
    group_id: &str,
) -> Result<HashSet<String>, sqlx::Error> {
    let mut out = HashSet::new();
    let mut rows = sqlx::query("SELECT user_id FROM group_members WHERE group_id = $1")
        .bind(group_id)
        .fetch(&mut **tx);
    while let Some(row) = rows.try_next().await? {
        out.insert(row.try_get::<String, _>(0)?);
    }
    Ok(out)
}

/// Applies membership changes in order; returns how many members were added and removed.
async fn apply_changes(
    tx: &mut Transaction<'static, Any>,
    directory_id: &str,
    group_id: &str,
    changes: &[MemberChange],
    display_of: &(dyn Fn(&str) -> Value + Sync),
) -> Result<(i64, i64), WriteError> {
    let (mut added, mut removed) = (0, 0);
    for change in changes {
        match change {
            MemberChange::Add(ids) => {
                check_members(tx, directory_id, ids).await?;
                added += add_members(tx, group_id, ids).await?;
            }
            MemberChange::Remove(ids) => removed += remove_members(tx, group_id, ids).await?,
            MemberChange::RemoveAll => {
                removed += sqlx::query("DELETE FROM group_members WHERE group_id = $1")
                    .bind(group_id)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected() as i64;
            }
            MemberChange::Replace(ids) => {
                check_members(tx, directory_id, ids).await?;
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
                removed += remove_members(tx, group_id, &gone).await?;
                added += add_members(tx, group_id, &new).await?;
            }
            MemberChange::RemoveWhere(filter) => {
                let current = member_ids(tx, group_id).await?;
                let gone: Vec<String> = current
                    .into_iter()
                    .filter(|id| filter.matches_element(&display_of(id)))
                    .collect();
                removed += remove_members(tx, group_id, &gone).await?;
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
        let count_it = || {
            sqlx::query("UPDATE directories SET group_count = group_count + 1 WHERE id = $1")
                .bind(directory_id)
        };
        // A group created empty (Okta and Entra create, then PATCH members) is two rows
        // written: in place on SQLite.
        if let (Some(inplace), true) = (self.inplace.as_deref(), members.is_empty()) {
            inplace
                .write(&self.write, |tx| -> Result<(), WriteError> {
                    tx.execute(insert())
                        .map_err(|e| conflict(e, &fields.display_name))?;
                    tx.execute(count_it())?;
                    Ok(())
                })
                .await?;
            return Ok(StoredResource::created(id, doc, now, 0));
        }
        let mut tx = self.write.begin().await?;
        insert()
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict(e, &fields.display_name))?;
        check_members(&mut tx, directory_id, members).await?;
        let count = add_members(&mut tx, &id, members).await?;
        sqlx::query("UPDATE groups SET member_count = $1 WHERE id = $2")
            .bind(count)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        count_it().execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(StoredResource::created(id, doc, now, count))
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
    /// changes; its error aborts the write.
    pub async fn update_group<E>(
        &self,
        directory_id: &str,
        id: &str,
        if_match: Option<i64>,
        update: impl FnOnce(&StoredResource) -> Result<(Value, GroupFields, Vec<MemberChange>), E>,
    ) -> Result<Result<StoredResource, E>, WriteError> {
        let mut tx = self.write.begin().await?;
        lock_row(&mut tx, "groups", directory_id, id).await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM groups g WHERE g.directory_id = $1 AND g.id = $2"
        ))
        .bind(directory_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Err(WriteError::NotFound);
        };
        let current = from_row(&row)?;
        if if_match.is_some_and(|v| v != current.version) {
            return Err(WriteError::PreconditionFailed);
        }
        let (doc, fields, changes) = match update(&current) {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        let doc_changed = doc != current.doc;
        if doc_changed {
            sqlx::query(
                "UPDATE groups SET display_name = $1, display_name_lower = $2, external_id = $3, \
                 doc = $4 WHERE id = $5",
            )
            .bind(&fields.display_name)
            .bind(fields.display_name.to_lowercase())
            .bind(&fields.external_id)
            .bind(doc.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict(e, &fields.display_name))?;
        }
        let display_of = |uid: &str| serde_json::json!({"value": uid, "type": "User"});
        let (added, removed) =
            apply_changes(&mut tx, directory_id, id, &changes, &display_of).await?;
        let net = added - removed;
        // Access through this group changed for those users: the audit log says so.
        super::access::record_membership_change(&mut tx, directory_id, id, added, removed).await?;
        let now = now_millis();
        // The counter moves by the delta: concurrent patches to one group both count.
        let row = sqlx::query(
            "UPDATE groups SET member_count = member_count + $1, version = version + 1, \
             updated_at = $2 WHERE id = $3 RETURNING version, member_count",
        )
        .bind(net)
        .bind(now)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let version: i64 = row.try_get("version")?;
        let member_count: i64 = row.try_get("member_count")?;
        tx.commit().await?;
        Ok(Ok(StoredResource {
            id: id.to_owned(),
            doc,
            version,
            created_at: current.created_at,
            updated_at: now,
            member_count,
        }))
    }

    /// Deletes a group, its memberships and the grants made through it. Returns the deleted
    /// group's displayName, for the sync log.
    pub async fn delete_group(
        &self,
        directory_id: &str,
        id: &str,
        if_match: Option<i64>,
    ) -> Result<String, WriteError> {
        let mut tx = self.write.begin().await?;
        let row = sqlx::query(
            "SELECT version, display_name FROM groups WHERE directory_id = $1 AND id = $2",
        )
        .bind(directory_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Err(WriteError::NotFound);
        };
        let version: i64 = row.try_get("version")?;
        let display_name: String = row.try_get("display_name")?;
        if if_match.is_some_and(|v| v != version) {
            return Err(WriteError::PreconditionFailed);
        }
        // Access model (issue 5): the grants through this group go with it, and the audit
        // log records which access disappeared.
        super::access::record_and_remove_group_grants(&mut tx, directory_id, id).await?;
        sqlx::query("DELETE FROM groups WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE directories SET group_count = group_count - 1 WHERE id = $1")
            .bind(directory_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(display_name)
    }

    pub async fn list_groups(
        &self,
        directory_id: &str,
        q: &ListQuery,
        keep: impl Fn(&StoredResource) -> bool,
    ) -> Result<(u64, Vec<StoredResource>), sqlx::Error> {
        list(
            &self.read,
            self.inplace.as_deref(),
            "groups g",
            "g",
            COLUMNS,
            directory_id,
            q,
            from_row,
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
