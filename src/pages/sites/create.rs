//! "Add a site": name, URL and the products it runs, chosen from the catalogue
//! (`GET /product-types`: the built-in types and the organization's own), or a new product
//! type by name. The site is created first, then each product is added.
use leptos::prelude::*;
use roster_api_types::site::{AddProduct, NewSite};

use crate::api::{self, ApiError};
use crate::components::{loaded, set_page_title, ApiResource, BusyButton, ErrorBanner};
use crate::state::{use_client, use_href};
use crate::url::use_navigate;

/// `/sites/new`.
#[component]
pub fn CreateSitePage() -> impl IntoView {
    set_page_title("Add a site");
    let client = use_client();
    let navigate = use_navigate();
    let list = use_href("/sites");
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let catalogue_client = client.clone();
    let catalogue = ApiResource::request(move || api::list_product_types(&catalogue_client));
    let other = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let list_href = list.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let client = client.clone();
        let navigate = navigate.clone();
        let list = list_href.clone();
        let body = NewSite {
            name: name.get_untracked().trim().to_owned(),
            url: url.get_untracked().trim().to_owned(),
        };
        let mut products: Vec<AddProduct> = chosen
            .get_untracked()
            .into_iter()
            .map(|key| AddProduct {
                key: Some(key),
                name: None,
            })
            .collect();
        let other = other.get_untracked().trim().to_owned();
        if !other.is_empty() {
            products.push(AddProduct {
                key: None,
                name: Some(other),
            });
        }
        leptos::task::spawn_local(async move {
            let result = async {
                let site = api::create_site(&client, &body).await?;
                for product in &products {
                    api::add_product(&client, &site.id, product).await?;
                }
                Ok::<_, ApiError>(())
            }
            .await;
            busy.try_set(false);
            match result {
                Ok(()) => navigate(&list, Default::default()),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-site-create-title">
            <p class="roster-breadcrumb"><a href=list.clone()>"Sites"</a></p>
            <h1 id="roster-site-create-title" tabindex="-1">"Add a site"</h1>
            <form class="roster-form roster-form--narrow" on:submit=on_submit>
                {move || error.get().map(|error| view! { <ErrorBanner error/> })}
                <div class="roster-field">
                    <label for="roster-site-name">"Site name"</label>
                    <input id="roster-site-name" type="text" required maxlength="100"
                        placeholder="Acme wiki" bind:value=name/>
                </div>
                <div class="roster-field">
                    <label for="roster-site-url">"Site URL"</label>
                    <input id="roster-site-url" type="url" required
                        placeholder="https://example.atlassian.net" bind:value=url/>
                </div>
                <fieldset class="roster-field">
                    <legend>"Products on this site"</legend>
                    {loaded(catalogue, "the product catalogue", move |types| {
                        types
                            .into_iter()
                            .map(|t| {
                                let key = t.key.clone();
                                let toggle = move |ev: leptos::ev::Event| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|k| k != &key);
                                        if on {
                                            c.push(key.clone());
                                        }
                                    });
                                };
                                view! {
                                    <label class="roster-check">
                                        <input type="checkbox" on:change=toggle/>
                                        {t.name}
                                    </label>
                                }
                            })
                            .collect_view()
                    })}
                    <label for="roster-site-other">"Another product (optional)"</label>
                    <input id="roster-site-other" type="text" maxlength="100" bind:value=other
                        placeholder="The name of your own product type"/>
                </fieldset>
                <div class="roster-actions">
                    <BusyButton label="Add site" busy_label="Adding…" busy submit=true primary=true/>
                    <a href=list>"Cancel"</a>
                </div>
            </form>
        </section>
    }
}
