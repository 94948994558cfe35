//! `/api/v1/groups[/{groupId}[/members/{userId}]]`: the organization's groups (synced and
//! local) and the editing of local ones. Synced groups belong to their identity provider:
//! changing them here answers 409 `urn:roster:problem:synced-group-read-only`.
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, put},
    Router,
};
use roster_api_types::{
    directory::UserSummary,
    org::{Group, GroupDetail, GroupName, OrgGroupQuery},
    page::{Page, PageQuery},
    Problem, API_PREFIX,
};

use super::{
    caller::{Caller, Can, ReadAccess, WriteAccess},
    extract::{page_request, search_text, valid_name, Json, Path, Query},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    store::{groups::directory::MEMBERS_TAG, groups::org::ORG_GROUPS_TAG},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/groups", get(list_groups).post(create_group))
        .route(
            "/api/v1/groups/{groupId}",
            get(get_group).patch(rename_group).delete(delete_group),
        )
        .route("/api/v1/groups/{groupId}/members", get(list_members))
        .route(
            "/api/v1/groups/{groupId}/members/{userId}",
            put(add_member).delete(remove_member),
        )
}

async fn load(state: &AppState, caller: &Caller, id: &str) -> AppResult<GroupDetail> {
    state
        .store
        .org_group(&caller.org_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("group"))
}

/// A page of the organization's groups by name, synced and local.
#[utoipa::path(
    get, path = "/api/v1/groups", tag = "groups",
    params(OrgGroupQuery),
    responses(
        (status = 200, description = "Groups", body = Page<Group>),
        (status = 400, description = "Invalid cursor", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
    ),
)]
pub(super) async fn list_groups(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
    Query(query): Query<OrgGroupQuery>,
) -> AppResult<Json<Page<Group>>> {
    let search = search_text("search", query.search.as_deref())?;
    let page = page_request(ORG_GROUPS_TAG, query.cursor.as_deref(), query.limit)?;
    let read = async {
        Ok(state
            .store
            .list_org_groups(&caller.org_id, search.as_deref(), query.kind, &page)
            .await?)
    };
    Ok(Json(super::events::snapshot(&state, read).await?))
}

/// Creates a local group.
#[utoipa::path(
    post, path = "/api/v1/groups", tag = "groups",
    request_body = GroupName,
    responses(
        (status = 201, description = "Created", body = GroupDetail),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 409, description = "A local group has this name", body = Problem),
        (status = 422, description = "Invalid body", body = Problem),
    ),
)]
pub(super) async fn create_group(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Json(body): Json<GroupName>,
) -> AppResult<Response> {
    let name = valid_name("name", &body.name)?;
    let id = state
        .store
        .create_local_group(&caller.org_id, &caller.actor(), name)
        .await?;
    let group = load(&state, &caller, &id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("{API_PREFIX}/groups/{id}"))],
        Json(group),
    )
        .into_response())
}

/// One group with the access it grants.
#[utoipa::path(
    get, path = "/api/v1/groups/{groupId}", tag = "groups",
    params(("groupId" = String, Path)),
    responses(
        (status = 200, description = "The group", body = GroupDetail),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such group", body = Problem),
    ),
)]
pub(super) async fn get_group(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
    Path(id): Path<String>,
) -> AppResult<Json<GroupDetail>> {
    Ok(Json(load(&state, &caller, &id).await?))
}

/// A page of a group's members (synced or local), by user id, each with its directory.
#[utoipa::path(
    get, path = "/api/v1/groups/{groupId}/members", tag = "groups",
    params(("groupId" = String, Path), PageQuery),
    responses(
        (status = 200, description = "Members", body = Page<UserSummary>),
        (status = 400, description = "Malformed cursor", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such group", body = Problem),
    ),
)]
pub(super) async fn list_members(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> AppResult<Json<Page<UserSummary>>> {
    let group = load(&state, &caller, &id).await?;
    let page = page_request(MEMBERS_TAG, query.cursor.as_deref(), query.limit)?;
    Ok(Json(
        state
            .store
            .list_group_members(&group.group.id, group.group.member_count, &page)
            .await?,
    ))
}

/// Renames a local group.
#[utoipa::path(
    patch, path = "/api/v1/groups/{groupId}", tag = "groups",
    params(("groupId" = String, Path)),
    request_body = GroupName,
    responses(
        (status = 200, description = "The renamed group", body = GroupDetail),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such group", body = Problem),
        (status = 409, description = "Synced group, or the name is taken", body = Problem),
        (status = 422, description = "Invalid body", body = Problem),
    ),
)]
pub(super) async fn rename_group(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path(id): Path<String>,
    Json(body): Json<GroupName>,
) -> AppResult<Json<GroupDetail>> {
    let name = valid_name("name", &body.name)?;
    state
        .store
        .rename_local_group(&caller.org_id, &caller.actor(), &id, name)
        .await?;
    Ok(Json(load(&state, &caller, &id).await?))
}

/// Deletes a local group with its memberships and access grants.
#[utoipa::path(
    delete, path = "/api/v1/groups/{groupId}", tag = "groups",
    params(("groupId" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such group", body = Problem),
        (status = 409, description = "Synced group", body = Problem),
    ),
)]
pub(super) async fn delete_group(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    state
        .store
        .delete_local_group(&caller.org_id, &caller.actor(), &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds one of the organization's users (from any directory) to a local group. Idempotent.
#[utoipa::path(
    put, path = "/api/v1/groups/{groupId}/members/{userId}", tag = "groups",
    params(("groupId" = String, Path), ("userId" = String, Path)),
    responses(
        (status = 204, description = "The user is a member"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such group or user", body = Problem),
        (status = 409, description = "Synced group", body = Problem),
    ),
)]
pub(super) async fn add_member(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path((group_id, user_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    state
        .store
        .add_local_member(&caller.org_id, &caller.actor(), &group_id, &user_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a user from a local group.
#[utoipa::path(
    delete, path = "/api/v1/groups/{groupId}/members/{userId}", tag = "groups",
    params(("groupId" = String, Path), ("userId" = String, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such group or user, or not a member", body = Problem),
        (status = 409, description = "Synced group", body = Problem),
    ),
)]
pub(super) async fn remove_member(
    State(state): State<AppState>,
    caller: Can<WriteAccess>,
    Path((group_id, user_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    state
        .store
        .remove_local_member(&caller.org_id, &caller.actor(), &group_id, &user_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
