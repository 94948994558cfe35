//! The Overview tab: counts, last request, key expiry, the base URL to copy, and a week of
//! the identity provider's requests and errors.
use leptos::prelude::*;
use roster_api_types::directory::ActivityQuery;

use super::chart::ActivityChart;
use super::context::DirectoryContext;
use super::health::health;
use crate::api;
use crate::components::{loaded, ApiResource, CopyField};
use crate::format::{count, datetime, days_until, relative};
use crate::state::use_client;

#[component]
pub fn Overview(ctx: DirectoryContext) -> impl IntoView {
    let d = ctx.directory;
    let client = use_client();
    let id = d.id.clone();
    let activity = ApiResource::new(move || {
        let client = client.clone();
        let id = id.clone();
        async move { api::get_activity(&client, &id, &ActivityQuery { hours: Some(168) }).await }
    });
    let expiry = match days_until(&d.api_key.expires_at) {
        Some(days) if days < 0 => "Expired".to_owned(),
        _ => relative(&d.api_key.expires_at),
    };
    let stats = vec![
        ("Active users", count(d.active_users)),
        ("Deactivated users", count(d.deactivated_users)),
        ("Groups", count(d.group_count)),
        (
            "Last request",
            d.last_request_at
                .as_deref()
                .map(relative)
                .unwrap_or_else(|| "Never".to_owned()),
        ),
        ("Errors in 24 h", count(d.errors_last_24h)),
        ("API key expires", expiry),
    ];
    view! {
        <dl class="roster-stats">
            {stats
                .into_iter()
                .map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> })
                .collect_view()}
        </dl>
        <p class="roster-badges-line">"Health: " {health(&d)}</p>
        {d.last_request_at.is_none().then(|| view! {
            <div class="roster-alert roster-alert--info" role="status">
                <p class="roster-alert__message">
                    "Your identity provider has not called yet. Paste the base URL and the API key "
                    "into its provisioning settings, then start provisioning there."
                </p>
            </div>
        })}
        <CopyField label="Directory base URL" value=d.base_url.clone() id="roster-overview-base-url"/>
        <p class="roster-hint">
            {format!("Key {}… expires on {}.", d.api_key.prefix, datetime(&d.api_key.expires_at))}
        </p>
        <h2>"Activity in the last 7 days"</h2>
        {loaded(activity, "activity", |hours| view! { <ActivityChart hours/> })}
    }
}
