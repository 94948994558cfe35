//! The events a change fans out to, one per user, each written by a single `INSERT … SELECT`
//! inside the change's transaction (granting a group of 100,000 writes its 100,000 events in
//! SQL). Every function runs *before* the change's own statement, while the rows it reads
//! still say what was true before.
//!
//! Access is effective access: an active user has access to a product when a group they are
//! a member of has a grant on it, with the highest role of those grants. `access.granted` is
//! written only for users who had no access before, and `access.revoked` only for users who
//! keep none, never for a user who keeps access through another group.
use crate::store::{
    audit::Actor,
    db::sqlite::AnyQuery,
    db::tx::{InTx, Tx},
    now_millis,
};

/// The columns every fanned-out event fills; the first five are `$1`–`$5` of [`stamp`].
const INSERT: &str = "INSERT INTO events (type, at, actor_type, actor_id, actor_label, org_id, \
     directory_id, user_id, user_label, user_email, group_id, group_label, site_id, site_label, \
     product_id, product_key, product_label, role) ";
const INSERT_MEMBERSHIP: &str = "INSERT INTO events (type, at, actor_type, actor_id, \
     actor_label, org_id, directory_id, user_id, user_label, user_email, group_id, group_label) ";

/// `$1`–`$5`: the event's type, time and actor. They come first in every statement's text, so
/// the statement's own parameters are `$6` on, numbered in the order they appear.
fn stamp<'q>(sql: &'q str, kind: &'static str, actor: &'q Actor) -> AnyQuery<'q> {
    sqlx::query(sql)
        .bind(kind)
        .bind(now_millis())
        .bind(actor.kind)
        .bind(actor.id.as_deref())
        .bind(actor.label.as_str())
}

/// `$first, $first+1, …` for `n` values.
fn list(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whose access a change takes away (or, for [`Gain`], gives).
#[derive(Clone, Copy, Debug)]
pub enum Loss<'a> {
    /// A group's grant on a product goes.
    Grant {
        product_id: &'a str,
        group_id: &'a str,
    },
    /// Every grant of a group goes (the group is deleted).
    Group(&'a str),
    /// Members leave a group (`None`: all of them).
    Members {
        group_id: &'a str,
        users: Option<&'a [&'a str]>,
    },
    /// A user is deactivated or deleted.
    User(&'a str),
    /// Every product of a site goes.
    Site(&'a str),
    /// A product goes from its site.
    Product(&'a str),
    /// A directory goes: its users, and its groups' grants.
    Directory(&'a str),
}

/// Whose access a change gives.
#[derive(Clone, Copy, Debug)]
pub enum Gain<'a> {
    /// A group is granted a product it had no grant on.
    Grant {
        product_id: &'a str,
        group_id: &'a str,
        role: &'a str,
    },
    /// A group's grant changes role: its members whose highest role changes by it are sent
    /// `access.granted` again, with the new role.
    Role {
        product_id: &'a str,
        group_id: &'a str,
        role: &'a str,
    },
    /// Users join a group.
    Members {
        group_id: &'a str,
        users: &'a [&'a str],
    },
    /// A user is reactivated.
    User(&'a str),
}

/// The (user, product, group, admin) paths of access, as `p`, for one statement.
const PATHS: &str = "SELECT gm.user_id AS user_id, ag.site_product_id AS product_id, \
     ag.group_id AS group_id, CASE WHEN ag.role = 'admin' THEN 1 ELSE 0 END AS admin \
     FROM access_grants ag JOIN group_members gm ON gm.group_id = ag.group_id";

/// Another path of access of `x`'s user to `x`'s product, meeting `cond`.
fn other_path(cond: &str) -> String {
    format!(
        "SELECT 1 FROM group_members o JOIN access_grants og ON og.group_id = o.group_id \
         WHERE o.user_id = x.user_id AND og.site_product_id = x.product_id AND {cond}"
    )
}

/// Writes one `kind` event per (user, product) of `paths` that meets `condition` (SQL over
/// `x`, `u`), with the role `role` (SQL; `x.admin` is 1 when a path grants admin).
#[allow(clippy::too_many_arguments)]
async fn fan_out(
    tx: &mut Tx<'_>,
    kind: &'static str,
    actor: &Actor,
    paths: &str,
    condition: &str,
    role: &str,
    active_only: bool,
    binds: &[&str],
) -> Result<u64, sqlx::Error> {
    let active = if active_only { " AND u.active" } else { "" };
    // One event per user and product: the group named is the first of those granting it,
    // the role the highest.
    let sql = format!(
        "{INSERT}SELECT $1, $2, $3, $4, $5, g.org_id, u.directory_id, u.id, u.user_name, \
         u.primary_email, g.id, g.display_name, sp.site_id, s.name, x.product_id, pt.key, \
         pt.name, {role} \
         FROM (SELECT p.user_id, p.product_id, MIN(p.group_id) AS group_id, \
               MAX(p.admin) AS admin FROM ({paths}) p GROUP BY p.user_id, p.product_id) x \
         JOIN users u ON u.id = x.user_id JOIN groups g ON g.id = x.group_id \
         JOIN site_products sp ON sp.id = x.product_id JOIN sites s ON s.id = sp.site_id \
         JOIN product_types pt ON pt.id = sp.product_type_id \
         WHERE 1 = 1{active}{condition} ORDER BY x.user_id, x.product_id"
    );
    let mut q = stamp(&sql, kind, actor);
    for b in binds {
        q = q.bind(*b);
    }
    Ok(q.execute_in(tx).await?.rows_affected())
}

/// The role of the paths themselves.
const PATH_ROLE: &str = "CASE WHEN x.admin = 1 THEN 'admin' ELSE 'user' END";

/// For a loss: `access.revoked` for users left with no path (`survivor` describes the paths
/// that stay; `None`: none stays), and `access.granted` with the role `user` for those who
/// lose their only admin path but keep access.
async fn lose(
    tx: &mut Tx<'_>,
    actor: &Actor,
    paths: &str,
    survivor: Option<&str>,
    active_only: bool,
    binds: &[&str],
) -> Result<u64, sqlx::Error> {
    let Some(survivor) = survivor else {
        return fan_out(
            tx,
            "access.revoked",
            actor,
            paths,
            "",
            PATH_ROLE,
            active_only,
            binds,
        )
        .await;
    };
    let gone = format!(" AND NOT EXISTS ({})", other_path(survivor));
    let n = fan_out(
        tx,
        "access.revoked",
        actor,
        paths,
        &gone,
        PATH_ROLE,
        active_only,
        binds,
    )
    .await?;
    let demoted = format!(
        " AND x.admin = 1 AND EXISTS ({}) AND NOT EXISTS ({})",
        other_path(survivor),
        other_path(&format!("{survivor} AND og.role = 'admin'"))
    );
    let role = "'user'";
    Ok(n + fan_out(
        tx,
        "access.granted",
        actor,
        paths,
        &demoted,
        role,
        active_only,
        binds,
    )
    .await?)
}

/// Whether a group grants any product: most groups an IdP syncs grant none, and a
/// membership change of those needs no access statement at all (one index probe instead).
async fn grants_any(tx: &mut Tx<'_>, group_id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query("SELECT 1 FROM access_grants WHERE group_id = $1 LIMIT 1")
        .bind(group_id)
        .scalar_optional_in(tx)
        .await?;
    Ok(found.is_some())
}

/// Writes `access.revoked` for every user who loses all access to a product by `loss`, and
/// `access.granted` with the lower role for those who keep access but lose admin.
pub async fn revoked(tx: &mut Tx<'_>, actor: &Actor, loss: Loss<'_>) -> Result<u64, sqlx::Error> {
    if let Loss::Members { group_id, .. } = loss {
        if !grants_any(tx, group_id).await? {
            return Ok(0);
        }
    }
    match loss {
        Loss::Grant {
            product_id,
            group_id,
        } => {
            let paths = format!("{PATHS} WHERE ag.site_product_id = $6 AND ag.group_id = $7");
            let other = Some("o.group_id <> $7");
            lose(tx, actor, &paths, other, true, &[product_id, group_id]).await
        }
        Loss::Group(group_id) => {
            let paths = format!("{PATHS} WHERE ag.group_id = $6");
            lose(
                tx,
                actor,
                &paths,
                Some("o.group_id <> $6"),
                true,
                &[group_id],
            )
            .await
        }
        Loss::Members { group_id, users } => {
            let mut binds = vec![group_id];
            let paths = match users {
                Some(users) => {
                    binds.extend_from_slice(users);
                    format!(
                        "{PATHS} WHERE ag.group_id = $6 AND gm.user_id IN ({})",
                        list(7, users.len())
                    )
                }
                None => format!("{PATHS} WHERE ag.group_id = $6"),
            };
            lose(tx, actor, &paths, Some("o.group_id <> $6"), true, &binds).await
        }
        Loss::User(user_id) => {
            let paths = format!("{PATHS} WHERE gm.user_id = $6");
            lose(tx, actor, &paths, None, false, &[user_id]).await
        }
        Loss::Site(site_id) => {
            let paths = format!(
                "{PATHS} JOIN site_products s ON s.id = ag.site_product_id WHERE s.site_id = $6"
            );
            lose(tx, actor, &paths, None, true, &[site_id]).await
        }
        Loss::Product(product_id) => {
            let paths = format!("{PATHS} WHERE ag.site_product_id = $6");
            lose(tx, actor, &paths, None, true, &[product_id]).await
        }
        Loss::Directory(directory_id) => {
            // The directory's users lose everything; others lose what its groups granted.
            let paths = format!(
                "{PATHS} JOIN groups dg ON dg.id = ag.group_id JOIN users du ON du.id = gm.user_id \
                 WHERE dg.directory_id = $6 OR du.directory_id = $6"
            );
            let other = Some(
                "u.directory_id <> $6 AND o.group_id NOT IN \
                 (SELECT id FROM groups WHERE directory_id = $6)",
            );
            lose(tx, actor, &paths, other, true, &[directory_id]).await
        }
    }
}

/// Writes `access.granted` for every user who gains access to a product, or whose highest
/// role on it changes.
pub async fn granted(tx: &mut Tx<'_>, actor: &Actor, gain: Gain<'_>) -> Result<u64, sqlx::Error> {
    const KIND: &str = "access.granted";
    if let Gain::Members { group_id, .. } = gain {
        if !grants_any(tx, group_id).await? {
            return Ok(0);
        }
    }
    // A path the user already has decides unless the new one raises them to admin.
    let new_access = format!(
        " AND NOT EXISTS ({})",
        other_path("(og.role = 'admin' OR x.admin = 0)")
    );
    let members = "SELECT gm.user_id AS user_id, $6 AS product_id, gm.group_id AS group_id, \
         CASE WHEN $7 = 'admin' THEN 1 ELSE 0 END AS admin \
         FROM group_members gm WHERE gm.group_id = $8";
    match gain {
        Gain::Grant {
            product_id,
            group_id,
            role,
        } => {
            let binds = [product_id, role, group_id];
            fan_out(
                tx,
                KIND,
                actor,
                members,
                &new_access,
                PATH_ROLE,
                true,
                &binds,
            )
            .await
        }
        Gain::Role {
            product_id,
            group_id,
            role,
        } => {
            // Another group granting admin decides the role whatever this grant says.
            let changed = format!(
                " AND NOT EXISTS ({})",
                other_path("o.group_id <> $8 AND og.role = 'admin'")
            );
            let binds = [product_id, role, group_id];
            fan_out(tx, KIND, actor, members, &changed, PATH_ROLE, true, &binds).await
        }
        Gain::Members { group_id, users } => {
            let paths = format!(
                "SELECT u0.id AS user_id, ag.site_product_id AS product_id, \
                 ag.group_id AS group_id, CASE WHEN ag.role = 'admin' THEN 1 ELSE 0 END AS admin \
                 FROM access_grants ag JOIN users u0 ON u0.id IN ({}) WHERE ag.group_id = ${}",
                list(6, users.len()),
                6 + users.len()
            );
            let mut binds = users.to_vec();
            binds.push(group_id);
            fan_out(
                tx,
                KIND,
                actor,
                &paths,
                &new_access,
                PATH_ROLE,
                true,
                &binds,
            )
            .await
        }
        Gain::User(user_id) => {
            let paths = format!("{PATHS} WHERE gm.user_id = $6");
            fan_out(tx, KIND, actor, &paths, "", PATH_ROLE, false, &[user_id]).await
        }
    }
}

/// Writes `group.member_added` for each of `users` not yet a member of the group.
pub async fn members_added(
    tx: &mut Tx<'_>,
    actor: &Actor,
    group_id: &str,
    users: &[&str],
) -> Result<u64, sqlx::Error> {
    let sql = format!(
        "{INSERT_MEMBERSHIP}SELECT $1, $2, $3, $4, $5, g.org_id, u.directory_id, u.id, \
         u.user_name, u.primary_email, g.id, g.display_name FROM groups g \
         JOIN users u ON g.id = $6 AND u.id IN ({}) \
         WHERE NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id \
         AND m.user_id = u.id) ORDER BY u.id",
        list(7, users.len())
    );
    let mut q = stamp(&sql, "group.member_added", actor).bind(group_id);
    for u in users {
        q = q.bind(*u);
    }
    Ok(q.execute_in(tx).await?.rows_affected())
}

/// Writes `group.member_removed` for each of `users` (`None`: every member) who is a member.
pub async fn members_removed(
    tx: &mut Tx<'_>,
    actor: &Actor,
    group_id: &str,
    users: Option<&[&str]>,
) -> Result<u64, sqlx::Error> {
    let among = users
        .map(|u| format!(" AND m.user_id IN ({})", list(7, u.len())))
        .unwrap_or_default();
    let sql = format!(
        "{INSERT_MEMBERSHIP}SELECT $1, $2, $3, $4, $5, g.org_id, u.directory_id, u.id, \
         u.user_name, u.primary_email, g.id, g.display_name FROM group_members m \
         JOIN groups g ON g.id = m.group_id JOIN users u ON u.id = m.user_id \
         WHERE m.group_id = $6{among} ORDER BY u.id"
    );
    let mut q = stamp(&sql, "group.member_removed", actor).bind(group_id);
    for u in users.unwrap_or_default() {
        q = q.bind(*u);
    }
    Ok(q.execute_in(tx).await?.rows_affected())
}
