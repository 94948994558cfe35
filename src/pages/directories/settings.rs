//! The Settings tab: rename, and delete behind a confirmation that names what goes with the
//! directory (users, groups, access grants, counted by the server) and asks for the name.
use leptos::prelude::*;

use super::context::DirectoryContext;
use crate::api::{self, ApiError};
use crate::components::{ApiResource, BusyButton, ConfirmDialog, ErrorBanner};
use crate::format::plural;
use crate::state::{use_client, use_config};
use crate::url::use_navigate;

#[component]
pub fn Settings(ctx: DirectoryContext) -> impl IntoView {
    let d = ctx.directory.clone();
    let client = use_client();
    let name = RwSignal::new(d.name.clone());
    let saving = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let reload = ctx.reload;
    let id = d.id.clone();
    let rename_client = client.clone();
    let on_rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        saving.set(true);
        saved.set(false);
        error.set(None);
        let client = rename_client.clone();
        let id = id.clone();
        let new_name = name.get_untracked();
        api::rename_directory(&client, &id, new_name.trim()).spawn(move |answer| {
            saving.try_set(false);
            match answer {
                Ok(_) => {
                    saved.try_set(true);
                    reload.run(());
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <h2>"Name"</h2>
        <form class="roster-form roster-form--narrow" on:submit=on_rename>
            {move || error.get().map(|error| view! { <ErrorBanner error/> })}
            {move || saved.get().then(|| view! {
                <div class="roster-alert roster-alert--info" role="status">
                    <p class="roster-alert__message">"Saved."</p>
                </div>
            })}
            <div class="roster-field">
                <label for="roster-rename">"Directory name"</label>
                <input id="roster-rename" type="text" required maxlength="100" bind:value=name/>
            </div>
            <div class="roster-actions">
                <BusyButton label="Save name" busy_label="Saving…" busy=saving submit=true/>
            </div>
        </form>
        <DeleteDirectory ctx/>
    }
}

#[component]
fn DeleteDirectory(ctx: DirectoryContext) -> impl IntoView {
    let d = ctx.directory;
    let client = use_client();
    let navigate = use_navigate();
    let list = use_config().href("/directories");
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let typed = RwSignal::new(String::new());
    let expected = d.name.clone();
    let can_confirm = Signal::derive(move || typed.get().trim() == expected.trim());
    let impact_client = client.clone();
    let impact_id = d.id.clone();
    // Asked for each time the dialog opens, so the counts are current.
    let impact = ApiResource::new_optional(move || {
        let client = impact_client.clone();
        let id = impact_id.clone();
        let open = open.get();
        async move {
            if open {
                Some(api::get_deletion_impact(&client, &id).await)
            } else {
                None
            }
        }
    });
    let id = d.id.clone();
    let delete = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let client = client.clone();
        let id = id.clone();
        let navigate = navigate.clone();
        let list = list.clone();
        api::delete_directory(&client, &id).spawn(move |answer| match answer {
            Ok(()) => {
                busy.try_set(false);
                open.try_set(false);
                navigate(&list, Default::default());
            }
            Err(e) => {
                busy.try_set(false);
                error.try_set(Some(e));
            }
        });
    });
    let name = d.name.clone();
    view! {
        <section class="roster-danger-zone" aria-labelledby="roster-delete-title">
            <h2 id="roster-delete-title">"Delete directory"</h2>
            <p>
                "Deleting removes the directory with every user and group it synced, their "
                "product access, its API key and its sync log. It cannot be undone. Turn off "
                "provisioning in your identity provider first."
            </p>
            <button
                type="button"
                class="roster-button roster-button--danger"
                on:click=move |_| {
                    typed.set(String::new());
                    error.set(None);
                    open.set(true);
                }
            >
                "Delete directory…"
            </button>
        </section>
        <ConfirmDialog
            open
            title=format!("Delete {}?", d.name)
            confirm_label="Delete directory"
            busy_label="Deleting…"
            on_confirm=delete
            busy
            can_confirm
            error
        >
            {
                let name = name.clone();
                move || match impact.get() {
                    None => view! { <p role="status">"Counting what will be removed…"</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorBanner error/> }.into_any(),
                    Some(Ok(i)) => view! {
                        <p>"This permanently removes:"</p>
                        <ul class="roster-impact">
                            <li>{plural(i.users, "user", "users")}</li>
                            <li>{plural(i.groups, "group", "groups")}</li>
                            <li>{plural(i.access_grants, "product access grant", "product access grants")}</li>
                        </ul>
                        <p>{format!("People who had access only through {name} lose it.")}</p>
                    }
                    .into_any(),
                }
            }
            <div class="roster-field">
                <label for="roster-delete-name">{format!("Type “{name}” to confirm")}</label>
                <input id="roster-delete-name" type="text" autocomplete="off" data-autofocus bind:value=typed/>
            </div>
        </ConfirmDialog>
    }
}
