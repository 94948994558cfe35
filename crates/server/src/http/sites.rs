//! `/api/v1/sites[/{siteId}[/products[/{productId}]]]`: the organization's sites and the
//! products they host. Another organization's site answers 404 like a missing one.
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{delete, get},
    Router,
};
use roster_api_types::{
    site::{AddProduct, NewSite, ProductType, Site, SitePatch, SiteProduct},
    Problem, API_PREFIX,
};

use super::{
    caller::{Caller, Can, ReadAccess, WriteAccess},
    extract::{valid_name, Json, Path},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

/// Longest accepted site URL.
const MAX_URL_CHARS: usize = 300;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/product-types", get(list_product_types))
        .route("/api/v1/sites", get(list_sites).post(create_site))
        .route(
            "/api/v1/sites/{siteId}",
            get(get_site).patch(update_site).delete(delete_site),
        )
        .route(
            "/api/v1/sites/{siteId}/products",
            get(list_products).post(add_product),
        )
        .route(
            "/api/v1/sites/{siteId}/products/{productId}",
            delete(remove_product),
        )
}

fn site_not_found() -> AppError {
    AppError::not_found("site")
}

/// An `http(s)://host[/path]` URL without a trailing slash, or a 422 about `url`.
fn valid_url(url: &str) -> AppResult<String> {
    let url = url.trim().trim_end_matches('/');
    let invalid = || {
        AppError::invalid_field(
            "url",
            "Enter the site's address, e.g. https://example.atlassian.net.",
        )
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(invalid)?;
    let scheme = scheme.to_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(invalid());
    }
    let host = rest.split('/').next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if !host_ok || url.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    if url.chars().count() > MAX_URL_CHARS {
        return Err(AppError::invalid_field(
            "url",
            format!("Use at most {MAX_URL_CHARS} characters."),
        ));
    }
    Ok(format!("{scheme}://{rest}"))
}

async fn load(state: &AppState, caller: &Caller, id: &str) -> AppResult<Site> {
    state
        .store
        .site(&caller.org_id, id)
        .await?
        .ok_or_else(site_not_found)
}

/// The organization's sites by name, with their products.
#[utoipa::path(
    get, path = "/api/v1/sites", tag = "sites",
    responses(
        (status = 200, description = "Sites", body = Vec<Site>),
        (status = 401, description = "Not signed in", body = Problem),
    ),
)]
pub(super) async fn list_sites(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
) -> AppResult<Json<Vec<Site>>> {
    Ok(Json(state.store.list_sites(&caller.org_id).await?))
}

/// Adds a site.
#[utoipa::path(
    post, path = "/api/v1/sites", tag = "sites",
    request_body = NewSite,
    responses(
        (status = 201, description = "Created", body = Site),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 409, description = "Name or URL already used", body = Problem),
        (status = 422, description = "Invalid body", body = Problem),
    ),
)]
pub(super) async fn create_site(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Json(body): Json<NewSite>,
) -> AppResult<Response> {
    let name = valid_name("name", &body.name)?;
    let url = valid_url(&body.url)?;
    let id = state
        .store
        .create_site(&caller.org_id, &caller.actor(), name, &url)
        .await?;
    let site = load(&state, &caller, &id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("{API_PREFIX}/sites/{id}"))],
        Json(site),
    )
        .into_response())
}

/// One site with its products.
#[utoipa::path(
    get, path = "/api/v1/sites/{siteId}", tag = "sites",
    params(("siteId" = String, Path)),
    responses(
        (status = 200, description = "The site", body = Site),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such site", body = Problem),
    ),
)]
pub(super) async fn get_site(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
    Path(id): Path<String>,
) -> AppResult<Json<Site>> {
    Ok(Json(load(&state, &caller, &id).await?))
}

/// Renames a site or changes its URL.
#[utoipa::path(
    patch, path = "/api/v1/sites/{siteId}", tag = "sites",
    params(("siteId" = String, Path)),
    request_body = SitePatch,
    responses(
        (status = 200, description = "The changed site", body = Site),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such site", body = Problem),
        (status = 409, description = "Name or URL already used", body = Problem),
        (status = 422, description = "Invalid body", body = Problem),
    ),
)]
pub(super) async fn update_site(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path(id): Path<String>,
    Json(body): Json<SitePatch>,
) -> AppResult<Json<Site>> {
    let name = body
        .name
        .as_deref()
        .map(|n| valid_name("name", n))
        .transpose()?;
    let url = body.url.as_deref().map(valid_url).transpose()?;
    state
        .store
        .update_site(&caller.org_id, &caller.actor(), &id, name, url.as_deref())
        .await?;
    Ok(Json(load(&state, &caller, &id).await?))
}

/// Deletes a site with its products and their access grants.
#[utoipa::path(
    delete, path = "/api/v1/sites/{siteId}", tag = "sites",
    params(("siteId" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such site", body = Problem),
    ),
)]
pub(super) async fn delete_site(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    state
        .store
        .delete_site(&caller.org_id, &caller.actor(), &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The product catalogue: what "Add a site" and "Add product" offer.
#[utoipa::path(
    get, path = "/api/v1/product-types", tag = "sites",
    responses(
        (status = 200, description = "Built-in product types first, then the organization's own", body = Vec<ProductType>),
        (status = 401, description = "Not signed in", body = Problem),
    ),
)]
pub(super) async fn list_product_types(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
) -> AppResult<Json<Vec<ProductType>>> {
    Ok(Json(state.store.product_types(&caller.org_id).await?))
}

/// The products of a site.
#[utoipa::path(
    get, path = "/api/v1/sites/{siteId}/products", tag = "sites",
    params(("siteId" = String, Path)),
    responses(
        (status = 200, description = "Products", body = Vec<SiteProduct>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such site", body = Problem),
    ),
)]
pub(super) async fn list_products(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<SiteProduct>>> {
    Ok(Json(load(&state, &caller, &id).await?.products))
}

/// Adds a product to a site: a catalogue type by `key` (`jira`, `jira-service-management`,
/// `confluence`, or a custom type's key) or a new custom type by `name`.
#[utoipa::path(
    post, path = "/api/v1/sites/{siteId}/products", tag = "sites",
    params(("siteId" = String, Path)),
    request_body = AddProduct,
    responses(
        (status = 201, description = "Added", body = SiteProduct),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such site", body = Problem),
        (status = 409, description = "The site already hosts the product", body = Problem),
        (status = 422, description = "Unknown key or invalid name", body = Problem),
    ),
)]
pub(super) async fn add_product(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path(site_id): Path<String>,
    Json(body): Json<AddProduct>,
) -> AppResult<Response> {
    let key = body
        .key
        .as_deref()
        .map(|k| k.trim().to_lowercase())
        .filter(|k| !k.is_empty());
    let name = match (&key, body.name.as_deref()) {
        (None, Some(n)) => Some(valid_name("name", n)?),
        _ => None,
    };
    let id = state
        .store
        .add_site_product(
            &caller.org_id,
            &caller.actor(),
            &site_id,
            key.as_deref(),
            name,
        )
        .await?;
    let product = state
        .store
        .site_product(&caller.org_id, &site_id, &id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("product vanished right after creation"))?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("{API_PREFIX}/sites/{site_id}/products/{id}"),
        )],
        Json(product),
    )
        .into_response())
}

/// Removes a product from a site with its access grants.
#[utoipa::path(
    delete, path = "/api/v1/sites/{siteId}/products/{productId}", tag = "sites",
    params(("siteId" = String, Path), ("productId" = String, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such product on this site", body = Problem),
    ),
)]
pub(super) async fn remove_product(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path((site_id, product_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    state
        .store
        .remove_site_product(&caller.org_id, &caller.actor(), &site_id, &product_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
