//! `/api-tokens/new`, "Create token": a name, the scopes (each explained) and how long the token
//! lasts. The server answers with the secret, which goes straight to the shown-once screen.
use leptos::prelude::*;
use roster_api_types::token::{CreateServiceToken, Scope};

use super::scopes::scope_words;
use crate::api::{self, ApiError};
use crate::components::{set_page_title, BusyButton, ErrorBanner};
use crate::format::date_in_days;
use crate::state::{use_client, use_href, use_shown_once, ShownOnce};

/// The expiry choices offered, in days; "Another number of days" is the `custom` radio.
const EXPIRIES: [u32; 3] = [30, 90, 365];
const DEFAULT_EXPIRY: &str = "365";

/// `/api-tokens/new`.
#[component]
pub fn CreateTokenPage() -> impl IntoView {
    set_page_title("Create API token");
    let client = use_client();
    let shown_once = use_shown_once();
    let name = RwSignal::new(String::new());
    let scopes = RwSignal::new(Vec::<Scope>::new());
    // The chosen radio: one of `EXPIRIES` as text, or "custom" for the number field.
    let expiry = RwSignal::new(DEFAULT_EXPIRY.to_owned());
    let custom_days = RwSignal::new(String::new());
    let no_scope = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let days = move || -> Option<u32> {
        let choice = expiry.get();
        let text = if choice == "custom" {
            custom_days.get()
        } else {
            choice
        };
        text.trim().parse().ok().filter(|d| *d > 0)
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut chosen = scopes.get_untracked();
        if chosen.is_empty() {
            no_scope.set(true);
            return;
        }
        // Listed in the order the form shows them, whatever order they were ticked in.
        chosen.sort();
        busy.set(true);
        error.set(None);
        let body = CreateServiceToken {
            name: name.get_untracked().trim().to_owned(),
            scopes: chosen,
            expires_in_days: days(),
        };
        api::create_service_token(&client, &body).spawn(move |answer| match answer {
            Ok(issued) => {
                shown_once.set(Some(ShownOnce::ServiceToken(issued)));
            }
            Err(e) => {
                busy.try_set(false);
                error.try_set(Some(e));
            }
        });
    };
    let expires_on = move || match days() {
        Some(d) => format!("The token will expire on {}.", date_in_days(d)),
        None => "Enter a number of days.".to_owned(),
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-token-create-title">
            <p class="roster-breadcrumb"><a href=use_href("/api-tokens")>"API tokens"</a></p>
            <h1 id="roster-token-create-title" tabindex="-1">"Create API token"</h1>
            <p>
                "Create one token for each product or script that calls Roster's admin API, with "
                "only the scopes it needs. Next you will see the token itself, once."
            </p>
            <form class="roster-form roster-form--narrow" on:submit=on_submit>
                {move || error.get().map(|error| view! { <ErrorBanner error/> })}
                <div class="roster-field">
                    <label for="roster-token-name">"Token name"</label>
                    <input
                        id="roster-token-name"
                        name="name"
                        type="text"
                        required
                        maxlength="100"
                        placeholder="Jira provisioning"
                        aria-describedby="roster-token-name-hint"
                        bind:value=name
                    />
                    <span id="roster-token-name-hint" class="roster-hint">
                        "What uses the token, so you know what breaks if you revoke it."
                    </span>
                </div>
                <ScopeChoices scopes no_scope/>
                <fieldset class="roster-fieldset">
                    <legend>"Expires after"</legend>
                    {EXPIRIES
                        .iter()
                        .map(|d| {
                            let value = d.to_string();
                            let label = if *d == 365 { "365 days (a year)".to_owned() } else { format!("{d} days") };
                            view! { <ExpiryRadio value label expiry/> }
                        })
                        .collect_view()}
                    <ExpiryRadio value="custom".to_owned() label="Another number of days".to_owned() expiry/>
                    {move || (expiry.get() == "custom").then(|| view! {
                        <div class="roster-field roster-fieldset__nested">
                            <label for="roster-token-days">"Days until it expires"</label>
                            <input id="roster-token-days" type="number" min="1" step="1" required
                                inputmode="numeric" bind:value=custom_days/>
                        </div>
                    })}
                    <p class="roster-hint" aria-live="polite">{expires_on}</p>
                </fieldset>
                <div class="roster-actions">
                    <BusyButton label="Create token" busy_label="Creating…" busy submit=true primary=true/>
                    <a href=use_href("/api-tokens")>"Cancel"</a>
                </div>
            </form>
        </section>
    }
}

/// One checkbox per scope, each with what it allows; `no_scope` says the form was sent with
/// none ticked, which the fieldset then explains.
#[component]
fn ScopeChoices(scopes: RwSignal<Vec<Scope>>, no_scope: RwSignal<bool>) -> impl IntoView {
    let choices = Scope::ALL
        .into_iter()
        .map(|scope| {
            let (words, line) = scope_words(scope);
            let id = format!("roster-scope-{}", scope.as_str().replace(':', "-"));
            let hint = format!("{id}-hint");
            let toggle = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                scopes.update(|s| {
                    s.retain(|x| *x != scope);
                    if on {
                        s.push(scope);
                    }
                });
                if on {
                    no_scope.set(false);
                }
            };
            view! {
                <div class="roster-choice">
                    <input id=id.clone() type="checkbox" aria-describedby=hint.clone() on:change=toggle/>
                    <label for=id>{words} " " <code>{scope.as_str()}</code></label>
                    <span id=hint class="roster-hint">{line}</span>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="roster-fieldset" aria-describedby="roster-scopes-hint roster-scopes-error">
            <legend>"Scopes"</legend>
            <p id="roster-scopes-hint" class="roster-hint">"What the token may do. Choose at least one."</p>
            {choices}
            {move || no_scope.get().then(|| view! {
                <p id="roster-scopes-error" class="roster-field-error" role="alert">
                    "Choose at least one scope."
                </p>
            })}
        </fieldset>
    }
}

/// One choice of how long the token lasts.
#[component]
fn ExpiryRadio(value: String, label: String, expiry: RwSignal<String>) -> impl IntoView {
    let id = format!("roster-token-expiry-{value}");
    let checked = {
        let value = value.clone();
        move || expiry.with(|e| *e == value)
    };
    let chosen = value.clone();
    view! {
        <div class="roster-choice">
            <input id=id.clone() type="radio" name="expiry" value=value prop:checked=checked
                on:change=move |_| expiry.set(chosen.clone())/>
            <label for=id>{label}</label>
        </div>
    }
}
