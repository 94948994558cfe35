//! The Credentials tab: what is known of the current key (never the key itself), the base URL,
//! and regenerating the key behind a confirmation that says the old key stops working —
//! now or after an overlap the admin picks — followed by the shown-once screen.
use leptos::prelude::*;

use super::context::DirectoryContext;
use crate::api::{self, ApiError};
use crate::components::{ConfirmDialog, CopyField};
use crate::format::{datetime, relative};
use crate::state::{use_client, use_shown_once, DirectoryCredentials, ShownOnce};

/// The overlap choices: label and seconds.
const OVERLAPS: [(&str, u64); 4] = [
    ("None: the old key stops working at once", 0),
    ("1 hour", 3600),
    ("1 day", 86_400),
    ("7 days", 7 * 86_400),
];

#[component]
pub fn Credentials(ctx: DirectoryContext) -> impl IntoView {
    let d = ctx.directory;
    let key = d.api_key.clone();
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let overlap = RwSignal::new("0".to_owned());
    let client = use_client();
    let shown_once = use_shown_once();
    let (id, name) = (d.id.clone(), d.name.clone());
    let regenerate = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let seconds: u64 = overlap.get_untracked().parse().unwrap_or(0);
        let client = client.clone();
        let (id, name) = (id.clone(), name.clone());
        api::regenerate_api_key(&client, &id, (seconds > 0).then_some(seconds)).spawn(
            move |answer| {
                busy.try_set(false);
                match answer {
                    Ok(issued) => {
                        open.try_set(false);
                        shown_once.try_set(Some(ShownOnce::Directory(DirectoryCredentials {
                            directory_id: id,
                            directory_name: name,
                            base_url: issued.base_url,
                            api_key: issued.api_key,
                            expires_at: issued.expires_at,
                            previous_key_valid_until: issued.previous_key_valid_until,
                            regenerated: true,
                        })));
                    }
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
            },
        );
    });
    let rows = vec![
        ("Key starts with", format!("{}…", key.prefix)),
        ("Created", datetime(&key.created_at)),
        (
            "Expires",
            format!(
                "{} ({})",
                datetime(&key.expires_at),
                relative(&key.expires_at)
            ),
        ),
        (
            "Last used",
            key.last_used_at
                .as_deref()
                .map(|t| format!("{} ({})", datetime(t), relative(t)))
                .unwrap_or_else(|| "Never".to_owned()),
        ),
    ];
    view! {
        <CopyField label="Directory base URL" value=d.base_url.clone() id="roster-credentials-base-url"/>
        <h2>"API key"</h2>
        <dl class="roster-facts">
            {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
        {key.previous_key_valid_until.as_deref().map(|until| view! {
            <div class="roster-alert roster-alert--info" role="status">
                <p class="roster-alert__message">
                    {format!("The previous key keeps working until {}.", datetime(until))}
                </p>
            </div>
        })}
        <p>
            "The key itself is never shown again after it is issued. If it was lost or leaked, "
            "generate a new one and paste it into your identity provider."
        </p>
        <button type="button" class="roster-button" on:click=move |_| { error.set(None); open.set(true) }>
            "Regenerate API key"
        </button>
        <ConfirmDialog
            open
            title="Regenerate the API key?"
            confirm_label="Regenerate key"
            busy_label="Regenerating…"
            on_confirm=regenerate
            busy
            error
        >
            <p>
                "A new key is issued and shown once. "
                <strong>"The current key stops working"</strong>
                " — at once, or after the overlap you choose — so your identity provider's "
                "provisioning fails until you paste the new key there."
            </p>
            <div class="roster-field">
                <label for="roster-overlap">"Keep the current key working for"</label>
                <select id="roster-overlap" bind:value=overlap>
                    {OVERLAPS
                        .iter()
                        .map(|(label, secs)| view! { <option value=secs.to_string()>{*label}</option> })
                        .collect_view()}
                </select>
            </div>
        </ConfirmDialog>
    }
}
