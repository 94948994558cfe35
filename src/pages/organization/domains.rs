//! Email domains: add one, publish the TXT record shown (with copy buttons), verify, and see
//! the status. Users whose primary email is on a verified domain are managed; others external.
use leptos::prelude::*;
use roster_api_types::domain::Domain;

use crate::api::{self, ApiError};
use crate::components::{
    loaded, set_page_title, ApiResource, Badge, BusyButton, CopyField, ErrorBanner, Tone,
};
use crate::format::{datetime, relative};
use crate::state::use_client;

/// `/domains`.
#[component]
pub fn DomainsPage() -> impl IntoView {
    set_page_title("Domains");
    let client = use_client();
    let list_client = client.clone();
    let domains = ApiResource::request(move || api::list_domains(&list_client));
    let reload = Callback::new(move |()| domains.refetch());
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let client = client.clone();
        let domain = name.get_untracked().trim().to_owned();
        api::add_domain(&client, &domain).spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(_) => {
                    name.try_set(String::new());
                    reload.run(());
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-domains-title">
            <h1 id="roster-domains-title" tabindex="-1">"Domains"</h1>
            <p class="roster-lead">
                "Verify the email domains your organization owns. Users whose primary email is on a "
                "verified domain are managed; everyone else is shown as external."
            </p>
            <form class="roster-toolbar" on:submit=on_add>
                <div class="roster-field">
                    <label for="roster-domain-name">"Domain"</label>
                    <input id="roster-domain-name" type="text" required placeholder="example.com" bind:value=name/>
                </div>
                <BusyButton label="Add domain" busy_label="Adding…" busy submit=true primary=true/>
            </form>
            {move || error.get().map(|error| view! { <ErrorBanner error/> })}
            {loaded(domains, "domains", move |list: Vec<Domain>| {
                if list.is_empty() {
                    view! { <p class="roster-hint">"No domains yet. Add the domain of your users' email addresses."</p> }.into_any()
                } else {
                    list.into_iter()
                        .map(|d| view! { <DomainCard d reload/> })
                        .collect_view()
                        .into_any()
                }
            })}
        </section>
    }
}

#[component]
fn DomainCard(d: Domain, reload: Callback<()>) -> impl IntoView {
    let client = use_client();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let id = d.id.clone();
    let verify_client = client.clone();
    let verify = Callback::new(move |()| {
        busy.set(true);
        error.set(None);
        let client = verify_client.clone();
        let id = id.clone();
        api::verify_domain(&client, &id).spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(_) => reload.run(()),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });
    let removing = RwSignal::new(false);
    let remove_id = d.id.clone();
    let remove = Callback::new(move |()| {
        removing.set(true);
        error.set(None);
        let client = client.clone();
        let id = remove_id.clone();
        api::delete_domain(&client, &id).spawn(move |answer| {
            removing.try_set(false);
            match answer {
                Ok(()) => reload.run(()),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });
    let status = if d.verified {
        view! { <Badge tone=Tone::Good text="Verified"/> }.into_any()
    } else {
        view! { <Badge tone=Tone::Warning text="Not verified"/> }.into_any()
    };
    let checked = match (&d.verified_at, &d.last_checked_at) {
        (Some(at), _) => format!("Verified on {}.", datetime(at)),
        (None, Some(at)) => format!("Last checked {}; the record was not found.", relative(at)),
        (None, None) => "Not checked yet.".to_owned(),
    };
    let slug = d.name.replace('.', "-");
    view! {
        <article class="roster-card roster-domain" aria-label=d.name.clone()>
            <div class="roster-page__header">
                <h2>{d.name.clone()}</h2>
                {status}
            </div>
            <p class="roster-hint">{checked}</p>
            {move || error.get().map(|error| view! { <ErrorBanner error/> })}
            {(!d.verified).then(|| view! {
                <p>"Publish this TXT record at your DNS provider, then verify:"</p>
                <CopyField label="TXT record name" value=d.txt_record_name.clone() id=format!("roster-txt-name-{slug}")/>
                <CopyField label="TXT record value" value=d.txt_record_value.clone() id=format!("roster-txt-value-{slug}") secret=true/>
            })}
            <div class="roster-actions">
                {(!d.verified).then(|| view! {
                    <BusyButton label="Verify" busy_label="Checking DNS…" busy primary=true on_click=verify/>
                })}
                <BusyButton label="Remove domain" busy_label="Removing…" busy=removing on_click=remove/>
            </div>
        </article>
    }
}
