//! SQLite point reads on the calling thread.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every statement to it
//! over a channel: two thread switches per statement, which cost an index lookup many times
//! what the lookup itself does. The reads an IdP makes most (a user by id, a `userName eq`
//! lookup before each create) are index seeks of a few microseconds, so they run here, on
//! the caller's thread, through a small pool of `rusqlite` connections to the same file.
//!
//! Only bounded reads may come here: a statement blocks the async worker that runs it.
//! Scans (`co` searches, deep pages, big groups' members) stay on sqlx's threads. Rows come
//! back as sqlx [`AnyRow`]s typed as sqlx's SQLite driver types them (by the value's storage
//! class), so the callers' row mapping is the one the sqlx path uses.
use std::{path::PathBuf, sync::Arc, sync::Mutex};

use rusqlite::{types::ValueRef, Connection, OpenFlags};
use sqlx::{any::AnyRow, AnyPool};
// The row's parts are sqlx-core's semver-exempt fields: the version is pinned (`=0.8.6`)
// and the tests below decode rows the way the store's row mappers do.
use sqlx_core::{
    any::{AnyColumn, AnyTypeInfo, AnyTypeInfoKind, AnyValue, AnyValueKind},
    ext::ustr::UStr,
};

use super::{scim_filter::Bind, Store};

/// A borrowed parameter for a `$n` placeholder.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Text(&'a str),
    Int(i64),
    Bool(bool),
}

impl<'a> From<&'a Bind> for Param<'a> {
    fn from(bind: &'a Bind) -> Self {
        match bind {
            Bind::Text(s) => Param::Text(s),
            Bind::Int(i) => Param::Int(*i),
            Bind::Bool(b) => Param::Bool(*b),
        }
    }
}

/// Idle connections to one SQLite file. A connection is taken for one statement and put
/// back, so there are at most as many as threads that read at once.
pub struct InPlace {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// Most idle connections kept; more are opened under load and closed when returned.
const MAX_IDLE: usize = 8;

impl InPlace {
    pub fn new(path: PathBuf) -> InPlace {
        InPlace {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        // Read-write like sqlx's connections (a read-only connection cannot rebuild a WAL
        // index after a crash); only SELECTs run here. NO_MUTEX: one thread at a time.
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch("PRAGMA busy_timeout = 10000; PRAGMA query_only = ON;")?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    /// Runs one `SELECT` with `$n` parameters and returns its rows.
    pub fn fetch_all(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<AnyRow>, sqlx::Error> {
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open().map_err(driver_error)?,
        };
        let rows = fetch(&conn, sql, params).map_err(driver_error);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        rows
    }
}

/// Runs a bounded read in place when `inplace` is given, else on `pool`.
pub async fn fetch_all(
    pool: &AnyPool,
    inplace: Option<&InPlace>,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<AnyRow>, sqlx::Error> {
    if let Some(inplace) = inplace {
        return inplace.fetch_all(sql, params);
    }
    let mut query = sqlx::query(sql);
    for param in params {
        query = match *param {
            Param::Text(s) => query.bind(s),
            Param::Int(v) => query.bind(v),
            Param::Bool(b) => query.bind(b),
        };
    }
    query.fetch_all(pool).await
}

impl Store {
    /// A primary-key or unique-index lookup: in place on a SQLite file, else on the read pool.
    pub(super) async fn fetch_seek(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        fetch_all(&self.read, self.inplace.as_deref(), sql, params).await
    }
}

fn driver_error(err: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::AnyDriverError(Box::new(err))
}

fn fetch(conn: &Connection, sql: &str, params: &[Param<'_>]) -> rusqlite::Result<Vec<AnyRow>> {
    let mut stmt = conn.prepare_cached(sql)?;
    // `$n` names its argument; SQLite numbers parameters by first appearance.
    for i in 1..=stmt.parameter_count() {
        let n = stmt
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(i);
        match params.get(n - 1) {
            Some(Param::Text(s)) => stmt.raw_bind_parameter(i, s)?,
            Some(Param::Int(v)) => stmt.raw_bind_parameter(i, v)?,
            Some(Param::Bool(b)) => stmt.raw_bind_parameter(i, b)?,
            // As sqlx does: a parameter without an argument is NULL.
            None => stmt.raw_bind_parameter(i, rusqlite::types::Null)?,
        }
    }
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
                ValueRef::Text(t) => {
                    AnyValueKind::Text(String::from_utf8_lossy(t).into_owned().into())
                }
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

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use super::*;

    fn database() -> (tempfile::TempDir, InPlace) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; \
             CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT, flag BOOLEAN, note TEXT); \
             INSERT INTO t VALUES ('a', 1, 1, NULL), ('b', 2, 0, 'x');",
        )
        .unwrap();
        (dir, InPlace::new(path))
    }

    #[test]
    fn binds_dollar_parameters_by_number_not_position() {
        let (_dir, db) = database();
        // `$2` appears first, so SQLite numbers it 1.
        let rows = db
            .fetch_all(
                "SELECT id FROM t WHERE n = $2 AND id = $1",
                &[Param::Text("b"), Param::Int(2)],
            )
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].try_get::<String, _>("id").unwrap(), "b");
    }

    #[test]
    fn rows_decode_as_sqlx_sqlite_rows_do() {
        let (_dir, db) = database();
        let rows = db
            .fetch_all(
                "SELECT id, n, flag, note FROM t WHERE flag = $1 OR n > $2 ORDER BY id",
                &[Param::Bool(true), Param::Int(1)],
            )
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].try_get::<i64, _>("n").unwrap(), 1);
        assert_eq!(rows[0].try_get::<Option<String>, _>("note").unwrap(), None);
        assert_eq!(
            rows[1].try_get::<Option<String>, _>(3).unwrap().as_deref(),
            Some("x")
        );
        assert_eq!(rows[1].try_get::<i64, _>("flag").unwrap(), 0);
    }

    #[test]
    fn errors_are_errors_and_connections_are_reused() {
        let (_dir, db) = database();
        assert!(db.fetch_all("SELECT nope FROM t", &[]).is_err());
        assert!(db.fetch_all("DELETE FROM t", &[]).is_err(), "query_only");
        db.fetch_all("SELECT 1", &[]).unwrap();
        assert_eq!(db.idle.lock().unwrap().len(), 1);
    }
}
