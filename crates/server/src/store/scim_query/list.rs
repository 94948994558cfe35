//! Listing a directory's SCIM users or groups: a filter compiled to SQL ([`super::filter`]),
//! a count and a page, or, for a residual filter, one streamed pass through the core's
//! evaluator that counts and keeps the page.
use sqlx::{any::AnyRow, Row};

use crate::store::{
    scim_query::{bind_all, order_clause, ListQuery, StoredResource},
    Store,
};

/// The furthest end (`startIndex - 1 + count`) of a page read as a bounded walk.
const BOUNDED_PAGE_END: u64 = 10_000;

/// What [`Store::list_scim`] lists: a directory's users or groups.
pub(in crate::store) struct Listed {
    /// The table, aliased `alias`.
    pub table: &'static str,
    pub alias: &'static str,
    pub columns: &'static str,
    /// The directory's (`$1`) rows in all, from its counters: an unfiltered list's total
    /// without visiting every row.
    pub total: &'static str,
    pub from_row: fn(&AnyRow) -> Result<StoredResource, sqlx::Error>,
}

impl Store {
    /// Runs a list query in a directory: a count and a page, or, for residual filters, one pass
    /// that counts and keeps the page. An index seek (an IdP's `userName eq` lookup), a short
    /// page in id order and an unfiltered list's total are bounded reads (in place on SQLite);
    /// anything else is streamed from the read pool.
    pub(in crate::store) async fn list_scim(
        &self,
        listed: &Listed,
        directory_id: &str,
        q: &ListQuery,
        keep: impl Fn(&StoredResource) -> bool,
    ) -> Result<(u64, Vec<StoredResource>), sqlx::Error> {
        let Listed {
            table,
            alias,
            columns,
            from_row,
            ..
        } = *listed;
        let empty = Vec::new();
        let (cond, binds, residual) = match &q.filter {
            Some(f) => (f.sql.as_str(), &f.binds, f.residual),
            None => ("1 = 1", &empty, false),
        };
        let offset = q.start_index.saturating_sub(1);
        // An index seek is bounded whole. A page in id order and without a filter walks the
        // `(directory_id, id)` index for `offset + count` entries: bounded when that is (an IdP's
        // import walks /Users that way); its total is the directory's counters, one row.
        let seek = q.filter.as_ref().is_some_and(|f| f.seek);
        let walk = q.filter.is_none()
            && q.order_by.is_none()
            && offset.saturating_add(q.count) <= BOUNDED_PAGE_END;
        let order = order_clause(q, &format!("{alias}.id"));
        let where_ = format!("{alias}.directory_id = $1 AND {cond}");
        if residual {
            let sql = format!("SELECT {columns} FROM {table} WHERE {where_} {order}");
            let (mut total, mut page) = (0u64, Vec::new());
            let mut take = |r: StoredResource| {
                if keep(&r) {
                    if total >= offset && (page.len() as u64) < q.count {
                        page.push(r);
                    }
                    total += 1;
                }
            };
            let query = bind_all(sqlx::query(&sql).bind(directory_id), binds);
            self.for_each_read(query, seek, |row| {
                take(from_row(&row)?);
                Ok(())
            })
            .await?;
            return Ok((total, page));
        }
        let count = || async {
            let rows = if q.filter.is_none() {
                let query = sqlx::query(listed.total).bind(directory_id);
                self.fetch_read(query, true).await?
            } else {
                let count_sql = format!("SELECT COUNT(*) FROM {table} WHERE {where_}");
                let query = bind_all(sqlx::query(&count_sql).bind(directory_id), binds);
                self.fetch_read(query, seek).await?
            };
            let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
            Ok::<u64, sqlx::Error>(row.try_get::<i64, _>(0)? as u64)
        };
        if q.count == 0 {
            return Ok((count().await?, Vec::new()));
        }
        let n = binds.len() + 2;
        let sql = format!(
            "SELECT {columns} FROM {table} WHERE {where_} {order} LIMIT ${n} OFFSET ${}",
            n + 1
        );
        let query = bind_all(sqlx::query(&sql).bind(directory_id), binds)
            .bind(q.count as i64)
            .bind(offset as i64);
        let rows = self.fetch_read(query, seek || walk).await?;
        let page = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        // A page that is not full and starts inside the results ends them: the total is known
        // without counting. An IdP's lookup before each create (`userName eq`, 0 or 1 results)
        // is then one statement instead of two.
        let total = if (page.len() as u64) < q.count && (offset == 0 || !page.is_empty()) {
            offset + page.len() as u64
        } else {
            count().await?
        };
        Ok((total, page))
    }
}
