//! A group's members on its page, a page of 50 at a time (the cursor lives in the URL, so a
//! page can be bookmarked). Each member links to their user page; a local group's members can
//! be removed from the list.
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use roster_api_types::page::PageQuery;
use roster_api_types::{directory::UserSummary, page::Page};

use crate::api::{self, ApiError};
use crate::components::{loaded, ApiResource, Column, DataTable, ErrorBanner, Pager};
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
