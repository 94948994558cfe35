//! The organization's groups, synced and local: `/api/v1/groups/...`
//! (`crates/server/src/http/groups.rs`). Only local groups can be changed; the server answers
//! 409 for a synced one.
use roster_api_types::access::{Group, GroupDetail, GroupName, OrgGroupQuery, PageQuery};
use roster_api_types::directory::{Page, UserSummary};

use super::query::{encode, query_string};
use super::{ApiError, Client, Method};

fn group(id: &str) -> String {
    format!("/groups/{}", encode(id))
}

/// `GET /api/v1/groups`: groups by name, searched by prefix.
pub async fn list_org_groups(
    client: &Client,
    query: &OrgGroupQuery,
) -> Result<Page<Group>, ApiError> {
    let path = format!("/groups{}", query_string(query));
    client.request::<(), _>(Method::Get, &path, None).await
}

/// `POST /api/v1/groups`: a new local group.
pub async fn create_group(client: &Client, name: &str) -> Result<GroupDetail, ApiError> {
    let body = GroupName { name: name.into() };
    client.request(Method::Post, "/groups", Some(&body)).await
}

/// `GET /api/v1/groups/{groupId}`: the group with the access it grants.
pub async fn get_org_group(client: &Client, id: &str) -> Result<GroupDetail, ApiError> {
    client.request::<(), _>(Method::Get, &group(id), None).await
}

/// `GET /api/v1/groups/{groupId}/members`: a page of the group's members, synced or local.
pub async fn list_org_group_members(
    client: &Client,
    id: &str,
    query: &PageQuery,
) -> Result<Page<UserSummary>, ApiError> {
    let path = format!("{}/members{}", group(id), query_string(query));
    client.request::<(), _>(Method::Get, &path, None).await
}

/// `PATCH /api/v1/groups/{groupId}`: renames a local group.
pub async fn rename_group(client: &Client, id: &str, name: &str) -> Result<GroupDetail, ApiError> {
    let body = GroupName { name: name.into() };
    client.request(Method::Patch, &group(id), Some(&body)).await
}

/// `DELETE /api/v1/groups/{groupId}`: a local group with its memberships and grants.
pub async fn delete_group(client: &Client, id: &str) -> Result<(), ApiError> {
    client
        .request::<(), _>(Method::Delete, &group(id), None)
        .await
}

/// `PUT /api/v1/groups/{groupId}/members/{userId}`.
pub async fn add_member(client: &Client, id: &str, user_id: &str) -> Result<(), ApiError> {
    let path = format!("{}/members/{}", group(id), encode(user_id));
    client.request::<(), _>(Method::Put, &path, None).await
}

/// `DELETE /api/v1/groups/{groupId}/members/{userId}`.
pub async fn remove_member(client: &Client, id: &str, user_id: &str) -> Result<(), ApiError> {
    let path = format!("{}/members/{}", group(id), encode(user_id));
    client.request::<(), _>(Method::Delete, &path, None).await
}
