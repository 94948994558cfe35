//! A user's profile, the one page of a user whether the admin came from the organization's
//! Users list or from a directory's: a header with their status, then tabs, each its own URL
//! (`/users/{id}`, `/users/{id}/groups|access|timeline`): Profile (where they come from,
//! managed or external, and every attribute the identity provider sent), Groups, Access (each
//! product with the groups granting it) and Timeline ([`super::timeline`]). A user who no
//! longer exists gets a not-found page that still shows their timeline.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use roster_api_types::org::{EffectiveAccess, Group, GroupKind, OrgUserDetail};

use super::attributes::UserAttributes;
use super::badges::managed_badge;
use super::timeline::UserTimeline;
use crate::api::{self, ApiError};
use crate::components::{
    loaded, set_page_title, tab_panel, ApiResource, Column, DataTable, ErrorBanner, Tab, Tabs,
};
use crate::format::plural;
use crate::pages::access::{product_href, role_words};
use crate::pages::directories::user_columns::status_badge;
use crate::state::{use_client, use_href};
use crate::url::encode;

const TABS: [(&str, &str); 4] = [
    ("profile", "Profile"),
    ("groups", "Groups"),
    ("access", "Access"),
    ("timeline", "Timeline"),
];

const PANEL: &str = "roster-user-panel";

/// `/users/:user_id` and `/users/:user_id/:tab`.
#[component]
pub fn UserProfilePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("user_id")).unwrap_or_default());
    let tab = Memo::new(move |_| {
        params
            .with(|p| p.get("tab"))
            .unwrap_or_else(|| "profile".to_owned())
    });
    let client = use_client();
    let user = ApiResource::request(move || {
        let id = id.get();
        api::get_org_user(&client, &id)
    });
    set_page_title("User");
    let profile = move || match user.get() {
        None => {
            view! { <p class="roster-loading" role="status">"Loading the user…"</p> }.into_any()
        }
        Some(Err(ApiError::Cancelled)) => ().into_any(),
        Some(Err(e)) if e.status() == Some(404) => {
            view! { <UserNotFound id=id.get_untracked()/> }.into_any()
        }
        Some(Err(error)) => {
            let retry = Callback::new(move |()| user.refetch());
            view! { <ErrorBanner error on_retry=retry/> }.into_any()
        }
        Some(Ok(d)) => view! { <UserProfile d tab/> }.into_any(),
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-user-title">
            <p class="roster-breadcrumb"><a href=use_href("/users")>"Users"</a></p>
            {profile}
        </section>
    }
}

/// The user's header, tabs and the tab on screen.
#[component]
fn UserProfile(d: OrgUserDetail, tab: Memo<String>) -> impl IntoView {
    let base = use_href(&format!("/users/{}", encode(&d.user.id)));
    let tabs = TABS
        .iter()
        .map(|(key, label)| Tab {
            key,
            label,
            href: if *key == "profile" {
                base.clone()
            } else {
                format!("{base}/{key}")
            },
        })
        .collect();
    let name = d.user.user_name.clone();
    let subtitle = [d.user.display_name.clone(), d.user.email.clone()]
        .into_iter()
        .flatten()
        .filter(|s| s != &name)
        .collect::<Vec<_>>()
        .join(" · ");
    let dir_href = use_href(&format!("/directories/{}/users", encode(&d.directory.id)));
    let directory_name = d.directory.name.clone();
    let badges = view! {
        <span class="roster-badges">{status_badge(d.user.active)}{managed_badge(d.managed)}</span>
    };
    let panel = move || {
        let tab = tab.get();
        let label = TABS.iter().find(|(k, _)| *k == tab).map(|(_, l)| *l);
        set_page_title(&format!(
            "{} · {}",
            d.user.user_name,
            label.unwrap_or("User")
        ));
        let content = match tab.as_str() {
            "profile" => Some(view! { <ProfileTab d=d.clone()/> }.into_any()),
            "groups" => Some(groups_tab(&d.groups)),
            "access" => Some(access_tab(&d)),
            "timeline" => Some(view! { <UserTimeline id=d.user.id.clone()/> }.into_any()),
            _ => None,
        };
        tab_panel(PANEL, &tab, "A user's profile", content)
    };
    view! {
        <div class="roster-page__header">
            <h1 id="roster-user-title" tabindex="-1">{name}</h1>
            {badges}
        </div>
        <p class="roster-hint">
            {(!subtitle.is_empty()).then(|| format!("{subtitle} · "))}
            "From directory " <a href=dir_href>{directory_name}</a>
        </p>
        <Tabs tabs current=tab label="User profile sections" panel=PANEL/>
        {panel}
    }
}

/// Profile: where the user comes from and what that means, then every SCIM attribute, read
/// from the directory that provisions them.
#[component]
fn ProfileTab(d: OrgUserDetail) -> impl IntoView {
    let client = use_client();
    let (directory_id, user_id) = (d.directory.id.clone(), d.user.id.clone());
    let scim = ApiResource::request(move || api::get_user(&client, &directory_id, &user_id));
    let managed_words = match (&d.email_domain, d.managed) {
        (Some(domain), true) => format!("Managed: {domain} is a verified domain"),
        (Some(domain), false) => format!("External: {domain} is not a verified domain"),
        (None, _) => "External: no primary email".to_owned(),
    };
    let status = if d.user.active {
        "Active: gets the product access of their groups"
    } else {
        "Deactivated by the identity provider: no product access"
    };
    let dir_href = use_href(&format!("/directories/{}/users", encode(&d.directory.id)));
    view! {
        <section aria-labelledby="roster-user-source">
            <h2 id="roster-user-source">"Source"</h2>
            <dl class="roster-facts">
                <dt>"Directory"</dt><dd><a href=dir_href>{d.directory.name.clone()}</a></dd>
                <dt>"Status"</dt><dd>{status}</dd>
                <dt>"Managed"</dt><dd>{managed_words}</dd>
            </dl>
        </section>
        {loaded(scim, "the user's attributes", |detail| view! { <UserAttributes detail/> })}
    }
}

fn groups_tab(groups: &[Group]) -> AnyView {
    let group_base = use_href("/groups/");
    let columns = vec![
        Column::view("Group", move |g: &Group| {
            let href = format!("{group_base}{}", encode(&g.id));
            view! { <a href=href>{g.name.clone()}</a> }.into_any()
        }),
        Column::text("Source", |g: &Group| match g.kind {
            GroupKind::Synced => format!(
                "Synced from {}",
                g.directory_name.clone().unwrap_or_default()
            ),
            GroupKind::Local => "Local group".to_owned(),
        }),
        Column::number("Members", |g: &Group| g.member_count),
    ];
    let summary = (!groups.is_empty()).then(|| {
        let n = plural(groups.len() as u64, "group", "groups");
        format!("A member of {n}: synced groups come from the identity provider, local ones were added in Roster.")
    });
    view! {
        <h2>"Groups"</h2>
        {summary.map(|s| view! { <p class="roster-hint">{s}</p> })}
        <DataTable caption="Groups" columns rows=groups.to_vec() empty="Not in any group." clickable_rows=true/>
    }
    .into_any()
}

fn access_tab(d: &OrgUserDetail) -> AnyView {
    let base = use_href("");
    let access_base = base.clone();
    let grant_base = format!("{base}/groups/");
    let columns = vec![
        Column::view("Product", move |a: &EffectiveAccess| {
            let href = product_href(&access_base, &a.site_id, &a.product_id);
            view! { <a href=href>{a.product_name.clone()}</a> }.into_any()
        }),
        Column::text("Site", |a: &EffectiveAccess| {
            format!("{} ({})", a.site_name, a.site_url)
        }),
        Column::text("Role", |a: &EffectiveAccess| role_words(a.role).to_owned()),
        Column::view("Granted by", move |a: &EffectiveAccess| {
            let links = a
                .granted_by
                .iter()
                .map(|s| {
                    let href = format!("{grant_base}{}", encode(&s.group_id));
                    view! { <li><a href=href>{s.group_name.clone()}</a></li> }
                })
                .collect_view();
            view! { <ul class="roster-inline-list">{links}</ul> }.into_any()
        }),
    ];
    let no_access = if d.user.active {
        "No product access: none of this user's groups has been granted a product."
    } else {
        "No product access while the user is deactivated."
    };
    view! {
        <h2>"Product access"</h2>
        <p class="roster-hint">
            "A product is open to the user when a group they are in is granted it, with the \
             highest role of those grants. The Timeline tab says when and why access changed."
        </p>
        <DataTable caption="Effective product access" columns rows=d.access.clone() empty=no_access/>
    }
    .into_any()
}

/// No user with this id now: said plainly, with the history Roster still keeps about them
/// (a deleted user's timeline stays readable).
#[component]
fn UserNotFound(id: String) -> impl IntoView {
    set_page_title("User not found");
    view! {
        <h1 id="roster-user-title" tabindex="-1">"User not found"</h1>
        <p>
            "No user with the ID " <code>{id.clone()}</code> " is in this organization now. The \
             identity provider may have deleted them, or the link is wrong. What Roster still \
             keeps about them is below."
        </p>
        <p><a href=use_href("/users")>"Back to Users"</a></p>
        <section aria-labelledby="roster-user-history">
            <h2 id="roster-user-history">"Timeline"</h2>
            <UserTimeline id/>
        </section>
    }
}
