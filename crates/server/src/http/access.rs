//! `/api/v1/sites/{siteId}/products/{productId}/{access,default-groups,users}`: which groups
//! give access to a product and with which role, granting and revoking (with `dryRun` to see
//! who gains or loses access first), default groups (local groups only) and everyone with
//! access — the list a product integration reads.
use axum::{
    extract::State,
    http::StatusCode,
    routing::{delete, get, put},
    Router,
};
use roster_api_types::{
    access::{AccessChange, DryRunQuery, GrantAccess, ProductAccess, ProductUser},
    page::{Page, PageQuery},
    Problem,
};

use super::{
    caller::{Can, ReadAccess, WriteAccess},
    extract::{page_request, Json, Path, Query},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    store::access::grants::{AccessOutcome, PRODUCT_USERS_TAG},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/sites/{siteId}/products/{productId}/access",
            get(list_access).post(grant_access),
        )
        .route(
            "/api/v1/sites/{siteId}/products/{productId}/access/{groupId}",
            delete(revoke_access),
        )
        .route(
            "/api/v1/sites/{siteId}/products/{productId}/default-groups/{groupId}",
            put(set_default_group).delete(unset_default_group),
        )
        .route(
            "/api/v1/sites/{siteId}/products/{productId}/users",
            get(list_product_users),
        )
}

fn product_not_found() -> AppError {
    AppError::not_found("product on this site")
}

fn change(outcome: AccessOutcome, dry_run: bool) -> AccessChange {
    AccessChange {
        dry_run,
        grant: outcome.grant,
        previous_role: outcome.previous_role,
        users_affected: outcome.users_affected,
        sample: outcome.sample,
    }
}

/// The groups with access to a product and how many users that reaches.
#[utoipa::path(
    get, path = "/api/v1/sites/{siteId}/products/{productId}/access", tag = "access",
    params(("siteId" = String, Path), ("productId" = String, Path)),
    responses(
        (status = 200, description = "Groups with access", body = ProductAccess),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such product on this site", body = Problem),
    ),
)]
pub(super) async fn list_access(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
    Path((site_id, product_id)): Path<(String, String)>,
) -> AppResult<Json<ProductAccess>> {
    let product = state
        .store
        .site_product(&caller.org_id, &site_id, &product_id)
        .await?
        .ok_or_else(product_not_found)?;
    Ok(Json(ProductAccess {
        groups: state.store.product_access_groups(&product_id).await?,
        user_count: state.store.product_user_count(&product_id).await?,
        product,
    }))
}

/// Grants a group access (or changes its role). `dryRun=true` answers who would gain access
/// without changing anything.
#[utoipa::path(
    post, path = "/api/v1/sites/{siteId}/products/{productId}/access", tag = "access",
    params(("siteId" = String, Path), ("productId" = String, Path), DryRunQuery),
    request_body = GrantAccess,
    responses(
        (status = 200, description = "Granted, or the impact of a dry run", body = AccessChange),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such product or group", body = Problem),
        (status = 422, description = "Invalid body", body = Problem),
    ),
)]
pub(super) async fn grant_access(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path((site_id, product_id)): Path<(String, String)>,
    Query(query): Query<DryRunQuery>,
    Json(body): Json<GrantAccess>,
) -> AppResult<Json<AccessChange>> {
    let group_id = body.group_id.trim();
    if group_id.is_empty() {
        return Err(AppError::invalid_field("groupId", "Choose a group."));
    }
    let outcome = state
        .store
        .grant_access(
            &caller.org_id,
            &caller.actor(),
            &site_id,
            &product_id,
            group_id,
            body.role,
            query.dry_run,
        )
        .await?;
    Ok(Json(change(outcome, query.dry_run)))
}

/// Revokes a group's access. `dryRun=true` answers who would lose access without changing
/// anything.
#[utoipa::path(
    delete, path = "/api/v1/sites/{siteId}/products/{productId}/access/{groupId}", tag = "access",
    params(("siteId" = String, Path), ("productId" = String, Path), ("groupId" = String, Path),
           DryRunQuery),
    responses(
        (status = 200, description = "Revoked, or the impact of a dry run", body = AccessChange),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such product, or the group has no access", body = Problem),
    ),
)]
pub(super) async fn revoke_access(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path((site_id, product_id, group_id)): Path<(String, String, String)>,
    Query(query): Query<DryRunQuery>,
) -> AppResult<Json<AccessChange>> {
    let outcome = state
        .store
        .revoke_access(
            &caller.org_id,
            &caller.actor(),
            &site_id,
            &product_id,
            &group_id,
            query.dry_run,
        )
        .await?;
    Ok(Json(change(outcome, query.dry_run)))
}

/// Makes a local group a default group of the product (with `user` access if it had none).
/// A synced group answers 409 `urn:roster:problem:synced-default-group`.
#[utoipa::path(
    put, path = "/api/v1/sites/{siteId}/products/{productId}/default-groups/{groupId}",
    tag = "access",
    params(("siteId" = String, Path), ("productId" = String, Path), ("groupId" = String, Path)),
    responses(
        (status = 204, description = "The group is a default group"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such product or group", body = Problem),
        (status = 409, description = "A synced group cannot be a default group", body = Problem),
    ),
)]
pub(super) async fn set_default_group(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path((site_id, product_id, group_id)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    state
        .store
        .set_default_group(
            &caller.org_id,
            &caller.actor(),
            &site_id,
            &product_id,
            &group_id,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops a group being a default group; its access stays.
#[utoipa::path(
    delete, path = "/api/v1/sites/{siteId}/products/{productId}/default-groups/{groupId}",
    tag = "access",
    params(("siteId" = String, Path), ("productId" = String, Path), ("groupId" = String, Path)),
    responses(
        (status = 204, description = "No longer a default group"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "Not a default group of this product", body = Problem),
    ),
)]
pub(super) async fn unset_default_group(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path((site_id, product_id, group_id)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    state
        .store
        .unset_default_group(
            &caller.org_id,
            &caller.actor(),
            &site_id,
            &product_id,
            &group_id,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everyone with access to the product (active users, each once, by id) with their highest
/// role: the list a product integration reads.
#[utoipa::path(
    get, path = "/api/v1/sites/{siteId}/products/{productId}/users", tag = "access",
    params(("siteId" = String, Path), ("productId" = String, Path), PageQuery),
    responses(
        (status = 200, description = "Users with access", body = Page<ProductUser>),
        (status = 400, description = "Invalid cursor", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such product on this site", body = Problem),
    ),
)]
pub(super) async fn list_product_users(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
    Path((site_id, product_id)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> AppResult<Json<Page<ProductUser>>> {
    state
        .store
        .site_product(&caller.org_id, &site_id, &product_id)
        .await?
        .ok_or_else(product_not_found)?;
    let page = page_request(PRODUCT_USERS_TAG, query.cursor.as_deref(), query.limit)?;
    let read = async { Ok(state.store.product_users(&product_id, &page).await?) };
    Ok(Json(super::events::snapshot(&state, read).await?))
}
