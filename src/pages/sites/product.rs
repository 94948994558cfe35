//! Product access for one product on one site: the groups with access (role, default flag,
//! members), how many users that reaches, adding a group through a searchable picker with the
//! dry-run impact shown before granting, revoking with its impact, default groups (only local
//! groups are offered; a synced group's row says why, as the server refuses it), and the users
//! with access, paged.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use roster_api_types::{
    access::{AccessChange, AccessGroup, AccessRole, ProductAccess, ProductUser},
    org::{GroupKind, OrgGroupQuery},
    page::PageQuery,
};

use crate::api::{self, ApiError};
use crate::components::{
    loaded, set_page_title, ApiResource, Badge, Column, ConfirmDialog, DataTable, ErrorBanner,
    Pager, PendingConfirm, PickOption, SearchPicker, Tone,
};
use crate::format::plural;
use crate::pages::access::role_words;
use crate::state::{use_client, use_href};
use crate::url::{encode, query_param, with_query};

/// The seed's warning, shown before the admin tries.
const DEFAULT_GROUP_WARNING: &str = "Do not make a group synced from your identity provider a \
    default group: it may cause collisions when users who are not managed by SCIM are added to \
    the product. Use a local group as the default group instead.";

/// The ids in the URL.
#[derive(Clone, PartialEq, Eq)]
struct Ids {
    site: String,
    product: String,
}

/// "Synced from Okta users" or "Local group".
pub fn source_words(directory_name: Option<&str>) -> String {
    match directory_name {
        Some(d) => format!("Synced from {d}"),
        None => "Local group".to_owned(),
    }
}

/// `/sites/:site_id/products/:product_id`.
#[component]
pub fn SiteProductPage() -> impl IntoView {
    let params = use_params_map();
    let ids = Memo::new(move |_| {
        params.with(|p| Ids {
            site: p.get("site_id").unwrap_or_default(),
            product: p.get("product_id").unwrap_or_default(),
        })
    });
    let client = use_client();
    let site_client = client.clone();
    let site = ApiResource::request(move || {
        let ids = ids.get();
        api::get_site(&site_client, &ids.site)
    });
    let access = ApiResource::request(move || {
        let ids = ids.get();
        api::list_access(&client, &ids.site, &ids.product)
    });
    let reload = Callback::new(move |()| access.refetch());
    set_page_title("Product access");
    let site_name = move || {
        site.get()
            .and_then(|s| s.ok())
            .map(|s| format!("{} · {}", s.name, s.url))
            .unwrap_or_default()
    };
    let sites_href = use_href("/sites");
    let site_href = {
        let sites_href = sites_href.clone();
        move || format!("{sites_href}/{}", encode(&ids.get().site))
    };
    let site_link_text = move || {
        site.get()
            .and_then(|s| s.ok())
            .map(|s| s.name)
            .unwrap_or_else(|| "Site".to_owned())
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-product-title">
            <p class="roster-breadcrumb">
                <a href=sites_href>"Sites"</a> " › " <a href=site_href>{site_link_text}</a>
            </p>
            {loaded(access, "product access", move |a: ProductAccess| {
                set_page_title(&format!("{} access", a.product.name));
                let ids = ids.get_untracked();
                view! {
                    <h1 id="roster-product-title" tabindex="-1">{format!("{} access", a.product.name)}</h1>
                    <p class="roster-hint">{site_name}</p>
                    <div class="roster-alert roster-alert--warning" role="note">
                        <p class="roster-alert__message">{DEFAULT_GROUP_WARNING}</p>
                    </div>
                    <p class="roster-lead">
                        {format!("{} with access through {}.", plural(a.user_count, "user", "users"), plural(a.groups.len() as u64, "group", "groups"))}
                    </p>
                    <AccessGroups groups=a.groups.clone() ids=ids.clone() reload/>
                    <AddGroup ids=ids.clone() product=a.product.name.clone() reload/>
                    <ProductUsers ids/>
                }
            })}
        </section>
    }
}

#[component]
fn AccessGroups(groups: Vec<AccessGroup>, ids: Ids, reload: Callback<()>) -> impl IntoView {
    let client = use_client();
    let error = RwSignal::new(None::<ApiError>);
    let revoking = RwSignal::new(None::<AccessGroup>);
    let group_base = use_href("/groups/");
    let local_groups = use_href("/groups");
    let toggle_ids = ids.clone();
    let toggle = move |g: AccessGroup| {
        let client = client.clone();
        let ids = toggle_ids.clone();
        error.set(None);
        let request = if g.is_default {
            api::unset_default_group(&client, &ids.site, &ids.product, &g.group_id)
        } else {
            api::set_default_group(&client, &ids.site, &ids.product, &g.group_id)
        };
        request.spawn(move |answer| match answer {
            Ok(()) => reload.run(()),
            Err(e) => {
                error.try_set(Some(e));
            }
        });
    };
    let toggle = Callback::new(toggle);
    let columns = vec![
        Column::view("Group", move |g: &AccessGroup| {
            let href = format!("{group_base}{}", encode(&g.group_id));
            view! { <a href=href>{g.group_name.clone()}</a> }.into_any()
        }),
        Column::text("Source", |g: &AccessGroup| {
            source_words(g.directory_name.as_deref())
        }),
        Column::text("Role", |g: &AccessGroup| role_words(g.role).to_owned()),
        Column::view("Default", |g: &AccessGroup| {
            if g.is_default {
                view! { <Badge tone=Tone::Good text="Default group"/> }.into_any()
            } else {
                view! { <span class="roster-hint">"No"</span> }.into_any()
            }
        }),
        Column::number("Members", |g: &AccessGroup| g.member_count),
        Column::view("Actions", move |g: &AccessGroup| {
            let group = g.clone();
            let revoke = g.clone();
            let label = if g.is_default {
                "Stop being default"
            } else {
                "Make default"
            };
            // A synced group is never offered as a default group: the server refuses it, so the
            // row says why and where a local group is made instead.
            let default_action = if g.directory_name.is_some() && !g.is_default {
                view! {
                    <span class="roster-hint">
                        "Synced groups cannot be default groups. "
                        <a href=local_groups.clone()>"Create a local group"</a>
                    </span>
                }
                .into_any()
            } else {
                view! {
                    <button type="button" class="roster-button"
                        aria-label=format!("{label}: {}", g.group_name)
                        on:click=move |_| toggle.run(group.clone())>{label}</button>
                }
                .into_any()
            };
            view! {
                <span class="roster-row-actions">
                    {default_action}
                    <button type="button" class="roster-button"
                        aria-label=format!("Revoke access of {}", g.group_name)
                        on:click=move |_| revoking.set(Some(revoke.clone()))>"Revoke…"</button>
                </span>
            }
            .into_any()
        }),
    ];
    view! {
        <h2>"Groups with access"</h2>
        {move || error.get().map(|error| view! { <ErrorBanner error/> })}
        <DataTable caption="Groups with access" columns rows=groups
            empty="No group has access yet. Add a group to grant its members access."/>
        <Revoke ids revoking reload/>
    }
}

/// Revoking: the confirmation shows who loses access (the server's dry run) first.
#[component]
fn Revoke(
    ids: Ids,
    revoking: RwSignal<Option<AccessGroup>>,
    reload: Callback<()>,
) -> impl IntoView {
    let client = use_client();
    let confirm = PendingConfirm::new(revoking);
    let PendingConfirm { open, busy, error } = confirm;
    let impact_client = client.clone();
    let impact_ids = ids.clone();
    let impact = ApiResource::new_optional(move || {
        let client = impact_client.clone();
        let ids = impact_ids.clone();
        let group = revoking.get();
        async move {
            match group {
                Some(g) => Some(
                    api::revoke_access(&client, &ids.site, &ids.product, &g.group_id, true).await,
                ),
                None => None,
            }
        }
    });
    let on_confirm = Callback::new(move |()| {
        let Some(g) = revoking.get_untracked() else {
            return;
        };
        confirm.start();
        api::revoke_access(&client, &ids.site, &ids.product, &g.group_id, false)
            .spawn(move |answer| confirm.finish(answer, || reload.run(())));
    });
    move || {
        let title = revoking
            .with(|g| {
                g.as_ref()
                    .map(|g| format!("Revoke access of {}?", g.group_name))
            })
            .unwrap_or_default();
        view! {
            <ConfirmDialog open title confirm_label="Revoke access" busy_label="Revoking…"
                on_confirm busy error>
                {move || match impact.get() {
                    None => view! { <p role="status">"Checking who loses access…"</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorBanner error/> }.into_any(),
                    Some(Ok(change)) => impact_view(&change, false).into_any(),
                }}
            </ConfirmDialog>
        }
    }
}

/// "12 users gain access" with up to 10 of them.
fn impact_view(change: &AccessChange, grant: bool) -> impl IntoView {
    let n = change.users_affected;
    let verb = if grant { "gain" } else { "lose" };
    let headline = if n == 0 {
        format!("No one {verb}s access: every member already has it through another group, or the group has no active members.")
    } else {
        format!("{} {verb} access.", plural(n, "user", "users"))
    };
    let headline = if n == 1 {
        headline.replacen(&format!(" {verb} "), &format!(" {verb}s "), 1)
    } else {
        headline
    };
    let more = n.saturating_sub(change.sample.len() as u64);
    let sample = change
        .sample
        .iter()
        .map(|u| {
            let who = match &u.display_name {
                Some(d) if d != &u.user_name => format!("{d} ({})", u.user_name),
                _ => u.user_name.clone(),
            };
            view! { <li>{who}</li> }
        })
        .collect_view();
    view! {
        <p class="roster-impact__headline"><strong>{headline}</strong></p>
        <ul class="roster-impact">{sample}</ul>
        {(more > 0).then(|| view! { <p class="roster-hint">{format!("…and {}.", plural(more, "more", "more"))}</p> })}
    }
}

/// "Add group": pick a group, choose a role, see the dry run's impact, then grant.
#[component]
fn AddGroup(ids: Ids, product: String, reload: Callback<()>) -> impl IntoView {
    let client = use_client();
    let adding = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let selected = RwSignal::new(None::<PickOption>);
    let role = RwSignal::new("user".to_owned());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let search_client = client.clone();
    let matches = ApiResource::new(move || {
        let client = search_client.clone();
        let search = query.get().trim().to_owned();
        let open = adding.get();
        async move {
            if !open {
                return Ok(Vec::new());
            }
            let q = OrgGroupQuery {
                search: Some(search).filter(|s| !s.is_empty()),
                limit: Some(20),
                ..Default::default()
            };
            api::list_org_groups(&client, &q).await.map(|page| {
                page.items
                    .into_iter()
                    .map(|g| PickOption {
                        detail: format!(
                            "{} · {}",
                            match g.kind {
                                GroupKind::Synced => source_words(g.directory_name.as_deref()),
                                GroupKind::Local => "Local group".to_owned(),
                            },
                            plural(g.member_count, "member", "members")
                        ),
                        id: g.id,
                        label: g.name,
                    })
                    .collect()
            })
        }
    });
    let dry_client = client.clone();
    let dry_ids = ids.clone();
    let impact = ApiResource::new_optional(move || {
        let client = dry_client.clone();
        let ids = dry_ids.clone();
        let group = selected.get();
        let role = AccessRole::parse(&role.get());
        async move {
            match group {
                Some(g) => Some(
                    api::grant_access(&client, &ids.site, &ids.product, &g.id, role, true).await,
                ),
                None => None,
            }
        }
    });
    let grant = Callback::new(move |()| {
        let Some(g) = selected.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        let client = client.clone();
        let ids = ids.clone();
        let role = AccessRole::parse(&role.get_untracked());
        api::grant_access(&client, &ids.site, &ids.product, &g.id, role, false).spawn(
            move |answer| {
                busy.try_set(false);
                match answer {
                    Ok(_) => {
                        adding.try_set(false);
                        selected.try_set(None);
                        query.try_set(String::new());
                        reload.run(());
                    }
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
            },
        );
    });
    let ready = move || matches!(impact.get(), Some(Ok(_)));
    let options = Signal::derive(move || matches.get());
    view! {
        {move || (!adding.get()).then(|| view! {
            <p class="roster-after-table">
                <button type="button" class="roster-button roster-button--primary"
                    on:click=move |_| { error.set(None); adding.set(true) }>"Add group"</button>
            </p>
        })}
        {move || adding.get().then(|| {
            let product = product.clone();
            view! {
                <section class="roster-panel" aria-labelledby="roster-add-group-title">
                    <h2 id="roster-add-group-title">{format!("Add a group to {product}")}</h2>
                    {move || error.get().map(|error| view! { <ErrorBanner error/> })}
                    <SearchPicker label="Find a group" id="roster-group-picker" query options selected
                        placeholder="Start of the group's name"
                        empty="No group starts with this. Synced groups appear once your identity provider pushes them."/>
                    <div class="roster-field">
                        <label for="roster-grant-role">"Role"</label>
                        <select id="roster-grant-role" bind:value=role>
                            <option value="user">"User"</option>
                            <option value="admin">"Admin"</option>
                        </select>
                    </div>
                    <div class="roster-impact-box" aria-live="polite">
                        {move || match impact.get() {
                            None => view! { <p class="roster-hint">"Choose a group to see who gains access."</p> }.into_any(),
                            Some(Err(error)) => view! { <ErrorBanner error/> }.into_any(),
                            Some(Ok(change)) => impact_view(&change, true).into_any(),
                        }}
                    </div>
                    <div class="roster-actions">
                        <button type="button" class="roster-button roster-button--primary"
                            disabled=move || busy.get() || !ready()
                            aria-busy=move || if busy.get() { "true" } else { "false" }
                            on:click=move |_| grant.run(())>
                            {move || if busy.get() { "Granting…" } else { "Grant access" }}
                        </button>
                        <button type="button" class="roster-button" on:click=move |_| {
                            adding.set(false);
                            selected.set(None);
                        }>"Cancel"</button>
                    </div>
                </section>
            }
        })}
    }
}

/// Everyone with access, paged by a cursor in the URL.
#[component]
fn ProductUsers(ids: Ids) -> impl IntoView {
    let client = use_client();
    let cursor = query_param("cursor");
    let res_ids = ids.clone();
    let users = ApiResource::request(move || {
        let q = PageQuery {
            cursor: cursor.get(),
            limit: Some(50),
        };
        api::list_product_users(&client, &res_ids.site, &res_ids.product, &q)
    });
    let path = use_href(&format!(
        "/sites/{}/products/{}",
        encode(&ids.site),
        encode(&ids.product)
    ));
    let user_base = use_href("/users/");
    view! {
        <h2>"Users with access"</h2>
        {loaded(users, "users with access", move |page| {
            let link = |c: Option<String>| with_query(&path, &[("cursor", c)]);
            let first = cursor.get_untracked().map(|_| link(None));
            let prev = page.prev_cursor.clone().map(|c| link(Some(c)));
            let next = page.next_cursor.clone().map(|c| link(Some(c)));
            let base = user_base.clone();
            let columns = vec![
                Column::view("Username", move |u: &ProductUser| {
                    let href = format!("{base}{}", encode(&u.id));
                    view! { <a href=href>{u.user_name.clone()}</a> }.into_any()
                }),
                Column::text("Name", |u: &ProductUser| u.display_name.clone().unwrap_or_default()),
                Column::text("Email", |u: &ProductUser| u.email.clone().unwrap_or_default()),
                Column::text("Role", |u: &ProductUser| role_words(u.role).to_owned()),
            ];
            view! {
                <DataTable caption="Users with access" columns rows=page.items
                    empty="No one has access yet." clickable_rows=true/>
                <Pager prev_href=prev next_href=next first_href=first summary=None label="Users with access pages"/>
            }
        })}
    }
}
