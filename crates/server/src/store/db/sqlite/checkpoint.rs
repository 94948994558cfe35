//! The checkpointer: committed writes reach the database file on a thread of their own.
use std::{sync::Arc, time::Duration};

use super::InPlace;

/// How often committed writes reach the disk (see [`InPlace::start_checkpoints`]). Often
/// enough that a burst of writes rarely grows the WAL to the writers' own checkpoint, which
/// would stall them for its fsyncs; a checkpoint with nothing to copy syncs nothing.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

impl InPlace {
    /// Starts the checkpointer: a thread that, every [`CHECKPOINT_EVERY`], copies committed
    /// WAL frames into the database file and syncs both (`wal_checkpoint(PASSIVE)`, which
    /// waits for no reader or writer). With `synchronous=NORMAL` a commit is synced at the
    /// next checkpoint, so this bounds what a power loss can take to about that long, at any
    /// write rate, and requests rarely pay for a checkpoint's fsyncs. The writers' own
    /// auto-checkpoint stays as a backstop for a WAL of 10,000 pages, which only a long
    /// burst of writes reaches (the WAL starts over only when a writer finds it fully
    /// checkpointed). The thread also hands back a stale baton ([`InPlace::write`]), and
    /// ends when the store is dropped.
    pub fn start_checkpoints(self: &Arc<Self>) {
        let this = Arc::downgrade(self);
        // Handing a pool connection back spawns a task: it needs the runtime.
        let runtime = tokio::runtime::Handle::try_current().ok();
        let spawned = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                let _runtime = runtime.as_ref().map(tokio::runtime::Handle::enter);
                let mut conn = None;
                loop {
                    std::thread::sleep(CHECKPOINT_EVERY);
                    let Some(this) = this.upgrade() else { return };
                    this.release_stale_baton();
                    if conn.is_none() {
                        conn = this.open(false).ok();
                    }
                    let Some(db) = &conn else { continue };
                    if let Err(err) = db.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!(error = %err, "SQLite checkpoint failed");
                    }
                }
            });
        if let Err(err) = spawned {
            tracing::warn!(error = %err, "could not start the SQLite checkpointer");
        }
    }
}
