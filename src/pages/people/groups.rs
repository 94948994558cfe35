//! The organization's groups: synced ones (read-only, with their directory) and local ones,
//! searchable and filterable by kind in the URL, and a form to create a local group.
use leptos::prelude::*;
use roster_api_types::org::{Group, GroupKind, OrgGroupQuery};

use super::badges::kind_badge;
use crate::api::{self, ApiError};
use crate::components::{
    loaded, set_page_title, ApiResource, BusyButton, Column, DataTable, ErrorBanner, Pager,
};
use crate::format::plural;
use crate::state::{use_client, use_href};
use crate::url::{encode, query_param, use_navigate, with_query};

/// `/groups`.
#[component]
pub fn GroupsPage() -> impl IntoView {
    set_page_title("Groups");
    let search = query_param("search");
    let kind = query_param("kind");
    let cursor = query_param("cursor");
    let client = use_client();
    let list_client = client.clone();
    let groups = ApiResource::request(move || {
        let q = OrgGroupQuery {
            search: search.get(),
            kind: match kind.get().as_deref() {
                Some("local") => Some(GroupKind::Local),
                Some("synced") => Some(GroupKind::Synced),
                _ => None,
            },
            cursor: cursor.get(),
            limit: Some(50),
        };
        api::list_org_groups(&list_client, &q)
    });
    let path = use_href("/groups");
    let navigate = use_navigate();
    let typed = RwSignal::new(search.get_untracked().unwrap_or_default());
    let kind_sel = RwSignal::new(kind.get_untracked().unwrap_or_default());
    let go = {
        let path = path.clone();
        let navigate = navigate.clone();
        move || {
            let href = with_query(
                &path,
                &[
                    ("search", Some(typed.get_untracked().trim().to_owned())),
                    ("kind", Some(kind_sel.get_untracked())),
                ],
            );
            navigate(&href, Default::default());
        }
    };
    let go2 = go.clone();
    // Creating a local group goes straight to its page.
    let new_name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let group_base = use_href("/groups/");
    let created_base = group_base.clone();
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let client = client.clone();
        let navigate = navigate.clone();
        let base = created_base.clone();
        let name = new_name.get_untracked().trim().to_owned();
        api::create_group(&client, &name).spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(g) => navigate(
                    &format!("{base}{}", encode(&g.group.id)),
                    Default::default(),
                ),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-groups-title">
            <h1 id="roster-groups-title" tabindex="-1">"Groups"</h1>
            <p class="roster-lead">
                "Synced groups come from your identity providers and change only there. Local groups "
                "belong to Roster: you choose their members, from any directory."
            </p>
            <form class="roster-toolbar" on:submit=on_create>
                <div class="roster-field">
                    <label for="roster-new-group">"New local group"</label>
                    <input id="roster-new-group" type="text" required maxlength="100"
                        placeholder="Confluence defaults" bind:value=new_name/>
                </div>
                <BusyButton label="Create group" busy_label="Creating…" busy submit=true/>
            </form>
            {move || error.get().map(|error| view! { <ErrorBanner error/> })}
            <form class="roster-toolbar" role="search" on:submit=move |ev| { ev.prevent_default(); go() }>
                <div class="roster-field">
                    <label for="roster-org-group-search">"Search groups"</label>
                    <input id="roster-org-group-search" type="search" bind:value=typed
                        placeholder="Start of the group name"/>
                </div>
                <button type="submit" class="roster-button">"Search"</button>
                <div class="roster-field">
                    <label for="roster-group-kind">"Show"</label>
                    <select id="roster-group-kind" bind:value=kind_sel on:change=move |_| go2()>
                        <option value="">"All groups"</option>
                        <option value="synced">"Synced groups"</option>
                        <option value="local">"Local groups"</option>
                    </select>
                </div>
            </form>
            {loaded(groups, "groups", move |page| {
                let link = |c: Option<String>| {
                    with_query(
                        &path,
                        &[("search", search.get_untracked()), ("kind", kind.get_untracked()), ("cursor", c)],
                    )
                };
                let first = cursor.get_untracked().map(|_| link(None));
                let prev = page.prev_cursor.clone().map(|c| link(Some(c)));
                let next = page.next_cursor.clone().map(|c| link(Some(c)));
                let summary = page.total.map(|t| plural(t, "group", "groups"));
                let base = group_base.clone();
                let columns = vec![
                    Column::view("Group", move |g: &Group| {
                        let href = format!("{base}{}", encode(&g.id));
                        view! { <a href=href>{g.name.clone()}</a> }.into_any()
                    }),
                    Column::view("Kind", |g: &Group| kind_badge(g)),
                    Column::text("Directory", |g: &Group| {
                        g.directory_name.clone().unwrap_or_else(|| "—".to_owned())
                    }),
                    Column::number("Members", |g: &Group| g.member_count),
                ];
                let empty = if search.get_untracked().is_some() || kind.get_untracked().is_some() {
                    "No groups match. Search matches the start of a group's name."
                } else {
                    "No groups yet. Create a local group above, or let an identity provider push its groups."
                };
                view! {
                    <DataTable caption="Groups" columns rows=page.items empty clickable_rows=true/>
                    <Pager prev_href=prev next_href=next first_href=first summary label="Groups pages"/>
                }
            })}
        </section>
    }
}
