//! The store's errors: why a SCIM write ([`WriteError`]) or an access-model write
//! ([`ModelError`]) did not happen. Reads fail only with the database's own `sqlx::Error`.
//! These say what happened, not how to tell an admin: the words (and the HTTP status) are the
//! admin API's, in the crate's `error.rs`.
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
    #[error("not found: {0:?}")]
    NotFound(Missing),
    /// A product was to be added by a key no product type has (422 on `key`).
    #[error("no product type has the key '{0}'")]
    UnknownProductKey(String),
    /// A custom product was named like one of the catalogue's products, or with no letters or
    /// digits to make a key of (422 on `name`).
    #[error("product name '{0}' is taken or empty")]
    ProductNameUnusable(String),
    /// A product was to be added with neither a key nor a name (422 on `key`).
    #[error("neither a product key nor a name")]
    ProductUnnamed,
    /// A synced group was to become a product's default group: the identity provider owns
    /// its membership, and a default group's members are added by Roster.
    #[error("synced group '{0}' cannot be a default group")]
    SyncedDefaultGroup(String),
    /// A synced group was to be renamed, deleted or changed by hand.
    #[error("synced group '{0}' is read-only")]
    SyncedGroupReadOnly(String),
    /// A name the organization already uses (409).
    #[error("taken: {0:?}")]
    Taken(Taken),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// A write in place handed over to sqlx; never leaves `write_once!`.
    #[error("too big to run in place")]
    TooBig,
}

/// What a write needed and did not find (404).
#[derive(Debug, Clone, Copy)]
pub enum Missing {
    Domain,
    Site,
    /// A product on the site named in the request.
    Product,
    Group,
    User,
    /// The user as a member of the group.
    Membership,
    /// The group's access to the product.
    Grant,
    /// The group as a default group of the product.
    DefaultGroup,
    /// A service token of the organization.
    ServiceToken,
}

/// What is already taken when a write would make a second of it.
#[derive(Debug)]
pub enum Taken {
    /// One of the organization's domains.
    Domain(String),
    /// A site's name or URL (the field, as an admin calls it: "name", "URL", "name or URL").
    Site(&'static str),
    /// A product already on the site: (site name, product name).
    Product(String, String),
    /// A local group's name.
    LocalGroupName(String),
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
