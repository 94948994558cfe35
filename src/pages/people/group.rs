//! A group's profile, the one page of a group whether the admin came from the organization's
//! Groups list or a directory's: tabs, each its own URL (`/groups/{id}`,
//! `/groups/{id}/members|access`): Overview (where it comes from, counts, and for a local group
//! rename and delete), Members (paged, [`super::group_members`]) and Access (the products it
//! grants). A synced group is read-only here (its directory owns it); a local group can be
//! renamed, deleted, and have members added and removed.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use roster_api_types::org::{GroupAccess, GroupDetail, GroupKind};

use super::badges::kind_badge;
use super::group_members::{GroupMembers, MemberPicker};
use crate::api::{self, ApiError};
use crate::components::{
    loaded, set_page_title, tab_panel, ApiResource, BusyButton, Column, ConfirmDialog, DataTable,
    ErrorBanner, Tab, Tabs,
};
use crate::format::{datetime, plural};
use crate::pages::access::{product_href, role_words};
use crate::state::{use_client, use_href};
use crate::url::{encode, use_navigate};

const TABS: [(&str, &str); 3] = [
    ("overview", "Overview"),
    ("members", "Members"),
    ("access", "Access"),
];

const PANEL: &str = "roster-group-panel";

/// `/groups/:group_id` and `/groups/:group_id/:tab`.
#[component]
pub fn GroupProfilePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("group_id")).unwrap_or_default());
    let tab = Memo::new(move |_| {
        params
            .with(|p| p.get("tab"))
            .unwrap_or_else(|| "overview".to_owned())
    });
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
        <section class="roster-page" aria-labelledby="roster-group-title">
            <p class="roster-breadcrumb"><a href=use_href("/groups")>"Groups"</a></p>
            {loaded(group, "the group", move |d: GroupDetail| view! { <GroupProfile d tab reload notice/> })}
        </section>
    }
}

#[component]
fn GroupProfile(
    d: GroupDetail,
    tab: Memo<String>,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let g = d.group.clone();
    let base = use_href(&format!("/groups/{}", encode(&g.id)));
    let tabs = TABS
        .iter()
        .map(|(key, label)| Tab {
            key,
            label,
            href: if *key == "overview" {
                base.clone()
            } else {
                format!("{base}/{key}")
            },
        })
        .collect();
    let name = g.name.clone();
    let panel = move || {
        let tab = tab.get();
        let label = TABS.iter().find(|(k, _)| *k == tab).map(|(_, l)| *l);
        set_page_title(&format!("{} · {}", d.group.name, label.unwrap_or("Group")));
        let local = matches!(d.group.kind, GroupKind::Local);
        let content = match tab.as_str() {
            "overview" => Some(view! { <Overview d=d.clone() reload/> }.into_any()),
            "members" => Some(
                view! {
                    <GroupMembers id=d.group.id.clone() local on_change=reload/>
                    {local.then(|| view! { <MemberPicker id=d.group.id.clone() reload done=notice/> })}
                }
                .into_any(),
            ),
            "access" => Some(access_tab(&d.access)),
            _ => None,
        };
        tab_panel(PANEL, &tab, "A group's profile", content)
    };
    view! {
        <div class="roster-page__header">
            <h1 id="roster-group-title" tabindex="-1">{name}</h1>
            {kind_badge(&g)}
        </div>
        <p class="roster-hint">{plural(g.member_count, "member", "members")}</p>
        <Tabs tabs current=tab label="Group profile sections" panel=PANEL/>
        {panel}
    }
}

/// Overview: where the group comes from and when it changed; a synced group says who owns
/// it, a local group can be renamed or deleted here.
#[component]
fn Overview(d: GroupDetail, reload: Callback<()>) -> impl IntoView {
    let g = d.group.clone();
    let source = match (&g.kind, &g.directory_id) {
        (GroupKind::Synced, Some(directory_id)) => {
            let href = use_href(&format!("/directories/{}/groups", encode(directory_id)));
            view! {
                "Synced from " <a href=href>{g.directory_name.clone().unwrap_or_default()}</a>
            }
            .into_any()
        }
        _ => "Local group, made in Roster".into_any(),
    };
    // The directory's record holds what the identity provider sent: the external ID.
    let external_id = match (&g.kind, &g.directory_id) {
        (GroupKind::Synced, Some(directory_id)) => {
            let client = use_client();
            let (directory_id, group_id) = (directory_id.clone(), g.id.clone());
            let record =
                ApiResource::request(move || api::get_group(&client, &directory_id, &group_id));
            Some(view! {
                <dt>"External ID"</dt>
                <dd>{loaded(record, "the external ID", |r| r.external_id.unwrap_or_else(|| "None".into()))}</dd>
            })
        }
        _ => None,
    };
    let (note, editor) = match g.kind {
        GroupKind::Synced => (
            Some(view! {
                <div class="roster-alert roster-alert--info" role="note">
                    <p class="roster-alert__message">
                        {format!("Synced from {}. Its name and members change only in your identity provider; Roster shows them read-only.", g.directory_name.clone().unwrap_or_default())}
                    </p>
                </div>
            }),
            None,
        ),
        GroupKind::Local => (None, Some(view! { <LocalGroupEditor d=d.clone() reload/> })),
    };
    view! {
        {note}
        <dl class="roster-facts">
            <dt>"Source"</dt><dd>{source}</dd>
            <dt>"Members"</dt><dd>{plural(g.member_count, "member", "members")}</dd>
            <dt>"Product access"</dt><dd>{plural(d.access.len() as u64, "product", "products")}</dd>
            {external_id}
            <dt>"Roster ID"</dt><dd><code>{g.id.clone()}</code></dd>
            <dt>"Created"</dt><dd>{datetime(&g.created_at)}</dd>
            <dt>"Last changed"</dt><dd>{datetime(&g.updated_at)}</dd>
        </dl>
        {editor}
    }
}

fn access_tab(access: &[GroupAccess]) -> AnyView {
    let base = use_href("");
    let columns = vec![
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
    view! {
        <h2>"Product access"</h2>
        <p class="roster-hint">
            "Every active member gets these products. Grant or revoke on a product's access              page, under " <a href=use_href("/sites")>"Sites"</a> "."
        </p>
        <DataTable caption="Product access" columns rows=access.to_vec()
            empty="This group grants no product access. Grant it from a product's access page."/>
    }
    .into_any()
}

/// Rename and delete for a local group (its members are on the Members tab).
#[component]
fn LocalGroupEditor(d: GroupDetail, reload: Callback<()>) -> impl IntoView {
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
        <DeleteGroup id name=d.group.name.clone() access=d.access.len()/>
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
