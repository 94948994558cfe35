//! Roster's server: the SCIM API identity providers push to, the admin API the console
//! calls, and the built console itself, over SQLite or PostgreSQL.
//!
//! Reading order: [`config`] → [`serve`] (start-up) → [`http`] (routes) → [`auth`] →
//! [`store`] (SQL).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod auth;
pub mod backup;
pub mod bootstrap;
pub mod config;
pub mod error;
pub mod http;
pub mod logging;
pub mod rate_limit;
pub mod scim;
pub mod serve;
pub mod state;
pub mod store;
pub mod sync_log;
pub mod text;
pub mod webhooks;

pub use http::app;
pub use state::AppState;
