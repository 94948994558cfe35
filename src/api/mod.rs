//! The console's only way to talk to the server. [`Client::request`] builds every admin API
//! call the same way — base URL from the runtime config, `credentials: include` so the session
//! cookie travels even when the API lives on another origin, the CSRF token on mutating
//! requests, JSON in and out — and decodes failures into a typed [`ApiError`]. A request made
//! while a reactive owner is current (a page's resource) is aborted when that owner is cleaned
//! up, so leaving a page or changing its query cancels what it was still loading.
//!
//! The mechanism is in `error` (what a failure is), `decode` (answer to value or error),
//! `transport` (the browser's `fetch`), `client` ([`Client`], [`Request`]) and `auth` (the
//! session the client reads and ends); `early` keeps answers already on their way, and `query`
//! turns the shared query types into query strings. The endpoint functions in the other
//! submodules are named after the server handlers they call.

mod access;
mod audit;
mod auth;
mod client;
mod decode;
mod directories;
mod domains;
pub mod early;
mod error;
mod groups;
mod query;
mod session;
mod sites;
mod tokens;
mod transport;
mod users;
mod webhooks;

pub use access::*;
pub use audit::*;
pub use auth::{Auth, SignedOutReason};
pub use client::{Client, Request};
pub use decode::{decode_error, decode_success, RawAnswer};
pub use directories::*;
pub use domains::*;
pub use error::ApiError;
pub use groups::*;
pub use query::query_string;
pub use session::{create_session, delete_session, get_session};
pub use sites::*;
pub use tokens::*;
pub use transport::Method;
pub use users::*;
pub use webhooks::*;
