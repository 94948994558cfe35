//! One of the organization's groups with the access it grants and its members
//! ([`super::group_members`]). A synced group is read-only here (its directory owns it). A
//! local group can be renamed, deleted, and have members added by searching the organization's
//! users, or removed from the list.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use roster_api_types::org::{GroupAccess, GroupDetail, GroupKind, OrgUserQuery};

use super::badges::kind_badge;
use super::group_members::GroupMembers;
use crate::api::{self, ApiError};
use crate::components::{
    loaded, set_page_title, ApiResource, BusyButton, Column, ConfirmDialog, DataTable, ErrorBanner,
    PickOption, SearchPicker,
};
use crate::format::{datetime, plural};
use crate::pages::access::{product_href, role_words};
use crate::state::{use_client, use_href};
use crate::url::{encode, use_navigate};

/// `/groups/:group_id`.
#[component]
pub fn OrgGroupPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("group_id")).unwrap_or_default());
    let client = use_client();
    let group = ApiResource::request(move || {
        let id = id.get();
        api::get_org_group(&client, &id)
    });
    let reload = Callback::new(move |()| group.refetch());
    // Outlives the reload that rebuilds the group's view after a change.
    let notice = RwSignal::new(None::<String>);
    set_page_title("Group");
    view! {
        <section class="roster-page" aria-labelledby="roster-org-group-title">
            <p class="roster-breadcrumb"><a href=use_href("/groups")>"Groups"</a></p>
            {loaded(group, "the group", move |d: GroupDetail| view! { <GroupView d reload notice/> })}
        </section>
    }
}

#[component]
fn GroupView(
    d: GroupDetail,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let g = d.group.clone();
    set_page_title(&g.name);
    let base = use_href("");
    let access_columns = vec![
        Column::view("Product", move |a: &GroupAccess| {
            let href = product_href(&base, &a.site_id, &a.product_id);
            view! { <a href=href>{a.product_name.clone()}</a> }.into_any()
        }),
        Column::text("Site", |a: &GroupAccess| a.site_name.clone()),
        Column::text("Role", |a: &GroupAccess| role_words(a.role).to_owned()),
        Column::text("Default group", |a: &GroupAccess| {
            if a.is_default { "Yes" } else { "No" }.to_owned()
        }),
    ];
    // A synced group says where it comes from up front; a local group's editor follows its
    // members.
    let (note, editor) = match g.kind {
        GroupKind::Synced => (
            Some(view! {
                <div class="roster-alert roster-alert--info" role="note">
                    <p class="roster-alert__message">
                        {format!("Synced from {}. Its name and members change only in your identity provider; Roster shows them read-only. ", g.directory_name.clone().unwrap_or_default())}
                        <a href=use_href(&format!("/directories/{}/groups/{}", encode(g.directory_id.as_deref().unwrap_or_default()), encode(&g.id)))>"See it in its directory"</a>
                        "."
                    </p>
                </div>
            }),
            None,
        ),
        GroupKind::Local => (
            None,
            Some(view! { <LocalGroupEditor d=d.clone() reload notice/> }),
        ),
    };
    view! {
        <div class="roster-page__header">
            <h1 id="roster-org-group-title" tabindex="-1">{g.name.clone()}</h1>
            {kind_badge(&g)}
        </div>
        <dl class="roster-facts">
            <dt>"Members"</dt><dd>{plural(g.member_count, "member", "members")}</dd>
            <dt>"Created"</dt><dd>{datetime(&g.created_at)}</dd>
            <dt>"Last changed"</dt><dd>{datetime(&g.updated_at)}</dd>
        </dl>
        {note}
        <h2>"Product access"</h2>
        <DataTable caption="Product access" columns=access_columns rows=d.access
            empty="This group grants no product access. Grant it from a product's access page."/>
        <GroupMembers id=g.id.clone() local=matches!(g.kind, GroupKind::Local) on_change=reload/>
        {editor}
    }
}

/// Rename, members and delete for a local group.
#[component]
fn LocalGroupEditor(
    d: GroupDetail,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let client = use_client();
    let id = d.group.id.clone();
    let name = RwSignal::new(d.group.name.clone());
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let rename_client = client.clone();
    let rename_id = id.clone();
    let on_rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saving.set(true);
        error.set(None);
        let client = rename_client.clone();
        let id = rename_id.clone();
        let new_name = name.get_untracked().trim().to_owned();
        api::rename_group(&client, &id, &new_name).spawn(move |answer| {
            saving.try_set(false);
            match answer {
                Ok(_) => reload.run(()),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <h2>"Name"</h2>
        <form class="roster-toolbar" on:submit=on_rename>
            <div class="roster-field">
                <label for="roster-group-rename">"Group name"</label>
                <input id="roster-group-rename" type="text" required maxlength="100" bind:value=name/>
            </div>
            <BusyButton label="Save name" busy_label="Saving…" busy=saving submit=true/>
        </form>
        {move || error.get().map(|error| view! { <ErrorBanner error/> })}
        <Members id=id.clone() reload done=notice/>
        <DeleteGroup id name=d.group.name.clone() access=d.access.len()/>
    }
}

/// Adding and removing members: search the organization's users, pick one, act.
#[component]
fn Members(id: String, reload: Callback<()>, done: RwSignal<Option<String>>) -> impl IntoView {
    let client = use_client();
    let query = RwSignal::new(String::new());
    let selected = RwSignal::new(None::<PickOption>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let search_client = client.clone();
    let matches = ApiResource::new(move || {
        let client = search_client.clone();
        let search = query.get().trim().to_owned();
        async move {
            if search.is_empty() {
                return Ok(Vec::new());
            }
            let q = OrgUserQuery {
                search: Some(search),
                limit: Some(10),
                ..Default::default()
            };
            api::list_org_users(&client, &q).await.map(|page| {
                page.items
                    .into_iter()
                    .map(|u| PickOption {
                        detail: format!(
                            "{} · {}",
                            u.display_name.unwrap_or_default(),
                            u.directory_name
                        ),
                        id: u.id,
                        label: u.user_name,
                    })
                    .collect()
            })
        }
    });
    let act = move |add: bool| {
        let Some(user) = selected.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        done.set(None);
        let client = client.clone();
        let id = id.clone();
        let request = if add {
            api::add_member(&client, &id, &user.id)
        } else {
            api::remove_member(&client, &id, &user.id)
        };
        request.spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(()) => {
                    let verb = if add { "Added" } else { "Removed" };
                    done.try_set(Some(format!("{verb} {}.", user.label)));
                    reload.run(());
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let act = Callback::new(act);
    let options = Signal::derive(move || matches.get());
    let none = move || busy.get() || selected.with(Option::is_none);
    view! {
        <h2>"Add or remove members"</h2>
        <p class="roster-hint">"Add anyone from any directory; remove members here or from the list below."</p>
        {move || error.get().map(|error| view! { <ErrorBanner error/> })}
        {move || done.get().map(|text| view! {
            <div class="roster-alert roster-alert--info" role="status"><p class="roster-alert__message">{text}</p></div>
        })}
        <SearchPicker label="Find a user" id="roster-member-picker" query options selected
            placeholder="Start of a username or email" empty="Type the start of a username or email."/>
        <div class="roster-actions">
            <button type="button" class="roster-button roster-button--primary" disabled=none
                on:click=move |_| act.run(true)>"Add to group"</button>
            <button type="button" class="roster-button" disabled=none
                on:click=move |_| act.run(false)>"Remove from group"</button>
        </div>
    }
}

#[component]
fn DeleteGroup(id: String, name: String, access: usize) -> impl IntoView {
    let client = use_client();
    let navigate = use_navigate();
    let list = use_href("/groups");
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let delete = Callback::new(move |()| {
        busy.set(true);
        error.set(None);
        let client = client.clone();
        let id = id.clone();
        let navigate = navigate.clone();
        let list = list.clone();
        api::delete_group(&client, &id).spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(()) => {
                    open.try_set(false);
                    navigate(&list, Default::default());
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });
    view! {
        <section class="roster-danger-zone" aria-labelledby="roster-group-delete-title">
            <h2 id="roster-group-delete-title">"Delete group"</h2>
            <p>"Members stay in the organization, but lose the access this group gives them."</p>
            <button type="button" class="roster-button roster-button--danger"
                on:click=move |_| { error.set(None); open.set(true) }>"Delete group…"</button>
        </section>
        <ConfirmDialog open title=format!("Delete {name}?") confirm_label="Delete group"
            busy_label="Deleting…" on_confirm=delete busy error>
            <p>{format!("{} removed with the group. Members who had access only through {name} lose it.", plural(access as u64, "product access grant is", "product access grants are"))}</p>
        </ConfirmDialog>
    }
}
