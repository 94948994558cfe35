//! Answers on their way before the code that reads them runs. The page's loader asks for the
//! session while the wasm is still downloading, and the console asks for its landing page's
//! data while the session is checked, so the first page does not wait for one round trip after
//! another. [`Client::request`](super::Client::request) takes such an answer, once, instead of
//! asking again; one nobody took within [`FRESH_MS`] is dropped, so a page never shows an old
//! one.
use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// How long a started request stays usable for the page it was started for.
const FRESH_MS: f64 = 10_000.0;

/// A GET on its way: its URL, its `fetch` promise, when it started (ms since the epoch).
type Started = (String, js_sys::Promise, f64);

thread_local! {
    static STARTED: RefCell<Vec<Started>> = const { RefCell::new(Vec::new()) };
    /// Handles a rejection nobody else will: a request that fails before anyone takes it must
    /// not surface as an unhandled rejection.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
}

/// Keeps the GET requests the loader started: `started` maps each full URL to its `fetch`
/// promise (anything else is ignored).
pub fn adopt(started: &JsValue) {
    let Some(object) = started.dyn_ref::<js_sys::Object>() else {
        return;
    };
    for entry in js_sys::Object::entries(object).iter() {
        let entry = js_sys::Array::from(&entry);
        if let (Some(url), Ok(promise)) = (entry.get(0).as_string(), entry.get(1).dyn_into()) {
            keep(url, promise);
        }
    }
}

/// Records a GET of `url` that is on its way.
pub(super) fn keep(url: String, promise: js_sys::Promise) {
    IGNORE.with(|ignore| {
        let _ = promise.catch(ignore);
    });
    STARTED.with(|started| {
        started
            .borrow_mut()
            .push((url, promise, js_sys::Date::now()))
    });
}

/// The started GET of `url`, if there is a fresh one; it is handed out once.
pub(super) fn take(url: &str) -> Option<js_sys::Promise> {
    let now = js_sys::Date::now();
    STARTED.with(|started| {
        let mut started = started.borrow_mut();
        started.retain(|(_, _, at)| now - at < FRESH_MS);
        let index = started.iter().position(|(u, _, _)| u == url)?;
        Some(started.swap_remove(index).1)
    })
}

/// Drops every started request: they were made for a signed-in admin, and there is none.
pub fn forget() {
    STARTED.with(|started| started.borrow_mut().clear());
}
