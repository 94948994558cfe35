//! "Create directory": the admin names the directory; the server answers with its base URL and
//! first API key, which go straight to the shown-once credentials screen.
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::{set_page_title, BusyButton, ErrorBanner};
use crate::state::{use_client, use_href, use_shown_once, DirectoryCredentials, ShownOnce};

/// `/directories/new`.
#[component]
pub fn CreateDirectoryPage() -> impl IntoView {
    set_page_title("Create directory");
    let client = use_client();
    let shown_once = use_shown_once();
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let client = client.clone();
        let name = name.get_untracked();
        api::create_directory(&client, name.trim()).spawn(move |answer| match answer {
            Ok(created) => {
                shown_once.set(Some(ShownOnce::Directory(DirectoryCredentials {
                    directory_id: created.directory.id.clone(),
                    directory_name: created.directory.name.clone(),
                    base_url: created.directory.base_url.clone(),
                    api_key: created.api_key,
                    expires_at: created.api_key_expires_at,
                    previous_key_valid_until: None,
                    regenerated: false,
                })));
            }
            Err(e) => {
                busy.try_set(false);
                error.try_set(Some(e));
            }
        });
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-create-title">
            <p class="roster-breadcrumb">
                <a href=use_href("/directories")>"Directories"</a>
            </p>
            <h1 id="roster-create-title" tabindex="-1">"Create directory"</h1>
            <p>
                "Name the directory after the identity provider that will fill it, so you "
                "recognise it later. Next you will see the base URL and API key to give that "
                "identity provider."
            </p>
            <form class="roster-form roster-form--narrow" on:submit=on_submit>
                {move || error.get().map(|error| view! { <ErrorBanner error/> })}
                <div class="roster-field">
                    <label for="roster-directory-name">"Directory name"</label>
                    <input
                        id="roster-directory-name"
                        name="name"
                        type="text"
                        required
                        maxlength="100"
                        placeholder="Okta users"
                        aria-describedby="roster-directory-name-hint"
                        bind:value=name
                    />
                    <span id="roster-directory-name-hint" class="roster-hint">
                        "For example “Okta users” or “Entra ID – staff”. You can rename it later."
                    </span>
                </div>
                <div class="roster-actions">
                    <BusyButton label="Create" busy_label="Creating…" busy submit=true primary=true/>
                    <a href=use_href("/directories")>"Cancel"</a>
                </div>
            </form>
        </section>
    }
}
