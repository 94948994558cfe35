//! What SCIM users and groups share in storage: the stored-row shape,
//! list parameters, and the helpers that page a filtered query.
pub mod filter;
pub mod list;

use serde_json::Value;
use sqlx::{any::AnyArguments, query::Query, Any};

use crate::store::scim_query::filter::{Bind, SqlFilter};

/// A stored SCIM resource: the normalised document and what the server adds to it.
#[derive(Debug, Clone)]
pub struct StoredResource {
    pub id: String,
    /// The normalised document, without `id`, `meta` or (for groups) `members`.
    pub doc: Value,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Groups only: the member count.
    pub member_count: i64,
}

impl StoredResource {
    /// A row just inserted: version 1, created and modified `now`.
    pub fn created(id: String, doc: &Value, now: i64, member_count: i64) -> StoredResource {
        StoredResource {
            id,
            doc: doc.clone(),
            version: 1,
            created_at: now,
            updated_at: now,
            member_count,
        }
    }
}

/// How to list: the compiled filter, order and window (SCIM `startIndex` is 1-based).
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub filter: Option<SqlFilter>,
    /// A SQL order expression from [`sort_column`]; the id always breaks ties.
    pub order_by: Option<&'static str>,
    pub descending: bool,
    pub start_index: u64,
    pub count: u64,
}

/// Binds compiled filter values onto a query.
pub fn bind_all<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    binds: &'q [Bind],
) -> Query<'q, Any, AnyArguments<'q>> {
    for b in binds {
        query = match b {
            Bind::Text(s) => query.bind(s.as_str()),
            Bind::Int(i) => query.bind(*i),
            Bind::Bool(v) => query.bind(*v),
        };
    }
    query
}

/// The ORDER BY clause for a list.
pub fn order_clause(q: &ListQuery, id_column: &str) -> String {
    let dir = if q.descending { "DESC" } else { "ASC" };
    match q.order_by {
        Some(expr) => format!("ORDER BY {expr} {dir}, {id_column} {dir}"),
        None => format!("ORDER BY {id_column} {dir}"),
    }
}

/// Parses a stored document; a corrupt one is an internal error, not a panic.
pub fn parse_doc(text: &str) -> Result<Value, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
