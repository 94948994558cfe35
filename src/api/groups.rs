//! The organization's groups, synced and local: `/api/v1/groups/...`
//! (`crates/server/src/http/groups.rs`). Only local groups can be changed; the server answers
//! 409 for a synced one.
use roster_api_types::{directory::UserSummary, page::Page};
use roster_api_types::{
    org::{Group, GroupDetail, GroupName, OrgGroupQuery},
    page::PageQuery,
};

use super::query::query_string;
use super::{Client, Method, Request};
use crate::url::encode;

fn group(id: &str) -> String {
    format!("/groups/{}", encode(id))
}

/// `GET /api/v1/groups`: groups by name, searched by prefix.
pub fn list_org_groups(client: &Client, query: &OrgGroupQuery) -> Request<Page<Group>> {
    let path = format!("/groups{}", query_string(query));
    client.request::<(), _>(Method::Get, &path, None)
}

/// `POST /api/v1/groups`: a new local group.
pub fn create_group(client: &Client, name: &str) -> Request<GroupDetail> {
    let body = GroupName { name: name.into() };
    client.request(Method::Post, "/groups", Some(&body))
}

/// `GET /api/v1/groups/{groupId}`: the group with the access it grants.
pub fn get_org_group(client: &Client, id: &str) -> Request<GroupDetail> {
    client.request::<(), _>(Method::Get, &group(id), None)
}

/// `GET /api/v1/groups/{groupId}/members`: a page of the group's members, synced or local.
pub fn list_org_group_members(
    client: &Client,
    id: &str,
    query: &PageQuery,
) -> Request<Page<UserSummary>> {
    let path = format!("{}/members{}", group(id), query_string(query));
    client.request::<(), _>(Method::Get, &path, None)
}

/// `PATCH /api/v1/groups/{groupId}`: renames a local group.
pub fn rename_group(client: &Client, id: &str, name: &str) -> Request<GroupDetail> {
    let body = GroupName { name: name.into() };
    client.request(Method::Patch, &group(id), Some(&body))
}

/// `DELETE /api/v1/groups/{groupId}`: a local group with its memberships and grants.
pub fn delete_group(client: &Client, id: &str) -> Request<()> {
    client.request::<(), _>(Method::Delete, &group(id), None)
}

/// `PUT /api/v1/groups/{groupId}/members/{userId}`.
pub fn add_member(client: &Client, id: &str, user_id: &str) -> Request<()> {
    let path = format!("{}/members/{}", group(id), encode(user_id));
    client.request::<(), _>(Method::Put, &path, None)
}

/// `DELETE /api/v1/groups/{groupId}/members/{userId}`.
pub fn remove_member(client: &Client, id: &str, user_id: &str) -> Request<()> {
    let path = format!("{}/members/{}", group(id), encode(user_id));
    client.request::<(), _>(Method::Delete, &path, None)
}
