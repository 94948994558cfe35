//! Directories and what they hold: `/api/v1/directories/...`, one function per server handler
//! (`crates/server/src/http/directories.rs` and `directory_browse.rs`). Path segments are
//! percent-encoded, so an id from a URL cannot reach another endpoint.
use roster_api_types::{
    directory::{
        ActivityQuery, CreatedDirectory, Directory, DirectoryDeletionImpact, DirectoryName,
        EventListQuery, GroupListQuery, GroupSummary, HourlyActivity, IssuedApiKey,
        RegenerateApiKey, SyncEvent, UserDetail, UserListQuery, UserSummary,
    },
    page::Page,
};

use super::query::query_string;
use super::{Client, Method, Request};
use crate::url::encode;

fn dir(id: &str) -> String {
    format!("/directories/{}", encode(id))
}

fn get<T: serde::de::DeserializeOwned>(client: &Client, path: &str) -> Request<T> {
    client.request::<(), T>(Method::Get, path, None)
}

/// `GET /api/v1/directories`: the organization's directories, oldest first.
pub fn list_directories(client: &Client) -> Request<Vec<Directory>> {
    get(client, "/directories")
}

/// `POST /api/v1/directories`: a new directory and its first API key (shown once).
pub fn create_directory(client: &Client, name: &str) -> Request<CreatedDirectory> {
    let body = DirectoryName { name: name.into() };
    client.request(Method::Post, "/directories", Some(&body))
}

/// `GET /api/v1/directories/{id}`.
pub fn get_directory(client: &Client, id: &str) -> Request<Directory> {
    get(client, &dir(id))
}

/// `PATCH /api/v1/directories/{id}`: renames the directory.
pub fn rename_directory(client: &Client, id: &str, name: &str) -> Request<Directory> {
    let body = DirectoryName { name: name.into() };
    client.request(Method::Patch, &dir(id), Some(&body))
}

/// `GET /api/v1/directories/{id}/deletion-impact`: what deleting would remove.
pub fn get_deletion_impact(client: &Client, id: &str) -> Request<DirectoryDeletionImpact> {
    get(client, &format!("{}/deletion-impact", dir(id)))
}

/// `DELETE /api/v1/directories/{id}`.
pub fn delete_directory(client: &Client, id: &str) -> Request<()> {
    client.request::<(), ()>(Method::Delete, &dir(id), None)
}

/// `POST /api/v1/directories/{id}/api-key`: a new key, shown once; the old one stops working
/// now or after `overlap_seconds`.
pub fn regenerate_api_key(
    client: &Client,
    id: &str,
    overlap_seconds: Option<u64>,
) -> Request<IssuedApiKey> {
    let body = RegenerateApiKey { overlap_seconds };
    client.request(Method::Post, &format!("{}/api-key", dir(id)), Some(&body))
}

/// `GET /api/v1/directories/{id}/users`.
pub fn list_users(client: &Client, id: &str, query: &UserListQuery) -> Request<Page<UserSummary>> {
    get(client, &format!("{}/users{}", dir(id), query_string(query)))
}

/// `GET /api/v1/directories/{id}/users/{userId}`.
pub fn get_user(client: &Client, id: &str, user_id: &str) -> Request<UserDetail> {
    get(client, &format!("{}/users/{}", dir(id), encode(user_id)))
}

/// `GET /api/v1/directories/{id}/groups`.
pub fn list_groups(
    client: &Client,
    id: &str,
    query: &GroupListQuery,
) -> Request<Page<GroupSummary>> {
    get(
        client,
        &format!("{}/groups{}", dir(id), query_string(query)),
    )
}

/// `GET /api/v1/directories/{id}/groups/{groupId}`.
pub fn get_group(client: &Client, id: &str, group_id: &str) -> Request<GroupSummary> {
    get(client, &format!("{}/groups/{}", dir(id), encode(group_id)))
}

/// `GET /api/v1/directories/{id}/groups/{groupId}/members`.
pub fn list_group_members(
    client: &Client,
    id: &str,
    group_id: &str,
    query: &GroupListQuery,
) -> Request<Page<UserSummary>> {
    let path = format!(
        "{}/groups/{}/members{}",
        dir(id),
        encode(group_id),
        query_string(query)
    );
    get(client, &path)
}

/// `GET /api/v1/directories/{id}/events`: the sync log, newest first.
pub fn list_events(client: &Client, id: &str, query: &EventListQuery) -> Request<Page<SyncEvent>> {
    get(
        client,
        &format!("{}/events{}", dir(id), query_string(query)),
    )
}

/// `GET /api/v1/directories/{id}/activity`: requests and errors per hour, oldest first.
pub fn get_activity(
    client: &Client,
    id: &str,
    query: &ActivityQuery,
) -> Request<Vec<HourlyActivity>> {
    get(
        client,
        &format!("{}/activity{}", dir(id), query_string(query)),
    )
}
