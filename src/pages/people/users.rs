//! Users of the whole organization, across directories: search by the start of a username or
//! email (in the URL, with cursor pages), each with its directory and whether it is managed
//! (email on a verified domain) or external.
use leptos::prelude::*;
use roster_api_types::org::{OrgUser, OrgUserQuery};

use super::badges::managed_badge;
use crate::api;
use crate::components::{
    loaded, set_page_title, ApiResource, Badge, Column, DataTable, Pager, Tone,
};
use crate::format::plural;
use crate::state::{use_client, use_href};
use crate::url::{encode, query_param, use_navigate, with_query};

/// `/users`.
#[component]
pub fn UsersPage() -> impl IntoView {
    set_page_title("Users");
    let search = query_param("search");
    let cursor = query_param("cursor");
    let client = use_client();
    let users = ApiResource::request(move || {
        let q = OrgUserQuery {
            search: search.get(),
            cursor: cursor.get(),
            limit: Some(50),
        };
        api::list_org_users(&client, &q)
    });
    let path = use_href("/users");
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
    let user_base = use_href("/users/");
    let dir_base = use_href("/directories/");
    view! {
        <section class="roster-page" aria-labelledby="roster-users-title">
            <h1 id="roster-users-title" tabindex="-1">"Users"</h1>
            <p class="roster-lead">"Everyone your identity providers provisioned, across all directories."</p>
            <form class="roster-toolbar" role="search" on:submit=on_submit>
                <div class="roster-field">
                    <label for="roster-org-user-search">"Search users"</label>
                    <input id="roster-org-user-search" type="search" bind:value=typed
                        placeholder="Start of a username or email"/>
                </div>
                <button type="submit" class="roster-button">"Search"</button>
            </form>
            {loaded(users, "users", move |page| {
                let link = |c: Option<String>| {
                    with_query(&path, &[("search", search.get_untracked()), ("cursor", c)])
                };
                let first = cursor.get_untracked().map(|_| link(None));
                let prev = page.prev_cursor.clone().map(|c| link(Some(c)));
                let next = page.next_cursor.clone().map(|c| link(Some(c)));
                let summary = page.total.map(|t| plural(t, "user", "users"));
                let empty = if search.get_untracked().is_some() {
                    "No users match this search. Search matches the start of a username or email."
                } else {
                    "No users yet. They appear here when an identity provider provisions them into a directory."
                };
                let (ub, db) = (user_base.clone(), dir_base.clone());
                let columns = vec![
                    Column::view("Username", move |u: &OrgUser| {
                        let href = format!("{ub}{}", encode(&u.id));
                        view! { <a href=href>{u.user_name.clone()}</a> }.into_any()
                    }),
                    Column::text("Name", |u: &OrgUser| u.display_name.clone().unwrap_or_default()),
                    Column::text("Email", |u: &OrgUser| u.email.clone().unwrap_or_default()),
                    Column::view("Directory", move |u: &OrgUser| {
                        let href = format!("{db}{}/overview", encode(&u.directory_id));
                        view! { <a href=href>{u.directory_name.clone()}</a> }.into_any()
                    }),
                    Column::view("Status", |u: &OrgUser| {
                        let active = if u.active {
                            view! { <Badge tone=Tone::Good text="Active"/> }.into_any()
                        } else {
                            view! { <Badge tone=Tone::Neutral text="Deactivated"/> }.into_any()
                        };
                        view! { <span class="roster-badges">{active}{managed_badge(u.managed)}</span> }.into_any()
                    }),
                ];
                view! {
                    <DataTable caption="Users" columns rows=page.items empty clickable_rows=true/>
                    <Pager prev_href=prev next_href=next first_href=first summary label="Users pages"/>
                }
            })}
        </section>
    }
}
