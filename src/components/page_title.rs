//! The browser tab's title for the page on screen, so tabs, history entries and screen readers
//! name the page ("Sign in · Roster"). When the console is embedded (issue 7) the host page
//! owns the title, and this is the one place to switch off.

/// Sets the document title to "`page` · Roster".
pub fn set_page_title(page: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{page} · Roster"));
    }
}
