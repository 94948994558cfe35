//! The organization's groups as admins see them: synced groups (read-only here, owned by
//! their identity provider) and local groups, which admins create, rename, delete and fill
//! with any of the organization's users. Every write is one transaction with its audit entry.
use roster_api_types::{
    access::AccessRole,
    org::{Group, GroupAccess, GroupDetail, GroupKind},
    page::Page,
};
use serde_json::json;
use sqlx::Row;

use crate::store::{
    access::changes::{take_grants, GrantScope},
    audit::{record, Actor, Change},
    db::paging::{Anchor, PageRequest, SortValue, Sql},
    db::tx::{InTx, Tx},
    error::is_unique_violation,
    error::{Missing, ModelError, Taken},
    events::{
        self,
        access::{granted, members_added, members_removed, revoked, Gain, Loss},
        NewEvent,
    },
    new_id, now_millis,
    rows::{org_group_from_row, ORG_GROUP_SELECT},
    Store,
};

/// Cursor tag of the org-wide group list.
pub const ORG_GROUPS_TAG: &str = "org-groups";

fn name_taken(name: &str) -> ModelError {
    ModelError::Taken(Taken::LocalGroupName(name.to_owned()))
}

/// A local group of the organization, locked for the change: (name, member count).
async fn local_group(tx: &mut Tx<'_>, org_id: &str, id: &str) -> Result<(String, i64), ModelError> {
    let row = sqlx::query(
        "SELECT display_name, directory_id, member_count FROM groups WHERE id = $1 AND org_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .fetch_optional_in(tx)
    .await?
    .ok_or(ModelError::NotFound(Missing::Group))?;
    let name: String = row.try_get("display_name")?;
    if row.try_get::<Option<String>, _>("directory_id")?.is_some() {
        return Err(ModelError::SyncedGroupReadOnly(name));
    }
    Ok((name, row.try_get("member_count")?))
}

/// A user of the organization: userName.
async fn org_user_name(tx: &mut Tx<'_>, org_id: &str, user_id: &str) -> Result<String, ModelError> {
    sqlx::query(
        "SELECT u.user_name FROM users u JOIN directories d ON d.id = u.directory_id \
         WHERE u.id = $1 AND d.org_id = $2",
    )
    .bind(user_id)
    .bind(org_id)
    .scalar_optional_in(tx)
    .await?
    .ok_or(ModelError::NotFound(Missing::User))
}

impl Store {
    /// One page of the organization's groups by name. `search` is a lower-cased prefix.
    pub async fn list_org_groups(
        &self,
        org_id: &str,
        search: Option<&str>,
        kind: Option<GroupKind>,
        page: &PageRequest,
    ) -> Result<Page<Group>, sqlx::Error> {
        let desc = page.reversed();
        let dir = if desc { "DESC" } else { "ASC" };
        let mut sql = Sql::new(&format!("{ORG_GROUP_SELECT} WHERE g.org_id = "));
        let o = sql.text(org_id);
        sql.push(&o);
        match kind {
            Some(GroupKind::Local) => sql.push(" AND g.directory_id IS NULL"),
            Some(GroupKind::Synced) => sql.push(" AND g.directory_id IS NOT NULL"),
            None => &mut sql,
        };
        if let Some(prefix) = search {
            sql.push_prefix_any(&["g.display_name_lower"], prefix);
        }
        if let Some(a) = page.anchor() {
            sql.push_after("g.display_name_lower", "g.id", desc, a);
        }
        sql.push(&format!(
            " ORDER BY g.display_name_lower {dir}, g.id {dir} LIMIT {}",
            page.fetch_limit()
        ));
        let rows = sql.query().fetch_all(&self.read).await?;
        let rows = rows
            .iter()
            .map(|r| {
                Ok((
                    org_group_from_row(r)?,
                    r.try_get::<String, _>("display_name_lower")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let result = page.finish(rows, |(g, key)| Anchor {
            key: SortValue::Text(key.clone()),
            id: g.id.clone(),
        });
        Ok(Page {
            items: result.items.into_iter().map(|(g, _)| g).collect(),
            total: None,
            next_cursor: result.next_cursor,
            prev_cursor: result.prev_cursor,
            feed_cursor: None,
        })
    }

    /// One of the organization's groups with the access it grants.
    pub async fn org_group(
        &self,
        org_id: &str,
        id: &str,
    ) -> Result<Option<GroupDetail>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "{ORG_GROUP_SELECT} WHERE g.id = $1 AND g.org_id = $2"
        ))
        .bind(id)
        .bind(org_id)
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let access = sqlx::query(
            "SELECT s.id AS site_id, s.name AS site_name, sp.id AS product_id, \
             pt.name AS product_name, ag.role, \
             CAST(CASE WHEN ag.is_default THEN 1 ELSE 0 END AS BIGINT) AS is_default \
             FROM access_grants ag JOIN site_products sp ON sp.id = ag.site_product_id \
             JOIN sites s ON s.id = sp.site_id JOIN product_types pt ON pt.id = sp.product_type_id \
             WHERE ag.group_id = $1 ORDER BY s.name_lower, pt.name_lower",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(GroupAccess {
                site_id: r.try_get("site_id")?,
                site_name: r.try_get("site_name")?,
                product_id: r.try_get("product_id")?,
                product_name: r.try_get("product_name")?,
                role: AccessRole::parse(&r.try_get::<String, _>("role")?),
                is_default: r.try_get::<i64, _>("is_default")? != 0,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(Some(GroupDetail {
            group: org_group_from_row(&row)?,
            access,
        }))
    }

    /// Creates a local group; returns its id.
    pub async fn create_local_group(
        &self,
        org_id: &str,
        actor: &Actor,
        name: &str,
    ) -> Result<String, ModelError> {
        let id = new_id();
        let now = now_millis();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO groups (id, org_id, directory_id, display_name, display_name_lower, \
             external_id, doc, version, member_count, created_at, updated_at) \
             VALUES ($1, $2, NULL, $3, $4, NULL, $5, 1, 0, $6, $6)",
        )
        .bind(&id)
        .bind(org_id)
        .bind(name)
        .bind(name.to_lowercase())
        .bind(json!({"displayName": name}).to_string())
        .bind(now)
        .execute_in(&mut tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                name_taken(name)
            } else {
                e.into()
            }
        })?;
        let change = Change::new("group.created", "group", &id, name).after(json!({"name": name}));
        record(&mut tx, org_id, actor, change).await?;
        let state = local_state(&id, name, 0);
        let event = NewEvent::new("group.created", org_id, state).group(&id, name);
        events::record(&mut tx, actor, event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Renames a local group.
    pub async fn rename_local_group(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
        name: &str,
    ) -> Result<(), ModelError> {
        let mut tx = self.begin().await?;
        let (old, members) = local_group(&mut tx, org_id, id).await?;
        sqlx::query(
            "UPDATE groups SET display_name = $1, display_name_lower = $2, doc = $3, \
             version = version + 1, updated_at = $4 WHERE id = $5",
        )
        .bind(name)
        .bind(name.to_lowercase())
        .bind(json!({"displayName": name}).to_string())
        .bind(now_millis())
        .bind(id)
        .execute_in(&mut tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                name_taken(name)
            } else {
                e.into()
            }
        })?;
        let change = Change::new("group.renamed", "group", id, name)
            .before(json!({"name": old}))
            .after(json!({"name": name}));
        record(&mut tx, org_id, actor, change).await?;
        let state = local_state(id, name, members);
        let event = NewEvent::new("group.updated", org_id, state).group(id, name);
        events::record(&mut tx, actor, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a local group with its memberships and grants; the audit entry lists the
    /// access that disappeared.
    pub async fn delete_local_group(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
    ) -> Result<(), ModelError> {
        let mut tx = self.begin().await?;
        let (name, members) = local_group(&mut tx, org_id, id).await?;
        let removed = take_grants(&mut tx, GrantScope::Group(id), actor).await?;
        let state = local_state(id, &name, members);
        let event = NewEvent::new("group.deleted", org_id, state).group(id, &name);
        events::record(&mut tx, actor, event).await?;
        sqlx::query("DELETE FROM groups WHERE id = $1")
            .bind(id)
            .execute_in(&mut tx)
            .await?;
        let change = Change::new("group.deleted", "group", id, &name).before(json!({
            "name": name, "memberCount": members, "removedAccess": removed,
        }));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds one of the organization's users to a local group. `false` when already a member
    /// (nothing changes, nothing is recorded).
    pub async fn add_local_member(
        &self,
        org_id: &str,
        actor: &Actor,
        group_id: &str,
        user_id: &str,
    ) -> Result<bool, ModelError> {
        let mut tx = self.begin().await?;
        let (name, _) = local_group(&mut tx, org_id, group_id).await?;
        let user_name = org_user_name(&mut tx, org_id, user_id).await?;
        let now = now_millis();
        // Before the row: the events name only a user who was not a member.
        members_added(&mut tx, actor, group_id, &[user_id]).await?;
        let users = [user_id];
        granted(
            &mut tx,
            actor,
            Gain::Members {
                group_id,
                users: &users,
            },
        )
        .await?;
        let added = sqlx::query(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, $3) \
             ON CONFLICT (group_id, user_id) DO NOTHING",
        )
        .bind(group_id)
        .bind(user_id)
        .bind(now)
        .execute_in(&mut tx)
        .await?
        .rows_affected();
        if added == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE groups SET member_count = member_count + 1, version = version + 1, \
             updated_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(group_id)
        .execute_in(&mut tx)
        .await?;
        let change = Change::new("group.member_added", "group", group_id, &name)
            .after(json!({"userId": user_id, "userName": user_name}));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Removes a user from a local group.
    pub async fn remove_local_member(
        &self,
        org_id: &str,
        actor: &Actor,
        group_id: &str,
        user_id: &str,
    ) -> Result<(), ModelError> {
        let mut tx = self.begin().await?;
        let (name, _) = local_group(&mut tx, org_id, group_id).await?;
        let user_name = org_user_name(&mut tx, org_id, user_id).await?;
        let users = [user_id];
        members_removed(&mut tx, actor, group_id, Some(&users)).await?;
        let loss = Loss::Members {
            group_id,
            users: Some(&users),
        };
        revoked(&mut tx, actor, loss).await?;
        let removed = sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
            .bind(group_id)
            .bind(user_id)
            .execute_in(&mut tx)
            .await?
            .rows_affected();
        if removed == 0 {
            return Err(ModelError::NotFound(Missing::Membership));
        }
        sqlx::query(
            "UPDATE groups SET member_count = member_count - 1, version = version + 1, \
             updated_at = $1 WHERE id = $2",
        )
        .bind(now_millis())
        .bind(group_id)
        .execute_in(&mut tx)
        .await?;
        let change = Change::new("group.member_removed", "group", group_id, &name)
            .before(json!({"userId": user_id, "userName": user_name}));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A local group's state as events carry it.
fn local_state(id: &str, name: &str, members: i64) -> serde_json::Value {
    json!({"group": {"id": id, "directoryId": null, "displayName": name, "externalId": null,
                     "memberCount": members}})
}
