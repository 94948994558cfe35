//! Sites: the list with each site's products (each a link to its product access), and
//! removing a site behind a confirmation that states, product by product, the access that
//! will disappear with it.
use leptos::prelude::*;
use roster_api_types::{access::ProductAccess, site::Site};

use crate::api::{self, ApiError};
use crate::components::{
    loaded, set_page_title, ApiResource, Column, ConfirmDialog, DataTable, ErrorBanner,
    PendingConfirm,
};
use crate::format::plural;
use crate::pages::access::product_href;
use crate::state::{use_client, use_href};
use crate::url::encode;

/// `/sites`.
#[component]
pub fn SitesPage() -> impl IntoView {
    set_page_title("Sites");
    let client = use_client();
    let sites = ApiResource::request(move || api::list_sites(&client));
    let add = use_href("/sites/new");
    let removing = RwSignal::new(None::<Site>);
    view! {
        <section class="roster-page" aria-labelledby="roster-sites-title">
            <div class="roster-page__header">
                <h1 id="roster-sites-title" tabindex="-1">"Sites"</h1>
                <a class="roster-button roster-button--primary" href=add.clone()>"Add a site"</a>
            </div>
            <p class="roster-lead">
                "A site is one of your product deployments, such as https://example.atlassian.net, "
                "with the products it runs. Open a product to decide which groups can use it."
            </p>
            {loaded(sites, "sites", move |list| {
                if list.is_empty() {
                    view! {
                        <div class="roster-empty">
                            <h2>"No sites yet"</h2>
                            <p>"Add a site with its products, then grant your synced groups access to them."</p>
                            <a class="roster-button roster-button--primary" href=add.clone()>"Add your first site"</a>
                        </div>
                    }
                    .into_any()
                } else {
                    view! { <SiteTable list removing/> }.into_any()
                }
            })}
            <RemoveSite removing on_removed=Callback::new(move |()| sites.refetch())/>
        </section>
    }
}

#[component]
fn SiteTable(list: Vec<Site>, removing: RwSignal<Option<Site>>) -> impl IntoView {
    let base = use_href("");
    let columns = vec![
        Column::view("Site", {
            let base = base.clone();
            move |s: &Site| {
                let href = format!("{base}/sites/{}", encode(&s.id));
                view! { <a href=href>{s.name.clone()}</a> }.into_any()
            }
        }),
        Column::text("URL", |s: &Site| s.url.clone()),
        Column::view("Products", move |s: &Site| {
            if s.products.is_empty() {
                return view! { <span class="roster-hint">"No products"</span> }.into_any();
            }
            let links = s
                .products
                .iter()
                .map(|p| {
                    let href = product_href(&base, &s.id, &p.id);
                    view! { <li><a href=href>{p.name.clone()}</a></li> }
                })
                .collect_view();
            view! { <ul class="roster-inline-list">{links}</ul> }.into_any()
        }),
        Column::view("", move |s: &Site| {
            let site = s.clone();
            let label = format!("Remove {}…", s.name);
            view! {
                <button type="button" class="roster-button" aria-label=label
                    on:click=move |_| removing.set(Some(site.clone()))>
                    "Remove…"
                </button>
            }
            .into_any()
        }),
    ];
    view! { <DataTable caption="Sites" columns rows=list empty="No sites."/> }
}

/// What removing the site takes away: each product's groups and users with access.
async fn removal_impact(client: &api::Client, site: &Site) -> Result<Vec<ProductAccess>, ApiError> {
    let mut out = Vec::with_capacity(site.products.len());
    for p in &site.products {
        out.push(api::list_access(client, &site.id, &p.id).await?);
    }
    Ok(out)
}

#[component]
fn RemoveSite(removing: RwSignal<Option<Site>>, on_removed: Callback<()>) -> impl IntoView {
    let client = use_client();
    let confirm = PendingConfirm::new(removing);
    let PendingConfirm { open, busy, error } = confirm;
    let impact_client = client.clone();
    let impact = ApiResource::new_optional(move || {
        let client = impact_client.clone();
        let site = removing.get();
        async move {
            match site {
                Some(site) => Some(removal_impact(&client, &site).await),
                None => None,
            }
        }
    });
    let remove = Callback::new(move |()| {
        let Some(site) = removing.get_untracked() else {
            return;
        };
        confirm.start();
        api::delete_site(&client, &site.id)
            .spawn(move |answer| confirm.finish(answer, || on_removed.run(())));
    });
    let title = move || {
        removing
            .with(|s| s.as_ref().map(|s| format!("Remove {}?", s.name)))
            .unwrap_or_default()
    };
    view! {
        {move || {
            let title = title();
            view! {
                <ConfirmDialog open title confirm_label="Remove site" busy_label="Removing…"
                    on_confirm=remove busy error>
                    {move || match impact.get() {
                        None => view! { <p role="status">"Checking the access that goes with it…"</p> }.into_any(),
                        Some(Err(error)) => view! { <ErrorBanner error/> }.into_any(),
                        Some(Ok(products)) => impact_view(products).into_any(),
                    }}
                </ConfirmDialog>
            }
        }}
    }
}

fn impact_view(products: Vec<ProductAccess>) -> impl IntoView {
    let with_access: Vec<_> = products.iter().filter(|p| !p.groups.is_empty()).collect();
    let summary = if products.is_empty() {
        "The site has no products, so no one loses access.".to_owned()
    } else if with_access.is_empty() {
        "No group has access to its products, so no one loses access.".to_owned()
    } else {
        "This access disappears with the site:".to_owned()
    };
    let lines = with_access
        .iter()
        .map(|p| {
            let groups: Vec<String> = p.groups.iter().map(|g| g.group_name.clone()).collect();
            format!(
                "{}: {} lose access (granted through {})",
                p.product.name,
                plural(p.user_count, "user", "users"),
                groups.join(", ")
            )
        })
        .map(|line| view! { <li>{line}</li> })
        .collect_view();
    view! {
        <p>{summary}</p>
        <ul class="roster-impact">{lines}</ul>
        <p>"The site, its products and their access grants are removed. This cannot be undone."</p>
    }
}
