//! Where the console lives in the page. Mounted as the whole page it renders into `<body>`;
//! embedded (see [`crate::mount`]) it may sit inside a shadow root, where `document` queries
//! and `document.activeElement` cannot see it. Code that looks up the console's own elements or
//! the focused element goes through here so both cases work.
use std::cell::{Cell, RefCell};

thread_local! {
    static MOUNT: RefCell<Option<web_sys::Element>> = const { RefCell::new(None) };
    static OWNS_DOCUMENT: Cell<bool> = const { Cell::new(true) };
}

/// Records where the console is mounted and whether it owns the document (title, focus on
/// navigation): yes as the whole page, no when embedded in someone else's page.
pub fn set_mount(element: &web_sys::Element, owns_document: bool) {
    MOUNT.with(|m| *m.borrow_mut() = Some(element.clone()));
    OWNS_DOCUMENT.with(|o| o.set(owns_document));
}

/// Whether the console may change the document's title: not when embedded, where the host
/// page owns it.
pub fn owns_document() -> bool {
    OWNS_DOCUMENT.with(Cell::get)
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// The first element of the console matching `selector`: searched from the mount element, or
/// the whole document when nothing was mounted through [`set_mount`] (component tests).
pub fn query(selector: &str) -> Option<web_sys::Element> {
    let mount = MOUNT.with(|m| m.borrow().clone());
    match mount {
        Some(element) => element.query_selector(selector).ok().flatten(),
        None => document()?.query_selector(selector).ok().flatten(),
    }
}

/// The focused element, looking through open shadow roots: inside one, `document.activeElement`
/// is only the shadow host.
pub fn active_element() -> Option<web_sys::Element> {
    let mut active = document()?.active_element()?;
    while let Some(inner) = active.shadow_root().and_then(|root| root.active_element()) {
        active = inner;
    }
    Some(active)
}
