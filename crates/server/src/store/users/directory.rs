//! Reading a directory's provisioned users for the console: keyset-paged lists sorted by
//! userName, family name, email or creation time, prefix search, and one user with their
//! stored SCIM document and groups. Writes belong to the SCIM service.
//!
//! Sort keys are exactly the indexed expressions (`user_name_lower`, `lower(family_name)`,
//! `primary_email_lower`, `created_at`), so each page is an index range scan. Optional keys
//! are walked in two segments — non-NULL keys, then NULL keys by id — because the two
//! databases order NULLs differently; ascending puts users without the value last.
use roster_api_types::{
    directory::{GroupSummary, UserSort, UserSummary},
    page::Page,
};
use serde_json::Value;
use sqlx::Row;

use crate::store::{
    db::paging::{Anchor, PageRequest, SortValue, Sql, COUNT_CAP},
    rows::{group_from_row, user_from_row, GROUP_COLUMNS, USER_COLUMNS},
    Store,
};

/// The columns a search prefix is matched against, as indexed.
const SEARCH_COLUMNS: [&str; 4] = [
    "user_name_lower",
    "primary_email_lower",
    "lower(given_name)",
    "lower(family_name)",
];

/// A user and the stored parts of their SCIM resource.
#[derive(Debug)]
pub struct UserRecord {
    pub summary: UserSummary,
    /// The normalised SCIM document as stored (no `id` or `meta`).
    pub doc: Value,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub groups: Vec<GroupSummary>,
}

/// How a user list is ordered.
#[derive(Clone, Copy, Debug)]
pub struct UserOrder {
    pub sort: UserSort,
    pub desc: bool,
}

impl UserOrder {
    /// The SQL expression sorted on (an indexed expression).
    fn column(self) -> &'static str {
        match self.sort {
            UserSort::UserName => "user_name_lower",
            UserSort::Name => "lower(family_name)",
            UserSort::Email => "primary_email_lower",
            UserSort::Created => "created_at",
        }
    }

    fn nullable(self) -> bool {
        matches!(self.sort, UserSort::Name | UserSort::Email)
    }

    /// Names the listing in cursors, so a cursor of one order is not used for another.
    pub fn tag(self) -> String {
        let sort = match self.sort {
            UserSort::UserName => "userName",
            UserSort::Name => "name",
            UserSort::Email => "email",
            UserSort::Created => "created",
        };
        format!("users:{sort}:{}", if self.desc { "desc" } else { "asc" })
    }
}

/// Which part of the order a query reads: rows with a sort key, or (optional keys) without.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Segment {
    Keyed,
    Null,
}

impl Store {
    /// One page of a directory's users. `search` is a lower-cased prefix.
    pub async fn list_directory_users(
        &self,
        directory_id: &str,
        search: Option<&str>,
        order: UserOrder,
        page: &PageRequest,
    ) -> Result<Page<UserSummary>, sqlx::Error> {
        // A previous page walks the order backwards from its anchor.
        let desc = order.desc != page.reversed();
        let segments: &[Segment] = match (order.nullable(), desc) {
            (false, _) => &[Segment::Keyed],
            (true, false) => &[Segment::Keyed, Segment::Null],
            (true, true) => &[Segment::Null, Segment::Keyed],
        };
        let anchor = page.anchor();
        // Start in the anchor's segment; later segments are read whole (from their start).
        let start = match anchor.map(|a| &a.key) {
            None => 0,
            Some(SortValue::Null) => segments
                .iter()
                .position(|s| *s == Segment::Null)
                .unwrap_or(0),
            Some(_) => segments
                .iter()
                .position(|s| *s == Segment::Keyed)
                .unwrap_or(0),
        };
        let want = page.fetch_limit();
        let mut rows: Vec<(UserSummary, SortValue)> = Vec::with_capacity(want);
        for (i, segment) in segments.iter().enumerate().skip(start) {
            if rows.len() >= want {
                break;
            }
            let after = if i == start { anchor } else { None };
            let more = self
                .user_segment(
                    directory_id,
                    search,
                    order,
                    desc,
                    *segment,
                    after,
                    want - rows.len(),
                )
                .await?;
            rows.extend(more);
        }
        let mut result = page.finish(rows, |(u, key)| Anchor {
            key: key.clone(),
            id: u.id.clone(),
        });
        let total = match search {
            None => self.directory_user_total(directory_id).await?,
            Some(prefix) => self.count_user_matches(directory_id, prefix).await?,
        };
        Ok(Page {
            items: result.items.drain(..).map(|(u, _)| u).collect(),
            total,
            next_cursor: result.next_cursor,
            prev_cursor: result.prev_cursor,
            feed_cursor: None,
        })
    }

    /// Up to `limit` users of one segment, in `desc` order, after `anchor` when given.
    #[allow(clippy::too_many_arguments)]
    async fn user_segment(
        &self,
        directory_id: &str,
        search: Option<&str>,
        order: UserOrder,
        desc: bool,
        segment: Segment,
        anchor: Option<&Anchor>,
        limit: usize,
    ) -> Result<Vec<(UserSummary, SortValue)>, sqlx::Error> {
        let col = order.column();
        let dir = if desc { "DESC" } else { "ASC" };
        let mut sql = Sql::new(&format!(
            "SELECT {USER_COLUMNS}, {col} AS sort_key FROM users WHERE directory_id = "
        ));
        let d = sql.text(directory_id);
        sql.push(&d);
        if let Some(prefix) = search {
            sql.push_prefix_any(&SEARCH_COLUMNS, prefix);
        }
        match segment {
            Segment::Keyed => {
                sql.push(&format!(" AND {col} IS NOT NULL"));
                if let Some(a) = anchor {
                    sql.push_after(col, "id", desc, a);
                }
                sql.push(&format!(" ORDER BY {col} {dir}, id {dir}"));
            }
            Segment::Null => {
                sql.push(&format!(" AND {col} IS NULL"));
                if let Some(a) = anchor {
                    let op = if desc { "<" } else { ">" };
                    let i = sql.text(&a.id);
                    sql.push(&format!(" AND id {op} {i}"));
                }
                sql.push(&format!(" ORDER BY id {dir}"));
            }
        }
        sql.push(&format!(" LIMIT {limit}"));
        let rows = sql.query().fetch_all(&self.read).await?;
        rows.iter()
            .map(|r| {
                let key = match (segment, order.sort) {
                    (Segment::Null, _) => SortValue::Null,
                    (Segment::Keyed, UserSort::Created) => SortValue::Int(r.try_get("sort_key")?),
                    (Segment::Keyed, _) => {
                        SortValue::from(r.try_get::<Option<String>, _>("sort_key")?)
                    }
                };
                Ok((user_from_row(r)?, key))
            })
            .collect()
    }

    /// Active plus deactivated users, from the directory's counters.
    async fn directory_user_total(&self, directory_id: &str) -> Result<Option<u64>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT active_users + deactivated_users AS total FROM directories WHERE id = $1",
        )
        .bind(directory_id)
        .fetch_optional(&self.read)
        .await?;
        let total: Option<i64> = row.map(|r| r.try_get("total")).transpose()?;
        Ok(total.map(|t| u64::try_from(t).unwrap_or(0)))
    }

    /// How many users match a search, or `None` past [`COUNT_CAP`].
    async fn count_user_matches(
        &self,
        directory_id: &str,
        prefix: &str,
    ) -> Result<Option<u64>, sqlx::Error> {
        let mut sql =
            Sql::new("SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM users WHERE directory_id = ");
        let d = sql.text(directory_id);
        sql.push(&d);
        sql.push_prefix_any(&SEARCH_COLUMNS, prefix);
        sql.push(&format!(" LIMIT {}) matches", COUNT_CAP + 1));
        let n: i64 = sql.query().fetch_one(&self.read).await?.try_get("n")?;
        Ok((n <= COUNT_CAP).then(|| u64::try_from(n).unwrap_or(0)))
    }

    /// One user of a directory with their stored document and groups.
    pub async fn directory_user(
        &self,
        directory_id: &str,
        user_id: &str,
    ) -> Result<Option<UserRecord>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, doc, version FROM users WHERE directory_id = $1 AND id = $2"
        ))
        .bind(directory_id)
        .bind(user_id)
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let doc: String = row.try_get("doc")?;
        let doc: Value =
            serde_json::from_str(&doc).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        // Through the group_members(user_id) index: a user's groups, never a group's members.
        let groups = sqlx::query(&format!(
            "SELECT {GROUP_COLUMNS} FROM group_members JOIN groups ON groups.id = group_members.group_id \
             WHERE group_members.user_id = $1 ORDER BY groups.display_name_lower, groups.id"
        ))
        .bind(user_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(group_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(UserRecord {
            summary: user_from_row(&row)?,
            doc,
            version: row.try_get("version")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            groups,
        }))
    }
}
