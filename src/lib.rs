//! Roster's admin console: a Leptos client-side app compiled to WebAssembly. `mount` starts it
//! as a whole page or inside a host page; `App` checks the admin session and renders the shell.
//! The modules follow the layout of `STYLE.md`: `api` talks to the server, `state` holds
//! session and config context, `url` builds every console and API URL, `pages` has one file per
//! screen in a folder per section, `components` the widgets pages share and `dom` where the
//! console sits in the page.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod api;
pub mod app;
pub mod components;
pub mod dom;
pub mod format;
mod lazy;
pub mod mount;
pub mod pages;
pub mod state;
pub mod url;

pub use app::App;

/// The console's own version, shown in the footer next to the server's.
pub const CONSOLE_VERSION: &str = env!("CARGO_PKG_VERSION");
