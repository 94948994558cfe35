//! The Sync log tab: the identity provider's requests, newest first, filterable by errors
//! only, operation and text (all in the URL). An error row says what went wrong in words an
//! admin can act on, from the SCIM error type, followed by the server's own detail.
use leptos::prelude::*;
use roster_api_types::directory::{EventListQuery, EventStatusFilter, SyncEvent};

use super::context::{dir_href, DirectoryContext};
use crate::api;
use crate::components::{loaded, ApiResource, Badge, Pager, Tone};
use crate::format::datetime;
use crate::state::use_client;
use crate::url::{query_param, use_navigate, with_query};

/// Operations the SCIM service records, with their words.
pub const OPERATIONS: [(&str, &str); 16] = [
    ("createUser", "Create user"),
    ("replaceUser", "Replace user"),
    ("patchUser", "Update user"),
    ("deleteUser", "Delete user"),
    ("getUser", "Read user"),
    ("listUsers", "List users"),
    ("filterUsers", "Search users"),
    ("createGroup", "Create group"),
    ("replaceGroup", "Replace group"),
    ("patchGroup", "Update group"),
    ("deleteGroup", "Delete group"),
    ("getGroup", "Read group"),
    ("listGroups", "List groups"),
    ("filterGroups", "Search groups"),
    ("bulk", "Bulk request"),
    ("other", "Other request"),
];

/// The words for an operation name; unknown names as they are.
pub fn operation_words(op: &str) -> String {
    OPERATIONS
        .iter()
        .find(|(k, _)| *k == op)
        .map(|(_, w)| (*w).to_owned())
        .unwrap_or_else(|| op.to_owned())
}

/// What an error means and what to do, from its status and SCIM error type.
pub fn explain(status: u16, scim_type: Option<&str>, resource_type: Option<&str>) -> String {
    let what = match resource_type {
        Some("Group") => "group",
        _ => "user",
    };
    let text = match scim_type {
        Some("uniqueness") => format!(
            "A {what} with this {} already exists in this directory. The identity provider \
             probably retried a create, or the {what} was created before it was assigned; in \
             the identity provider, match it to the existing {what} (or remove the duplicate) \
             and retry.",
            if what == "group" { "displayName" } else { "userName" }
        ),
        Some("invalidFilter") => "The identity provider sent a search filter Roster cannot read. Check the attribute mapping used for matching users (usually userName or externalId).".to_owned(),
        Some("tooMany") => "The search would return too many results. The identity provider should filter more narrowly.".to_owned(),
        Some("mutability") => "The request tried to change an attribute that cannot be changed, such as id. Remove that attribute from the identity provider's mapping.".to_owned(),
        Some("invalidSyntax") => "The request body is not valid SCIM. Check custom attribute mappings and expressions in the identity provider.".to_owned(),
        Some("invalidPath") => "An update names an attribute path Roster does not know. Check the attribute mappings in the identity provider.".to_owned(),
        Some("noTarget") => "An update points at a value that does not exist, for example removing a member who is not in the group. Usually harmless; a full sync in the identity provider repairs it.".to_owned(),
        Some("invalidValue") => "A required attribute is missing or has a wrong value (for example an empty userName). Check the attribute mappings in the identity provider.".to_owned(),
        Some("invalidVers") => "The identity provider sent an outdated version (ETag) of the resource. It should read it again and retry.".to_owned(),
        Some("sensitive") => "The request put sensitive data in the URL. The identity provider should send it in the body.".to_owned(),
        _ => match status {
            401 => "The identity provider's API key was missing or wrong. Paste the current key into its provisioning settings, or regenerate one on the Credentials tab.".to_owned(),
            403 => "The request is not allowed for this directory.".to_owned(),
            404 => format!("The {what} does not exist in this directory, perhaps deleted already. A full sync in the identity provider repairs its records."),
            409 => "The request conflicts with what Roster already holds. Retry from the identity provider.".to_owned(),
            412 => "The resource changed since the identity provider read it. It should read it again and retry.".to_owned(),
            413 => "The request was too large. Lower the identity provider's batch size.".to_owned(),
            429 => "The identity provider sent too many requests at once and was asked to slow down. It retries by itself.".to_owned(),
            s if s >= 500 => "Roster failed to handle this request. The identity provider retries it; if this keeps happening, check the server's logs.".to_owned(),
            _ => "The request was rejected. See the detail below.".to_owned(),
        },
    };
    text
}

#[component]
pub fn SyncLog(ctx: DirectoryContext) -> impl IntoView {
    let d = ctx.directory;
    let status = query_param("status");
    let operation = query_param("operation");
    let q = query_param("q");
    let cursor = query_param("cursor");
    let client = use_client();
    let id = d.id.clone();
    let events = ApiResource::request(move || {
        let query = EventListQuery {
            status: if status.get().as_deref() == Some("error") {
                EventStatusFilter::Error
            } else {
                EventStatusFilter::All
            },
            operation: operation.get(),
            q: q.get(),
            cursor: cursor.get(),
            limit: Some(50),
        };
        api::list_events(&client, &id, &query)
    });
    let path = dir_href(&d.id, "sync-log");
    let navigate = use_navigate();
    let errors_only = RwSignal::new(status.get_untracked().as_deref() == Some("error"));
    let op_sel = RwSignal::new(operation.get_untracked().unwrap_or_default());
    let typed = RwSignal::new(q.get_untracked().unwrap_or_default());
    let go = {
        let path = path.clone();
        move || {
            let href = with_query(
                &path,
                &[
                    (
                        "status",
                        errors_only.get_untracked().then(|| "error".to_owned()),
                    ),
                    ("operation", Some(op_sel.get_untracked())),
                    ("q", Some(typed.get_untracked().trim().to_owned())),
                ],
            );
            navigate(&href, Default::default());
        }
    };
    let (go1, go2) = (go.clone(), go.clone());
    let page_link = move |c: Option<String>| {
        with_query(
            &path,
            &[
                ("status", status.get_untracked()),
                ("operation", operation.get_untracked()),
                ("q", q.get_untracked()),
                ("cursor", c),
            ],
        )
    };
    view! {
        <form class="roster-toolbar" role="search" on:submit=move |ev| { ev.prevent_default(); go() }>
            <div class="roster-field">
                <label for="roster-event-q">"Search the log"</label>
                <input id="roster-event-q" type="search" bind:value=typed placeholder="Path, user or group, or error text"/>
            </div>
            <button type="submit" class="roster-button">"Search"</button>
            <div class="roster-field">
                <label for="roster-event-op">"Operation"</label>
                <select id="roster-event-op" bind:value=op_sel on:change=move |_| go1()>
                    <option value="">"All operations"</option>
                    {OPERATIONS.iter().map(|(k, w)| view! { <option value=*k>{*w}</option> }).collect_view()}
                </select>
            </div>
            <label class="roster-check">
                <input type="checkbox" bind:checked=errors_only on:change=move |_| go2()/>
                "Errors only"
            </label>
        </form>
        {loaded(events, "the sync log", move |page| {
            let filtered = status.get_untracked().is_some() || operation.get_untracked().is_some() || q.get_untracked().is_some();
            let first = cursor.get_untracked().map(|_| page_link(None));
            let prev = page.prev_cursor.clone().map(|c| page_link(Some(c)));
            let next = page.next_cursor.clone().map(|c| page_link(Some(c)));
            let body = if page.items.is_empty() {
                let text = if filtered {
                    "No requests match these filters."
                } else {
                    "No requests yet. Each request your identity provider sends appears here, newest first."
                };
                view! { <p class="roster-empty">{text}</p> }.into_any()
            } else {
                view! {
                    <ol class="roster-events" aria-label="Requests, newest first">
                        {page.items.into_iter().map(|e| view! { <EventRow event=e/> }).collect_view()}
                    </ol>
                }.into_any()
            };
            view! {
                {body}
                <Pager prev_href=prev next_href=next first_href=first label="Sync log pages"/>
            }
        })}
    }
}

#[component]
fn EventRow(event: SyncEvent) -> impl IntoView {
    let failed = event.status >= 400;
    let tone = if failed { Tone::Bad } else { Tone::Good };
    let target = event
        .resource_label
        .clone()
        .or_else(|| event.resource_id.clone());
    let changed =
        (!event.changed.is_empty()).then(|| format!("Changed: {}", event.changed.join(", ")));
    let ignored = (!event.ignored.is_empty()).then(|| {
        format!(
            "Ignored (not known to Roster): {}",
            event.ignored.join(", ")
        )
    });
    view! {
        <li class="roster-event" class:roster-event--error=failed>
            <div class="roster-event__line">
                <Badge tone text=event.status.to_string()/>
                <strong>{operation_words(&event.operation)}</strong>
                {target.map(|t| view! { <span class="roster-event__target">{t}</span> })}
                <code class="roster-event__path">{format!("{} {}", event.method, event.path)}</code>
                <span class="roster-event__time">{datetime(&event.at)} " · " {format!("{} ms", event.duration_ms)}</span>
            </div>
            {changed.map(|c| view! { <p class="roster-event__note">{c}</p> })}
            {ignored.map(|c| view! { <p class="roster-event__note">{c}</p> })}
            {failed.then(|| view! {
                <div class="roster-event__error">
                    <p>
                        {event.scim_type.clone().map(|t| view! { <code>{t}</code> " " })}
                        {explain(event.status, event.scim_type.as_deref(), event.resource_type.as_deref())}
                    </p>
                    {event.detail.clone().map(|d| view! { <p class="roster-event__detail">"Server said: " {d}</p> })}
                </div>
            })}
        </li>
    }
}
