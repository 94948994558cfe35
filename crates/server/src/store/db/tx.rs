//! One write transaction, whichever executor runs it, so each write is written once: a body
//! over `&mut Tx` that [`write_once!`] runs.
//!
//! On a SQLite file a write runs in place ([`super::sqlite`]): on the caller's thread, in the
//! group commit, where a statement costs an index seek and no thread switch. Everywhere else
//! (PostgreSQL, SQLite in memory) it runs in a sqlx transaction. A write whose work grows
//! with its input (a replacement of a big group's members) asks to leave the thread with
//! [`Tx::bounded`]: in place that fails with [`TooBig`], the attempt is rolled back, and
//! [`write_once!`] runs the same body again on sqlx. That is the one hand-over rule. The
//! admin's writes, off the IdP's hot path, begin a sqlx transaction themselves
//! ([`Store::begin`]) and share every statement helper with the hot writes through `Tx`.
//!
//! `Tx` is an enum, not a trait: the two executors are known at compile time, a write is one
//! body rather than one per executor, and a match per statement costs nothing beside the
//! statement.
use futures_util::{FutureExt, TryStreamExt};
use sqlx::{
    any::{AnyQueryResult, AnyRow},
    Any, Row, Transaction,
};

use super::{
    backend::Backend,
    sqlite::{AnyQuery, WriteTx},
};
use crate::store::Store;

/// The transaction a write runs in.
pub enum Tx<'t> {
    /// SQLite on the calling thread: every statement is done when its call returns.
    InPlace(WriteTx<'t>),
    /// A sqlx transaction: PostgreSQL, SQLite in memory, and writes too big to run in place.
    Sqlx(Transaction<'static, Any>),
}

/// Most rows a write in place may touch: it blocks its thread meanwhile.
const IN_PLACE_WORK: usize = 1_000;

/// A write in place found its work unbounded; it is rerun on sqlx.
#[derive(Debug, Clone, Copy)]
pub struct TooBig;

/// What a write's error must say besides its own reasons: database errors, and the hand-over.
pub trait WriteFailure: From<sqlx::Error> + From<TooBig> {
    fn is_too_big(&self) -> bool;
}

impl Tx<'_> {
    /// Commits a transaction begun with [`Store::begin`]. In place the executor commits.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::InPlace(_) => Ok(()),
            Tx::Sqlx(tx) => {
                tx.commit().await?;
                crate::store::db::commits::committed();
                Ok(())
            }
        }
    }

    /// [`Self::commit`] for bookkeeping that writes no event (webhook delivery state): long
    /// polls and the webhook worker are not woken by it, so the worker's own writes never
    /// wake it again.
    pub async fn commit_quietly(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::InPlace(_) => Ok(()),
            Tx::Sqlx(tx) => tx.commit().await,
        }
    }

    /// The database behind a sqlx transaction; `None` in place.
    pub fn sqlx_backend(&mut self) -> Option<Backend> {
        match self {
            Tx::InPlace(_) => None,
            Tx::Sqlx(tx) => Some(match tx.backend_name() {
                "PostgreSQL" => Backend::Postgres,
                _ => Backend::Sqlite,
            }),
        }
    }

    /// Rolls back a transaction begun with [`Store::begin`] (a dry run).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::InPlace(_) => Ok(()),
            Tx::Sqlx(tx) => tx.rollback().await,
        }
    }

    /// Fails with [`TooBig`] in place when the write is about to touch `rows` rows (or an
    /// unknown number, `usize::MAX`) beyond what a blocked thread may.
    pub fn bounded(&self, rows: usize) -> Result<(), TooBig> {
        match self {
            Tx::InPlace(_) if rows > IN_PLACE_WORK => Err(TooBig),
            _ => Ok(()),
        }
    }

    pub async fn fetch_all(&mut self, query: AnyQuery<'_>) -> Result<Vec<AnyRow>, sqlx::Error> {
        match self {
            Tx::InPlace(tx) => tx.fetch_all(query),
            Tx::Sqlx(tx) => query.fetch_all(&mut **tx).await,
        }
    }

    /// The first row, if any.
    pub async fn fetch_optional(
        &mut self,
        query: AnyQuery<'_>,
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        match self {
            Tx::InPlace(tx) => Ok(tx.fetch_all(query)?.into_iter().next()),
            Tx::Sqlx(tx) => query.fetch_optional(&mut **tx).await,
        }
    }

    pub async fn fetch_one(&mut self, query: AnyQuery<'_>) -> Result<AnyRow, sqlx::Error> {
        self.fetch_optional(query)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Every row, one at a time: streamed on sqlx, so a long result is never held at once.
    pub async fn for_each(
        &mut self,
        query: AnyQuery<'_>,
        mut each: impl FnMut(AnyRow) -> Result<(), sqlx::Error>,
    ) -> Result<(), sqlx::Error> {
        match self {
            Tx::InPlace(tx) => tx.fetch_all(query)?.into_iter().try_for_each(each),
            Tx::Sqlx(tx) => {
                let mut rows = query.fetch(&mut **tx);
                while let Some(row) = rows.try_next().await? {
                    each(row)?;
                }
                Ok(())
            }
        }
    }

    /// Runs `query`; its result says how many rows it changed.
    pub async fn execute(&mut self, query: AnyQuery<'_>) -> Result<AnyQueryResult, sqlx::Error> {
        match self {
            Tx::InPlace(tx) => Ok(AnyQueryResult {
                rows_affected: tx.execute(query)?,
                last_insert_id: None,
            }),
            Tx::Sqlx(tx) => query.execute(&mut **tx).await,
        }
    }

    /// Takes the write lock of one row of `table` before the transaction reads it, so
    /// concurrent writers of a resource queue here and each sees the one before it instead
    /// of all but one failing on the version. A no-op `UPDATE`, since SQLite lacks
    /// `SELECT … FOR UPDATE`; in place there is one writer and nothing to wait for. Returns
    /// false when the row does not exist (in place: true, the read that follows tells).
    pub async fn lock_row(
        &mut self,
        table: &str,
        directory_id: &str,
        id: &str,
    ) -> Result<bool, sqlx::Error> {
        if let Tx::InPlace(_) = self {
            return Ok(true);
        }
        let sql =
            format!("UPDATE {table} SET version = version WHERE directory_id = $1 AND id = $2");
        let locked = self
            .execute(sqlx::query(&sql).bind(directory_id).bind(id))
            .await?;
        Ok(locked.rows_affected() > 0)
    }
}

/// sqlx's own call shape for a [`Tx`]: `query.execute_in(&mut tx)` as
/// `query.execute(&mut *tx)`.
pub trait InTx: Sized + Send {
    fn execute_in(
        self,
        tx: &mut Tx<'_>,
    ) -> impl std::future::Future<Output = Result<AnyQueryResult, sqlx::Error>> + Send;
    fn fetch_all_in(
        self,
        tx: &mut Tx<'_>,
    ) -> impl std::future::Future<Output = Result<Vec<AnyRow>, sqlx::Error>> + Send;
    fn fetch_optional_in(
        self,
        tx: &mut Tx<'_>,
    ) -> impl std::future::Future<Output = Result<Option<AnyRow>, sqlx::Error>> + Send;
    fn fetch_one_in(
        self,
        tx: &mut Tx<'_>,
    ) -> impl std::future::Future<Output = Result<AnyRow, sqlx::Error>> + Send;

    /// The first column of the one row, as `sqlx::query_scalar(…).fetch_one` reads it.
    fn scalar_one_in<T: Scalar>(
        self,
        tx: &mut Tx<'_>,
    ) -> impl std::future::Future<Output = Result<T, sqlx::Error>> + Send {
        async move { self.fetch_one_in(tx).await?.try_get(0) }
    }

    /// The first column of the first row, if there is one.
    fn scalar_optional_in<T: Scalar>(
        self,
        tx: &mut Tx<'_>,
    ) -> impl std::future::Future<Output = Result<Option<T>, sqlx::Error>> + Send {
        async move {
            match self.fetch_optional_in(tx).await? {
                Some(row) => Ok(Some(row.try_get(0)?)),
                None => Ok(None),
            }
        }
    }

    /// The first column of every row.
    fn scalars_in<T: Scalar>(
        self,
        tx: &mut Tx<'_>,
    ) -> impl std::future::Future<Output = Result<Vec<T>, sqlx::Error>> + Send {
        async move {
            let rows = self.fetch_all_in(tx).await?;
            rows.iter().map(|row| row.try_get(0)).collect()
        }
    }
}

/// A column value [`InTx`]'s scalar reads decode.
pub trait Scalar: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> + Send {}

impl<T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> + Send> Scalar for T {}

impl InTx for AnyQuery<'_> {
    async fn execute_in(self, tx: &mut Tx<'_>) -> Result<AnyQueryResult, sqlx::Error> {
        tx.execute(self).await
    }

    async fn fetch_all_in(self, tx: &mut Tx<'_>) -> Result<Vec<AnyRow>, sqlx::Error> {
        tx.fetch_all(self).await
    }

    async fn fetch_optional_in(self, tx: &mut Tx<'_>) -> Result<Option<AnyRow>, sqlx::Error> {
        tx.fetch_optional(self).await
    }

    async fn fetch_one_in(self, tx: &mut Tx<'_>) -> Result<AnyRow, sqlx::Error> {
        tx.fetch_one(self).await
    }
}

impl Store {
    /// A sqlx transaction for a write off the IdP's hot path (the admin's writes): it shares
    /// every statement helper with the hot writes through [`Tx`], and ends with
    /// [`Tx::commit`] (dropped, it rolls back).
    pub(in crate::store) async fn begin(&self) -> Result<Tx<'static>, sqlx::Error> {
        Ok(Tx::Sqlx(self.write.begin().await?))
    }

    /// The attempt in place of a write of [`write_once!`]: `None` when there is no
    /// writer in place (PostgreSQL, SQLite in memory) or the write was [`TooBig`] for it.
    pub(in crate::store) async fn write_in_place<T, E: WriteFailure>(
        &self,
        write: impl FnOnce(WriteTx<'_>) -> Result<T, E> + Send,
    ) -> Option<Result<T, E>> {
        match self.inplace.as_deref()?.write(&self.write, write).await {
            Err(err) if err.is_too_big() => None,
            done => {
                if done.is_ok() {
                    crate::store::db::commits::committed();
                }
                Some(done)
            }
        }
    }
}

/// Finishes a write's future in place: nothing there waits, so one poll runs it to the end;
/// a write that would wait on something else is rerun where waiting is allowed.
pub fn poll_in_place<T, E: From<TooBig>>(
    write: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    write.now_or_never().unwrap_or(Err(E::from(TooBig)))
}

/// Runs a write's body, written once over `$tx: &mut Tx`, as one transaction: committed when
/// it evaluates to `Ok` and rolled back when it fails; in place on a SQLite file, else in a
/// sqlx transaction, and there again when the attempt in place was [`TooBig`] (which wrote
/// nothing). The body may therefore run twice. A macro rather than a function over an async
/// closure: the body is then a plain async block whose future the compiler can see is
/// `Send`, which it cannot yet prove for an async closure's future at every lifetime.
macro_rules! write_once {
    ($store:expr, |$tx:ident| -> $out:ty $body:block) => {{
        let store: &$crate::store::Store = $store;
        let in_place = store
            .write_in_place(|tx| {
                let mut tx = $crate::store::db::tx::Tx::InPlace(tx);
                let $tx = &mut tx;
                $crate::store::db::tx::poll_in_place(async $body)
            })
            .await;
        let done: $out = match in_place {
            Some(done) => done,
            None => {
                async {
                    let mut tx = store.begin().await?;
                    let value = {
                        let $tx = &mut tx;
                        let value: $out = async $body.await;
                        value?
                    };
                    tx.commit().await?;
                    Ok(value)
                }
                .await
            }
        };
        done
    }};
}
pub(crate) use write_once;

#[cfg(test)]
mod tests {
    use roster_scim::{parse_group, parse_user, GroupFields, MemberChange, UserFields};
    use serde_json::json;

    use crate::store::{error::WriteError, Store};

    /// A store on a SQLite file (so writes run in place) with one directory.
    async fn store() -> (tempfile::TempDir, Store, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/r.db", dir.path().display()))
            .await
            .unwrap();
        store.bootstrap("Org", "a@example.com", "x").await.unwrap();
        let org = store.organization().await.unwrap().unwrap().id;
        let (directory, _) = store
            .create_directory(&org, "IdP", 1_000_000)
            .await
            .unwrap();
        (dir, store, org, directory)
    }

    async fn users(store: &Store, directory: &str, n: usize) -> Vec<String> {
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            let doc = parse_user(&json!({"userName": format!("u{i}")}))
                .unwrap()
                .resource;
            let fields = UserFields::from_resource(&doc).unwrap();
            ids.push(
                store
                    .create_user(directory, &doc, &fields)
                    .await
                    .unwrap()
                    .id,
            );
        }
        ids
    }

    async fn count(store: &Store, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(store.read_pool())
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_too_big_to_run_in_place_is_run_once_on_sqlx() {
        let (_dir, store, org, directory) = store().await;
        let ids = users(&store, &directory, 1_200).await;
        let doc = parse_group(&json!({"displayName": "Everyone"}))
            .unwrap()
            .resource;
        let fields = GroupFields::from_resource(&doc).unwrap();
        let group = store
            .create_group(&org, &directory, &doc, &fields, &ids)
            .await
            .unwrap();
        assert_eq!(group.member_count, 1_200);
        // The attempt in place wrote nothing: one group, counted once, each member once.
        assert_eq!(count(&store, "SELECT COUNT(*) FROM groups").await, 1);
        assert_eq!(
            count(&store, "SELECT group_count FROM directories").await,
            1
        );
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM group_members").await,
            1_200
        );
        // A small change of the same group runs in place; a replacement of every member
        // costs the group's size and hands over. The update runs once per attempt.
        let mut calls = 0;
        let replaced = store
            .update_group(&directory, &group.id, None, |current| {
                calls += 1;
                let changes = vec![MemberChange::Replace(ids[..10].to_vec())];
                Ok::<_, WriteError>((current.doc.clone(), fields.clone(), changes))
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(calls, 2, "tried in place, then on sqlx");
        assert_eq!(replaced.member_count, 10);
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM group_members").await,
            10
        );
        let mut calls = 0;
        let added = store
            .update_group(&directory, &group.id, Some(replaced.version), |current| {
                calls += 1;
                let changes = vec![MemberChange::Add(ids[10..20].to_vec())];
                Ok::<_, WriteError>((current.doc.clone(), fields.clone(), changes))
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(calls, 1, "in place");
        assert_eq!(added.member_count, 20);
        assert_eq!(added.version, replaced.version + 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_write_leaves_nothing_on_either_executor() {
        let (_dir, store, org, directory) = store().await;
        let ids = users(&store, &directory, 3).await;
        let doc = parse_group(&json!({"displayName": "Eng"}))
            .unwrap()
            .resource;
        let fields = GroupFields::from_resource(&doc).unwrap();
        // In place: an unknown member fails the create after the group row was inserted.
        let mut members = ids.clone();
        members.push("nobody".into());
        let err = store
            .create_group(&org, &directory, &doc, &fields, &members)
            .await
            .unwrap_err();
        assert!(matches!(err, WriteError::UnknownMembers(ref m) if m == &["nobody"]));
        // On sqlx (too many members for in place), the same.
        let mut many = vec!["nobody".to_owned(); 1_500];
        many.extend(ids.iter().cloned());
        let err = store
            .create_group(&org, &directory, &doc, &fields, &many)
            .await
            .unwrap_err();
        assert!(matches!(err, WriteError::UnknownMembers(_)));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM groups").await, 0);
        assert_eq!(
            count(&store, "SELECT group_count FROM directories").await,
            0
        );
        assert_eq!(count(&store, "SELECT COUNT(*) FROM group_members").await, 0);
    }
}
