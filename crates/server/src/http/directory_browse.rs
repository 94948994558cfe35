//! `/api/v1/directories/{id}/{users,groups,events,activity}`: what a directory provisioned
//! and what its identity provider did, for the console to browse. Read-only; lists are
//! keyset-paged (see [`crate::store::db::paging`]).
use axum::{extract::State, routing::get, Router};
use roster_api_types::{
    directory::{
        ActivityQuery, EventListQuery, EventStatusFilter, GroupListQuery, GroupSummary,
        HourlyActivity, SortOrder, SyncEvent, UserDetail, UserListQuery, UserSummary,
    },
    page::Page,
};
use roster_scim::schema::USER_SCHEMA;
use serde_json::{json, Value};

use super::{
    caller::{Caller, Can, ReadDirectories},
    extract::{page_request, search_text, Json, Path, Query},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    store::{
        db::timestamps::rfc3339,
        directories::scim_base_url,
        groups::directory::{GROUPS_TAG, MEMBERS_TAG},
        sync_log::{SyncLogFilter, SYNC_LOG_TAG},
        users::directory::{UserOrder, UserRecord},
    },
};

/// Default span of the activity chart: one week.
const DEFAULT_ACTIVITY_HOURS: u32 = 168;
/// Longest span of the activity chart: 90 days.
const MAX_ACTIVITY_HOURS: u32 = 2160;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/directories/{id}/users", get(list_users))
        .route("/api/v1/directories/{id}/users/{user_id}", get(get_user))
        .route("/api/v1/directories/{id}/groups", get(list_groups))
        .route("/api/v1/directories/{id}/groups/{group_id}", get(get_group))
        .route(
            "/api/v1/directories/{id}/groups/{group_id}/members",
            get(list_group_members),
        )
        .route("/api/v1/directories/{id}/events", get(list_sync_log))
        .route("/api/v1/directories/{id}/activity", get(get_activity))
}

/// 404 unless the directory is the signed-in admin's organization's.
async fn check_directory(state: &AppState, caller: &Caller, id: &str) -> AppResult<()> {
    if state.store.directory_in_org(&caller.org_id, id).await? {
        Ok(())
    } else {
        Err(AppError::not_found("directory"))
    }
}

/// A page of the directory's users, sorted and optionally searched by prefix.
async fn list_users(
    State(state): State<AppState>,
    caller: Can<ReadDirectories>,
    Path(id): Path<String>,
    Query(query): Query<UserListQuery>,
) -> AppResult<Json<Page<UserSummary>>> {
    check_directory(&state, &caller, &id).await?;
    let order = UserOrder {
        sort: query.sort,
        desc: query.order == SortOrder::Desc,
    };
    let page = page_request(&order.tag(), query.cursor.as_deref(), query.limit)?;
    let search = search_text("search", query.search.as_deref())?;
    let read = async {
        Ok(state
            .store
            .list_directory_users(&id, search.as_deref(), order, &page)
            .await?)
    };
    Ok(Json(super::events::snapshot(&state, read).await?))
}

/// The user as a SCIM client would read it: the stored document with `id`, `schemas`,
/// `meta` and `groups` added.
fn scim_resource(base_url: &str, record: &UserRecord) -> Value {
    let mut resource = match &record.doc {
        Value::Object(map) => map.clone(),
        _ => serde_json::Map::new(),
    };
    let id = &record.summary.id;
    resource.insert("id".into(), json!(id));
    if !resource.contains_key("schemas") {
        resource.insert("schemas".into(), json!([USER_SCHEMA]));
    }
    if !record.groups.is_empty() {
        let groups: Vec<Value> = record
            .groups
            .iter()
            .map(|g| {
                json!({
                    "value": g.id,
                    "display": g.display_name,
                    "$ref": format!("{base_url}/Groups/{}", g.id),
                    "type": "direct",
                })
            })
            .collect();
        resource.insert("groups".into(), Value::Array(groups));
    }
    resource.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": rfc3339(record.created_at),
            "lastModified": rfc3339(record.updated_at),
            "location": format!("{base_url}/Users/{id}"),
            "version": format!("W/\"{}\"", record.version),
        }),
    );
    Value::Object(resource)
}

/// One user with their SCIM resource and groups.
async fn get_user(
    State(state): State<AppState>,
    caller: Can<ReadDirectories>,
    Path((id, user_id)): Path<(String, String)>,
) -> AppResult<Json<UserDetail>> {
    check_directory(&state, &caller, &id).await?;
    let record = state
        .store
        .directory_user(&id, &user_id)
        .await?
        .ok_or_else(|| AppError::not_found("user in this directory"))?;
    let resource = scim_resource(&scim_base_url(&state.public_url(), &id), &record);
    Ok(Json(UserDetail {
        user: record.summary,
        resource,
        groups: record.groups,
    }))
}

/// A page of the directory's groups by displayName, optionally searched by prefix.
async fn list_groups(
    State(state): State<AppState>,
    caller: Can<ReadDirectories>,
    Path(id): Path<String>,
    Query(query): Query<GroupListQuery>,
) -> AppResult<Json<Page<GroupSummary>>> {
    check_directory(&state, &caller, &id).await?;
    let page = page_request(GROUPS_TAG, query.cursor.as_deref(), query.limit)?;
    let search = search_text("search", query.search.as_deref())?;
    let read = async {
        Ok(state
            .store
            .list_directory_groups(&id, search.as_deref(), &page)
            .await?)
    };
    Ok(Json(super::events::snapshot(&state, read).await?))
}

async fn load_group(state: &AppState, id: &str, group_id: &str) -> AppResult<GroupSummary> {
    state
        .store
        .directory_group(id, group_id)
        .await?
        .ok_or_else(|| AppError::not_found("group in this directory"))
}

/// One group.
async fn get_group(
    State(state): State<AppState>,
    caller: Can<ReadDirectories>,
    Path((id, group_id)): Path<(String, String)>,
) -> AppResult<Json<GroupSummary>> {
    check_directory(&state, &caller, &id).await?;
    Ok(Json(load_group(&state, &id, &group_id).await?))
}

/// A page of a group's members, by user id. `search` is not supported here.
async fn list_group_members(
    State(state): State<AppState>,
    caller: Can<ReadDirectories>,
    Path((id, group_id)): Path<(String, String)>,
    Query(query): Query<GroupListQuery>,
) -> AppResult<Json<Page<UserSummary>>> {
    check_directory(&state, &caller, &id).await?;
    if query
        .search
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty())
    {
        return Err(AppError::invalid_field(
            "search",
            "Members cannot be searched; search the directory's users instead.",
        ));
    }
    let group = load_group(&state, &id, &group_id).await?;
    let page = page_request(MEMBERS_TAG, query.cursor.as_deref(), query.limit)?;
    Ok(Json(
        state
            .store
            .list_group_members(&group.id, group.member_count, &page)
            .await?,
    ))
}

/// A page of the directory's sync log, newest first.
async fn list_sync_log(
    State(state): State<AppState>,
    caller: Can<ReadDirectories>,
    Path(id): Path<String>,
    Query(query): Query<EventListQuery>,
) -> AppResult<Json<Page<SyncEvent>>> {
    check_directory(&state, &caller, &id).await?;
    let page = page_request(SYNC_LOG_TAG, query.cursor.as_deref(), query.limit)?;
    let filter = SyncLogFilter {
        errors_only: query.status == EventStatusFilter::Error,
        operation: query
            .operation
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty()),
        text: search_text("q", query.q.as_deref())?,
    };
    Ok(Json(state.store.list_sync_log(&id, &filter, &page).await?))
}

/// Requests and errors per hour, oldest first, ending with the current hour.
async fn get_activity(
    State(state): State<AppState>,
    caller: Can<ReadDirectories>,
    Path(id): Path<String>,
    Query(query): Query<ActivityQuery>,
) -> AppResult<Json<Vec<HourlyActivity>>> {
    check_directory(&state, &caller, &id).await?;
    let hours = query.hours.unwrap_or(DEFAULT_ACTIVITY_HOURS);
    if !(1..=MAX_ACTIVITY_HOURS).contains(&hours) {
        return Err(AppError::invalid_field(
            "hours",
            format!("Ask for 1 to {MAX_ACTIVITY_HOURS} hours."),
        ));
    }
    Ok(Json(state.store.directory_activity(&id, hours).await?))
}
