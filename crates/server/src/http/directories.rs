//! `/api/v1/directories[/{id}]`: the admin's directories — list, create (with the first API
//! key), show, rename, delete (with what it would remove) and regenerate the key. Every
//! handler is scoped to the signed-in admin's organization: another organization's directory
//! answers 404 like a missing one.
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use roster_api_types::{
    directory::{
        CreatedDirectory, Directory, DirectoryDeletionImpact, DirectoryName, IssuedApiKey,
        RegenerateApiKey,
    },
    API_PREFIX,
};

use super::{
    caller::{Administer, Caller, Can, ReadDirectories},
    extract::{valid_name, Json, OptionalJson, Path},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    store::{
        db::timestamps::{rfc3339, rfc3339_opt},
        directories::scim_base_url,
    },
};

/// Longest overlap during which a replaced key keeps working: 7 days.
const MAX_OVERLAP_SECONDS: u64 = 7 * 24 * 3600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/directories",
            get(list_directories).post(create_directory),
        )
        .route(
            "/api/v1/directories/{id}",
            get(get_directory)
                .patch(rename_directory)
                .delete(delete_directory),
        )
        .route(
            "/api/v1/directories/{id}/deletion-impact",
            get(get_deletion_impact),
        )
        .route("/api/v1/directories/{id}/api-key", post(regenerate_api_key))
}

fn directory_not_found() -> AppError {
    AppError::not_found("directory")
}

fn key_lifetime_millis(state: &AppState) -> i64 {
    i64::try_from(state.config.api_key_lifetime.as_millis()).unwrap_or(i64::MAX / 2)
}

/// Loads a directory just written; it is gone only if deleted concurrently.
async fn load(state: &AppState, caller: &Caller, id: &str) -> AppResult<Directory> {
    state
        .store
        .directory(&caller.org_id, id, &state.public_url())
        .await?
        .ok_or_else(directory_not_found)
}

/// Lists the organization's directories, oldest first.
async fn list_directories(
    State(state): State<AppState>,
    caller: Can<ReadDirectories>,
) -> AppResult<Json<Vec<Directory>>> {
    let list = state
        .store
        .list_directories(&caller.org_id, &state.public_url())
        .await?;
    Ok(Json(list))
}

/// Creates a directory and its first API key (shown only in this answer).
async fn create_directory(
    State(state): State<AppState>,
    caller: Can<Administer>,
    Json(body): Json<DirectoryName>,
) -> AppResult<Response> {
    let name = valid_name("name", &body.name)?;
    let (id, key) = state
        .store
        .create_directory_as(
            &caller.org_id,
            name,
            key_lifetime_millis(&state),
            &caller.actor(),
        )
        .await?;
    tracing::info!(directory_id = %id, actor_id = ?caller.actor().id, "directory created");
    let directory = load(&state, &caller, &id).await?;
    let location = format!("{API_PREFIX}/directories/{id}");
    let body = CreatedDirectory {
        directory,
        api_key: key.key.secret,
        api_key_expires_at: rfc3339(key.expires_at),
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response())
}

/// One directory.
async fn get_directory(
    State(state): State<AppState>,
    caller: Can<ReadDirectories>,
    Path(id): Path<String>,
) -> AppResult<Json<Directory>> {
    Ok(Json(load(&state, &caller, &id).await?))
}

/// Renames a directory.
async fn rename_directory(
    State(state): State<AppState>,
    caller: Can<Administer>,
    Path(id): Path<String>,
    Json(body): Json<DirectoryName>,
) -> AppResult<Json<Directory>> {
    let name = valid_name("name", &body.name)?;
    if !state
        .store
        .rename_directory(&caller.org_id, &id, name, &caller.actor())
        .await?
    {
        return Err(directory_not_found());
    }
    Ok(Json(load(&state, &caller, &id).await?))
}

/// What deleting the directory would remove, for the confirmation dialog.
async fn get_deletion_impact(
    State(state): State<AppState>,
    caller: Can<ReadDirectories>,
    Path(id): Path<String>,
) -> AppResult<Json<DirectoryDeletionImpact>> {
    state
        .store
        .directory_deletion_impact(&caller.org_id, &id)
        .await?
        .map(Json)
        .ok_or_else(directory_not_found)
}

/// Deletes a directory with its users, groups, memberships, keys, sync log and the access
/// grants made through its groups.
async fn delete_directory(
    State(state): State<AppState>,
    caller: Can<Administer>,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    // The store records the audit entry (with the access that disappeared).
    let actor = caller.actor();
    if !state
        .store
        .delete_directory(&caller.org_id, &id, &actor)
        .await?
    {
        return Err(directory_not_found());
    }
    tracing::info!(directory_id = %id, actor_id = ?caller.actor().id, "directory deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Issues a new API key. The body is optional: `{"overlapSeconds": N}` keeps the old key
/// working for N seconds (at most 7 days); otherwise it stops at once.
async fn regenerate_api_key(
    State(state): State<AppState>,
    caller: Can<Administer>,
    Path(id): Path<String>,
    OptionalJson(request): OptionalJson<RegenerateApiKey>,
) -> AppResult<Json<IssuedApiKey>> {
    let overlap = request.overlap_seconds.unwrap_or(0);
    if overlap > MAX_OVERLAP_SECONDS {
        return Err(AppError::invalid_field(
            "overlapSeconds",
            format!("The overlap can be at most 7 days ({MAX_OVERLAP_SECONDS} seconds)."),
        ));
    }
    // At most 7 days, so the product fits easily.
    let overlap_millis = i64::try_from(overlap * 1000).unwrap_or(0);
    let key = state
        .store
        .regenerate_api_key(
            &caller.org_id,
            &id,
            key_lifetime_millis(&state),
            overlap_millis,
            &caller.actor(),
        )
        .await?
        .ok_or_else(directory_not_found)?;
    tracing::info!(directory_id = %id, actor_id = ?caller.actor().id, overlap_seconds = overlap, "directory API key regenerated");
    Ok(Json(IssuedApiKey {
        base_url: scim_base_url(&state.public_url(), &id),
        api_key: key.key.secret,
        expires_at: rfc3339(key.expires_at),
        previous_key_valid_until: rfc3339_opt(key.previous_valid_until),
    }))
}
