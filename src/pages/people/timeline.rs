//! A user's Timeline tab: what the identity provider asked about them and what changed for
//! them, newest first, so an admin can answer "why did Ann lose Jira on Acme?". Each change
//! reads as a sentence ([`super::timeline_words`]) with who made it; each SCIM request shows
//! its status, method and path compactly. The newest 50 come first, "Load older entries"
//! appends the next page from the cursor the API returned. Also shown for a deleted user,
//! whose history the server keeps.
use leptos::prelude::*;
use roster_api_types::directory::SyncEvent;
use roster_api_types::event::{Event, TimelineEntry, TimelineQuery};
use roster_api_types::page::Page;
use roster_api_types::site::Site;

use super::timeline_words::{actor_words, event_kind, event_sentence, Names};
use crate::api::{self, ApiError};
use crate::components::{loaded, ApiResource, Badge, BusyButton, ErrorBanner, Tone};
use crate::format::{datetime, plural, relative};
use crate::pages::directories::sync_log::operation_words;
use crate::state::use_client;

/// Entries per page.
const PAGE: u32 = 50;

/// The timeline of user `id`. A 404 (no such user, and no history kept) says so in place of
/// the list.
#[component]
pub fn UserTimeline(id: String) -> impl IntoView {
    let client = use_client();
    let sites_client = client.clone();
    let first_id = id.clone();
    let first = ApiResource::request(move || {
        let query = TimelineQuery {
            cursor: None,
            limit: Some(PAGE),
        };
        api::get_timeline(&client, &first_id, &query)
    });
    // Access events name products by id only; their names come from the sites.
    let sites = ApiResource::request(move || api::list_sites(&sites_client));
    let timeline = move || match first.get() {
        None => {
            view! { <p class="roster-loading" role="status">"Loading the timeline…"</p> }.into_any()
        }
        Some(Err(ApiError::Cancelled)) => ().into_any(),
        Some(Err(e)) if e.status() == Some(404) => view! {
            <p class="roster-empty">
                "Roster keeps no history for this user: no request or change about them is in \
                 the sync log or the change feed."
            </p>
        }
        .into_any(),
        Some(Err(error)) => {
            let retry = Callback::new(move |()| first.refetch());
            view! { <ErrorBanner error on_retry=retry/> }.into_any()
        }
        Some(Ok(page)) => {
            let id = id.clone();
            loaded(sites, "product names", move |sites: Vec<Site>| {
                let names = Names::from_sites(&sites);
                view! { <Entries id=id.clone() page=page.clone() names/> }
            })
            .into_any()
        }
    };
    view! {
        <p class="roster-hint">
            "Newest first: the identity provider's requests about this user, and every change \
             to them, their groups and their product access, with what caused it."
        </p>
        {timeline}
    }
}

/// The entries shown so far, and the way to older ones.
#[component]
fn Entries(id: String, page: Page<TimelineEntry>, names: Names) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="roster-empty">"Nothing has happened to this user yet."</p> }
            .into_any();
    }
    let entries = RwSignal::new(page.items);
    let next = RwSignal::new(page.next_cursor);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let names = StoredValue::new(names);
    let client = use_client();
    let load_older = Callback::new(move |()| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        let shown = entries.with_untracked(Vec::len);
        let query = TimelineQuery {
            cursor: Some(cursor),
            limit: Some(PAGE),
        };
        api::get_timeline(&client, &id, &query).spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(page) => {
                    entries.try_update(|e| e.extend(page.items));
                    next.try_set(page.next_cursor);
                    focus_entry(shown);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });
    let list = move || {
        entries.with(|items| {
            items
                .iter()
                .enumerate()
                .map(|(i, entry)| names.with_value(|names| entry_view(i, entry, names)))
                .collect_view()
        })
    };
    let summary = move || {
        let shown = plural(entries.with(Vec::len) as u64, "entry", "entries");
        if next.with(Option::is_some) {
            format!("Showing the newest {shown}.")
        } else {
            format!("Showing all {shown}.")
        }
    };
    view! {
        <ol class="roster-timeline" aria-label="Timeline, newest first">{list}</ol>
        <div class="roster-timeline__more">
            <p class="roster-hint" role="status">{summary}</p>
            {move || error.get().map(|error| view! { <ErrorBanner error/> })}
            {move || next.with(Option::is_some).then(|| view! {
                <BusyButton label="Load older entries" busy_label="Loading…" busy on_click=load_older/>
            })}
        </div>
    }
    .into_any()
}

/// The element id of entry `index`.
fn entry_id(index: usize) -> String {
    format!("roster-timeline-{index}")
}

/// After older entries arrive, the focus moves to the first of them (the button that asked
/// may be gone, at the end of the history), once they are on screen.
fn focus_entry(index: usize) {
    request_animation_frame(move || {
        if let Some(entry) = crate::dom::query(&format!("#{}", entry_id(index)))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = entry.focus();
        }
    });
}

fn entry_view(index: usize, entry: &TimelineEntry, names: &Names) -> AnyView {
    let body = match (&entry.event, &entry.request) {
        (Some(event), _) => event_view(event, names),
        (None, Some(request)) => request_view(request),
        // The entry's row went between the two reads of the page (pruned by retention).
        (None, None) => view! { <p class="roster-timeline__what">"No longer kept"</p> }.into_any(),
    };
    let class = match &entry.event {
        Some(event) => event_kind(&event.type_).class(),
        None => "roster-timeline__entry roster-timeline__entry--request",
    };
    view! {
        <li class=class id=entry_id(index) tabindex="-1">
            <time class="roster-timeline__time" datetime=entry.at.clone() title=relative(&entry.at)>
                {datetime(&entry.at)}
            </time>
            <div class="roster-timeline__body">{body}</div>
        </li>
    }
    .into_any()
}

fn event_view(event: &Event, names: &Names) -> AnyView {
    view! {
        <p class="roster-timeline__what">{event_sentence(&event.type_, &event.data, names)}</p>
        <p class="roster-timeline__by">{actor_words(&event.actor)}</p>
    }
    .into_any()
}

fn request_view(request: &SyncEvent) -> AnyView {
    let failed = request.status >= 400;
    let tone = if failed { Tone::Bad } else { Tone::Good };
    let changed =
        (!request.changed.is_empty()).then(|| format!("Changed: {}", request.changed.join(", ")));
    let problem = failed.then(|| {
        [request.scim_type.clone(), request.detail.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": ")
    });
    view! {
        <p class="roster-timeline__what">
            <span class="roster-visually-hidden">"SCIM request, status "</span>
            <Badge tone text=request.status.to_string()/>
            " "
            <code class="roster-timeline__path">{format!("{} {}", request.method, request.path)}</code>
            " "
            <span class="roster-timeline__operation">{operation_words(&request.operation)}</span>
        </p>
        {changed.map(|c| view! { <p class="roster-timeline__by">{c}</p> })}
        {problem.filter(|p| !p.is_empty()).map(|p| view! { <p class="roster-timeline__error">{p}</p> })}
    }
    .into_any()
}
