//! `/api/v1/service-tokens[/{id}]`: API tokens for products and portals — create (the secret
//! answered once), list, revoke. Managing tokens takes the `admin` scope, so a token can
//! never mint itself wider powers.
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{delete, get},
    Router,
};
use roster_api_types::{
    token::{CreateServiceToken, IssuedServiceToken, ServiceToken},
    Problem, API_PREFIX,
};

use super::{
    caller::{Administer, Can},
    extract::{valid_name, Json, Path},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

/// Lifetime of a token created without `expiresInDays`: a year, or the maximum when shorter.
const DEFAULT_DAYS: u64 = 365;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/service-tokens",
            get(list_service_tokens).post(create_service_token),
        )
        .route("/api/v1/service-tokens/{id}", delete(revoke_service_token))
}

#[utoipa::path(
    get, path = "/api/v1/service-tokens", tag = "service-tokens",
    responses(
        (status = 200, description = "The organization's API tokens, newest first", body = Vec<ServiceToken>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "A token without the admin scope", body = Problem),
    ),
)]
pub(super) async fn list_service_tokens(
    State(state): State<AppState>,
    caller: Can<Administer>,
) -> AppResult<Json<Vec<ServiceToken>>> {
    Ok(Json(state.store.list_service_tokens(&caller.org_id).await?))
}

#[utoipa::path(
    post, path = "/api/v1/service-tokens", tag = "service-tokens",
    request_body = CreateServiceToken,
    responses(
        (status = 201, description = "Created; the secret is in this answer only", body = IssuedServiceToken),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token, or a token without the admin scope", body = Problem),
        (status = 422, description = "No name, no scope, or a lifetime out of range", body = Problem),
    ),
)]
pub(super) async fn create_service_token(
    State(state): State<AppState>,
    caller: Can<Administer>,
    Json(body): Json<CreateServiceToken>,
) -> AppResult<Response> {
    let name = valid_name("name", &body.name)?;
    if body.scopes.is_empty() {
        return Err(AppError::invalid_field(
            "scopes",
            "Choose at least one scope.",
        ));
    }
    let max_days = state.config.service_token_max.as_secs() / 86_400;
    let days = body
        .expires_in_days
        .map_or(DEFAULT_DAYS.min(max_days), u64::from);
    if !(1..=max_days).contains(&days) {
        return Err(AppError::invalid_field(
            "expiresInDays",
            format!("A token lasts 1 to {max_days} days."),
        ));
    }
    let lifetime = i64::try_from(days * 86_400_000).unwrap_or(i64::MAX / 2);
    let (token, key) = state
        .store
        .create_service_token(
            &caller.org_id,
            &caller.actor(),
            name,
            &body.scopes,
            lifetime,
        )
        .await?;
    tracing::info!(token_id = %token.id, actor_id = ?caller.actor().id, "API token created");
    let location = format!("{API_PREFIX}/service-tokens/{}", token.id);
    let body = IssuedServiceToken {
        token,
        secret: key.secret,
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response())
}

#[utoipa::path(
    delete, path = "/api/v1/service-tokens/{id}", tag = "service-tokens",
    params(("id" = String, Path)),
    responses(
        (status = 204, description = "Revoked: the token opens nothing from now on"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token, or a token without the admin scope", body = Problem),
        (status = 404, description = "No such token", body = Problem),
    ),
)]
pub(super) async fn revoke_service_token(
    State(state): State<AppState>,
    caller: Can<Administer>,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    state
        .store
        .revoke_service_token(&caller.org_id, &caller.actor(), &id)
        .await?;
    tracing::info!(token_id = %id, actor_id = ?caller.actor().id, "API token revoked");
    Ok(StatusCode::NO_CONTENT)
}
