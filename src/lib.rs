//! Roster's admin console: a Leptos client-side app compiled to WebAssembly. `App` loads the
//! runtime `config.json`, checks the admin session and renders the shell; the modules follow
//! the layout of `STYLE.md`: `api` talks to the server, `state` holds session and config
//! context, `pages` has one file per route and `components` the widgets pages share.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod pages;
pub mod state;

pub use app::App;

/// The console's own version, shown in the footer next to the server's.
pub const CONSOLE_VERSION: &str = env!("CARGO_PKG_VERSION");
