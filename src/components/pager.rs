//! Cursor paging for long lists. The pages are links (the cursor lives in the URL), so a page
//! can be bookmarked and back/forward walk through the pages already seen.
use leptos::prelude::*;

/// "Previous", "Next" and "First page" links with a summary such as "1,234 users"; a list on
/// one page shows the summary alone.
#[component]
pub fn Pager(
    /// Link to the previous page, when there is one.
    #[prop(into)]
    prev_href: Option<String>,
    /// Link to the next page, when there is one.
    #[prop(into)]
    next_href: Option<String>,
    /// Link to the first page, when not on it.
    #[prop(default = None)]
    first_href: Option<String>,
    /// What the list holds in all, e.g. "1,234 users".
    #[prop(default = None)]
    summary: Option<String>,
    /// The navigation's accessible name, e.g. "Users pages".
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let link = |href: Option<String>, text: &'static str, rel: &'static str| match href {
        Some(href) => view! { <a class="roster-button" href=href rel=rel>{text}</a> }.into_any(),
        None => view! {
            <span class="roster-button roster-button--disabled" aria-disabled="true">{text}</span>
        }
        .into_any(),
    };
    // A list that fits on one page has nowhere to go: no links, only what it holds.
    let one_page = prev_href.is_none() && next_href.is_none() && first_href.is_none();
    let links = (!one_page).then(|| {
        view! {
            <span class="roster-pager__links">
                {first_href
                    .map(|href| view! { <a class="roster-pager__first" href=href>"First page"</a> })}
                {link(prev_href, "← Previous", "prev")}
                {link(next_href, "Next →", "next")}
            </span>
        }
    });
    view! {
        <nav class="roster-pager" aria-label=label>
            {summary.map(|s| view! { <span class="roster-pager__summary">{s}</span> })}
            {links}
        </nav>
    }
}
