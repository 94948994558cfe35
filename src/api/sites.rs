//! Sites and their products: `/api/v1/sites/...` (`crates/server/src/http/sites.rs`).
use roster_api_types::access::{AddProduct, NewSite, ProductType, Site, SitePatch, SiteProduct};

use super::query::encode;
use super::{ApiError, Client, Method};

fn site(id: &str) -> String {
    format!("/sites/{}", encode(id))
}

/// `GET /api/v1/product-types`: the catalogue, built-in types first, then the
/// organization's own.
pub async fn list_product_types(client: &Client) -> Result<Vec<ProductType>, ApiError> {
    client
        .request::<(), _>(Method::Get, "/product-types", None)
        .await
}

/// `GET /api/v1/sites`: the organization's sites by name, with their products.
pub async fn list_sites(client: &Client) -> Result<Vec<Site>, ApiError> {
    client.request::<(), _>(Method::Get, "/sites", None).await
}

/// `POST /api/v1/sites`.
pub async fn create_site(client: &Client, body: &NewSite) -> Result<Site, ApiError> {
    client.request(Method::Post, "/sites", Some(body)).await
}

/// `GET /api/v1/sites/{siteId}`.
pub async fn get_site(client: &Client, id: &str) -> Result<Site, ApiError> {
    client.request::<(), _>(Method::Get, &site(id), None).await
}

/// `PATCH /api/v1/sites/{siteId}`: a new name or URL.
pub async fn update_site(client: &Client, id: &str, body: &SitePatch) -> Result<Site, ApiError> {
    client.request(Method::Patch, &site(id), Some(body)).await
}

/// `DELETE /api/v1/sites/{siteId}`: the site, its products and every grant on them.
pub async fn delete_site(client: &Client, id: &str) -> Result<(), ApiError> {
    client
        .request::<(), _>(Method::Delete, &site(id), None)
        .await
}

/// `POST /api/v1/sites/{siteId}/products`: a catalogue product by key, or a custom one by name.
pub async fn add_product(
    client: &Client,
    site_id: &str,
    body: &AddProduct,
) -> Result<SiteProduct, ApiError> {
    let path = format!("{}/products", site(site_id));
    client.request(Method::Post, &path, Some(body)).await
}

/// `DELETE /api/v1/sites/{siteId}/products/{productId}`: the product and its grants.
pub async fn remove_product(
    client: &Client,
    site_id: &str,
    product_id: &str,
) -> Result<(), ApiError> {
    let path = format!("{}/products/{}", site(site_id), encode(product_id));
    client.request::<(), _>(Method::Delete, &path, None).await
}
