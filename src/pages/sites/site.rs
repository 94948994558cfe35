//! `/sites/{siteId}`: one site. Its products, each a link to its product access; adding a
//! product from the catalogue; removing one behind a confirmation that states the access that
//! disappears with it; and the site's name and URL.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use roster_api_types::{
    access::ProductAccess,
    site::{AddProduct, Site, SitePatch, SiteProduct},
};

use crate::api::{self, ApiError};
use crate::components::{
    loaded, set_page_title, ApiResource, BusyButton, Column, ConfirmDialog, DataTable, ErrorBanner,
    PendingConfirm,
};
use crate::format::plural;
use crate::pages::access::product_href;
use crate::state::{use_client, use_href};

/// `/sites/:site_id`.
#[component]
pub fn SitePage() -> impl IntoView {
    let params = use_params_map();
    let client = use_client();
    let site = ApiResource::request(move || {
        let id = params.read().get("site_id").unwrap_or_default();
        api::get_site(&client, &id)
    });
    let reload = Callback::new(move |()| site.refetch());
    view! {
        <section class="roster-page" aria-labelledby="roster-site-title">
            <p class="roster-breadcrumb"><a href=use_href("/sites")>"Sites"</a></p>
            {loaded(site, "the site", move |site| view! { <SiteView site reload/> })}
        </section>
    }
}

#[component]
fn SiteView(site: Site, reload: Callback<()>) -> impl IntoView {
    set_page_title(&site.name);
    let removing = RwSignal::new(None::<SiteProduct>);
    let base = use_href("");
    let site_id = site.id.clone();
    let columns = vec![
        Column::view("Product", move |p: &SiteProduct| {
            let href = product_href(&base, &site_id, &p.id);
            view! { <a href=href>{p.name.clone()}</a> }.into_any()
        }),
        Column::text("Type", |p: &SiteProduct| {
            if p.built_in { "Catalogue" } else { "Your own" }.to_owned()
        }),
        Column::view("", move |p: &SiteProduct| {
            let product = p.clone();
            let label = format!("Remove {}…", p.name);
            view! {
                <button type="button" class="roster-button" aria-label=label
                    on:click=move |_| removing.set(Some(product.clone()))>
                    "Remove…"
                </button>
            }
            .into_any()
        }),
    ];
    let on_site = site
        .products
        .iter()
        .map(|p| p.key.clone())
        .collect::<Vec<_>>();
    view! {
        <h1 id="roster-site-title" tabindex="-1">{site.name.clone()}</h1>
        <p class="roster-lead">
            <a href=site.url.clone() rel="noopener noreferrer" target="_blank">{site.url.clone()}</a>
        </p>
        <h2>"Product access"</h2>
        <p>"Open a product to see and change which groups can use it."</p>
        <DataTable caption="Products on this site" columns rows=site.products.clone()
            empty="This site has no products yet: add one below."/>
        <AddProductForm site_id=site.id.clone() on_site reload/>
        <RemoveProduct site_id=site.id.clone() removing reload/>
        <SiteDetails site reload/>
    }
}

/// Adds a catalogue product the site does not run yet.
#[component]
fn AddProductForm(site_id: String, on_site: Vec<String>, reload: Callback<()>) -> impl IntoView {
    let client = use_client();
    let catalogue_client = client.clone();
    let catalogue = ApiResource::request(move || api::list_product_types(&catalogue_client));
    let chosen = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let key = chosen.get_untracked();
        if busy.get_untracked() || key.is_empty() {
            return;
        }
        busy.set(true);
        error.set(None);
        let body = AddProduct {
            key: Some(key),
            name: None,
        };
        api::add_product(&client, &site_id, &body).spawn(move |answer| {
            busy.try_set(false);
            match answer {
                Ok(_) => reload.run(()),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <form class="roster-form roster-form--narrow" on:submit=on_submit>
            {move || error.get().map(|error| view! { <ErrorBanner error/> })}
            {loaded(catalogue, "the product catalogue", move |types| {
                let options = types
                    .into_iter()
                    .filter(|t| !on_site.contains(&t.key))
                    .map(|t| view! { <option value=t.key>{t.name}</option> })
                    .collect_view();
                view! {
                    <div class="roster-field">
                        <label for="roster-add-product">"Add a product"</label>
                        <select id="roster-add-product" required
                            on:change=move |ev| chosen.set(event_target_value(&ev))>
                            <option value="">"Choose a product…"</option>
                            {options}
                        </select>
                    </div>
                }
            })}
            <div class="roster-actions">
                <BusyButton label="Add product" busy_label="Adding…" busy submit=true/>
            </div>
        </form>
    }
}

/// Removing a product, after showing the groups and users that lose access to it.
#[component]
fn RemoveProduct(
    site_id: String,
    removing: RwSignal<Option<SiteProduct>>,
    reload: Callback<()>,
) -> impl IntoView {
    let client = use_client();
    let confirm = PendingConfirm::new(removing);
    let PendingConfirm { open, busy, error } = confirm;
    let impact_client = client.clone();
    let impact_site = site_id.clone();
    let impact = ApiResource::new_optional(move || {
        let client = impact_client.clone();
        let site_id = impact_site.clone();
        let product = removing.get();
        async move {
            let product = product?;
            Some(api::list_access(&client, &site_id, &product.id).await)
        }
    });
    let remove = Callback::new(move |()| {
        let Some(product) = removing.get_untracked() else {
            return;
        };
        confirm.start();
        api::remove_product(&client, &site_id, &product.id)
            .spawn(move |answer| confirm.finish(answer, || reload.run(())));
    });
    move || {
        let title = removing
            .with(|p| p.as_ref().map(|p| format!("Remove {}?", p.name)))
            .unwrap_or_default();
        view! {
            <ConfirmDialog open title confirm_label="Remove product" busy_label="Removing…"
                on_confirm=remove busy error>
                {move || match impact.get() {
                    None => view! { <p role="status">"Checking who has access…"</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorBanner error/> }.into_any(),
                    Some(Ok(access)) => removal_impact(access).into_any(),
                }}
            </ConfirmDialog>
        }
    }
}

fn removal_impact(access: ProductAccess) -> impl IntoView {
    let summary = if access.groups.is_empty() {
        "No group has access to it, so no one loses access.".to_owned()
    } else {
        let groups: Vec<&str> = access
            .groups
            .iter()
            .map(|g| g.group_name.as_str())
            .collect();
        format!(
            "{} lose access to {} (granted through {}).",
            plural(access.user_count, "user", "users"),
            access.product.name,
            groups.join(", ")
        )
    };
    view! {
        <p>{summary}</p>
        <p>"The product and its access grants are removed. This cannot be undone."</p>
    }
}

/// The site's name and URL.
#[component]
fn SiteDetails(site: Site, reload: Callback<()>) -> impl IntoView {
    let client = use_client();
    let name = RwSignal::new(site.name.clone());
    let url = RwSignal::new(site.url.clone());
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let id = site.id;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        saved.set(false);
        error.set(None);
        let body = SitePatch {
            name: Some(name.get_untracked().trim().to_owned()),
            url: Some(url.get_untracked().trim().to_owned()),
        };
        api::update_site(&client, &id, &body).spawn(move |answer| {
            busy.try_set(false);
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
        <h2>"Site details"</h2>
        <form class="roster-form roster-form--narrow" on:submit=on_submit>
            {move || error.get().map(|error| view! { <ErrorBanner error/> })}
            {move || saved.get().then(|| view! {
                <div class="roster-alert roster-alert--info" role="status">
                    <p class="roster-alert__message">"Saved."</p>
                </div>
            })}
            <div class="roster-field">
                <label for="roster-site-name">"Site name"</label>
                <input id="roster-site-name" type="text" required maxlength="100" bind:value=name/>
            </div>
            <div class="roster-field">
                <label for="roster-site-url">"Site URL"</label>
                <input id="roster-site-url" type="url" required bind:value=url/>
            </div>
            <div class="roster-actions">
                <BusyButton label="Save details" busy_label="Saving…" busy submit=true/>
            </div>
        </form>
    }
}
