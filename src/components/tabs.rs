//! Section tabs whose every tab is a URL, so tabs can be bookmarked, opened in a new tab and
//! walked with back/forward. Two forms: a `nav` of links with `aria-current="page"` on the
//! current one (a directory's sections), or, given the id of the panel they control, the ARIA
//! tabs pattern (`tablist`, `tab`, `tabpanel`): one tab in the Tab order, arrow keys, Home and
//! End moving between tabs, Enter or Space opening one. Opening is manual, not on focus: a
//! panel loads from the server, and arrowing past a tab should not fetch it.
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// One tab: its label, its link, and its key (compared with `current`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tab {
    pub key: &'static str,
    pub label: &'static str,
    pub href: String,
}

/// The id of the tab `key` of the tabs controlling `panel`: what the panel's
/// `aria-labelledby` names.
pub fn tab_id(panel: &str, key: &str) -> String {
    format!("{panel}-tab-{key}")
}

/// The `tabpanel` of the tabs controlling `panel` while tab `key` is open, holding `content`;
/// a key no tab has says so in the panel, `what` naming the page ("A user's profile").
pub fn tab_panel(panel: &'static str, key: &str, what: &str, content: Option<AnyView>) -> AnyView {
    let content = content.unwrap_or_else(|| {
        view! { <p>{format!("{what} has no tab called ")} <code>{key.to_owned()}</code> "."</p> }
            .into_any()
    });
    view! {
        <div class="roster-tab-panel" role="tabpanel" id=panel
            aria-labelledby=tab_id(panel, key) tabindex="0">
            {content}
        </div>
    }
    .into_any()
}

/// A row of tab links.
#[component]
pub fn Tabs(
    tabs: Vec<Tab>,
    /// The key of the tab being shown.
    #[prop(into)]
    current: Signal<String>,
    /// The navigation's accessible name, e.g. "Directory sections".
    #[prop(into)]
    label: String,
    /// The id of the `tabpanel` the tabs control: renders the ARIA tabs pattern. The page
    /// renders the panel itself, labelled by [`tab_id`] of the current tab.
    #[prop(optional, into)]
    panel: Option<String>,
) -> impl IntoView {
    match panel {
        None => view! {
            <nav class="roster-tabs" aria-label=label>
                <ul>
                    {tabs
                        .into_iter()
                        .map(|tab| {
                            let key = tab.key;
                            view! {
                                <li>
                                    <a
                                        href=tab.href
                                        aria-current=move || (current.get() == key).then_some("page")
                                    >
                                        {tab.label}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        }
        .into_any(),
        Some(panel) => view! {
            <div class="roster-tabs">
                <ul role="tablist" aria-label=label on:keydown=move_between_tabs>
                    {tabs
                        .into_iter()
                        .map(|tab| {
                            let key = tab.key;
                            let selected = move || current.get() == key;
                            let controls = panel.clone();
                            view! {
                                <li role="presentation">
                                    <a
                                        role="tab"
                                        id=tab_id(&panel, key)
                                        href=tab.href
                                        aria-selected=move || if selected() { "true" } else { "false" }
                                        aria-controls=move || selected().then(|| controls.clone())
                                        tabindex=move || if selected() { "0" } else { "-1" }
                                    >
                                        {tab.label}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
        .into_any(),
    }
}

/// Where a key moves the focus among `count` tabs from tab `from`, if anywhere: the arrows
/// wrap round, Home and End go to the ends.
pub fn tab_target(key: &str, from: usize, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    match key {
        "ArrowRight" | "ArrowDown" => Some((from + 1) % count),
        "ArrowLeft" | "ArrowUp" => Some((from + count - 1) % count),
        "Home" => Some(0),
        "End" => Some(count - 1),
        _ => None,
    }
}

/// The tablist's keys: arrows, Home and End move the focus; Space opens the focused tab as
/// Enter does (a link answers Enter by itself).
fn move_between_tabs(ev: web_sys::KeyboardEvent) {
    let Some(list) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Some(focused) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let key = ev.key();
    if key == " " {
        ev.prevent_default();
        focused.click();
        return;
    }
    let Ok(nodes) = list.query_selector_all("[role=tab]") else {
        return;
    };
    let tabs: Vec<web_sys::HtmlElement> = (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let Some(from) = tabs.iter().position(|t| *t == focused) else {
        return;
    };
    if let Some(to) = tab_target(&key, from, tabs.len()) {
        ev.prevent_default();
        let _ = tabs[to].focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_wrap_round_and_home_and_end_go_to_the_ends() {
        assert_eq!(tab_target("ArrowRight", 0, 4), Some(1));
        assert_eq!(tab_target("ArrowRight", 3, 4), Some(0));
        assert_eq!(tab_target("ArrowLeft", 0, 4), Some(3));
        assert_eq!(tab_target("ArrowUp", 2, 4), Some(1));
        assert_eq!(tab_target("Home", 2, 4), Some(0));
        assert_eq!(tab_target("End", 0, 4), Some(3));
        assert_eq!(tab_target("a", 0, 4), None);
        assert_eq!(tab_target("ArrowRight", 0, 0), None);
    }
}
