//! A group's Members tab: the members, a page of 50 at a time (the cursor lives in the URL, so
//! a page can be bookmarked), each linking to their profile; a local group's members can be
//! removed from the list, and added or removed by searching the organization's users.
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use roster_api_types::org::OrgUserQuery;
use roster_api_types::page::PageQuery;
use roster_api_types::{directory::UserSummary, page::Page};

use crate::api::{self, ApiError};
use crate::components::{
    loaded, ApiResource, Column, DataTable, ErrorBanner, Pager, PickOption, SearchPicker,
};
use crate::format::plural;
use crate::state::{use_client, use_href};
use crate::url::{encode, query_param, with_query};

/// The members of group `id`. `local`: members can be removed here (a synced group's change
/// only in its identity provider); `on_change` runs after a removal.
#[component]
pub fn GroupMembers(id: String, local: bool, on_change: Callback<()>) -> impl IntoView {
    let client = use_client();
    let cursor = query_param("cursor");
    let list_client = client.clone();
    let list_id = id.clone();
    let members = ApiResource::request(move || {
        let query = PageQuery {
            cursor: cursor.get(),
            limit: None,
        };
        api::list_org_group_members(&list_client, &list_id, &query)
    });
    let error = RwSignal::new(None::<ApiError>);
    let remove = Callback::new(move |user: UserSummary| {
        error.set(None);
        api::remove_member(&client, &id, &user.id).spawn(move |answer| match answer {
            Ok(()) => {
                members.refetch();
                on_change.run(());
            }
            Err(e) => {
                error.try_set(Some(e));
            }
        });
    });
    let path = use_location().pathname;
    view! {
        <h2>"Members"</h2>
        {move || error.get().map(|error| view! { <ErrorBanner error/> })}
        {loaded(members, "the members", move |page: Page<UserSummary>| {
            let here = path.get_untracked();
            let link = |c: Option<String>| c.map(|c| with_query(&here, &[("cursor", Some(c))]));
            let summary = page.total.map(|n| plural(n, "member", "members"));
            view! {
                <MemberTable rows=page.items local remove/>
                <Pager prev_href=link(page.prev_cursor) next_href=link(page.next_cursor)
                    summary label="Member pages"/>
            }
        })}
    }
}

#[component]
fn MemberTable(
    rows: Vec<UserSummary>,
    local: bool,
    remove: Callback<UserSummary>,
) -> impl IntoView {
    let base = use_href("/users/");
    let mut columns = vec![
        Column::view("Username", move |u: &UserSummary| {
            let href = format!("{base}{}", encode(&u.id));
            view! { <a href=href>{u.user_name.clone()}</a> }.into_any()
        }),
        Column::text("Name", |u: &UserSummary| {
            u.display_name.clone().unwrap_or_default()
        }),
        Column::text("Email", |u: &UserSummary| {
            u.email.clone().unwrap_or_default()
        }),
        Column::text("Status", |u: &UserSummary| {
            if u.active { "Active" } else { "Inactive" }.to_owned()
        }),
    ];
    if local {
        columns.push(Column::view("", move |u: &UserSummary| {
            let user = u.clone();
            let label = format!("Remove {} from the group", u.user_name);
            view! {
                <button type="button" class="roster-button" aria-label=label
                    on:click=move |_| remove.run(user.clone())>
                    "Remove"
                </button>
            }
            .into_any()
        }));
    }
    view! { <DataTable caption="Members" columns rows empty="This group has no members."/> }
}

/// Adding and removing members of a local group: search the organization's users, pick one,
/// act. `done` says what was done; `reload` runs after.
#[component]
pub fn MemberPicker(
    id: String,
    reload: Callback<()>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let client = use_client();
    let query = RwSignal::new(String::new());
    let selected = RwSignal::new(None::<PickOption>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let search_client = client.clone();
    let matches = ApiResource::new(move || {
        let client = search_client.clone();
        let search = query.get().trim().to_owned();
        async move {
            if search.is_empty() {
                return Ok(Vec::new());
            }
            let q = OrgUserQuery {
                search: Some(search),
                limit: Some(10),
                ..Default::default()
            };
            api::list_org_users(&client, &q).await.map(|page| {
                page.items
                    .into_iter()
                    .map(|u| PickOption {
                        detail: format!(
                            "{} · {}",
                            u.display_name.unwrap_or_default(),
                            u.directory_name
                        ),
                        id: u.id,
                        label: u.user_name,
                    })
                    .collect()
            })
        }
    });
    let act = move |add: bool| {
        let Some(user) = selected.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        done.set(None);
        let client = client.clone();
        let id = id.clone();
        let request = if add {
            api::add_member(&client, &id, &user.id)
        } else {
            api::remove_member(&client, &id, &user.id)
        };
        request.spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(()) => {
                    let verb = if add { "Added" } else { "Removed" };
                    done.try_set(Some(format!("{verb} {}.", user.label)));
                    reload.run(());
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let act = Callback::new(act);
    let options = Signal::derive(move || matches.get());
    let none = move || busy.get() || selected.with(Option::is_none);
    view! {
        <h2>"Add or remove members"</h2>
        <p class="roster-hint">"Add anyone from any directory; remove members here or from the list below."</p>
        {move || error.get().map(|error| view! { <ErrorBanner error/> })}
        {move || done.get().map(|text| view! {
            <div class="roster-alert roster-alert--info" role="status"><p class="roster-alert__message">{text}</p></div>
        })}
        <SearchPicker label="Find a user" id="roster-member-picker" query options selected
            placeholder="Start of a username or email" empty="Type the start of a username or email."/>
        <div class="roster-actions">
            <button type="button" class="roster-button roster-button--primary" disabled=none
                on:click=move |_| act.run(true)>"Add to group"</button>
            <button type="button" class="roster-button" disabled=none
                on:click=move |_| act.run(false)>"Remove from group"</button>
        </div>
    }
}
