//! What other writes do to product access, inside their transactions: removing the grants
//! of groups that disappear (an identity provider deleting a group, an admin deleting a
//! directory, site or product), and the audit entries naming the access that users gained
//! or lost when a group's members changed or a user was deactivated, reactivated or deleted.
use serde_json::{json, Value};
use sqlx::Row;

use crate::store::{
    audit::{record, Actor, Change},
    db::tx::{InTx, Tx},
    events::access::{revoked, Loss},
};

/// Whose grants to remove.
#[derive(Clone, Copy, Debug)]
pub enum GrantScope<'a> {
    Group(&'a str),
    Directory(&'a str),
    Site(&'a str),
    Product(&'a str),
}

impl GrantScope<'_> {
    /// Whose access goes with the grants in this scope.
    fn loss(&self) -> Loss<'_> {
        match *self {
            GrantScope::Group(id) => Loss::Group(id),
            GrantScope::Directory(id) => Loss::Directory(id),
            GrantScope::Site(id) => Loss::Site(id),
            GrantScope::Product(id) => Loss::Product(id),
        }
    }

    fn condition(self) -> (&'static str, String) {
        match self {
            GrantScope::Group(id) => ("ag.group_id = $1", id.to_owned()),
            GrantScope::Directory(id) => ("g.directory_id = $1", id.to_owned()),
            GrantScope::Site(id) => ("sp.site_id = $1", id.to_owned()),
            GrantScope::Product(id) => ("ag.site_product_id = $1", id.to_owned()),
        }
    }
}

/// Deletes the grants in `scope` and returns them as JSON (site, product, group, role,
/// default flag) for the audit entry of the change that removed them; the users who lose
/// access by it get their `access.revoked` events, by `actor`. A directory's users lose what
/// local groups gave them too, so its events are written even when its groups had no grants.
pub async fn take_grants(
    tx: &mut Tx<'_>,
    scope: GrantScope<'_>,
    actor: &Actor,
) -> Result<Vec<Value>, sqlx::Error> {
    let removed = grants_in(tx, &scope).await?;
    if !removed.is_empty() || matches!(scope, GrantScope::Directory(_)) {
        revoked(tx, actor, scope.loss()).await?;
    }
    if !removed.is_empty() {
        let (_, id) = scope.condition();
        let delete = match scope {
            GrantScope::Group(_) => "DELETE FROM access_grants WHERE group_id = $1",
            GrantScope::Directory(_) => {
                "DELETE FROM access_grants WHERE group_id IN \
                 (SELECT id FROM groups WHERE directory_id = $1)"
            }
            GrantScope::Site(_) => {
                "DELETE FROM access_grants WHERE site_product_id IN \
                 (SELECT id FROM site_products WHERE site_id = $1)"
            }
            GrantScope::Product(_) => "DELETE FROM access_grants WHERE site_product_id = $1",
        };
        sqlx::query(delete).bind(&id).execute_in(tx).await?;
    }
    Ok(removed)
}

/// The grants in `scope`, described for the audit log.
async fn grants_in(tx: &mut Tx<'_>, scope: &GrantScope<'_>) -> Result<Vec<Value>, sqlx::Error> {
    let (cond, id) = scope.condition();
    let rows = sqlx::query(&format!(
        "SELECT ag.site_product_id, ag.group_id, ag.role, \
         CAST(CASE WHEN ag.is_default THEN 1 ELSE 0 END AS BIGINT) AS is_default, \
         g.display_name, s.id AS site_id, s.name AS site_name, pt.name AS product_name \
         FROM access_grants ag JOIN groups g ON g.id = ag.group_id \
         JOIN site_products sp ON sp.id = ag.site_product_id JOIN sites s ON s.id = sp.site_id \
         JOIN product_types pt ON pt.id = sp.product_type_id \
         WHERE {cond} ORDER BY s.name_lower, pt.name_lower, g.display_name_lower"
    ))
    .bind(&id)
    .fetch_all_in(tx)
    .await?;
    let mut removed = Vec::with_capacity(rows.len());
    for r in &rows {
        removed.push(json!({
            "siteId": r.try_get::<String, _>("site_id")?,
            "site": r.try_get::<String, _>("site_name")?,
            "productId": r.try_get::<String, _>("site_product_id")?,
            "product": r.try_get::<String, _>("product_name")?,
            "groupId": r.try_get::<String, _>("group_id")?,
            "group": r.try_get::<String, _>("display_name")?,
            "role": r.try_get::<String, _>("role")?,
            "isDefault": r.try_get::<i64, _>("is_default")? != 0,
        }));
    }
    Ok(removed)
}

/// Hook for SCIM `PATCH`/`PUT /Groups/{id}` (inside its transaction): when the membership of
/// a group that grants access changed, records one `group.members_changed` entry by
/// `SCIM: <directory>` with how many users gained and lost that access. Costs one indexed
/// query for groups without grants.
pub async fn record_membership_change(
    tx: &mut Tx<'_>,
    directory_id: &str,
    group_id: &str,
    added: i64,
    removed: i64,
) -> Result<(), sqlx::Error> {
    if added == 0 && removed == 0 {
        return Ok(());
    }
    let access = grants_in(tx, &GrantScope::Group(group_id)).await?;
    if access.is_empty() {
        return Ok(());
    }
    let row = sqlx::query("SELECT org_id, display_name FROM groups WHERE id = $1")
        .bind(group_id)
        .fetch_one_in(tx)
        .await?;
    let (org_id, name): (String, String) = (row.try_get("org_id")?, row.try_get("display_name")?);
    let actor = Actor::scim_in(tx, directory_id).await?;
    let change = Change::new("group.members_changed", "group", group_id, &name).after(json!({
        "membersAdded": added,
        "membersRemoved": removed,
        "access": access,
    }));
    record(tx, &org_id, &actor, change).await
}

/// Hook for SCIM writes that deactivate, reactivate or delete a user (inside the write's
/// transaction, while the memberships still exist): when the user has access through any
/// group, records `user.deactivated`, `user.reactivated` or `user.deleted` with that access.
pub async fn record_user_access_change(
    tx: &mut Tx<'_>,
    directory_id: &str,
    user_id: &str,
    action: &'static str,
) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id AS site_id, s.name AS site_name, sp.id AS product_id, \
         pt.name AS product_name, g.id AS group_id, g.display_name, ag.role \
         FROM group_members gm JOIN access_grants ag ON ag.group_id = gm.group_id \
         JOIN groups g ON g.id = gm.group_id \
         JOIN site_products sp ON sp.id = ag.site_product_id JOIN sites s ON s.id = sp.site_id \
         JOIN product_types pt ON pt.id = sp.product_type_id \
         WHERE gm.user_id = $1 ORDER BY s.name_lower, pt.name_lower",
    )
    .bind(user_id)
    .fetch_all_in(tx)
    .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut access = Vec::with_capacity(rows.len());
    for r in &rows {
        access.push(json!({
            "siteId": r.try_get::<String, _>("site_id")?,
            "site": r.try_get::<String, _>("site_name")?,
            "productId": r.try_get::<String, _>("product_id")?,
            "product": r.try_get::<String, _>("product_name")?,
            "groupId": r.try_get::<String, _>("group_id")?,
            "group": r.try_get::<String, _>("display_name")?,
            "role": r.try_get::<String, _>("role")?,
        }));
    }
    let row = sqlx::query(
        "SELECT d.org_id, u.user_name FROM users u JOIN directories d ON d.id = u.directory_id \
         WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_one_in(tx)
    .await?;
    let (org_id, user_name): (String, String) = (row.try_get("org_id")?, row.try_get("user_name")?);
    let actor = Actor::scim_in(tx, directory_id).await?;
    let key = if action == "user.reactivated" {
        "accessRestored"
    } else {
        "accessRemoved"
    };
    let change = Change::new(action, "user", user_id, &user_name).after(json!({ key: access }));
    record(tx, &org_id, &actor, change).await
}

/// Hook for SCIM `DELETE /Groups/{id}` (called inside its transaction, before the group row
/// goes): removes the group's grants and, when it had any, records one `group.deleted` entry
/// by `SCIM: <directory>` naming the access that disappeared.
pub async fn record_and_remove_group_grants(
    tx: &mut Tx<'_>,
    directory_id: &str,
    group_id: &str,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    let removed = take_grants(tx, GrantScope::Group(group_id), actor).await?;
    if removed.is_empty() {
        return Ok(());
    }
    let row = sqlx::query("SELECT org_id, display_name FROM groups WHERE id = $1")
        .bind(group_id)
        .fetch_one_in(tx)
        .await?;
    let (org_id, name): (String, String) = (row.try_get("org_id")?, row.try_get("display_name")?);
    let change = Change::new("group.deleted", "group", group_id, &name)
        .before(json!({"name": name, "directoryId": directory_id, "removedAccess": removed}));
    record(tx, &org_id, actor, change).await
}

/// Hook for deleting a directory (inside its transaction, before the rows go): removes the
/// grants made through its groups and records the one `directory.deleted` entry, naming the
/// access that disappeared. Returns how many grants were removed.
pub async fn record_directory_deletion(
    tx: &mut Tx<'_>,
    org_id: &str,
    directory_id: &str,
    actor: &Actor,
) -> Result<u64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT name, active_users, deactivated_users, group_count FROM directories \
         WHERE id = $1",
    )
    .bind(directory_id)
    .fetch_one_in(tx)
    .await?;
    let name: String = row.try_get("name")?;
    let users: i64 =
        row.try_get::<i64, _>("active_users")? + row.try_get::<i64, _>("deactivated_users")?;
    let groups: i64 = row.try_get("group_count")?;
    let removed = take_grants(tx, GrantScope::Directory(directory_id), actor).await?;
    let count = removed.len() as u64;
    let change = Change::new("directory.deleted", "directory", directory_id, &name)
        .before(json!({"name": name, "users": users, "groups": groups, "removedAccess": removed}));
    record(tx, org_id, actor, change).await?;
    Ok(count)
}
