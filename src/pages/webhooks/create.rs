//! `/webhooks/new`, "Add endpoint": the URL, a description and the event types (every event
//! when none is ticked). The server answers with the signing secret, which goes straight to
//! the shown-once screen.
use leptos::prelude::*;
use roster_api_types::webhook::CreateWebhook;

use super::events::{normalize, EventTypeChoices};
use crate::api::{self, ApiError};
use crate::components::{set_page_title, BusyButton, ErrorBanner};
use crate::state::{use_client, use_href, use_shown_once, ShownOnce};

/// `/webhooks/new`.
#[component]
pub fn CreateWebhookPage() -> impl IntoView {
    set_page_title("Add webhook endpoint");
    let client = use_client();
    let shown_once = use_shown_once();
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let body = CreateWebhook {
            url: url.get_untracked().trim().to_owned(),
            event_types: chosen.with_untracked(|c| normalize(c)),
            description: description.get_untracked().trim().to_owned(),
        };
        api::create_webhook(&client, &body).spawn(move |answer| match answer {
            Ok(issued) => {
                shown_once.set(Some(ShownOnce::WebhookSecret {
                    issued,
                    rotated: false,
                }));
            }
            Err(e) => {
                busy.try_set(false);
                error.try_set(Some(e));
            }
        });
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-webhook-create-title">
            <p class="roster-breadcrumb"><a href=use_href("/webhooks")>"Webhooks"</a></p>
            <h1 id="roster-webhook-create-title" tabindex="-1">"Add webhook endpoint"</h1>
            <p>
                "Roster sends the events you choose to this URL as they happen. Next you will "
                "see the secret that signs them, once."
            </p>
            <form class="roster-form roster-form--narrow" on:submit=on_submit>
                {move || error.get().map(|error| view! { <ErrorBanner error/> })}
                <WebhookFields url description chosen/>
                <div class="roster-actions">
                    <BusyButton label="Add endpoint" busy_label="Adding…" busy submit=true primary=true/>
                    <a href=use_href("/webhooks")>"Cancel"</a>
                </div>
            </form>
        </section>
    }
}

/// The URL, the description and the event types: what creating and changing an endpoint share.
#[component]
pub fn WebhookFields(
    url: RwSignal<String>,
    description: RwSignal<String>,
    chosen: RwSignal<Vec<String>>,
) -> impl IntoView {
    view! {
        <div class="roster-field">
            <label for="roster-webhook-url">"Endpoint URL"</label>
            <input
                id="roster-webhook-url"
                name="url"
                type="url"
                required
                maxlength="2000"
                placeholder="https://example.com/webhooks/roster"
                aria-describedby="roster-webhook-url-hint"
                bind:value=url
            />
            <span id="roster-webhook-url-hint" class="roster-hint">
                "An https:// address your product answers on with a 2xx status."
            </span>
        </div>
        <div class="roster-field">
            <label for="roster-webhook-description">"Description"</label>
            <input
                id="roster-webhook-description"
                name="description"
                type="text"
                maxlength="500"
                placeholder="Jira access sync"
                aria-describedby="roster-webhook-description-hint"
                bind:value=description
            />
            <span id="roster-webhook-description-hint" class="roster-hint">
                "Optional: what receives the events, so you know what breaks if it fails."
            </span>
        </div>
        <EventTypeChoices chosen/>
    }
}
