//! Product access: grants of a site's product to groups (with a role and the default-group
//! flag), what a grant or revoke would change, and who has access to a product.
//!
//! Every question is a join over indexed rows: `access_grants (site_product_id, group_id)`,
//! `access_grants_group (group_id, ...)`, `group_members (group_id, user_id)` and
//! `group_members_user (user_id, group_id)`. Nothing loops over users in Rust.
use roster_api_types::{
    access::{AccessGroup, AccessRole, ProductUser, UserRef},
    page::Page,
};
use serde_json::json;
use sqlx::{any::AnyRow, Row};

use crate::store::{
    access::sites::product_label,
    audit::{record, Actor, Change},
    db::paging::{Anchor, PageRequest, SortValue},
    db::timestamps::rfc3339,
    db::tx::{InTx, Tx},
    error::{Missing, ModelError},
    events::access::{granted, revoked, Gain, Loss},
    now_millis, Store,
};

/// How many affected users a grant or revoke answer names.
pub const IMPACT_SAMPLE: i64 = 10;
/// Cursor tag of product user lists.
pub const PRODUCT_USERS_TAG: &str = "product-users";

const ACCESS_GROUP_SELECT: &str = "SELECT ag.group_id, g.display_name, g.directory_id, \
     d.name AS directory_name, ag.role, \
     CAST(CASE WHEN ag.is_default THEN 1 ELSE 0 END AS BIGINT) AS is_default, \
     g.member_count, ag.created_at \
     FROM access_grants ag JOIN groups g ON g.id = ag.group_id \
     LEFT JOIN directories d ON d.id = g.directory_id";

fn access_group_from_row(row: &AnyRow) -> Result<AccessGroup, sqlx::Error> {
    Ok(AccessGroup {
        group_id: row.try_get("group_id")?,
        group_name: row.try_get("display_name")?,
        directory_id: row.try_get("directory_id")?,
        directory_name: row.try_get("directory_name")?,
        role: AccessRole::parse(&row.try_get::<String, _>("role")?),
        is_default: row.try_get::<i64, _>("is_default")? != 0,
        member_count: u64::try_from(row.try_get::<i64, _>("member_count")?).unwrap_or(0),
        granted_at: rfc3339(row.try_get("created_at")?),
    })
}

async fn grant_row(
    tx: &mut Tx<'_>,
    product_id: &str,
    group_id: &str,
) -> Result<Option<AccessGroup>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{ACCESS_GROUP_SELECT} WHERE ag.site_product_id = $1 AND ag.group_id = $2"
    ))
    .bind(product_id)
    .bind(group_id)
    .fetch_optional_in(tx)
    .await?;
    row.as_ref().map(access_group_from_row).transpose()
}

/// Active members of `group_id` with no access to the product through another group: those
/// who gain access by a new grant, or lose it by a revoke. Returns the count and a sample.
async fn exclusive_members(
    tx: &mut Tx<'_>,
    product_id: &str,
    group_id: &str,
) -> Result<(u64, Vec<UserRef>), sqlx::Error> {
    let from = "FROM group_members gm JOIN users u ON u.id = gm.user_id \
         WHERE gm.group_id = $1 AND u.active AND NOT EXISTS ( \
           SELECT 1 FROM group_members o JOIN access_grants ag ON ag.group_id = o.group_id \
           WHERE o.user_id = gm.user_id AND ag.site_product_id = $2 AND ag.group_id <> $1)";
    let count: i64 = sqlx::query(&format!("SELECT COUNT(*) {from}"))
        .bind(group_id)
        .bind(product_id)
        .scalar_one_in(tx)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT u.id, u.directory_id, u.user_name, u.display_name, u.primary_email {from} \
         ORDER BY gm.user_id LIMIT {IMPACT_SAMPLE}"
    ))
    .bind(group_id)
    .bind(product_id)
    .fetch_all_in(tx)
    .await?;
    let sample = rows
        .iter()
        .map(user_ref_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((u64::try_from(count).unwrap_or(0), sample))
}

pub(in crate::store) fn user_ref_from_row(row: &AnyRow) -> Result<UserRef, sqlx::Error> {
    Ok(UserRef {
        id: row.try_get("id")?,
        directory_id: row.try_get("directory_id")?,
        user_name: row.try_get("user_name")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("primary_email")?,
    })
}

/// A group of the organization: (name, directory id when synced).
async fn org_group(
    tx: &mut Tx<'_>,
    org_id: &str,
    group_id: &str,
) -> Result<(String, Option<String>), ModelError> {
    let row =
        sqlx::query("SELECT display_name, directory_id FROM groups WHERE id = $1 AND org_id = $2")
            .bind(group_id)
            .bind(org_id)
            .fetch_optional_in(tx)
            .await?
            .ok_or(ModelError::NotFound(Missing::Group))?;
    Ok((row.try_get("display_name")?, row.try_get("directory_id")?))
}

/// The outcome of a grant or revoke (also dry runs).
#[derive(Debug)]
pub struct AccessOutcome {
    pub grant: AccessGroup,
    pub previous_role: Option<AccessRole>,
    pub users_affected: u64,
    pub sample: Vec<UserRef>,
}

impl Store {
    /// The groups with access to a product, by name.
    pub async fn product_access_groups(
        &self,
        product_id: &str,
    ) -> Result<Vec<AccessGroup>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "{ACCESS_GROUP_SELECT} WHERE ag.site_product_id = $1 \
             ORDER BY g.display_name_lower, g.id"
        ))
        .bind(product_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(access_group_from_row).collect()
    }

    /// Active users with access to a product, each counted once.
    pub async fn product_user_count(&self, product_id: &str) -> Result<u64, sqlx::Error> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT DISTINCT gm.user_id FROM access_grants ag \
             JOIN group_members gm ON gm.group_id = ag.group_id \
             JOIN users u ON u.id = gm.user_id \
             WHERE ag.site_product_id = $1 AND u.active) AS x",
        )
        .bind(product_id)
        .fetch_one(&self.read)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Grants (or changes the role of) a group's access to a product. With `dry_run` nothing
    /// is written; the answer says who would gain access.
    #[allow(clippy::too_many_arguments)]
    pub async fn grant_access(
        &self,
        org_id: &str,
        actor: &Actor,
        site_id: &str,
        product_id: &str,
        group_id: &str,
        role: AccessRole,
        dry_run: bool,
    ) -> Result<AccessOutcome, ModelError> {
        let mut tx = self.begin().await?;
        let (site_name, product_name) = product_label(&mut tx, org_id, site_id, product_id)
            .await?
            .ok_or(ModelError::NotFound(Missing::Product))?;
        let (group_name, _) = org_group(&mut tx, org_id, group_id).await?;
        let existing = grant_row(&mut tx, product_id, group_id).await?;
        let (users_affected, sample) = match existing {
            // Members already have access through this group.
            Some(_) => (0, Vec::new()),
            None => exclusive_members(&mut tx, product_id, group_id).await?,
        };
        let previous_role = existing.as_ref().map(|g| g.role);
        let now = now_millis();
        if !dry_run && previous_role != Some(role) {
            // Before the row: who had access, and which role, is still the old truth.
            let gain = match previous_role {
                None => Gain::Grant {
                    product_id,
                    group_id,
                    role: role.as_str(),
                },
                Some(_) => Gain::Role {
                    product_id,
                    group_id,
                    role: role.as_str(),
                },
            };
            granted(&mut tx, actor, gain).await?;
            sqlx::query(
                "INSERT INTO access_grants (site_product_id, group_id, org_id, role, is_default, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, FALSE, $5, $5) \
                 ON CONFLICT (site_product_id, group_id) DO UPDATE SET role = $4, updated_at = $5",
            )
            .bind(product_id)
            .bind(group_id)
            .bind(org_id)
            .bind(role.as_str())
            .bind(now)
            .execute_in(&mut tx)
            .await?;
            let label = format!("{group_name} → {product_name} on {site_name}");
            let mut change = Change::new("access.granted", "product", product_id, &label).after(
                json!({"groupId": group_id, "group": group_name, "role": role.as_str(),
                       "usersGainingAccess": users_affected}),
            );
            if let Some(before) = previous_role {
                change = change.before(json!({"groupId": group_id, "group": group_name,
                                              "role": before.as_str()}));
            }
            record(&mut tx, org_id, actor, change).await?;
        }
        let grant = match grant_row(&mut tx, product_id, group_id).await? {
            Some(g) => g,
            // A dry run of a new grant: what it would look like.
            None => {
                let info = sqlx::query(
                    "SELECT g.directory_id, d.name, g.member_count FROM groups g \
                     LEFT JOIN directories d ON d.id = g.directory_id WHERE g.id = $1",
                )
                .bind(group_id)
                .fetch_one_in(&mut tx)
                .await?;
                AccessGroup {
                    group_id: group_id.to_owned(),
                    group_name: group_name.clone(),
                    directory_id: info.try_get(0)?,
                    directory_name: info.try_get(1)?,
                    role,
                    is_default: false,
                    member_count: u64::try_from(info.try_get::<i64, _>(2)?).unwrap_or(0),
                    granted_at: rfc3339(now),
                }
            }
        };
        let grant = if dry_run {
            AccessGroup { role, ..grant }
        } else {
            grant
        };
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(AccessOutcome {
            grant,
            previous_role,
            users_affected,
            sample,
        })
    }

    /// Revokes a group's access to a product. With `dry_run` nothing is written; the answer
    /// says who would lose access.
    pub async fn revoke_access(
        &self,
        org_id: &str,
        actor: &Actor,
        site_id: &str,
        product_id: &str,
        group_id: &str,
        dry_run: bool,
    ) -> Result<AccessOutcome, ModelError> {
        let mut tx = self.begin().await?;
        let (site_name, product_name) = product_label(&mut tx, org_id, site_id, product_id)
            .await?
            .ok_or(ModelError::NotFound(Missing::Product))?;
        let grant = grant_row(&mut tx, product_id, group_id)
            .await?
            .ok_or(ModelError::NotFound(Missing::Grant))?;
        let (users_affected, sample) = exclusive_members(&mut tx, product_id, group_id).await?;
        if dry_run {
            tx.rollback().await?;
        } else {
            revoked(
                &mut tx,
                actor,
                Loss::Grant {
                    product_id,
                    group_id,
                },
            )
            .await?;
            sqlx::query("DELETE FROM access_grants WHERE site_product_id = $1 AND group_id = $2")
                .bind(product_id)
                .bind(group_id)
                .execute_in(&mut tx)
                .await?;
            let label = format!("{} → {product_name} on {site_name}", grant.group_name);
            let change = Change::new("access.revoked", "product", product_id, &label).before(
                json!({"groupId": group_id, "group": grant.group_name,
                       "role": grant.role.as_str(), "isDefault": grant.is_default,
                       "usersLosingAccess": users_affected}),
            );
            record(&mut tx, org_id, actor, change).await?;
            tx.commit().await?;
        }
        Ok(AccessOutcome {
            grant,
            previous_role: None,
            users_affected,
            sample,
        })
    }

    /// Makes a local group a default group of a product (granting it `user` access if it has
    /// none). A synced group is refused with an explanation.
    pub async fn set_default_group(
        &self,
        org_id: &str,
        actor: &Actor,
        site_id: &str,
        product_id: &str,
        group_id: &str,
    ) -> Result<(), ModelError> {
        let mut tx = self.begin().await?;
        let (site_name, product_name) = product_label(&mut tx, org_id, site_id, product_id)
            .await?
            .ok_or(ModelError::NotFound(Missing::Product))?;
        let (group_name, directory_id) = org_group(&mut tx, org_id, group_id).await?;
        if directory_id.is_some() {
            return Err(ModelError::SyncedDefaultGroup(group_name));
        }
        let existing = grant_row(&mut tx, product_id, group_id).await?;
        if existing.as_ref().is_some_and(|g| g.is_default) {
            return Ok(());
        }
        let now = now_millis();
        if existing.is_none() {
            let gain = Gain::Grant {
                product_id,
                group_id,
                role: AccessRole::User.as_str(),
            };
            granted(&mut tx, actor, gain).await?;
        }
        sqlx::query(
            "INSERT INTO access_grants (site_product_id, group_id, org_id, role, is_default, \
             created_at, updated_at) VALUES ($1, $2, $3, 'user', TRUE, $4, $4) \
             ON CONFLICT (site_product_id, group_id) DO UPDATE SET is_default = TRUE, \
             updated_at = $4",
        )
        .bind(product_id)
        .bind(group_id)
        .bind(org_id)
        .bind(now)
        .execute_in(&mut tx)
        .await?;
        let role = existing.as_ref().map_or(AccessRole::User, |g| g.role);
        let label = format!("{group_name} → {product_name} on {site_name}");
        let mut change = Change::new("default_group.set", "product", product_id, &label).after(
            json!({"groupId": group_id, "group": group_name, "role": role.as_str(),
                   "isDefault": true}),
        );
        if let Some(g) = existing {
            change = change.before(json!({"groupId": group_id, "group": group_name,
                                          "role": g.role.as_str(), "isDefault": false}));
        }
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stops a group being a default group of a product; its access stays.
    pub async fn unset_default_group(
        &self,
        org_id: &str,
        actor: &Actor,
        site_id: &str,
        product_id: &str,
        group_id: &str,
    ) -> Result<(), ModelError> {
        let mut tx = self.begin().await?;
        let (site_name, product_name) = product_label(&mut tx, org_id, site_id, product_id)
            .await?
            .ok_or(ModelError::NotFound(Missing::Product))?;
        let grant = grant_row(&mut tx, product_id, group_id)
            .await?
            .filter(|g| g.is_default)
            .ok_or(ModelError::NotFound(Missing::DefaultGroup))?;
        sqlx::query(
            "UPDATE access_grants SET is_default = FALSE, updated_at = $1 \
             WHERE site_product_id = $2 AND group_id = $3",
        )
        .bind(now_millis())
        .bind(product_id)
        .bind(group_id)
        .execute_in(&mut tx)
        .await?;
        let label = format!("{} → {product_name} on {site_name}", grant.group_name);
        let change = Change::new("default_group.unset", "product", product_id, &label)
            .before(json!({"groupId": group_id, "group": grant.group_name, "isDefault": true}))
            .after(json!({"groupId": group_id, "group": grant.group_name, "isDefault": false}));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One page of the active users with access to a product, by user id. Each granted
    /// group contributes at most one page of its members from an index range scan (member
    /// primary key, then the user by id); the union keeps the first page of ids, so a page
    /// costs O(groups × page), never O(members).
    pub async fn product_users(
        &self,
        product_id: &str,
        page: &PageRequest,
    ) -> Result<Page<ProductUser>, sqlx::Error> {
        let groups: Vec<String> = sqlx::query_scalar(
            "SELECT group_id FROM access_grants WHERE site_product_id = $1 ORDER BY group_id",
        )
        .bind(product_id)
        .fetch_all(&self.read)
        .await?;
        let desc = page.reversed();
        let (dir, op) = if desc { ("DESC", "<") } else { ("ASC", ">") };
        let limit = page.fetch_limit();
        let anchor = page.anchor().map(|a| a.id.clone());
        let mut rows = Vec::new();
        // Chunks keep the statement within both backends' limits; each chunk is one query.
        for chunk in groups.chunks(100) {
            let mut arms = Vec::with_capacity(chunk.len());
            // The anchor is $1 and comes first in the text, so placeholders are numbered in
            // the order they appear (SQLite assigns slots by first appearance).
            let after = if anchor.is_some() {
                format!("gm.user_id {op} $1 AND ")
            } else {
                String::new()
            };
            let first = if anchor.is_some() { 2 } else { 1 };
            for n in first..first + chunk.len() {
                arms.push(format!(
                    "SELECT * FROM (SELECT u.id, u.directory_id, u.user_name, u.display_name, \
                     u.primary_email FROM group_members gm JOIN users u ON u.id = gm.user_id \
                     WHERE {after}gm.group_id = ${n} AND u.active \
                     ORDER BY gm.user_id {dir} LIMIT {limit}) AS p{n}"
                ));
            }
            let sql = format!("{} ORDER BY id {dir} LIMIT {limit}", arms.join(" UNION "));
            let mut q = sqlx::query(&sql);
            if let Some(a) = &anchor {
                q = q.bind(a.clone());
            }
            for g in chunk {
                q = q.bind(g.as_str());
            }
            for row in q.fetch_all(&self.read).await? {
                rows.push(user_ref_from_row(&row)?);
            }
        }
        rows.sort_by(|a, b| {
            if desc {
                b.id.cmp(&a.id)
            } else {
                a.id.cmp(&b.id)
            }
        });
        rows.dedup_by(|a, b| a.id == b.id);
        rows.truncate(limit);
        let roles = self.product_roles(product_id, &rows).await?;
        let users: Vec<ProductUser> = rows
            .into_iter()
            .map(|u| ProductUser {
                role: roles
                    .iter()
                    .filter(|(id, _)| *id == u.id)
                    .map(|(_, r)| *r)
                    .max()
                    .unwrap_or_default(),
                id: u.id,
                directory_id: u.directory_id,
                user_name: u.user_name,
                display_name: u.display_name,
                email: u.email,
            })
            .collect();
        let mut result = page.finish(users, |u| Anchor {
            key: SortValue::Text(u.id.clone()),
            id: u.id.clone(),
        });
        result.total = Some(self.product_user_count(product_id).await?);
        Ok(result)
    }

    /// (user id, role) of every grant reaching the given users on the product.
    async fn product_roles(
        &self,
        product_id: &str,
        users: &[UserRef],
    ) -> Result<Vec<(String, AccessRole)>, sqlx::Error> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let params: Vec<String> = (2..users.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT gm.user_id, ag.role FROM access_grants ag \
             JOIN group_members gm ON gm.group_id = ag.group_id \
             WHERE ag.site_product_id = $1 AND gm.user_id IN ({})",
            params.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(product_id);
        for u in users {
            q = q.bind(u.id.as_str());
        }
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>(0)?,
                    AccessRole::parse(&r.try_get::<String, _>(1)?),
                ))
            })
            .collect()
    }
}
