//! The two ways the console starts. As a whole page, `index.html`'s loader finds `config.json`
//! and calls [`mount_page`]. Embedded in another admin portal, the host calls [`mount`] (or
//! uses the `<roster-console>` element of `roster-embed.js`, which calls it inside a shadow
//! root) with options in place of `config.json`. Both render [`App`], which carries the
//! stylesheet with it, so the console looks the same wherever it is mounted.
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use wasm_bindgen::prelude::*;

use crate::app::App;
use crate::dom;
use crate::state::RuntimeConfig;
use crate::url;

/// Mounts the console as the whole page into `<body>`. `config_json` is the text of the
/// `config.json` the loader found (`None`: there was none, use the defaults); its folder is the
/// document's base URL, which is where the routes live unless the file says otherwise.
/// `started` maps the URLs of API requests the loader already sent to their `fetch` promises
/// (see [`crate::api::early`]).
pub fn mount_page(config_json: Option<String>, started: JsValue) {
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    let root = url::document_folder();
    let config = match config_json {
        Some(json) => RuntimeConfig::parse(&json, "config.json", &root),
        None => Ok(RuntimeConfig {
            base_path: root,
            ..RuntimeConfig::default()
        }),
    };
    crate::api::early::adopt(&started);
    dom::set_mount(&body, true);
    mount_to(body, move || view! { <App config page=true/> }.into_any()).forget();
}

/// A console mounted with [`mount`]; `unmount()` removes it and stops everything it runs.
#[wasm_bindgen]
pub struct MountedConsole {
    handle: Option<leptos::mount::UnmountHandle<AnyViewState>>,
    /// Parent of the mount's own owner. Dropping the handle only releases its reference to
    /// that owner, and pending futures keep others alive, so the router's window listeners
    /// would outlive the console: a remounted console's links were then taken by the old,
    /// dead router. Cleaning this owner up runs every cleanup below it at once.
    owner: Owner,
}

#[wasm_bindgen]
impl MountedConsole {
    /// Removes the console from its element. Calling it twice does nothing.
    pub fn unmount(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.owner.cleanup();
            drop(handle);
        }
    }
}

/// Mounts the console into `element` of a host page. `options` has the keys of `config.json`
/// (`apiBaseUrl`, `basePath`, `signInMode`, `theme`) as an object or JSON text; wrong options
/// are shown in the element, naming the setting. The host page keeps its title; the console's
/// routes live under `basePath`, so the host must serve its page for those paths. Without one
/// they live under the page's own path at mount time: never `/`, where the console would take
/// every same-origin link of the host page for its own.
pub fn mount(element: web_sys::HtmlElement, options: JsValue) -> MountedConsole {
    let here = url::location_path().unwrap_or_else(|| "/".to_owned());
    let config = options_json(&options)
        .and_then(|json| RuntimeConfig::parse(&json, "The console's mount options", &here));
    dom::set_mount(&element, false);
    let owner = Owner::new();
    let handle = owner.with(|| {
        mount_to(element, move || {
            view! { <App config page=false/> }.into_any()
        })
    });
    MountedConsole {
        handle: Some(handle),
        owner,
    }
}

/// `options` as JSON text: a string as it is, nothing as `{}`, anything else stringified.
fn options_json(options: &JsValue) -> Result<String, String> {
    if options.is_undefined() || options.is_null() {
        return Ok("{}".to_owned());
    }
    if let Some(text) = options.as_string() {
        return Ok(text);
    }
    js_sys::JSON::stringify(options)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| "The console's mount options are not a plain object".to_owned())
}
