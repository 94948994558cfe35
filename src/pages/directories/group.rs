//! The page of one of a directory's groups, with its members, paged: a group can have 100,000
//! of them.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use roster_api_types::directory::{GroupListQuery, GroupSummary};

use super::context::dir_href;
use super::user_columns::user_columns;
use crate::api;
use crate::components::{loaded, set_page_title, ApiResource, DataTable, Pager};
use crate::format::{datetime, plural};
use crate::state::use_client;
use crate::url::{encode, query_param, with_query};

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
