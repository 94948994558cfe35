//! The Users tab: search, sort and cursor pages, all in the URL.
use leptos::prelude::*;

use roster_api_types::directory::{SortOrder, UserListQuery, UserSort};

use super::context::{dir_href, DirectoryContext};
use super::user_columns::user_columns;
use crate::api;
use crate::components::{loaded, ApiResource, DataTable, Pager};
use crate::format::plural;
use crate::state::use_client;
use crate::url::{query_param, use_navigate, with_query};

const SORTS: [(&str, UserSort, &str); 4] = [
    ("userName", UserSort::UserName, "Username"),
    ("name", UserSort::Name, "Family name"),
    ("email", UserSort::Email, "Email"),
    ("created", UserSort::Created, "Created"),
];

#[component]
pub fn UsersTab(ctx: DirectoryContext) -> impl IntoView {
    let d = ctx.directory;
    let search = query_param("search");
    let sort = query_param("sort");
    let order = query_param("order");
    let cursor = query_param("cursor");
    let client = use_client();
    let id = d.id.clone();
    let users = ApiResource::request(move || {
        let query = UserListQuery {
            search: search.get(),
            sort: SORTS
                .iter()
                .find(|(k, _, _)| Some(*k) == sort.get().as_deref())
                .map(|s| s.1)
                .unwrap_or_default(),
            order: if order.get().as_deref() == Some("desc") {
                SortOrder::Desc
            } else {
                SortOrder::Asc
            },
            cursor: cursor.get(),
            limit: Some(50),
        };
        api::list_users(&client, &id, &query)
    });
    let path = dir_href(&d.id, "users");
    let navigate = use_navigate();
    let typed = RwSignal::new(search.get_untracked().unwrap_or_default());
    let sort_sel = RwSignal::new(sort.get_untracked().unwrap_or_else(|| "userName".into()));
    let order_sel = RwSignal::new(order.get_untracked().unwrap_or_else(|| "asc".into()));
    let go = {
        let path = path.clone();
        move || {
            // A new search or sort starts from the first page.
            let href = with_query(
                &path,
                &[
                    ("search", Some(typed.get_untracked().trim().to_owned())),
                    (
                        "sort",
                        Some(sort_sel.get_untracked()).filter(|s| s != "userName"),
                    ),
                    (
                        "order",
                        Some(order_sel.get_untracked()).filter(|o| o != "asc"),
                    ),
                ],
            );
            navigate(&href, Default::default());
        }
    };
    let go2 = go.clone();
    let go3 = go.clone();
    let page_link = move |c: Option<String>| {
        with_query(
            &path,
            &[
                ("search", search.get_untracked()),
                ("sort", sort.get_untracked()),
                ("order", order.get_untracked()),
                ("cursor", c),
            ],
        )
    };
    view! {
        <form class="roster-toolbar" role="search" on:submit=move |ev| { ev.prevent_default(); go() }>
            <div class="roster-field">
                <label for="roster-user-search">"Search users"</label>
                <input id="roster-user-search" type="search" bind:value=typed
                    placeholder="Start of a username, name or email"/>
            </div>
            <button type="submit" class="roster-button">"Search"</button>
            <div class="roster-field">
                <label for="roster-user-sort">"Sort by"</label>
                <select id="roster-user-sort" bind:value=sort_sel on:change=move |_| go2()>
                    {SORTS.iter().map(|(k, _, l)| view! { <option value=*k>{*l}</option> }).collect_view()}
                </select>
            </div>
            <div class="roster-field">
                <label for="roster-user-order">"Order"</label>
                <select id="roster-user-order" bind:value=order_sel on:change=move |_| go3()>
                    <option value="asc">"Ascending"</option>
                    <option value="desc">"Descending"</option>
                </select>
            </div>
        </form>
        {loaded(users, "users", move |page| {
            let empty = if search.get_untracked().is_some() {
                "No users match this search. Search matches the start of a username, given or family name, or email."
            } else {
                "No users yet. They appear here when your identity provider provisions them."
            };
            let summary = page.total.map(|t| plural(t, "user", "users"));
            let first = cursor.get_untracked().map(|_| page_link(None));
            let prev = page.prev_cursor.clone().map(|c| page_link(Some(c)));
            let next = page.next_cursor.clone().map(|c| page_link(Some(c)));
            view! {
                <DataTable caption="Users" columns=user_columns() rows=page.items empty clickable_rows=true/>
                <Pager prev_href=prev next_href=next first_href=first summary label="Users pages"/>
            }
        })}
    }
}
