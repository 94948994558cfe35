//! `/api/v1/users[/{userId}[/timeline]]`: the organization's users across directories, one
//! user with their source directory, managed/external status, groups and effective access,
//! and a user's timeline.
use axum::{extract::State, routing::get, Router};
use roster_api_types::{
    event::{TimelineEntry, TimelineQuery},
    org::{OrgUser, OrgUserDetail, OrgUserQuery},
    page::Page,
    Problem,
};

use super::{
    caller::{Can, ReadAccess, ReadEvents},
    extract::{page_request, search_text, Json, Path, Query},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    store::{events::timeline::TimelineCursor, users::org::ORG_USERS_TAG},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list_users))
        .route("/api/v1/users/{userId}", get(get_user))
        .route("/api/v1/users/{userId}/timeline", get(get_timeline))
}

/// A page of the organization's users by userName, searched by prefix of userName or email.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users",
    params(OrgUserQuery),
    responses(
        (status = 200, description = "Users", body = Page<OrgUser>),
        (status = 400, description = "Invalid cursor", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 422, description = "Invalid query", body = Problem),
    ),
)]
pub(super) async fn list_users(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
    Query(query): Query<OrgUserQuery>,
) -> AppResult<Json<Page<OrgUser>>> {
    let search = search_text("search", query.search.as_deref())?;
    let page = page_request(ORG_USERS_TAG, query.cursor.as_deref(), query.limit)?;
    let read = async {
        Ok(state
            .store
            .list_org_users(&caller.org_id, search.as_deref(), &page)
            .await?)
    };
    Ok(Json(super::events::snapshot(&state, read).await?))
}

/// One user: profile, source directory, managed or external, groups and effective access
/// (each product with the groups granting it; empty while deactivated).
#[utoipa::path(
    get, path = "/api/v1/users/{userId}", tag = "users",
    params(("userId" = String, Path)),
    responses(
        (status = 200, description = "The user", body = OrgUserDetail),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such user", body = Problem),
    ),
)]
pub(super) async fn get_user(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
    Path(id): Path<String>,
) -> AppResult<Json<OrgUserDetail>> {
    state
        .store
        .org_user(&caller.org_id, &id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found("user"))
}

/// A user's timeline, newest first: the identity provider's requests about them and every
/// change to them, their memberships and their access (with the group that caused it). A
/// deleted user's timeline stays readable as long as the feed keeps their events.
#[utoipa::path(
    get, path = "/api/v1/users/{userId}/timeline", tag = "users",
    params(("userId" = String, Path), TimelineQuery),
    responses(
        (status = 200, description = "The timeline", body = Page<TimelineEntry>),
        (status = 400, description = "Invalid cursor", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "A token without the events:read scope", body = Problem),
        (status = 404, description = "No such user", body = Problem),
        (status = 422, description = "Invalid limit", body = Problem),
    ),
)]
pub(super) async fn get_timeline(
    State(state): State<AppState>,
    caller: Can<ReadEvents>,
    Path(id): Path<String>,
    Query(query): Query<TimelineQuery>,
) -> AppResult<Json<Page<TimelineEntry>>> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::invalid_field(
            "limit",
            "The limit must be between 1 and 200.",
        ));
    }
    let cursor =
        match query.cursor.as_deref() {
            Some(text) => Some(TimelineCursor::parse(text).ok_or_else(|| {
                AppError::BadRequest("The cursor is not one this list gave.".into())
            })?),
            None => None,
        };
    if !state.store.user_has_history(&caller.org_id, &id).await? {
        return Err(AppError::not_found("user"));
    }
    Ok(Json(
        state
            .store
            .user_timeline(&id, cursor.as_ref(), limit)
            .await?,
    ))
}
