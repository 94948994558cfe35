//! Section tabs whose every tab is a URL: a `nav` of links with `aria-current="page"` on the
//! current one, so tabs can be bookmarked, opened in a new tab and walked with back/forward.
use leptos::prelude::*;

/// One tab: its label, its link, and its key (compared with `current`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tab {
    pub key: &'static str,
    pub label: &'static str,
    pub href: String,
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
) -> impl IntoView {
    view! {
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
}
