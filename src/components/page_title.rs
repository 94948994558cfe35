//! The browser tab's title for the page on screen, so tabs, history entries and screen readers
//! name the page ("Sign in · Roster"). When the console is embedded the host page owns the
//! title, and the console leaves it alone.

/// Sets the document title to "`page` · Roster", unless the console is embedded.
pub fn set_page_title(page: &str) {
    if !crate::dom::owns_document() {
        return;
    }
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{page} · Roster"));
    }
}
