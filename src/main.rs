//! Trunk's entry point: install the panic hook so a bug shows up in the browser console with a
//! Rust message instead of `unreachable`, then mount the console into `<body>`.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(roster_console::App);
}
