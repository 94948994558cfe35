//! `/webhooks/:id`: one endpoint — its settings and health, the actions (send a test event,
//! pause or resume, rotate the secret, redeliver since a time, delete) with their outcome
//! shown inline, and the delivery log with its chart. The action state lives at the page's
//! top, outside the loaded endpoint, so refetching the endpoint after an action keeps it.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use roster_api_types::webhook::{UpdateWebhook, Webhook, WebhookDelivery};

use super::actions::{DeleteWebhook, RotateSecret};
use super::deliveries::DeliveryLog;
use super::events::event_types_view;
use super::health::health_badge;
use super::outcome::Outcome;
use super::settings::ChangeSettings;
use crate::api;
use crate::components::{loaded, set_page_title, ApiResource, BusyButton, ErrorBanner};
use crate::format::{count, datetime};
use crate::state::{use_client, use_href};

/// How many attempts the log shows (and the chart counts).
const LOG_LIMIT: u32 = 100;

/// "HTTP 200 in 12 ms", "HTTP 500 in 3 ms", or the error of an attempt without an answer.
pub fn attempt_words(d: &WebhookDelivery) -> String {
    match (d.status, d.error.as_deref()) {
        (Some(status), _) => format!("HTTP {status} in {} ms", count(d.latency_ms)),
        (None, Some(error)) => format!("{error} (after {} ms)", count(d.latency_ms)),
        (None, None) => format!("no answer (after {} ms)", count(d.latency_ms)),
    }
}

/// `/webhooks/:id`.
#[component]
pub fn WebhookPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let client = use_client();
    let hook_client = client.clone();
    let hook = ApiResource::request(move || api::get_webhook(&hook_client, &id.get()));
    let log_client = client.clone();
    let log = ApiResource::request(move || api::list_deliveries(&log_client, &id.get(), LOG_LIMIT));
    let outcome = RwSignal::new(None::<Outcome>);
    let rotating = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let redelivering = RwSignal::new(None::<String>);
    let redeliver_client = client.clone();
    let redeliver = Callback::new(move |event_id: String| {
        if redelivering.with_untracked(Option::is_some) {
            return;
        }
        redelivering.set(Some(event_id.clone()));
        let done = format!("Event {event_id} redelivered");
        let failed = format!("Redelivering event {event_id} failed");
        api::redeliver_event(&redeliver_client, &id.get_untracked(), &event_id).spawn(
            move |answer| {
                redelivering.try_set(None);
                outcome.try_set(Some(match answer {
                    Ok(delivery) => Outcome::Sent {
                        done,
                        failed,
                        delivery,
                    },
                    Err(e) => Outcome::Failed(e),
                }));
                log.refetch();
                hook.refetch();
            },
        );
    });
    view! {
        <section class="roster-page" aria-labelledby="roster-webhook-title">
            <p class="roster-breadcrumb"><a href=use_href("/webhooks")>"Webhooks"</a></p>
            {loaded(hook, "the endpoint", move |w: Webhook| {
                set_page_title(&format!("Webhook · {}", w.url));
                let heading = if w.description.is_empty() {
                    "Webhook endpoint".to_owned()
                } else {
                    w.description.clone()
                };
                view! {
                    <h1 id="roster-webhook-title" class="roster-webhook-title" tabindex="-1">{heading}</h1>
                    <EndpointFacts w=w.clone()/>
                    <EndpointActions w=w.clone() hook log outcome rotating deleting/>
                    <ChangeSettings w hook outcome/>
                }
            })}
            <RedeliverSince id hook log outcome/>
            <DeliveryLog log redelivering on_redeliver=redeliver/>
            <RotateSecret id open=rotating/>
            <DeleteWebhook id open=deleting/>
        </section>
    }
}

/// The endpoint's settings and health, as a list of facts.
#[component]
fn EndpointFacts(w: Webhook) -> impl IntoView {
    let signing = match &w.previous_secret_valid_until {
        Some(until) => format!(
            "Rotated: the previous secret signs too until {}.",
            datetime(until)
        ),
        None => "One secret.".to_owned(),
    };
    view! {
        <dl class="roster-facts">
            <dt>"URL"</dt>
            <dd><code class="roster-webhook-url">{w.url.clone()}</code></dd>
            <dt>"Event types"</dt>
            <dd>{event_types_view(&w.event_types)}</dd>
            <dt>"Health"</dt>
            <dd class="roster-webhook-health">{health_badge(&w)}</dd>
            <dt>"Last 24 hours"</dt>
            <dd>{format!("{} succeeded, {} failed", count(w.succeeded_24h), count(w.failed_24h))}</dd>
            <dt>"Signing secret"</dt>
            <dd>{signing}</dd>
            <dt>"Created"</dt>
            <dd>{datetime(&w.created_at)}</dd>
        </dl>
    }
}

/// Send test event, Pause or Resume, Rotate secret, Delete, and what the last one came to.
#[component]
fn EndpointActions(
    w: Webhook,
    hook: ApiResource<Webhook>,
    log: ApiResource<Vec<WebhookDelivery>>,
    outcome: RwSignal<Option<Outcome>>,
    rotating: RwSignal<bool>,
    deleting: RwSignal<bool>,
) -> impl IntoView {
    let client = use_client();
    let testing = RwSignal::new(false);
    let toggling = RwSignal::new(false);
    let id = w.id.clone();
    let test_client = client.clone();
    let test_id = id.clone();
    let send_test = Callback::new(move |()| {
        testing.set(true);
        outcome.set(None);
        api::send_test(&test_client, &test_id).spawn(move |answer| {
            testing.try_set(false);
            outcome.try_set(Some(match answer {
                Ok(delivery) => Outcome::Sent {
                    done: "Test event delivered".to_owned(),
                    failed: "Test event failed".to_owned(),
                    delivery,
                },
                Err(e) => Outcome::Failed(e),
            }));
            log.refetch();
            hook.refetch();
        });
    });
    let enabled = w.enabled;
    let toggle = Callback::new(move |()| {
        toggling.set(true);
        outcome.set(None);
        let body = UpdateWebhook {
            enabled: Some(!enabled),
            ..UpdateWebhook::default()
        };
        api::update_webhook(&client, &id, &body).spawn(move |answer| {
            toggling.try_set(false);
            outcome.try_set(Some(match answer {
                Ok(_) if enabled => Outcome::Done(
                    "Paused. Events wait for the endpoint and arrive in order once you resume it."
                        .to_owned(),
                ),
                Ok(_) => Outcome::Done(
                    "Resumed. Deliveries continue from where they stopped.".to_owned(),
                ),
                Err(e) => Outcome::Failed(e),
            }));
            hook.refetch();
        });
    });
    let (toggle_label, toggle_busy) = if enabled {
        ("Pause", "Pausing…")
    } else {
        ("Resume", "Resuming…")
    };
    view! {
        <div class="roster-actions roster-webhook-actions">
            <BusyButton label="Send test event" busy_label="Sending…" busy=testing on_click=send_test primary=true/>
            <BusyButton label=toggle_label busy_label=toggle_busy busy=toggling on_click=toggle/>
            <button type="button" class="roster-button" on:click=move |_| rotating.set(true)>
                "Rotate secret"
            </button>
            <button type="button" class="roster-button roster-button--danger" on:click=move |_| deleting.set(true)>
                "Delete"
            </button>
        </div>
        <div class="roster-webhook-outcome" role="status" aria-live="polite">
            {move || outcome.get().map(outcome_view)}
        </div>
    }
}

fn outcome_view(outcome: Outcome) -> AnyView {
    match outcome {
        Outcome::Sent { done, delivery, .. } if delivery.succeeded => view! {
            <div class="roster-alert roster-alert--info">
                <p class="roster-alert__message">
                    {format!("{done}: {}.", attempt_words(&delivery))}
                </p>
            </div>
        }
        .into_any(),
        Outcome::Sent {
            failed, delivery, ..
        } => {
            let excerpt = delivery
                .response_excerpt
                .clone()
                .filter(|e| !e.is_empty())
                .map(|e| view! { <pre class="roster-webhook-excerpt">{e}</pre> });
            view! {
                <div class="roster-alert roster-alert--error">
                    <p class="roster-alert__message">
                        {format!("{failed}: {}.", attempt_words(&delivery))}
                    </p>
                    {excerpt}
                </div>
            }
            .into_any()
        }
        Outcome::Done(text) => view! {
            <div class="roster-alert roster-alert--info">
                <p class="roster-alert__message">{text}</p>
            </div>
        }
        .into_any(),
        Outcome::Failed(error) => view! { <ErrorBanner error/> }.into_any(),
    }
}

/// "Redeliver since…": the endpoint's deliveries start again from the first event at or after
/// a time the admin picks (in their own time zone).
#[component]
fn RedeliverSince(
    id: Memo<String>,
    hook: ApiResource<Webhook>,
    log: ApiResource<Vec<WebhookDelivery>>,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let client = use_client();
    let since = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        // `datetime-local` is the admin's local time; the browser's Date reads it so.
        let local = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&since.get_untracked()));
        if local.get_time().is_nan() {
            return;
        }
        let at: String = local.to_iso_string().into();
        busy.set(true);
        outcome.set(None);
        api::redeliver_since(&client, &id.get_untracked(), &at).spawn(move |answer| {
            busy.try_set(false);
            outcome.try_set(Some(match answer {
                Ok(_) => Outcome::Done(format!(
                    "Deliveries start again from {}: the events since then are sent again, in \
                     order.",
                    datetime(&at)
                )),
                Err(e) => Outcome::Failed(e),
            }));
            hook.refetch();
            log.refetch();
        });
    };
    view! {
        <section class="roster-webhook-section" aria-labelledby="roster-redeliver-title">
            <h2 id="roster-redeliver-title">"Redeliver since…"</h2>
            <p class="roster-hint">
                "After your receiver lost events (an outage, a bad deploy), send everything since "
                "a time again. Receivers should ignore an event id they already handled."
            </p>
            <form class="roster-toolbar" on:submit=on_submit>
                <div class="roster-field">
                    <label for="roster-redeliver-since">"Redeliver events since"</label>
                    <input id="roster-redeliver-since" type="datetime-local" required bind:value=since/>
                </div>
                <BusyButton label="Redeliver since" busy_label="Redelivering…" busy submit=true/>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(status: Option<u16>, error: Option<&str>) -> WebhookDelivery {
        WebhookDelivery {
            id: "d".into(),
            event_id: "evt".into(),
            event_type: "user.created".into(),
            at: "2026-01-01T00:00:00Z".into(),
            attempt: 1,
            succeeded: status == Some(200),
            status,
            latency_ms: 1234,
            error: error.map(str::to_owned),
            response_excerpt: None,
        }
    }

    #[test]
    fn attempts_say_the_status_or_the_error() {
        assert_eq!(
            attempt_words(&delivery(Some(200), None)),
            "HTTP 200 in 1,234 ms"
        );
        assert_eq!(
            attempt_words(&delivery(None, Some("connection refused"))),
            "connection refused (after 1,234 ms)"
        );
    }
}
