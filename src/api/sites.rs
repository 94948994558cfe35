//! Sites and their products: `/api/v1/sites/...` (`crates/server/src/http/sites.rs`).
use roster_api_types::site::{AddProduct, NewSite, ProductType, Site, SitePatch, SiteProduct};

use super::{Client, Method, Request};
use crate::url::encode;

fn site(id: &str) -> String {
    format!("/sites/{}", encode(id))
}

/// `GET /api/v1/product-types`: the catalogue, built-in types first, then the
/// organization's own.
pub fn list_product_types(client: &Client) -> Request<Vec<ProductType>> {
    client.request::<(), _>(Method::Get, "/product-types", None)
}

/// `GET /api/v1/sites`: the organization's sites by name, with their products.
pub fn list_sites(client: &Client) -> Request<Vec<Site>> {
    client.request::<(), _>(Method::Get, "/sites", None)
}

/// `POST /api/v1/sites`.
pub fn create_site(client: &Client, body: &NewSite) -> Request<Site> {
    client.request(Method::Post, "/sites", Some(body))
}

/// `GET /api/v1/sites/{siteId}`.
pub fn get_site(client: &Client, id: &str) -> Request<Site> {
    client.request::<(), _>(Method::Get, &site(id), None)
}

/// `PATCH /api/v1/sites/{siteId}`: a new name or URL.
pub fn update_site(client: &Client, id: &str, body: &SitePatch) -> Request<Site> {
    client.request(Method::Patch, &site(id), Some(body))
}

/// `DELETE /api/v1/sites/{siteId}`: the site, its products and every grant on them.
pub fn delete_site(client: &Client, id: &str) -> Request<()> {
    client.request::<(), _>(Method::Delete, &site(id), None)
}

/// `POST /api/v1/sites/{siteId}/products`: a catalogue product by key, or a custom one by name.
pub fn add_product(client: &Client, site_id: &str, body: &AddProduct) -> Request<SiteProduct> {
    let path = format!("{}/products", site(site_id));
    client.request(Method::Post, &path, Some(body))
}

/// `DELETE /api/v1/sites/{siteId}/products/{productId}`: the product and its grants.
pub fn remove_product(client: &Client, site_id: &str, product_id: &str) -> Request<()> {
    let path = format!("{}/products/{}", site(site_id), encode(product_id));
    client.request::<(), _>(Method::Delete, &path, None)
}
