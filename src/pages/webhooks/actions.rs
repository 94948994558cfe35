//! The endpoint page's two dialogs: rotating the signing secret (with how long the old one
//! keeps signing too) and deleting the endpoint.
use leptos::prelude::*;
use roster_api_types::webhook::RotateWebhookSecret;

use crate::api::{self, ApiError};
use crate::components::ConfirmDialog;
use crate::state::{use_client, use_href, use_shown_once, ShownOnce};
use crate::url::use_navigate;

/// How long the old secret may keep signing after a rotation: seconds, and in words.
const OVERLAPS: [(u64, &str); 4] = [
    (0, "None"),
    (3_600, "1 hour"),
    (86_400, "24 hours"),
    (604_800, "7 days"),
];
const DEFAULT_OVERLAP: u64 = 86_400;

/// "Rotate secret": the overlap choice, then the new secret on the shown-once screen.
#[component]
pub fn RotateSecret(id: Memo<String>, open: RwSignal<bool>) -> impl IntoView {
    let client = use_client();
    let shown_once = use_shown_once();
    let overlap = RwSignal::new(DEFAULT_OVERLAP);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| {
        if open.get() {
            overlap.set(DEFAULT_OVERLAP);
            error.set(None);
        }
    });
    let rotate = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let seconds = overlap.get_untracked();
        let body = RotateWebhookSecret {
            overlap_seconds: (seconds > 0).then_some(seconds),
        };
        api::rotate_secret(&client, &id.get_untracked(), &body).spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(issued) => {
                    open.try_set(false);
                    shown_once.try_set(Some(ShownOnce::WebhookSecret {
                        issued,
                        rotated: true,
                    }));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });
    view! {
        <ConfirmDialog open title="Rotate the signing secret?" confirm_label="Rotate secret"
            busy_label="Rotating…" on_confirm=rotate busy error>
            <p>
                "Roster makes a new secret and shows it once. Deliveries are signed with it from "
                "now on; give it to your receiver."
            </p>
            <fieldset class="roster-fieldset">
                <legend>"Keep signing with the old secret for"</legend>
                <p class="roster-hint">
                    "During the overlap every delivery carries both signatures, so the receiver "
                    "verifies with either secret while you switch it over."
                </p>
                {OVERLAPS
                    .iter()
                    .map(|(seconds, words)| {
                        let seconds = *seconds;
                        let id = format!("roster-overlap-{seconds}");
                        view! {
                            <div class="roster-choice">
                                <input id=id.clone() type="radio" name="overlap"
                                    prop:checked=move || overlap.get() == seconds
                                    on:change=move |_| overlap.set(seconds)/>
                                <label for=id>{*words}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
        </ConfirmDialog>
    }
}

/// "Delete": behind the confirmation; then back to the list.
#[component]
pub fn DeleteWebhook(id: Memo<String>, open: RwSignal<bool>) -> impl IntoView {
    let client = use_client();
    let navigate = use_navigate();
    let list = use_href("/webhooks");
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let delete = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        let list = list.clone();
        api::delete_webhook(&client, &id.get_untracked()).spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(()) => {
                    open.try_set(false);
                    navigate(&list, Default::default());
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });
    view! {
        <ConfirmDialog open title="Delete this endpoint?" confirm_label="Delete endpoint"
            busy_label="Deleting…" on_confirm=delete busy error>
            <p>
                <strong>"Roster stops sending events to this endpoint at once"</strong>
                " and deletes its delivery log. It cannot be undone."
            </p>
            <p>"To stop deliveries for a while and catch up later, pause the endpoint instead."</p>
        </ConfirmDialog>
    }
}
