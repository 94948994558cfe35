//! "Change settings" on an endpoint's page: its URL, description and event types, in the same
//! fields as when it was added.
use leptos::prelude::*;
use roster_api_types::webhook::{UpdateWebhook, Webhook};

use super::create::WebhookFields;
use super::events::normalize;
use super::outcome::Outcome;
use crate::api::{self, ApiError};
use crate::components::{ApiResource, BusyButton, ErrorBanner};
use crate::state::use_client;

/// The form, folded away until opened.
#[component]
pub fn ChangeSettings(
    w: Webhook,
    hook: ApiResource<Webhook>,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let client = use_client();
    let url = RwSignal::new(w.url.clone());
    let description = RwSignal::new(w.description.clone());
    let chosen = RwSignal::new(w.event_types.clone());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let id = w.id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let body = UpdateWebhook {
            url: Some(url.get_untracked().trim().to_owned()),
            event_types: Some(chosen.with_untracked(|c| normalize(c))),
            description: Some(description.get_untracked().trim().to_owned()),
            enabled: None,
        };
        api::update_webhook(&client, &id, &body).spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(_) => {
                    outcome.try_set(Some(Outcome::Done("Settings saved.".to_owned())));
                    hook.refetch();
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <details class="roster-details">
            <summary>"Change settings"</summary>
            <form class="roster-form roster-form--narrow" on:submit=on_submit>
                {move || error.get().map(|error| view! { <ErrorBanner error/> })}
                <WebhookFields url description chosen/>
                <div class="roster-actions">
                    <BusyButton label="Save changes" busy_label="Saving…" busy submit=true/>
                </div>
            </form>
        </details>
    }
}
