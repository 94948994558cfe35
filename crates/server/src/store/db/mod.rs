//! The database mechanism under the concepts: connecting to SQLite or PostgreSQL, keyset
//! paging, stored times, and SQLite's fast path on the calling thread.
pub mod backend;
pub mod paging;
pub mod rows;
pub mod sqlite;
pub mod timestamps;
pub mod tx;
