//! Wire types shared by Roster's console and server: every admin API request and response
//! body lives here, so both sides serialise exactly the same shapes. The crate builds for
//! wasm32 and depends only on the serde family (plus `utoipa` behind the `openapi` feature).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod access;
pub mod audit;
pub mod directory;
pub mod domain;
pub mod event;
pub mod org;
pub mod page;
pub mod problem;
pub mod session;
pub mod site;
pub mod token;
pub mod webhook;

pub use problem::Problem;
pub use session::{Admin, Organization, Session, SignIn};

/// Header carrying the CSRF token on every mutating admin request.
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// Prefix of every admin API path.
pub const API_PREFIX: &str = "/api/v1";
