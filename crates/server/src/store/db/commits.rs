//! Wakes the feed's long polls when a write commits. In one process a [`Notify`] is enough;
//! other replicas on PostgreSQL hear the `roster_events` notification a trigger sends at the
//! commit of every transaction that wrote events ([`listen`]). A wake is a hint to read
//! again, never the data: a missed one costs at most the poll's fallback interval.
use std::{sync::LazyLock, time::Duration};

use tokio::sync::Notify;

static COMMITTED: LazyLock<Notify> = LazyLock::new(Notify::new);

/// A write committed: every waiting poll reads again.
pub fn committed() {
    COMMITTED.notify_waiters();
}

/// Waits for the next commit, at most `timeout`.
pub async fn next_commit(timeout: Duration) {
    let _ = tokio::time::timeout(timeout, COMMITTED.notified()).await;
}

/// Listens for other replicas' commits on PostgreSQL until the process ends, reconnecting
/// after a lost connection.
pub fn listen(database_url: String) {
    tokio::spawn(async move {
        loop {
            match sqlx::postgres::PgListener::connect(&database_url).await {
                Ok(mut listener) => {
                    if let Err(err) = listener.listen("roster_events").await {
                        tracing::warn!(error = %err, "cannot listen for the change feed");
                    } else {
                        while listener.recv().await.is_ok() {
                            committed();
                        }
                    }
                }
                Err(err) => tracing::warn!(error = %err, "cannot listen for the change feed"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
