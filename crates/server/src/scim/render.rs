//! Turning stored rows into SCIM resources: the normalised document plus `id`, `meta`
//! (`resourceType`, `created`, `lastModified`, `location`, `version`), and for users the
//! read-only `groups`, for groups the `members`. Also the ETag helpers.
use axum::http::{header, HeaderMap, HeaderValue};
use roster_scim::ResourceKind;
use serde_json::{json, Value};

use super::middleware::ScimDirectory;
use crate::store::{db::timestamps::rfc3339, scim_query::StoredResource};

/// The weak ETag of a version.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// What an `If-Match` / `If-None-Match` header asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Precondition {
    Any,
    Versions(Vec<i64>),
}

impl Precondition {
    pub fn from_header(headers: &HeaderMap, name: header::HeaderName) -> Option<Precondition> {
        let raw = headers.get(name)?.to_str().ok()?.trim();
        if raw == "*" {
            return Some(Precondition::Any);
        }
        let versions = raw
            .split(',')
            .filter_map(|tag| {
                let tag = tag.trim();
                let tag = tag.strip_prefix("W/").unwrap_or(tag);
                tag.trim_matches('"').parse().ok()
            })
            .collect();
        Some(Precondition::Versions(versions))
    }

    pub fn matches(&self, version: i64) -> bool {
        match self {
            Precondition::Any => true,
            Precondition::Versions(v) => v.contains(&version),
        }
    }

    /// The version a write must find, for `If-Match` (`None` for `*`); a list that cannot
    /// match anything yields an impossible version.
    pub fn required_version(&self) -> Option<i64> {
        match self {
            Precondition::Any => None,
            Precondition::Versions(v) => Some(v.first().copied().unwrap_or(-1)),
        }
    }
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
