//! The database mechanism under the concepts: connecting to SQLite or PostgreSQL
//! ([`backend`]), keyset paging, stored times, many rows in one call ([`bulk`]), one write
//! body for both executors ([`tx`]), and SQLite's fast path on the calling thread
//! ([`sqlite`]), and the signal that a write committed ([`commits`]).
pub mod backend;
pub mod bulk;
pub mod commits;
pub mod paging;
pub mod sqlite;
pub mod timestamps;
pub mod tx;
