//! A directory's page: its name, the tab bar and the tab on screen. Every tab is its own URL
//! (`/directories/{id}/overview|credentials|users|groups|sync-log|settings`) and keeps its
//! search, sort and page in the query string, so deep links and back/forward work.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use roster_api_types::directory::Directory;

use super::context::{dir_href, DirectoryContext};
use super::{credentials, groups, overview, settings, sync_log, users};
use crate::api;
use crate::components::{loaded, set_page_title, ApiResource, Tab, Tabs};
use crate::state::{use_client, use_config};

const TABS: [(&str, &str); 6] = [
    ("overview", "Overview"),
    ("credentials", "Credentials"),
    ("users", "Users"),
    ("groups", "Groups"),
    ("sync-log", "Sync log"),
    ("settings", "Settings"),
];

/// `/directories/:id` and `/directories/:id/:tab`.
#[component]
pub fn DirectoryPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let tab = Memo::new(move |_| {
        params
            .with(|p| p.get("tab"))
            .unwrap_or_else(|| "overview".to_owned())
    });
    let client = use_client();
    let directory = ApiResource::request(move || {
        let id = id.get();
        api::get_directory(&client, &id)
    });
    let reload = Callback::new(move |()| directory.refetch());
    view! {
        <section class="roster-page" aria-labelledby="roster-directory-title">
            <p class="roster-breadcrumb">
                <a href=use_config().href("/directories")>"Directories"</a>
            </p>
            {loaded(directory, "the directory", move |d: Directory| {
                let ctx = DirectoryContext { directory: d.clone(), reload };
                let tabs = TABS
                    .iter()
                    .map(|(key, label)| Tab { key, label, href: dir_href(&d.id, key) })
                    .collect();
                let label = TABS
                    .iter()
                    .find(|(k, _)| *k == tab.get_untracked())
                    .map(|(_, l)| *l)
                    .unwrap_or("Not found");
                set_page_title(&format!("{} · {label}", d.name));
                view! {
                    <h1 id="roster-directory-title" tabindex="-1">{d.name.clone()}</h1>
                    <Tabs tabs current=tab label="Directory sections"/>
                    <div class="roster-tab-panel">
                        {move || tab_view(&tab.get(), ctx.clone())}
                    </div>
                }
            })}
        </section>
    }
}

fn tab_view(tab: &str, ctx: DirectoryContext) -> AnyView {
    if let Some((_, label)) = TABS.iter().find(|(k, _)| *k == tab) {
        set_page_title(&format!("{} · {label}", ctx.directory.name));
    }
    match tab {
        "overview" => view! { <overview::Overview ctx/> }.into_any(),
        "credentials" => view! { <credentials::Credentials ctx/> }.into_any(),
        "users" => view! { <users::UsersTab ctx/> }.into_any(),
        "groups" => view! { <groups::GroupsTab ctx/> }.into_any(),
        "sync-log" => view! { <sync_log::SyncLog ctx/> }.into_any(),
        "settings" => view! { <settings::Settings ctx/> }.into_any(),
        other => view! {
            <p>"This directory has no section called " <code>{other.to_owned()}</code> "."</p>
        }
        .into_any(),
    }
}
