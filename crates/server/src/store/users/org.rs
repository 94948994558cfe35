//! The organization's users across directories: the org-wide list with prefix search, one
//! user with their groups and effective access (the union over their groups' grants, only
//! while active), and whether a user is managed (primary email on a verified domain) or
//! external. The email domain column is written by the SCIM user writes, from
//! [`email_domain`].
use roster_api_types::{
    access::AccessRole,
    directory::UserSummary,
    org::{AccessSource, DirectoryRef, EffectiveAccess, Group, OrgUser, OrgUserDetail},
    page::Page,
};
use sqlx::{any::AnyRow, Row};

use crate::store::{
    db::paging::{Anchor, PageRequest, SortValue, Sql},
    db::timestamps::rfc3339,
    rows::{org_group_from_row, ORG_GROUP_SELECT},
    Store,
};

/// Cursor tag of the org-wide user list.
pub const ORG_USERS_TAG: &str = "org-users";

/// The domain of an email: lower-cased, after the last `@`.
pub fn email_domain(email: &str) -> Option<String> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('.').to_lowercase())
        .filter(|d| !d.is_empty())
}

/// `managed` as 0/1 for a row of `users u` joined with `directories d`.
const MANAGED: &str = "CAST(CASE WHEN EXISTS (SELECT 1 FROM domains dm \
     WHERE dm.org_id = d.org_id AND dm.name = u.primary_email_domain \
     AND dm.verified_at IS NOT NULL) THEN 1 ELSE 0 END AS BIGINT) AS managed";
const ACTIVE: &str = "CAST(CASE WHEN u.active THEN 1 ELSE 0 END AS BIGINT) AS active";

fn org_user_from_row(row: &AnyRow) -> Result<OrgUser, sqlx::Error> {
    Ok(OrgUser {
        id: row.try_get("id")?,
        directory_id: row.try_get("directory_id")?,
        directory_name: row.try_get("directory_name")?,
        user_name: row.try_get("user_name")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("primary_email")?,
        active: row.try_get::<i64, _>("active")? != 0,
        managed: row.try_get::<i64, _>("managed")? != 0,
    })
}

impl Store {
    /// One page of the organization's users by userName. `search` is a lower-cased prefix of
    /// userName or primary email.
    pub async fn list_org_users(
        &self,
        org_id: &str,
        search: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<OrgUser>, sqlx::Error> {
        let desc = page.reversed();
        let dir = if desc { "DESC" } else { "ASC" };
        let mut sql = Sql::new(&format!(
            "SELECT u.id, u.directory_id, d.name AS directory_name, u.user_name, \
             u.user_name_lower, u.display_name, u.primary_email, {ACTIVE}, {MANAGED} \
             FROM users u JOIN directories d ON d.id = u.directory_id WHERE d.org_id = "
        ));
        let o = sql.text(org_id);
        sql.push(&o);
        if let Some(prefix) = search {
            sql.push_prefix_any(&["u.user_name_lower", "u.primary_email_lower"], prefix);
        }
        if let Some(a) = page.anchor() {
            sql.push_after("u.user_name_lower", "u.id", desc, a);
        }
        sql.push(&format!(
            " ORDER BY u.user_name_lower {dir}, u.id {dir} LIMIT {}",
            page.fetch_limit()
        ));
        let rows = sql.query().fetch_all(&self.read).await?;
        let rows = rows
            .iter()
            .map(|r| {
                Ok((
                    org_user_from_row(r)?,
                    r.try_get::<String, _>("user_name_lower")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let result = page.finish(rows, |(u, key)| Anchor {
            key: SortValue::Text(key.clone()),
            id: u.id.clone(),
        });
        Ok(Page {
            items: result.items.into_iter().map(|(u, _)| u).collect(),
            total: None,
            next_cursor: result.next_cursor,
            prev_cursor: result.prev_cursor,
            feed_cursor: None,
        })
    }

    /// Whether `user_id` is a user of one of the organization's directories.
    pub async fn user_in_org(&self, org_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
        let row = sqlx::query(
            "SELECT u.id FROM users u JOIN directories d ON d.id = u.directory_id \
             WHERE u.id = $1 AND d.org_id = $2",
        )
        .bind(user_id)
        .bind(org_id)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.is_some())
    }

    /// One of the organization's users: profile, directory, managed or external, groups and
    /// effective access.
    pub async fn org_user(
        &self,
        org_id: &str,
        user_id: &str,
    ) -> Result<Option<OrgUserDetail>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT u.id, u.directory_id, d.name AS directory_name, u.user_name, \
             u.display_name, u.given_name, u.family_name, u.primary_email, u.external_id, \
             u.primary_email_domain, u.created_at, u.updated_at, {ACTIVE}, {MANAGED} \
             FROM users u JOIN directories d ON d.id = u.directory_id \
             WHERE u.id = $1 AND d.org_id = $2"
        ))
        .bind(user_id)
        .bind(org_id)
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let active = row.try_get::<i64, _>("active")? != 0;
        let user = UserSummary {
            id: row.try_get("id")?,
            directory_id: row.try_get("directory_id")?,
            user_name: row.try_get("user_name")?,
            display_name: row.try_get("display_name")?,
            given_name: row.try_get("given_name")?,
            family_name: row.try_get("family_name")?,
            email: row.try_get("primary_email")?,
            external_id: row.try_get("external_id")?,
            active,
            created_at: rfc3339(row.try_get("created_at")?),
            updated_at: rfc3339(row.try_get("updated_at")?),
        };
        let groups = sqlx::query(&format!(
            "{ORG_GROUP_SELECT} JOIN group_members gm ON gm.group_id = g.id \
             WHERE gm.user_id = $1 ORDER BY g.display_name_lower, g.id"
        ))
        .bind(user_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(org_group_from_row)
        .collect::<Result<Vec<Group>, _>>()?;
        let access = if active {
            self.effective_access(user_id).await?
        } else {
            Vec::new()
        };
        Ok(Some(OrgUserDetail {
            directory: DirectoryRef {
                id: user.directory_id.clone(),
                name: row.try_get("directory_name")?,
            },
            managed: row.try_get::<i64, _>("managed")? != 0,
            email_domain: row.try_get("primary_email_domain")?,
            user,
            groups,
            access,
        }))
    }

    /// A user's access per product with the groups granting it: one join from the user's
    /// memberships through the grants of those groups (regardless of `active`; the caller
    /// decides).
    pub async fn effective_access(
        &self,
        user_id: &str,
    ) -> Result<Vec<EffectiveAccess>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT s.id AS site_id, s.name AS site_name, s.url AS site_url, \
             sp.id AS product_id, pt.key AS product_key, pt.name AS product_name, \
             ag.role, g.id AS group_id, g.display_name AS group_name \
             FROM group_members gm \
             JOIN access_grants ag ON ag.group_id = gm.group_id \
             JOIN groups g ON g.id = gm.group_id \
             JOIN site_products sp ON sp.id = ag.site_product_id \
             JOIN sites s ON s.id = sp.site_id \
             JOIN product_types pt ON pt.id = sp.product_type_id \
             WHERE gm.user_id = $1 \
             ORDER BY s.name_lower, s.id, pt.name_lower, sp.id, g.display_name_lower, g.id",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?;
        let mut out: Vec<EffectiveAccess> = Vec::new();
        for r in &rows {
            let product_id: String = r.try_get("product_id")?;
            let source = AccessSource {
                group_id: r.try_get("group_id")?,
                group_name: r.try_get("group_name")?,
                role: AccessRole::parse(&r.try_get::<String, _>("role")?),
            };
            // Rows of one product are adjacent (ordered by product within site).
            match out.last_mut().filter(|a| a.product_id == product_id) {
                Some(access) => {
                    access.role = access.role.max(source.role);
                    access.granted_by.push(source);
                }
                None => out.push(EffectiveAccess {
                    site_id: r.try_get("site_id")?,
                    site_name: r.try_get("site_name")?,
                    site_url: r.try_get("site_url")?,
                    product_id,
                    product_key: r.try_get("product_key")?,
                    product_name: r.try_get("product_name")?,
                    role: source.role,
                    granted_by: vec![source],
                }),
            }
        }
        Ok(out)
    }
}
