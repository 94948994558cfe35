//! The wasm's entry points, called by the JavaScript loaders: `index.html`'s calls `mountPage`
//! with the `config.json` it found and the API requests it already started, and
//! `roster-embed.js` (the `<roster-console>` element) calls `mount` on a host page. `main` runs
//! first, when the wasm is instantiated, and only installs the panic hook, so a bug shows up in
//! the browser console with a Rust message.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use roster_console::mount::MountedConsole;
use wasm_bindgen::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
}

/// Renders the console as the whole page; see [`roster_console::mount::mount_page`].
#[wasm_bindgen(js_name = mountPage)]
pub fn mount_page(config_json: Option<String>, started: JsValue) {
    roster_console::mount::mount_page(config_json, started);
}

/// Renders the console into `element` of a host page; see [`roster_console::mount::mount`].
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, options: JsValue) -> MountedConsole {
    roster_console::mount::mount(element, options)
}
