//! The directories list: one row per identity provider connection with its counts, when it
//! last synced and whether it needs attention; an empty organization gets an explanation of
//! what a directory is and the button to create the first one.
use leptos::prelude::*;
use roster_api_types::directory::Directory;

use super::health::health;
use crate::api;
use crate::components::{loaded, set_page_title, ApiResource, Column, DataTable};
use crate::format::{count, relative};
use crate::state::{use_client, use_href};
use crate::url::encode;

/// `/directories`.
#[component]
pub fn DirectoriesPage() -> impl IntoView {
    set_page_title("Directories");
    let client = use_client();
    let directories = ApiResource::request(move || api::list_directories(&client));
    let create = use_href("/directories/new");
    view! {
        <section class="roster-page" aria-labelledby="roster-directories-title">
            <div class="roster-page__header">
                <h1 id="roster-directories-title" tabindex="-1">"Directories"</h1>
                <a class="roster-button roster-button--primary" href=create.clone()>
                    "Create directory"
                </a>
            </div>
            {loaded(directories, "directories", move |list| {
                if list.is_empty() {
                    view! { <EmptyDirectories create=create.clone()/> }.into_any()
                } else {
                    view! { <DirectoryTable list/> }.into_any()
                }
            })}
        </section>
    }
}

#[component]
fn EmptyDirectories(create: String) -> impl IntoView {
    view! {
        <div class="roster-empty">
            <h2>"No directories yet"</h2>
            <p>
                "A directory is where one identity provider, such as Okta or Microsoft Entra ID, "
                "keeps Roster's users and groups up to date over SCIM 2.0. Create one directory "
                "for each identity provider connection."
            </p>
            <p>
                "Start by creating a directory: you will get a base URL and an API key to paste "
                "into your identity provider's provisioning settings."
            </p>
            <a class="roster-button roster-button--primary" href=create>
                "Create your first directory"
            </a>
        </div>
    }
}

#[component]
fn DirectoryTable(list: Vec<Directory>) -> impl IntoView {
    let base = use_href("/directories/");
    let columns = vec![
        Column::view("Name", move |d: &Directory| {
            let href = format!("{base}{}/overview", encode(&d.id));
            view! { <a href=href>{d.name.clone()}</a> }.into_any()
        }),
        Column::text("Users", |d: &Directory| {
            let mut text = count(d.active_users);
            if d.deactivated_users > 0 {
                text.push_str(&format!(" (+{} deactivated)", count(d.deactivated_users)));
            }
            text
        }),
        Column::number("Groups", |d: &Directory| d.group_count),
        Column::text("Last sync", |d: &Directory| {
            d.last_request_at
                .as_deref()
                .map(relative)
                .unwrap_or_else(|| "Never".to_owned())
        }),
        Column::view("Health", |d: &Directory| health(d).into_any()),
    ];
    view! {
        <DataTable caption="Directories" columns rows=list empty="No directories." clickable_rows=true/>
    }
}
