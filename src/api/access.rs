//! Product access: which groups reach a product on a site, granting and revoking (with a dry
//! run first), default groups and the product's users
//! (`crates/server/src/http/access.rs`).
use roster_api_types::page::Page;
use roster_api_types::{
    access::{AccessChange, AccessRole, GrantAccess, ProductAccess, ProductUser},
    page::PageQuery,
};

use super::query::query_string;
use super::{Client, Method, Request};
use crate::url::encode;

fn product(site_id: &str, product_id: &str) -> String {
    format!("/sites/{}/products/{}", encode(site_id), encode(product_id))
}

fn dry(dry_run: bool) -> &'static str {
    if dry_run {
        "?dryRun=true"
    } else {
        ""
    }
}

/// `GET /api/v1/sites/{siteId}/products/{productId}/access`.
pub fn list_access(client: &Client, site_id: &str, product_id: &str) -> Request<ProductAccess> {
    let path = format!("{}/access", product(site_id, product_id));
    client.request::<(), _>(Method::Get, &path, None)
}

/// `POST /api/v1/sites/{siteId}/products/{productId}/access[?dryRun=true]`.
pub fn grant_access(
    client: &Client,
    site_id: &str,
    product_id: &str,
    group_id: &str,
    role: AccessRole,
    dry_run: bool,
) -> Request<AccessChange> {
    let path = format!("{}/access{}", product(site_id, product_id), dry(dry_run));
    let body = GrantAccess {
        group_id: group_id.to_owned(),
        role,
    };
    client.request(Method::Post, &path, Some(&body))
}

/// `DELETE /api/v1/sites/{siteId}/products/{productId}/access/{groupId}[?dryRun=true]`.
pub fn revoke_access(
    client: &Client,
    site_id: &str,
    product_id: &str,
    group_id: &str,
    dry_run: bool,
) -> Request<AccessChange> {
    let path = format!(
        "{}/access/{}{}",
        product(site_id, product_id),
        encode(group_id),
        dry(dry_run)
    );
    client.request::<(), _>(Method::Delete, &path, None)
}

/// `PUT /api/v1/sites/{siteId}/products/{productId}/default-groups/{groupId}`; a synced
/// group answers 409 `urn:roster:problem:synced-default-group`.
pub fn set_default_group(
    client: &Client,
    site_id: &str,
    product_id: &str,
    group_id: &str,
) -> Request<()> {
    let path = format!(
        "{}/default-groups/{}",
        product(site_id, product_id),
        encode(group_id)
    );
    client.request::<(), _>(Method::Put, &path, None)
}

/// `DELETE /api/v1/sites/{siteId}/products/{productId}/default-groups/{groupId}`.
pub fn unset_default_group(
    client: &Client,
    site_id: &str,
    product_id: &str,
    group_id: &str,
) -> Request<()> {
    let path = format!(
        "{}/default-groups/{}",
        product(site_id, product_id),
        encode(group_id)
    );
    client.request::<(), _>(Method::Delete, &path, None)
}

/// `GET /api/v1/sites/{siteId}/products/{productId}/users`: everyone with access, paged.
pub fn list_product_users(
    client: &Client,
    site_id: &str,
    product_id: &str,
    query: &PageQuery,
) -> Request<Page<ProductUser>> {
    let path = format!(
        "{}/users{}",
        product(site_id, product_id),
        query_string(query)
    );
    client.request::<(), _>(Method::Get, &path, None)
}
