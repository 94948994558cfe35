//! The page for any URL the route table does not know: says which address was not found and
//! offers the way back, instead of a blank main area.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::components::set_page_title;
use crate::state::use_href;

/// Shown by the router's fallback.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_page_title("Page not found");
    let location = use_location();
    // Shown decoded (`/users/José`, not `/users/Jos%C3%A9`); it is text, so markup stays inert.
    let path = move || {
        let raw = location.pathname.get();
        js_sys::decode_uri(&raw).map(String::from).unwrap_or(raw)
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-not-found-title">
            <h1 id="roster-not-found-title">"Page not found"</h1>
            <p>
                "There is no page at " <code class="roster-path">{path}</code>
                ". The link may be out of date, or the item may have been deleted."
            </p>
            <p>
                <A href=use_href("/")>"Go to Getting started"</A>
            </p>
        </section>
    }
}
