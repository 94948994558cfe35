//! The Groups tab (search by name prefix, member counts, cursor pages in the URL) and the page
//! of one group with its members, paged: a group can have 100,000 of them.
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use roster_api_types::directory::{GroupListQuery, GroupSummary};

use super::users::user_columns;
use super::{dir_href, query_param, with_query, DirectoryContext};
use crate::api::{self, encode};
use crate::components::{loaded, set_page_title, ApiResource, Column, DataTable, Pager};
use crate::format::{datetime, plural, relative};
use crate::state::use_client;

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
    let base = dir_href(&d.id, "groups/");
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

/// `/directories/:id/groups/:group_id`.
#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let ids = Memo::new(move |_| {
        params.with(|p| {
            (
                p.get("id").unwrap_or_default(),
                p.get("group_id").unwrap_or_default(),
            )
        })
    });
    let cursor = query_param("cursor");
    let client = use_client();
    let group_client = client.clone();
    let group = ApiResource::request(move || {
        let (id, group_id) = ids.get();
        api::get_group(&group_client, &id, &group_id)
    });
    let members = ApiResource::request(move || {
        let (id, group_id) = ids.get();
        let query = GroupListQuery {
            search: None,
            cursor: cursor.get(),
            limit: Some(50),
        };
        api::list_group_members(&client, &id, &group_id, &query)
    });
    set_page_title("Group");
    let back = move || dir_href(&ids.get().0, "groups");
    view! {
        <section class="roster-page" aria-labelledby="roster-group-title">
            <p class="roster-breadcrumb"><a href=back>"Groups"</a></p>
            {loaded(group, "the group", move |g: GroupSummary| {
                set_page_title(&g.display_name);
                view! {
                    <h1 id="roster-group-title" tabindex="-1">{g.display_name.clone()}</h1>
                    <dl class="roster-facts">
                        <dt>"Members"</dt><dd>{plural(g.member_count, "member", "members")}</dd>
                        <dt>"External ID"</dt><dd>{g.external_id.clone().unwrap_or_else(|| "None".into())}</dd>
                        <dt>"Roster ID"</dt><dd>{g.id.clone()}</dd>
                        <dt>"Created"</dt><dd>{datetime(&g.created_at)}</dd>
                        <dt>"Last changed"</dt><dd>{datetime(&g.updated_at)}</dd>
                    </dl>
                }
            })}
            <h2>"Members"</h2>
            {loaded(members, "members", move |page| {
                let (id, group_id) = ids.get_untracked();
                let path = dir_href(&id, &format!("groups/{}", encode(&group_id)));
                let link = |c: Option<String>| with_query(&path, &[("cursor", c)]);
                let first = cursor.get_untracked().map(|_| link(None));
                let prev = page.prev_cursor.clone().map(|c| link(Some(c)));
                let next = page.next_cursor.clone().map(|c| link(Some(c)));
                let summary = page.total.map(|t| plural(t, "member", "members"));
                view! {
                    <DataTable caption="Members" columns=user_columns(&id) rows=page.items
                        empty="This group has no members." clickable_rows=true/>
                    <Pager prev_href=prev next_href=next first_href=first summary label="Members pages"/>
                }
            })}
        </section>
    }
}
