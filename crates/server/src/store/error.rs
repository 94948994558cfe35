//! The store's errors: why a SCIM write ([`WriteError`]) or an access-model write
//! ([`ModelError`]) did not happen. Reads fail only with the database's own `sqlx::Error`.
use crate::store::db::tx::{TooBig, WriteFailure};

/// Why a SCIM write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was hit; the text names the attribute.
    #[error("{0}")]
    Conflict(String),
    /// `If-Match` named another version.
    #[error("version mismatch")]
    PreconditionFailed,
    /// Member ids that are not users of the directory.
    #[error("unknown members")]
    UnknownMembers(Vec<String>),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// A write in place handed over to sqlx; never leaves `write_once!`.
    #[error("too big to run in place")]
    TooBig,
}

/// Why an access-model write was refused.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// A field that breaks a rule the store checks (422).
    #[error("invalid {0}: {1}")]
    Invalid(&'static str, String),
    /// A synced group was to become a product's default group: the identity provider owns
    /// its membership, and a default group's members are added by Roster.
    #[error("synced group '{0}' cannot be a default group")]
    SyncedDefaultGroup(String),
    /// A synced group was to be renamed, deleted or changed by hand.
    #[error("synced group '{0}' is read-only")]
    SyncedGroupReadOnly(String),
    #[error("conflict: {detail}")]
    Conflict {
        slug: &'static str,
        title: &'static str,
        detail: String,
    },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// A write in place handed over to sqlx; never leaves `write_once!`.
    #[error("too big to run in place")]
    TooBig,
}

/// Whether a database error is a unique-constraint violation (both backends).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => matches!(db.kind(), sqlx::error::ErrorKind::UniqueViolation),
        _ => false,
    }
}

impl From<TooBig> for WriteError {
    fn from(_: TooBig) -> Self {
        WriteError::TooBig
    }
}

impl WriteFailure for WriteError {
    fn is_too_big(&self) -> bool {
        matches!(self, WriteError::TooBig)
    }
}

impl From<TooBig> for ModelError {
    fn from(_: TooBig) -> Self {
        ModelError::TooBig
    }
}

impl WriteFailure for ModelError {
    fn is_too_big(&self) -> bool {
        matches!(self, ModelError::TooBig)
    }
}
