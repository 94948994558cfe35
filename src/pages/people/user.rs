//! One user of the organization: where they come from (directory), managed or external,
//! their groups, and their effective access per site and product with the groups that grant
//! it.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use roster_api_types::{
    access::AccessRole,
    org::{EffectiveAccess, Group, GroupKind, OrgUserDetail},
};

use super::badges::managed_badge;
use crate::api;
use crate::components::{loaded, set_page_title, ApiResource, Badge, Column, DataTable, Tone};
use crate::pages::access::product_href;
use crate::state::{use_client, use_href};
use crate::url::encode;

/// `/users/:user_id`.
#[component]
pub fn OrgUserPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("user_id")).unwrap_or_default());
    let client = use_client();
    let user = ApiResource::request(move || {
        let id = id.get();
        api::get_org_user(&client, &id)
    });
    set_page_title("User");
    view! {
        <section class="roster-page" aria-labelledby="roster-org-user-title">
            <p class="roster-breadcrumb"><a href=use_href("/users")>"Users"</a></p>
            {loaded(user, "the user", |d: OrgUserDetail| view! { <UserDetail d/> })}
        </section>
    }
}

#[component]
fn UserDetail(d: OrgUserDetail) -> impl IntoView {
    set_page_title(&d.user.user_name);
    let base = use_href("");
    let dir_href = format!("{base}/directories/{}", encode(&d.directory.id));
    let scim_href = format!("{dir_href}/users/{}", encode(&d.user.id));
    let status = if d.user.active {
        view! { <Badge tone=Tone::Good text="Active"/> }.into_any()
    } else {
        view! { <Badge tone=Tone::Neutral text="Deactivated"/> }.into_any()
    };
    let managed_words = match (&d.email_domain, d.managed) {
        (Some(domain), true) => format!("Managed: {domain} is a verified domain"),
        (Some(domain), false) => format!("External: {domain} is not a verified domain"),
        (None, _) => "External: no primary email".to_owned(),
    };
    let group_base = format!("{base}/groups/");
    let groups = d.groups.clone();
    let group_columns = vec![
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
    ];
    let access_base = base.clone();
    let grant_base = format!("{base}/groups/");
    let access_columns = vec![
        Column::view("Product", move |a: &EffectiveAccess| {
            let href = product_href(&access_base, &a.site_id, &a.product_id);
            view! { <a href=href>{a.product_name.clone()}</a> }.into_any()
        }),
        Column::text("Site", |a: &EffectiveAccess| {
            format!("{} ({})", a.site_name, a.site_url)
        }),
        Column::text("Role", |a: &EffectiveAccess| match a.role {
            AccessRole::User => "User".to_owned(),
            AccessRole::Admin => "Admin".to_owned(),
        }),
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
        <div class="roster-page__header">
            <h1 id="roster-org-user-title" tabindex="-1">{d.user.user_name.clone()}</h1>
            <span class="roster-badges">{status}{managed_badge(d.managed)}</span>
        </div>
        <dl class="roster-facts">
            <dt>"Name"</dt><dd>{d.user.display_name.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>"Email"</dt><dd>{d.user.email.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>"Source directory"</dt><dd><a href=dir_href>{d.directory.name.clone()}</a></dd>
            <dt>"Managed"</dt><dd>{managed_words}</dd>
            <dt>"SCIM record"</dt><dd><a href=scim_href>"All attributes from the identity provider"</a></dd>
        </dl>
        <h2>"Product access"</h2>
        <DataTable caption="Effective product access" columns=access_columns rows=d.access empty=no_access/>
        <h2>"Groups"</h2>
        <DataTable caption="Groups" columns=group_columns rows=groups empty="Not in any group." clickable_rows=true/>
    }
}
