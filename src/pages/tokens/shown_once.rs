//! The new token's screen, shown in place of every page while its secret is pending (see
//! [`ShownOnce`](crate::state::ShownOnce)): the secret with a copy button, how products send
//! it, what it may do, and the confirmation that ends it and leads to the list.
use leptos::prelude::*;
use roster_api_types::token::IssuedServiceToken;

use super::scopes::scope_list;
use crate::components::{set_page_title, CopyOnceSecret};
use crate::format::datetime;
use crate::state::{use_href, use_shown_once};
use crate::url::use_navigate;

/// The shown-once screen for `issued`.
#[component]
pub fn TokenShownOncePage(issued: IssuedServiceToken) -> impl IntoView {
    set_page_title("New API token");
    let shown_once = use_shown_once();
    let confirmed = RwSignal::new(false);
    let navigate = use_navigate();
    let list = use_href("/api-tokens");
    let done = move |_| {
        if confirmed.get_untracked() {
            shown_once.set(None);
            navigate(&list, Default::default());
        }
    };
    let token = issued.token;
    view! {
        <section class="roster-page" aria-labelledby="roster-shown-once-title">
            <h1 id="roster-shown-once-title" tabindex="-1">{format!("{} is ready to use", token.name)}</h1>
            <p>
                "Give this token to the product or script that calls Roster's admin API. It sends "
                "the token in the Authorization header of every request: "
                <code>"Authorization: Bearer " {format!("{}…", token.prefix)}</code>
            </p>
            <div class="roster-form">
                <CopyOnceSecret
                    label="API token"
                    value=issued.secret
                    confirmed
                    advice="Copy it now and store it where the product that uses it keeps its \
                            secrets, or in a password manager. If you lose it, create a new \
                            token and revoke this one."
                />
                <dl class="roster-facts">
                    <dt>"Scopes"</dt>
                    <dd>{scope_list(&token.scopes)}</dd>
                    <dt>"Expires"</dt>
                    <dd>{datetime(&token.expires_at)}</dd>
                </dl>
            </div>
            <div class="roster-actions">
                <button
                    type="button"
                    class="roster-button roster-button--primary"
                    disabled=move || !confirmed.get()
                    on:click=done
                >
                    "Done"
                </button>
                {move || (!confirmed.get()).then(|| view! {
                    <span class="roster-hint">"Tick the box above once the token is stored to continue."</span>
                })}
            </div>
        </section>
    }
}
