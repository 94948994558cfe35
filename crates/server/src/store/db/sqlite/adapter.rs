//! rusqlite under sqlx's types: queries built with sqlx's binders run on a rusqlite
//! connection, and rows come back as sqlx [`AnyRow`]s typed as sqlx's SQLite driver types
//! them (by the value's storage class), so callers' SQL and row mapping are the sqlx path's.
use std::sync::Arc;

use rusqlite::{types::ValueRef, Connection, Statement};
use sqlx::{any::AnyRow, Execute};
// The row's and arguments' parts are sqlx-core's semver-exempt fields: the version is pinned
// (`=0.8.6`) and the tests decode rows the way the store's row mappers do.
use sqlx_core::{
    any::{AnyColumn, AnyTypeInfo, AnyTypeInfoKind, AnyValue, AnyValueKind},
    ext::ustr::UStr,
};

use super::AnyQuery;

pub(super) fn driver_error(err: rusqlite::Error) -> sqlx::Error {
    match err {
        rusqlite::Error::SqliteFailure(code, message) => {
            sqlx::Error::Database(Box::new(DatabaseError {
                code,
                message: message.unwrap_or_else(|| code.to_string()),
            }))
        }
        other => sqlx::Error::AnyDriverError(Box::new(other)),
    }
}

pub(super) fn arguments<'q>(
    query: &mut AnyQuery<'q>,
) -> Result<Vec<AnyValueKind<'q>>, sqlx::Error> {
    Ok(query
        .take_arguments()
        .map_err(sqlx::Error::Encode)?
        .map(|args| args.values.0)
        .unwrap_or_default())
}

/// Binds `$n` parameters by their number: SQLite numbers parameters by first appearance.
pub(super) fn bind(stmt: &mut Statement<'_>, args: &[AnyValueKind<'_>]) -> rusqlite::Result<()> {
    for i in 1..=stmt.parameter_count() {
        let n = stmt
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(i);
        match args.get(n - 1) {
            Some(AnyValueKind::Bool(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(AnyValueKind::SmallInt(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(AnyValueKind::Integer(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(AnyValueKind::BigInt(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(AnyValueKind::Real(v)) => stmt.raw_bind_parameter(i, f64::from(*v))?,
            Some(AnyValueKind::Double(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(AnyValueKind::Text(v)) => stmt.raw_bind_parameter(i, v.as_ref())?,
            Some(AnyValueKind::Blob(v)) => stmt.raw_bind_parameter(i, v.as_ref())?,
            // As sqlx does: a parameter without an argument (or a NULL) is NULL.
            _ => stmt.raw_bind_parameter(i, rusqlite::types::Null)?,
        }
    }
    Ok(())
}

pub(super) fn fetch(
    conn: &Connection,
    mut query: AnyQuery<'_>,
) -> Result<Vec<AnyRow>, sqlx::Error> {
    let args = arguments(&mut query)?;
    let mut stmt = conn.prepare_cached(query.sql()).map_err(driver_error)?;
    bind(&mut stmt, &args).map_err(driver_error)?;
    rows(stmt).map_err(driver_error)
}

/// The statement's rows, typed by each value's storage class as sqlx's SQLite driver does.
fn rows(mut stmt: rusqlite::CachedStatement<'_>) -> rusqlite::Result<Vec<AnyRow>> {
    let columns: Vec<AnyColumn> = stmt
        .column_names()
        .into_iter()
        .enumerate()
        .map(|(ordinal, name)| AnyColumn {
            ordinal,
            name: UStr::new(name),
            type_info: AnyTypeInfo {
                kind: AnyTypeInfoKind::Null,
            },
        })
        .collect();
    let names: Arc<sqlx_core::HashMap<UStr, usize>> = Arc::new(
        columns
            .iter()
            .map(|c| (c.name.clone(), c.ordinal))
            .collect(),
    );
    let mut out = Vec::new();
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(columns.len());
        for i in 0..columns.len() {
            let kind = match row.get_ref(i)? {
                ValueRef::Null => AnyValueKind::Null(AnyTypeInfoKind::Null),
                ValueRef::Integer(v) => AnyValueKind::BigInt(v),
                ValueRef::Real(v) => AnyValueKind::Double(v),
                // SQLite text is UTF-8 unless written as bytes; validating is the fast path.
                ValueRef::Text(t) => AnyValueKind::Text(match std::str::from_utf8(t) {
                    Ok(text) => text.to_owned().into(),
                    Err(_) => String::from_utf8_lossy(t).into_owned().into(),
                }),
                ValueRef::Blob(b) => AnyValueKind::Blob(b.to_vec().into()),
            };
            values.push(AnyValue { kind });
        }
        out.push(AnyRow {
            column_names: names.clone(),
            columns: columns.clone(),
            values,
        });
    }
    Ok(out)
}

/// A SQLite error in sqlx's form, so callers classify it as they do sqlx's own
/// (`is_unique_violation`).
#[derive(Debug)]
struct DatabaseError {
    code: rusqlite::ffi::Error,
    message: String,
}

impl std::fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DatabaseError {}

impl sqlx::error::DatabaseError for DatabaseError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
        Some(self.code.extended_code.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        use sqlx::error::ErrorKind;
        match self.code.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}
