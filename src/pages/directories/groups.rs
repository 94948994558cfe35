//! The Groups tab: search by name prefix, member counts, cursor pages in the URL.
use leptos::prelude::*;

use roster_api_types::directory::{GroupListQuery, GroupSummary};

use super::context::{dir_href, DirectoryContext};
use crate::api;
use crate::components::{loaded, ApiResource, Column, DataTable, Pager};
use crate::format::{plural, relative};
use crate::state::{use_client, use_href};
use crate::url::{encode, query_param, use_navigate, with_query};

#[component]
pub fn GroupsTab(ctx: DirectoryContext) -> impl IntoView {
    let d = ctx.directory;
    let search = query_param("search");
    let cursor = query_param("cursor");
    let client = use_client();
    let id = d.id.clone();
    let groups = ApiResource::request(move || {
        let query = GroupListQuery {
            search: search.get(),
            cursor: cursor.get(),
            limit: Some(50),
        };
        api::list_groups(&client, &id, &query)
    });
    let path = dir_href(&d.id, "groups");
    let navigate = use_navigate();
    let typed = RwSignal::new(search.get_untracked().unwrap_or_default());
    let submit_path = path.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = typed.get_untracked().trim().to_owned();
        navigate(
            &with_query(&submit_path, &[("search", Some(q))]),
            Default::default(),
        );
    };
    let page_link = move |c: Option<String>| {
        with_query(&path, &[("search", search.get_untracked()), ("cursor", c)])
    };
    let base = use_href("/groups/");
    view! {
        <form class="roster-toolbar" role="search" on:submit=on_submit>
            <div class="roster-field">
                <label for="roster-group-search">"Search groups"</label>
                <input id="roster-group-search" type="search" bind:value=typed placeholder="Start of the group name"/>
            </div>
            <button type="submit" class="roster-button">"Search"</button>
        </form>
        {loaded(groups, "groups", move |page| {
            let base = base.clone();
            let columns = vec![
                Column::view("Group", move |g: &GroupSummary| {
                    let href = format!("{base}{}", encode(&g.id));
                    view! { <a href=href>{g.display_name.clone()}</a> }.into_any()
                }),
                Column::number("Members", |g: &GroupSummary| g.member_count),
                Column::text("External ID", |g: &GroupSummary| g.external_id.clone().unwrap_or_default()),
                Column::text("Last changed", |g: &GroupSummary| relative(&g.updated_at)),
            ];
            let empty = if search.get_untracked().is_some() {
                "No groups match this search. Search matches the start of a group's name."
            } else {
                "No groups yet. They appear here when your identity provider pushes groups."
            };
            let summary = page.total.map(|t| plural(t, "group", "groups"));
            let first = cursor.get_untracked().map(|_| page_link(None));
            let prev = page.prev_cursor.clone().map(|c| page_link(Some(c)));
            let next = page.next_cursor.clone().map(|c| page_link(Some(c)));
            view! {
                <DataTable caption="Groups" columns rows=page.items empty clickable_rows=true/>
                <Pager prev_href=prev next_href=next first_href=first summary label="Groups pages"/>
            }
        })}
    }
}
