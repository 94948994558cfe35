//! The organization's users across directories: `/api/v1/users/...`
//! (`crates/server/src/http/users.rs`). Named `*_org_*` to stay apart from a directory's own
//! user list.
use roster_api_types::event::{TimelineEntry, TimelineQuery};
use roster_api_types::org::{OrgUser, OrgUserDetail, OrgUserQuery};
use roster_api_types::page::Page;

use super::query::query_string;
use super::{Client, Method, Request};
use crate::url::encode;

/// `GET /api/v1/users?search=…`: users of every directory by userName.
pub fn list_org_users(client: &Client, query: &OrgUserQuery) -> Request<Page<OrgUser>> {
    let path = format!("/users{}", query_string(query));
    client.request::<(), _>(Method::Get, &path, None)
}

/// `GET /api/v1/users/{userId}`: source directory, managed or external, groups and
/// effective access.
pub fn get_org_user(client: &Client, id: &str) -> Request<OrgUserDetail> {
    let path = format!("/users/{}", encode(id));
    client.request::<(), _>(Method::Get, &path, None)
}

/// `GET /api/v1/users/{userId}/timeline?cursor=…`: a page of the identity provider's requests
/// about the user and the changes to them, newest first; still answered once the user is
/// deleted, while their events are kept.
pub fn get_timeline(
    client: &Client,
    id: &str,
    query: &TimelineQuery,
) -> Request<Page<TimelineEntry>> {
    let path = format!("/users/{}/timeline{}", encode(id), query_string(query));
    client.request::<(), _>(Method::Get, &path, None)
}
