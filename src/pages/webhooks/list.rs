//! `/webhooks`: every endpoint with its URL, description, event types, health and the last 24
//! hours' successes and failures. An organization without endpoints gets an explanation of
//! what they are for.
use leptos::prelude::*;
use roster_api_types::webhook::Webhook;

use super::events::event_types_view;
use super::health::health_badge;
use crate::api;
use crate::components::{loaded, set_page_title, ApiResource, Column, DataTable};
use crate::format::count;
use crate::state::{use_client, use_href};

/// `/webhooks`.
#[component]
pub fn WebhooksPage() -> impl IntoView {
    set_page_title("Webhooks");
    let client = use_client();
    let hooks = ApiResource::request(move || api::list_webhooks(&client));
    let create = use_href("/webhooks/new");
    view! {
        <section class="roster-page" aria-labelledby="roster-webhooks-title">
            <div class="roster-page__header">
                <h1 id="roster-webhooks-title" tabindex="-1">"Webhooks"</h1>
                <a class="roster-button roster-button--primary" href=create.clone()>"Add endpoint"</a>
            </div>
            <p class="roster-lead">
                "Roster sends each change (a user created, access granted) to your endpoints as "
                "it happens, signed so your product can check it came from Roster."
            </p>
            {loaded(hooks, "webhooks", move |list| {
                if list.is_empty() {
                    view! { <EmptyWebhooks create=create.clone()/> }.into_any()
                } else {
                    view! { <WebhookTable list/> }.into_any()
                }
            })}
        </section>
    }
}

#[component]
fn EmptyWebhooks(create: String) -> impl IntoView {
    view! {
        <div class="roster-empty">
            <h2>"No webhook endpoints yet"</h2>
            <p>
                "A webhook endpoint is a URL of one of your products. Roster sends it an event "
                "each time someone joins, changes, leaves or gains or loses access, so the "
                "product learns who has access as it changes instead of asking again and again."
            </p>
            <p>
                "Every delivery is signed per the Standard Webhooks specification, which "
                "libraries in most languages verify. Failed deliveries are retried, in order."
            </p>
            <a class="roster-button roster-button--primary" href=create>"Add your first endpoint"</a>
        </div>
    }
}

#[component]
fn WebhookTable(list: Vec<Webhook>) -> impl IntoView {
    let href = use_href("/webhooks/");
    let columns = vec![
        Column::view("Endpoint", move |w: &Webhook| {
            let description = (!w.description.is_empty()).then(|| {
                view! { <span class="roster-cell-note">{w.description.clone()}</span> }
            });
            view! {
                <a class="roster-webhook-url" href=format!("{href}{}", crate::url::encode(&w.id))>{w.url.clone()}</a>
                {description}
            }
            .into_any()
        }),
        Column::view("Event types", |w: &Webhook| {
            event_types_view(&w.event_types)
        }),
        Column::view("Health", health_badge),
        Column::view("Last 24 hours", |w: &Webhook| {
            view! {
                <span class="roster-nowrap">{format!("{} succeeded", count(w.succeeded_24h))}</span>
                <span class="roster-cell-note roster-nowrap">{format!("{} failed", count(w.failed_24h))}</span>
            }
            .into_any()
        }),
    ];
    view! {
        <div class="roster-webhooks">
            <DataTable caption="Webhook endpoints" columns rows=list empty="No webhook endpoints." clickable_rows=true/>
        </div>
    }
}
