//! The endpoint's delivery log: the chart of the last 24 hours, then one row per attempt
//! (newest first) with its result and the receiver's answer, and "Redeliver" for each event.
use leptos::prelude::*;
use roster_api_types::webhook::WebhookDelivery;

use super::chart::DeliveryChart;
use crate::components::{loaded, ApiResource, Badge, Column, DataTable, Tone};
use crate::format::{count, datetime, relative};

/// The test event exists only in its delivery; there is nothing stored to send again.
const TEST_EVENT: &str = "webhook.test";

/// The log's section; `on_redeliver` gets an event id, `redelivering` is the one being sent.
#[component]
pub fn DeliveryLog(
    log: ApiResource<Vec<WebhookDelivery>>,
    redelivering: RwSignal<Option<String>>,
    on_redeliver: Callback<String>,
) -> impl IntoView {
    view! {
        <section class="roster-webhook-section" aria-labelledby="roster-deliveries-title">
            <div class="roster-page__header">
                <h2 id="roster-deliveries-title">"Delivery log"</h2>
                <button type="button" class="roster-button" on:click=move |_| log.refetch()>
                    "Refresh log"
                </button>
            </div>
            {loaded(log, "the delivery log", move |list: Vec<WebhookDelivery>| {
                view! {
                    <DeliveryChart log=list.clone()/>
                    <DeliveryTable list redelivering on_redeliver/>
                }
            })}
        </section>
    }
}

#[component]
fn DeliveryTable(
    list: Vec<WebhookDelivery>,
    redelivering: RwSignal<Option<String>>,
    on_redeliver: Callback<String>,
) -> impl IntoView {
    let columns = vec![
        Column::view("Time", |d: &WebhookDelivery| {
            view! { <span class="roster-nowrap" title=datetime(&d.at)>{relative(&d.at)}</span> }
                .into_any()
        }),
        Column::view("Event type", |d: &WebhookDelivery| {
            view! { <code>{d.event_type.clone()}</code> }.into_any()
        }),
        Column::view("Event ID", |d: &WebhookDelivery| {
            view! { <code class="roster-webhook-event-id">{d.event_id.clone()}</code> }.into_any()
        }),
        Column::number("Attempt", |d: &WebhookDelivery| u64::from(d.attempt)),
        Column::view("Result", |d: &WebhookDelivery| {
            let (text, tone) = if d.succeeded {
                ("Succeeded", Tone::Good)
            } else {
                ("Failed", Tone::Bad)
            };
            view! { <Badge tone text/> }.into_any()
        }),
        Column::view("HTTP status", |d: &WebhookDelivery| match d.status {
            Some(status) => status.to_string().into_any(),
            None => view! { <span class="roster-cell-note">"No answer"</span> }.into_any(),
        }),
        Column::text("Latency", |d: &WebhookDelivery| {
            format!("{} ms", count(d.latency_ms))
        }),
        Column::view("Response", |d: &WebhookDelivery| {
            let text = d
                .error
                .clone()
                .or_else(|| d.response_excerpt.clone())
                .filter(|t| !t.is_empty());
            match text {
                Some(t) => view! { <span class="roster-webhook-excerpt">{t}</span> }.into_any(),
                None => ().into_any(),
            }
        }),
        Column::view("", move |d: &WebhookDelivery| {
            if d.event_type == TEST_EVENT {
                return ().into_any();
            }
            let event_id = d.event_id.clone();
            let label = format!("Redeliver {}", d.event_id);
            view! {
                <button type="button" class="roster-button" aria-label=label
                    disabled=move || redelivering.with(Option::is_some)
                    on:click=move |_| on_redeliver.run(event_id.clone())>
                    "Redeliver"
                </button>
            }
            .into_any()
        }),
    ];
    view! {
        <div class="roster-deliveries">
            <DataTable caption="Delivery log" columns rows=list
                empty="No deliveries yet. Send a test event to try the endpoint."/>
        </div>
    }
}
