//! One SCIM resource as it is answered: the stored document plus `id`, `meta`
//! (`resourceType`, `created`, `lastModified`, `location`, `version`), and for users the
//! read-only `groups`, for groups the `members`. It comes in two forms that must agree byte
//! for byte: the JSON tree built here, and [`bytes`], which writes the same JSON straight into
//! the answer (a group's members streamed from their rows, a user spliced around its stored
//! text). `tests/api/scim_big_groups.rs` holds the two to each other.
pub mod bytes;
mod members;

use axum::http::{header, HeaderMap, HeaderValue};
use roster_scim::{Projection, ResourceKind};
use serde_json::{json, Value};

use super::{error::ScimApiResult, middleware::ScimDirectory};
use crate::{
    state::AppState,
    store::{db::timestamps::rfc3339, scim_query::StoredResource},
};

/// The weak ETag of a version.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// Headers for a resource answer: `ETag`, and `Location` when created.
pub fn resource_headers(dir: &ScimDirectory, kind: ResourceKind, r: &StoredResource) -> HeaderMap {
    headers_of(dir, kind, &r.id, r.version)
}

/// [`resource_headers`] of the resource `id` at `version`.
pub fn headers_of(dir: &ScimDirectory, kind: ResourceKind, id: &str, version: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        headers.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&location(dir, kind, id)) {
        headers.insert(header::LOCATION, v);
    }
    headers
}

pub fn location(dir: &ScimDirectory, kind: ResourceKind, id: &str) -> String {
    format!(
        "{}/{}/{id}",
        dir.base_url,
        kind.endpoint().trim_start_matches('/')
    )
}

/// The answer resource as a tree, projected, loading `groups`/`members` only when the
/// projection wants them.
pub async fn tree(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    r: &StoredResource,
    projection: &Projection,
) -> ScimApiResult<Value> {
    let extra = match kind {
        ResourceKind::User if projection.wants("groups") => {
            let groups = state
                .store
                .groups_of_users(std::slice::from_ref(&r.id))
                .await?;
            let groups = groups
                .iter()
                .map(|(_, gid, name)| (gid.as_str(), name.as_str()));
            return Ok(user(dir, r.clone(), groups, projection));
        }
        ResourceKind::Group if projection.wants("members") && r.member_count > 0 => {
            let mut members = Vec::with_capacity(r.member_count.max(0) as usize);
            members::member_pages(state, &r.id, |page| {
                members.extend(
                    page.iter()
                        .map(|(id, name)| reference(dir, ResourceKind::User, id, name)),
                );
                Ok(())
            })
            .await?;
            Some(("members", Value::Array(members)))
        }
        _ => None,
    };
    Ok(projection.apply(resource(dir, kind, r.clone(), extra)))
}

/// A user, projected, with its groups (`(group id, display name)`) already read.
pub fn user<'a>(
    dir: &ScimDirectory,
    r: StoredResource,
    groups: impl IntoIterator<Item = (&'a str, &'a str)>,
    projection: &Projection,
) -> Value {
    let list: Vec<Value> = groups
        .into_iter()
        .map(|(gid, name)| reference(dir, ResourceKind::Group, gid, name))
        .collect();
    let extra = (!list.is_empty()).then_some(("groups", Value::Array(list)));
    projection.apply(resource(dir, ResourceKind::User, r, extra))
}

/// The full resource: document, `id`, `meta`, and `extra` attributes (groups or members).
pub fn resource(
    dir: &ScimDirectory,
    kind: ResourceKind,
    r: StoredResource,
    extra: Option<(&str, Value)>,
) -> Value {
    let mut doc = r.doc;
    if let Value::Object(obj) = &mut doc {
        obj.insert(
            "meta".into(),
            meta(dir, kind, &r.id, r.version, r.created_at, r.updated_at),
        );
        if let Some((name, value)) = extra {
            obj.insert(name.into(), value);
        }
        obj.insert("id".into(), Value::String(r.id));
    }
    doc
}

/// A resource's `meta`.
pub fn meta(
    dir: &ScimDirectory,
    kind: ResourceKind,
    id: &str,
    version: i64,
    created_at: i64,
    updated_at: i64,
) -> Value {
    json!({
        "resourceType": kind.name(),
        "created": rfc3339(created_at),
        "lastModified": rfc3339(updated_at),
        "location": location(dir, kind, id),
        "version": etag(version),
    })
}

/// A `groups` / `members` element.
pub fn reference(dir: &ScimDirectory, kind: ResourceKind, id: &str, display: &str) -> Value {
    json!({
        "value": id,
        "display": display,
        "$ref": location(dir, kind, id),
        "type": if kind == ResourceKind::User { "User" } else { "direct" },
    })
}
