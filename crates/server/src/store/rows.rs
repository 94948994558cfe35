//! Rows that several concepts read the same way: a directory's user and group summaries,
//! and the organization's groups. Each mapper sits beside the columns it reads.
use roster_api_types::{
    directory::{GroupSummary, UserSummary},
    org::{Group, GroupKind},
};
use sqlx::{any::AnyRow, Row};

use crate::store::db::timestamps::rfc3339;

/// The columns of a [`UserSummary`], unqualified (they are unambiguous in the joins used).
/// `active` is read as an integer: the `Any` driver cannot decode SQLite's BOOLEAN.
pub(in crate::store) const USER_COLUMNS: &str =
    "id, directory_id, user_name, display_name, given_name, \
     family_name, primary_email, external_id, \
     CAST(CASE WHEN active THEN 1 ELSE 0 END AS BIGINT) AS active, created_at, updated_at";

/// A summary row, read by column name.
pub(in crate::store) fn user_from_row(row: &AnyRow) -> Result<UserSummary, sqlx::Error> {
    Ok(UserSummary {
        id: row.try_get("id")?,
        directory_id: row.try_get("directory_id")?,
        user_name: row.try_get("user_name")?,
        display_name: row.try_get("display_name")?,
        given_name: row.try_get("given_name")?,
        family_name: row.try_get("family_name")?,
        email: row.try_get("primary_email")?,
        external_id: row.try_get("external_id")?,
        active: row.try_get::<i64, _>("active")? != 0,
        created_at: rfc3339(row.try_get("created_at")?),
        updated_at: rfc3339(row.try_get("updated_at")?),
    })
}

/// The columns of a [`GroupSummary`], unqualified (they are unambiguous in the joins used).
pub(in crate::store) const GROUP_COLUMNS: &str =
    "id, directory_id, display_name, external_id, member_count, created_at, updated_at";

/// A summary row, read by column name.
pub(in crate::store) fn group_from_row(row: &AnyRow) -> Result<GroupSummary, sqlx::Error> {
    let members: i64 = row.try_get("member_count")?;
    Ok(GroupSummary {
        id: row.try_get("id")?,
        directory_id: row.try_get("directory_id")?,
        display_name: row.try_get("display_name")?,
        external_id: row.try_get("external_id")?,
        member_count: u64::try_from(members).unwrap_or(0),
        created_at: rfc3339(row.try_get("created_at")?),
        updated_at: rfc3339(row.try_get("updated_at")?),
    })
}

/// Selects a [`Group`] from `groups g`; append joins and a WHERE clause.
pub(in crate::store) const ORG_GROUP_SELECT: &str =
    "SELECT g.id, g.display_name, g.display_name_lower, \
     g.directory_id, d.name AS directory_name, g.member_count, g.created_at, g.updated_at \
     FROM groups g LEFT JOIN directories d ON d.id = g.directory_id";

pub(in crate::store) fn org_group_from_row(row: &AnyRow) -> Result<Group, sqlx::Error> {
    let directory_id: Option<String> = row.try_get("directory_id")?;
    Ok(Group {
        id: row.try_get("id")?,
        name: row.try_get("display_name")?,
        kind: if directory_id.is_some() {
            GroupKind::Synced
        } else {
            GroupKind::Local
        },
        directory_id,
        directory_name: row.try_get("directory_name")?,
        member_count: u64::try_from(row.try_get::<i64, _>("member_count")?).unwrap_or(0),
        created_at: rfc3339(row.try_get("created_at")?),
        updated_at: rfc3339(row.try_get("updated_at")?),
    })
}
