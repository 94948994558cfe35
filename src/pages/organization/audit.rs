//! The audit log: every admin action and access change, newest first, filtered by actor,
//! action, target and time (all in the URL). Each entry reads as one line; opening it shows
//! the state before → after.
use leptos::prelude::*;
use roster_api_types::audit::{AuditEntry, AuditQuery};
use serde_json::Value;

use crate::api;
use crate::components::{loaded, set_page_title, ApiResource, Pager};
use crate::format::datetime;
use crate::state::{use_client, use_href};
use crate::url::{query_param, use_navigate, with_query};

/// Action families for the filter, with their words.
const ACTIONS: [(&str, &str); 8] = [
    ("access.*", "Product access"),
    ("default_group.*", "Default groups"),
    ("group.*", "Groups"),
    ("site.*", "Sites"),
    ("product.*", "Products"),
    ("domain.*", "Domains"),
    ("directory.*", "Directories"),
    ("", "All actions"),
];

/// What an action did, as a verb phrase.
pub fn action_words(action: &str) -> String {
    match action {
        "access.granted" => "granted access",
        "access.revoked" => "revoked access",
        "default_group.set" => "made a default group",
        "default_group.unset" => "removed a default group",
        "group.created" => "created group",
        "group.renamed" => "renamed group",
        "group.deleted" => "deleted group",
        "group.member_added" => "added a member to group",
        "group.member_removed" => "removed a member from group",
        "site.created" => "added site",
        "site.updated" => "changed site",
        "site.deleted" => "removed site",
        "product.added" => "added product",
        "product.removed" => "removed product",
        "domain.added" => "added domain",
        "domain.verified" => "verified domain",
        "domain.deleted" => "removed domain",
        "directory.created" => "created directory",
        "directory.renamed" => "renamed directory",
        "directory.deleted" => "deleted directory",
        "directory.api_key_regenerated" => "regenerated the API key of directory",
        other => return other.replace(['.', '_'], " "),
    }
    .to_owned()
}

/// The entry as one sentence: "SCIM: Okta users deleted group Engineering — removed access:
/// Confluence on Acme wiki".
pub fn entry_line(e: &AuditEntry) -> String {
    let mut line = format!("{} {}", e.actor.label, action_words(&e.action));
    if let Some(label) = &e.target.label {
        line.push_str(": ");
        line.push_str(label);
    }
    let removed = e
        .before
        .as_ref()
        .and_then(|b| b.get("removedAccess"))
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty());
    if let Some(removed) = removed {
        let items: Vec<String> = removed
            .iter()
            .map(|r| {
                let s = |k: &str| {
                    r.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                format!("{} → {} on {}", s("group"), s("product"), s("site"))
            })
            .collect();
        line.push_str(" — access removed: ");
        line.push_str(&items.join("; "));
    }
    line
}

/// RFC 3339 (UTC) of a `datetime-local` value, read in the browser's time zone.
fn to_rfc3339(local: &str) -> Option<String> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(local));
    (!date.get_time().is_nan()).then(|| String::from(date.to_iso_string()))
}

/// `/audit`.
#[component]
pub fn AuditPage() -> impl IntoView {
    set_page_title("Audit log");
    let actor_type = query_param("actorType");
    let action = query_param("action");
    let target = query_param("target");
    let from = query_param("from");
    let to = query_param("to");
    let cursor = query_param("cursor");
    let client = use_client();
    let entries = ApiResource::request(move || {
        let q = AuditQuery {
            actor_type: actor_type.get(),
            action: action.get(),
            target: target.get(),
            from: from.get().and_then(|f| to_rfc3339(&f)),
            to: to.get().and_then(|t| to_rfc3339(&t)),
            cursor: cursor.get(),
            limit: Some(50),
            ..Default::default()
        };
        api::list_audit(&client, &q)
    });
    let path = use_href("/audit");
    let navigate = use_navigate();
    let actor_sel = RwSignal::new(actor_type.get_untracked().unwrap_or_default());
    let action_sel = RwSignal::new(action.get_untracked().unwrap_or_default());
    let target_typed = RwSignal::new(target.get_untracked().unwrap_or_default());
    let from_typed = RwSignal::new(from.get_untracked().unwrap_or_default());
    let to_typed = RwSignal::new(to.get_untracked().unwrap_or_default());
    let filter_path = path.clone();
    let on_filter = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let href = with_query(
            &filter_path,
            &[
                ("actorType", Some(actor_sel.get_untracked())),
                ("action", Some(action_sel.get_untracked())),
                (
                    "target",
                    Some(target_typed.get_untracked().trim().to_owned()),
                ),
                ("from", Some(from_typed.get_untracked())),
                ("to", Some(to_typed.get_untracked())),
            ],
        );
        navigate(&href, Default::default());
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-audit-title">
            <h1 id="roster-audit-title" tabindex="-1">"Audit log"</h1>
            <p class="roster-lead">"Every change made by an admin or an identity provider to sites, access, groups, domains and directories."</p>
            <form class="roster-toolbar" role="search" on:submit=on_filter>
                <div class="roster-field">
                    <label for="roster-audit-actor">"Actor"</label>
                    <select id="roster-audit-actor" bind:value=actor_sel>
                        <option value="">"Anyone"</option>
                        <option value="admin">"Admins"</option>
                        <option value="scim">"Identity providers (SCIM)"</option>
                        <option value="system">"Roster itself"</option>
                    </select>
                </div>
                <div class="roster-field">
                    <label for="roster-audit-action">"Action"</label>
                    <select id="roster-audit-action" bind:value=action_sel>
                        {ACTIONS.iter().rev().map(|(k, l)| view! { <option value=*k>{*l}</option> }).collect_view()}
                    </select>
                </div>
                <div class="roster-field">
                    <label for="roster-audit-target">"Target ID"</label>
                    <input id="roster-audit-target" type="search" bind:value=target_typed placeholder="A site, product, group… id"/>
                </div>
                <div class="roster-field">
                    <label for="roster-audit-from">"From"</label>
                    <input id="roster-audit-from" type="datetime-local" bind:value=from_typed/>
                </div>
                <div class="roster-field">
                    <label for="roster-audit-to">"Until"</label>
                    <input id="roster-audit-to" type="datetime-local" bind:value=to_typed/>
                </div>
                <button type="submit" class="roster-button">"Filter"</button>
            </form>
            {loaded(entries, "the audit log", move |page| {
                let link = |c: Option<String>| {
                    with_query(
                        &path,
                        &[
                            ("actorType", actor_type.get_untracked()),
                            ("action", action.get_untracked()),
                            ("target", target.get_untracked()),
                            ("from", from.get_untracked()),
                            ("to", to.get_untracked()),
                            ("cursor", c),
                        ],
                    )
                };
                let first = cursor.get_untracked().map(|_| link(None));
                let prev = page.prev_cursor.clone().map(|c| link(Some(c)));
                let next = page.next_cursor.clone().map(|c| link(Some(c)));
                let target_link = |id: &str| with_query(&path, &[("target", Some(id.to_owned()))]);
                if page.items.is_empty() {
                    return view! { <p class="roster-hint">"No entries match these filters."</p> }.into_any();
                }
                view! {
                    <ol class="roster-events">
                        {page.items.iter().map(|e| {
                            let only = e.target.id.as_deref().map(target_link);
                            view! { <AuditLine e=e.clone() only/> }
                        }).collect_view()}
                    </ol>
                    <Pager prev_href=prev next_href=next first_href=first summary=None label="Audit log pages"/>
                }
                .into_any()
            })}
        </section>
    }
}

/// Pretty JSON of a state, or "nothing".
fn state_text(v: &Option<Value>) -> String {
    match v {
        Some(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
        None => "(nothing)".to_owned(),
    }
}

#[component]
fn AuditLine(e: AuditEntry, only: Option<String>) -> impl IntoView {
    let line = entry_line(&e);
    let has_detail = e.before.is_some() || e.after.is_some();
    let time = datetime(&e.at);
    let before = state_text(&e.before);
    let after = state_text(&e.after);
    let code = e.action.clone();
    view! {
        <li class="roster-event roster-audit">
            <details class="roster-audit__entry">
                <summary>
                    <span class="roster-audit__line">{line}</span>
                    <time class="roster-event__time" datetime=e.at.clone()>{time}</time>
                </summary>
                <p class="roster-hint">
                    <code>{code}</code>
                    {only.map(|href| view! { " · " <a href=href>"Only this target"</a> })}
                </p>
                {has_detail.then(|| view! {
                    <div class="roster-audit__diff">
                        <div><h3>"Before"</h3><pre>{before}</pre></div>
                        <div aria-hidden="true" class="roster-audit__arrow">"→"</div>
                        <div><h3>"After"</h3><pre>{after}</pre></div>
                    </div>
                })}
            </details>
        </li>
    }
}
