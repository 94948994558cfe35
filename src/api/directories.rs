//! Directories and what they hold: `/api/v1/directories/...`, one function per server handler
//! (`crates/server/src/http/directories.rs` and `directory_browse.rs`). Path segments are
//! percent-encoded, so an id from a URL cannot reach another endpoint.
use roster_api_types::directory::{
    ActivityQuery, CreatedDirectory, Directory, DirectoryDeletionImpact, DirectoryName,
    EventListQuery, GroupListQuery, GroupSummary, HourlyActivity, IssuedApiKey, Page,
    RegenerateApiKey, SyncEvent, UserDetail, UserListQuery, UserSummary,
};

use super::query::{encode, query_string};
use super::{ApiError, Client, Method};

fn dir(id: &str) -> String {
    format!("/directories/{}", encode(id))
}

async fn get<T: serde::de::DeserializeOwned>(client: &Client, path: &str) -> Result<T, ApiError> {
    client.request::<(), T>(Method::Get, path, None).await
}

/// `GET /api/v1/directories`: the organization's directories, oldest first.
pub async fn list_directories(client: &Client) -> Result<Vec<Directory>, ApiError> {
    get(client, "/directories").await
}

/// `POST /api/v1/directories`: a new directory and its first API key (shown once).
pub async fn create_directory(client: &Client, name: &str) -> Result<CreatedDirectory, ApiError> {
    let body = DirectoryName { name: name.into() };
    client
        .request(Method::Post, "/directories", Some(&body))
        .await
}

/// `GET /api/v1/directories/{id}`.
pub async fn get_directory(client: &Client, id: &str) -> Result<Directory, ApiError> {
    get(client, &dir(id)).await
}

/// `PATCH /api/v1/directories/{id}`: renames the directory.
pub async fn rename_directory(
    client: &Client,
    id: &str,
    name: &str,
) -> Result<Directory, ApiError> {
    let body = DirectoryName { name: name.into() };
    client.request(Method::Patch, &dir(id), Some(&body)).await
}

/// `GET /api/v1/directories/{id}/deletion-impact`: what deleting would remove.
pub async fn get_deletion_impact(
    client: &Client,
    id: &str,
) -> Result<DirectoryDeletionImpact, ApiError> {
    get(client, &format!("{}/deletion-impact", dir(id))).await
}

/// `DELETE /api/v1/directories/{id}`.
pub async fn delete_directory(client: &Client, id: &str) -> Result<(), ApiError> {
    client
        .request::<(), ()>(Method::Delete, &dir(id), None)
        .await
}

/// `POST /api/v1/directories/{id}/api-key`: a new key, shown once; the old one stops working
/// now or after `overlap_seconds`.
pub async fn regenerate_api_key(
    client: &Client,
    id: &str,
    overlap_seconds: Option<u64>,
) -> Result<IssuedApiKey, ApiError> {
    let body = RegenerateApiKey { overlap_seconds };
    client
        .request(Method::Post, &format!("{}/api-key", dir(id)), Some(&body))
        .await
}

/// `GET /api/v1/directories/{id}/users`.
pub async fn list_users(
    client: &Client,
    id: &str,
    query: &UserListQuery,
) -> Result<Page<UserSummary>, ApiError> {
    get(client, &format!("{}/users{}", dir(id), query_string(query))).await
}

/// `GET /api/v1/directories/{id}/users/{userId}`.
pub async fn get_user(client: &Client, id: &str, user_id: &str) -> Result<UserDetail, ApiError> {
    get(client, &format!("{}/users/{}", dir(id), encode(user_id))).await
}

/// `GET /api/v1/directories/{id}/groups`.
pub async fn list_groups(
    client: &Client,
    id: &str,
    query: &GroupListQuery,
) -> Result<Page<GroupSummary>, ApiError> {
    get(
        client,
        &format!("{}/groups{}", dir(id), query_string(query)),
    )
    .await
}

/// `GET /api/v1/directories/{id}/groups/{groupId}`.
pub async fn get_group(
    client: &Client,
    id: &str,
    group_id: &str,
) -> Result<GroupSummary, ApiError> {
    get(client, &format!("{}/groups/{}", dir(id), encode(group_id))).await
}

/// `GET /api/v1/directories/{id}/groups/{groupId}/members`.
pub async fn list_group_members(
    client: &Client,
    id: &str,
    group_id: &str,
    query: &GroupListQuery,
) -> Result<Page<UserSummary>, ApiError> {
    let path = format!(
        "{}/groups/{}/members{}",
        dir(id),
        encode(group_id),
        query_string(query)
    );
    get(client, &path).await
}

/// `GET /api/v1/directories/{id}/events`: the sync log, newest first.
pub async fn list_events(
    client: &Client,
    id: &str,
    query: &EventListQuery,
) -> Result<Page<SyncEvent>, ApiError> {
    get(
        client,
        &format!("{}/events{}", dir(id), query_string(query)),
    )
    .await
}

/// `GET /api/v1/directories/{id}/activity`: requests and errors per hour, oldest first.
pub async fn get_activity(
    client: &Client,
    id: &str,
    query: &ActivityQuery,
) -> Result<Vec<HourlyActivity>, ApiError> {
    get(
        client,
        &format!("{}/activity{}", dir(id), query_string(query)),
    )
    .await
}
