//! Reading a directory's groups for the console: keyset-paged by displayName with prefix
//! search, one group, and a group's members paged through the `group_members` primary key
//! (groups can have 100k members; a page never loads more than it shows).
use roster_api_types::{
    directory::{GroupSummary, UserSummary},
    page::Page,
};
use sqlx::Row;

use crate::store::{
    db::paging::{Anchor, PageRequest, SortValue, Sql, COUNT_CAP},
    rows::{group_from_row, user_from_row, GROUP_COLUMNS, USER_COLUMNS},
    Store,
};

/// Cursor tag of group lists.
pub const GROUPS_TAG: &str = "groups";
/// Cursor tag of member lists.
pub const MEMBERS_TAG: &str = "members";

impl Store {
    /// One page of a directory's groups by displayName. `search` is a lower-cased prefix.
    pub async fn list_directory_groups(
        &self,
        directory_id: &str,
        search: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<GroupSummary>, sqlx::Error> {
        let desc = page.reversed();
        let dir = if desc { "DESC" } else { "ASC" };
        let mut sql = Sql::new(&format!(
            "SELECT {GROUP_COLUMNS}, display_name_lower FROM groups WHERE directory_id = "
        ));
        let d = sql.text(directory_id);
        sql.push(&d);
        if let Some(prefix) = search {
            sql.push_prefix_any(&["display_name_lower"], prefix);
        }
        if let Some(a) = page.anchor() {
            sql.push_after("display_name_lower", "id", desc, a);
        }
        sql.push(&format!(
            " ORDER BY display_name_lower {dir}, id {dir} LIMIT {}",
            page.fetch_limit()
        ));
        let rows = sql.query().fetch_all(&self.read).await?;
        let rows = rows
            .iter()
            .map(|r| {
                Ok((
                    group_from_row(r)?,
                    r.try_get::<String, _>("display_name_lower")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let result = page.finish(rows, |(g, key)| Anchor {
            key: SortValue::Text(key.clone()),
            id: g.id.clone(),
        });
        let total = match search {
            None => {
                let row = sqlx::query("SELECT group_count FROM directories WHERE id = $1")
                    .bind(directory_id)
                    .fetch_optional(&self.read)
                    .await?;
                let n: Option<i64> = row.map(|r| r.try_get("group_count")).transpose()?;
                n.map(|n| u64::try_from(n).unwrap_or(0))
            }
            Some(prefix) => {
                let mut sql = Sql::new(
                    "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM groups WHERE directory_id = ",
                );
                let d = sql.text(directory_id);
                sql.push(&d);
                sql.push_prefix_any(&["display_name_lower"], prefix);
                sql.push(&format!(" LIMIT {}) matches", COUNT_CAP + 1));
                let n: i64 = sql.query().fetch_one(&self.read).await?.try_get("n")?;
                (n <= COUNT_CAP).then(|| u64::try_from(n).unwrap_or(0))
            }
        };
        Ok(Page {
            items: result.items.into_iter().map(|(g, _)| g).collect(),
            total,
            next_cursor: result.next_cursor,
            prev_cursor: result.prev_cursor,
            feed_cursor: None,
        })
    }

    /// One group of a directory.
    pub async fn directory_group(
        &self,
        directory_id: &str,
        group_id: &str,
    ) -> Result<Option<GroupSummary>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {GROUP_COLUMNS} FROM groups WHERE directory_id = $1 AND id = $2"
        ))
        .bind(directory_id)
        .bind(group_id)
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(group_from_row).transpose()
    }

    /// One page of a group's members, by user id along the `group_members` primary key.
    /// `total` is the group's member counter.
    pub async fn list_group_members(
        &self,
        group_id: &str,
        member_count: u64,
        page: &PageRequest,
    ) -> Result<Page<UserSummary>, sqlx::Error> {
        let desc = page.reversed();
        let (dir, op) = if desc { ("DESC", "<") } else { ("ASC", ">") };
        let mut sql = Sql::new(&format!(
            "SELECT {USER_COLUMNS} FROM group_members JOIN users ON users.id = group_members.user_id \
             WHERE group_members.group_id = "
        ));
        let g = sql.text(group_id);
        sql.push(&g);
        if let Some(a) = page.anchor() {
            let i = sql.text(&a.id);
            sql.push(&format!(" AND group_members.user_id {op} {i}"));
        }
        sql.push(&format!(
            " ORDER BY group_members.user_id {dir} LIMIT {}",
            page.fetch_limit()
        ));
        let rows = sql.query().fetch_all(&self.read).await?;
        let users = rows
            .iter()
            .map(user_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let mut result = page.finish(users, |u| Anchor {
            key: SortValue::Null,
            id: u.id.clone(),
        });
        result.total = Some(member_count);
        Ok(result)
    }
}
