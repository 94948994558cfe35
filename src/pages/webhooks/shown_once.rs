//! A signing secret's screen, shown in place of every page while it is pending (see
//! [`ShownOnce`](crate::state::ShownOnce)): of a new endpoint or a rotation. The secret with a
//! copy button, how the receiver verifies it, the overlap of a rotation, and the confirmation
//! that ends it and leads to the endpoint's page.
use leptos::prelude::*;
use roster_api_types::webhook::IssuedWebhookSecret;

use crate::components::{set_page_title, CopyOnceSecret};
use crate::format::datetime;
use crate::state::{use_href, use_shown_once};
use crate::url::{encode, use_navigate};

/// The shown-once screen for `issued`; `rotated` for a new secret of an existing endpoint.
#[component]
pub fn WebhookSecretShownOncePage(issued: IssuedWebhookSecret, rotated: bool) -> impl IntoView {
    set_page_title(if rotated {
        "New signing secret"
    } else {
        "New webhook endpoint"
    });
    let shown_once = use_shown_once();
    let confirmed = RwSignal::new(false);
    let navigate = use_navigate();
    let hook = issued.webhook;
    let page = use_href(&format!("/webhooks/{}", encode(&hook.id)));
    let done = move |_| {
        if confirmed.get_untracked() {
            shown_once.set(None);
            navigate(&page, Default::default());
        }
    };
    let title = if rotated {
        "The signing secret was rotated"
    } else {
        "Your endpoint is ready"
    };
    let overlap = hook.previous_secret_valid_until.as_deref().map(|until| {
        view! {
            <p>
                {format!(
                    "Until {}, every delivery is signed with both the old and the new secret, so \
                     your receiver can switch to the new one without rejecting a delivery.",
                    datetime(until)
                )}
            </p>
        }
    });
    let immediate = (rotated && hook.previous_secret_valid_until.is_none()).then(|| {
        view! { <p>"The old secret no longer signs: deliveries from now on use only this one."</p> }
    });
    view! {
        <section class="roster-page" aria-labelledby="roster-shown-once-title">
            <h1 id="roster-shown-once-title" tabindex="-1">{title}</h1>
            <p>
                "Roster signs every delivery to " <code class="roster-webhook-url">{hook.url.clone()}</code>
                " with this secret, per the Standard Webhooks specification. Your receiver "
                "checks the " <code>"webhook-signature"</code> " header with it, using any "
                "Standard Webhooks library, and rejects what does not verify."
            </p>
            {overlap}
            {immediate}
            <div class="roster-form">
                <CopyOnceSecret
                    label="Signing secret"
                    value=issued.secret
                    confirmed
                    advice="Copy it now and store it where your receiver keeps its secrets. If \
                            you lose it, rotate the secret on the endpoint's page."
                />
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
                    <span class="roster-hint">"Tick the box above once the secret is stored to continue."</span>
                })}
            </div>
        </section>
    }
}
