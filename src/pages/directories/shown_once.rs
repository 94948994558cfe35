//! The credentials screen, shown in place of every page while newly issued credentials are
//! pending (see [`ShownOnce`](crate::state::ShownOnce)): the base URL and the API key with copy buttons, where to paste
//! them in Okta and Microsoft Entra ID, and the confirmation that ends it.
use leptos::prelude::*;

use crate::components::{set_page_title, CopyField, CopyOnceSecret};
use crate::format::datetime;
use crate::state::{use_config, use_shown_once, DirectoryCredentials};
use crate::url::{encode, use_navigate};

/// The shown-once screen for `creds`.
#[component]
pub fn ShownOncePage(creds: DirectoryCredentials) -> impl IntoView {
    set_page_title("Directory credentials");
    let shown_once = use_shown_once();
    let confirmed = RwSignal::new(false);
    let navigate = use_navigate();
    let config = use_config();
    let tab = if creds.regenerated {
        "credentials"
    } else {
        "overview"
    };
    let next = config.href(&format!(
        "/directories/{}/{tab}",
        encode(&creds.directory_id)
    ));
    let done = move |_| {
        if confirmed.get_untracked() {
            shown_once.set(None);
            navigate(&next, Default::default());
        }
    };
    let heading = if creds.regenerated {
        format!("New API key for {}", creds.directory_name)
    } else {
        format!("{} is ready to connect", creds.directory_name)
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-shown-once-title">
            <h1 id="roster-shown-once-title" tabindex="-1">{heading}</h1>
            <p>
                "Give your identity provider these two values. It uses them to send users and "
                "groups to this directory."
            </p>
            {creds.previous_key_valid_until.as_deref().map(|until| view! {
                <div class="roster-alert roster-alert--info" role="status">
                    <p class="roster-alert__message">
                        {format!("The previous key keeps working until {}. Replace it in your identity provider before then.", datetime(until))}
                    </p>
                </div>
            })}
            <div class="roster-form">
                <CopyField label="Directory base URL" value=creds.base_url.clone() id="roster-base-url"/>
                <CopyOnceSecret label="API key" value=creds.api_key.clone() confirmed/>
                <p class="roster-hint">{format!("The key expires on {}.", datetime(&creds.expires_at))}</p>
            </div>
            <div class="roster-idp-notes">
                <section aria-labelledby="roster-okta-title">
                    <h2 id="roster-okta-title">"Okta"</h2>
                    <p>
                        "In the Okta Admin Console open " <strong>"Applications"</strong> " → your app → "
                        <strong>"Provisioning"</strong> " → " <strong>"Integration"</strong>
                        ". Paste the base URL into " <em>"SCIM connector base URL"</em> ", choose "
                        <em>"HTTP Header"</em> " as the " <em>"Authentication Mode"</em>
                        " and paste the API key as the " <em>"Bearer"</em> " token. Use "
                        <em>"Test Connector Configuration"</em> ", then save."
                    </p>
                </section>
                <section aria-labelledby="roster-entra-title">
                    <h2 id="roster-entra-title">"Microsoft Entra ID"</h2>
                    <p>
                        "In the Entra admin center open " <strong>"Enterprise applications"</strong>
                        " → your app → " <strong>"Provisioning"</strong> " and set the mode to Automatic. Under "
                        <strong>"Admin Credentials"</strong> " paste the base URL as the "
                        <em>"Tenant URL"</em> " and the API key as the " <em>"Secret Token"</em>
                        ", select " <em>"Test Connection"</em> ", then save."
                    </p>
                </section>
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
                    <span class="roster-hint">"Tick the box above once the key is stored to continue."</span>
                })}
            </div>
        </section>
    }
}
