//! `/Users` and `/Groups` resources: create, read, replace, patch and delete. The protocol
//! work (validation, PATCH semantics, projection) is the core's; this module stores the
//! result and answers in SCIM form. Each operation is also callable from `/Bulk`.
use axum::{
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use roster_scim::{
    apply_patch_json, parse_resource, GroupFields, PatchOutcome, Projection, ResourceKind,
    ScimError, UserFields,
};
use serde_json::Value;

use super::{
    error::{ScimApiError, ScimApiResult, SCIM_CONTENT_TYPE},
    middleware::{ScimDirectory, SyncNote},
    render::{self, bytes},
};
use crate::{state::AppState, store::scim_query::StoredResource};

/// The answer of one operation, before it becomes a response (also used by `/Bulk`).
pub struct Outcome {
    pub status: StatusCode,
    pub body: Option<Body>,
    pub headers: HeaderMap,
    pub note: SyncNote,
}

/// A response body: a JSON tree, or JSON already serialised (a group with its members, or a
/// list, is written straight to bytes, see [`bytes`]).
pub enum Body {
    Json(Value),
    Serialized(Vec<u8>),
}

impl From<Value> for Body {
    fn from(v: Value) -> Body {
        Body::Json(v)
    }
}

impl From<Body> for axum::body::Body {
    fn from(body: Body) -> axum::body::Body {
        match body {
            Body::Json(v) => serde_json::to_vec(&v).unwrap_or_default().into(),
            Body::Serialized(bytes) => bytes.into(),
        }
    }
}

impl IntoResponse for Outcome {
    fn into_response(self) -> Response {
        let mut res = match self.body {
            Some(body) => (
                self.status,
                [(header::CONTENT_TYPE, SCIM_CONTENT_TYPE)],
                axum::body::Body::from(body),
            )
                .into_response(),
            None => self.status.into_response(),
        };
        res.headers_mut().extend(self.headers);
        res.extensions_mut().insert(self.note);
        res
    }
}

impl Outcome {
    /// A read's answer: 200 with the body, or 304 without one (`If-None-Match` matched).
    fn read(headers: HeaderMap, note: SyncNote, body: Option<Body>) -> Outcome {
        let status = if body.is_some() {
            StatusCode::OK
        } else {
            StatusCode::NOT_MODIFIED
        };
        Outcome {
            status,
            body,
            headers,
            note,
        }
    }
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

/// The conditional headers of a request.
#[derive(Default)]
pub struct Conditions {
    pub if_match: Option<Precondition>,
    pub if_none_match: Option<Precondition>,
}

impl Conditions {
    pub fn from_headers(headers: &HeaderMap) -> Conditions {
        Conditions {
            if_match: Precondition::from_header(headers, header::IF_MATCH),
            if_none_match: Precondition::from_header(headers, header::IF_NONE_MATCH),
        }
    }
    fn required_version(&self) -> Option<i64> {
        self.if_match
            .as_ref()
            .and_then(Precondition::required_version)
    }
}

fn label(kind: ResourceKind, doc: &Value) -> Option<String> {
    let key = if kind == ResourceKind::User {
        "userName"
    } else {
        "displayName"
    };
    doc.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn op_name(kind: ResourceKind, user: &'static str, group: &'static str) -> &'static str {
    if kind == ResourceKind::User {
        user
    } else {
        group
    }
}

/// The answer resource as a response body, written as bytes ([`bytes`]): the same JSON as
/// [`render::tree`] gives, byte for byte, with a group's members streamed row by row.
async fn render_body(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    r: &StoredResource,
    projection: &Projection,
) -> ScimApiResult<Body> {
    let mut out = Vec::new();
    bytes::write_resource(state, dir, kind, r, projection, &mut out).await?;
    Ok(Body::Serialized(out))
}

fn user_fields(doc: &Value) -> ScimApiResult<UserFields> {
    Ok(UserFields::from_resource(doc)?)
}

fn group_fields(doc: &Value) -> ScimApiResult<GroupFields> {
    Ok(GroupFields::from_resource(doc)?)
}

/// `POST /Users`, `POST /Groups`.
pub async fn create(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    body: &Value,
    projection: &Projection,
) -> ScimApiResult<Outcome> {
    let parsed = parse_resource(kind, body)?;
    let mut doc = parsed.resource;
    let stored = match kind {
        ResourceKind::User => {
            let fields = user_fields(&doc)?;
            state.store.create_user(&dir.id, &doc, &fields).await?
        }
        ResourceKind::Group => {
            let members = GroupFields::take_members(&mut doc);
            let fields = group_fields(&doc)?;
            state
                .store
                .create_group(&dir.org_id, &dir.id, &doc, &fields, &members)
                .await?
        }
    };
    let headers = render::resource_headers(dir, kind, &stored);
    let note = SyncNote {
        operation: op_name(kind, "createUser", "createGroup"),
        resource_type: Some(kind.name()),
        resource_id: Some(stored.id.clone()),
        resource_label: label(kind, &stored.doc),
        changed: top_level_keys(&stored.doc),
        ignored: parsed.ignored,
    };
    let body = match kind {
        // A user just created is in no group yet: no need to ask.
        ResourceKind::User => render::user(dir, stored, [], projection).into(),
        ResourceKind::Group => render_body(state, dir, kind, &stored, projection).await?,
    };
    Ok(Outcome {
        status: StatusCode::CREATED,
        headers,
        note,
        body: Some(body),
    })
}

fn top_level_keys(doc: &Value) -> Vec<String> {
    doc.as_object()
        .map(|o| o.keys().filter(|k| *k != "schemas").cloned().collect())
        .unwrap_or_default()
}

async fn load(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    id: &str,
) -> ScimApiResult<StoredResource> {
    let found = match kind {
        ResourceKind::User => state.store.get_user(&dir.id, id).await?,
        ResourceKind::Group => state.store.get_group(&dir.id, id).await?,
    };
    found.ok_or_else(|| {
        ScimError::not_found(format!(
            "no {} with id '{id}' in this directory",
            kind.name()
        ))
        .into()
    })
}

/// `GET /Users/{id}`, `GET /Groups/{id}`.
pub async fn get(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    id: &str,
    projection: &Projection,
    conditions: &Conditions,
) -> ScimApiResult<Outcome> {
    // A user with their groups in one query when the answer shows them (the default), and
    // then written around the stored document's text when the projection keeps it whole.
    let (stored, groups) = if kind == ResourceKind::User && projection.wants("groups") {
        match state.store.get_user_with_groups(&dir.id, id).await? {
            Some((user, groups)) => {
                if projection.keeps_stored() {
                    let note = get_note(kind, &user.id, Some(user.user_name.clone()));
                    let headers = render::headers_of(dir, kind, &user.id, user.version);
                    if not_modified(conditions, user.version) {
                        return Ok(Outcome::read(headers, note, None));
                    }
                    let mut out = Vec::new();
                    if bytes::write_stored_user(dir, &user, &groups, &mut out)? {
                        return Ok(Outcome::read(headers, note, Some(Body::Serialized(out))));
                    }
                }
                (user.parsed()?, Some(groups))
            }
            None => (load(state, dir, kind, id).await?, None),
        }
    } else {
        (load(state, dir, kind, id).await?, None)
    };
    let note = get_note(kind, &stored.id, label(kind, &stored.doc));
    let headers = render::resource_headers(dir, kind, &stored);
    if not_modified(conditions, stored.version) {
        return Ok(Outcome::read(headers, note, None));
    }
    let body = match &groups {
        Some(groups) => {
            let groups = groups
                .iter()
                .map(|(gid, name)| (gid.as_str(), name.as_str()));
            render::user(dir, stored, groups, projection).into()
        }
        None => render_body(state, dir, kind, &stored, projection).await?,
    };
    Ok(Outcome::read(headers, note, Some(body)))
}

fn get_note(kind: ResourceKind, id: &str, label: Option<String>) -> SyncNote {
    SyncNote {
        operation: op_name(kind, "getUser", "getGroup"),
        resource_type: Some(kind.name()),
        resource_id: Some(id.to_owned()),
        resource_label: label,
        ..SyncNote::default()
    }
}

/// Whether `If-None-Match` names the version the resource is at.
fn not_modified(conditions: &Conditions, version: i64) -> bool {
    conditions
        .if_none_match
        .as_ref()
        .is_some_and(|p| p.matches(version))
}

/// `PUT` (replace) or `PATCH` of a resource.
pub enum Change<'a> {
    Replace(&'a Value),
    Patch(&'a Value),
}

/// `PUT` / `PATCH` on `/Users/{id}` and `/Groups/{id}`. A group PATCH answers 204 unless the
/// request asked for attributes, so large groups never serialise their members for it.
pub async fn update(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    id: &str,
    change: Change<'_>,
    projection: Option<&Projection>,
    conditions: &Conditions,
) -> ScimApiResult<Outcome> {
    let if_match = conditions.required_version();
    let is_patch = matches!(change, Change::Patch(_));
    let mut ignored = Vec::new();
    let mut changed = Vec::new();
    let compute = |current: &StoredResource| -> ScimApiResult<PatchOutcome> {
        match change {
            Change::Patch(body) => Ok(apply_patch_json(kind, &current.doc, body)?),
            Change::Replace(body) => {
                let parsed = parse_resource(kind, body)?;
                let mut resource = parsed.resource;
                let members = match kind {
                    ResourceKind::Group => vec![roster_scim::MemberChange::Replace(
                        GroupFields::take_members(&mut resource),
                    )],
                    ResourceKind::User => Vec::new(),
                };
                let changed = diff_keys(&current.doc, &resource);
                Ok(PatchOutcome {
                    resource,
                    changed,
                    members,
                    ignored: parsed.ignored,
                })
            }
        }
    };
    let stored = match kind {
        ResourceKind::User => state
            .store
            .update_user(&dir.id, id, if_match, |current| {
                let out = compute(current)?;
                let fields = user_fields(&out.resource)?;
                ignored = out.ignored;
                changed = out.changed;
                Ok::<_, ScimApiError>((out.resource, fields))
            })
            .await
            .map_err(ScimApiError::from)??,
        ResourceKind::Group => state
            .store
            .update_group(&dir.id, id, if_match, |current| {
                let out = compute(current)?;
                let fields = group_fields(&out.resource)?;
                ignored = out.ignored;
                changed = out.changed;
                Ok::<_, ScimApiError>((out.resource, fields, out.members))
            })
            .await
            .map_err(ScimApiError::from)??,
    };
    let note = SyncNote {
        operation: match (kind, is_patch) {
            (ResourceKind::User, true) => "patchUser",
            (ResourceKind::User, false) => "replaceUser",
            (ResourceKind::Group, true) => "patchGroup",
            (ResourceKind::Group, false) => "replaceGroup",
        },
        resource_type: Some(kind.name()),
        resource_id: Some(stored.id.clone()),
        resource_label: label(kind, &stored.doc),
        changed,
        ignored,
    };
    let headers = render::resource_headers(dir, kind, &stored);
    let default_projection = Projection::default_for(kind);
    let projection = match (kind, is_patch, projection) {
        (ResourceKind::Group, true, None) => {
            return Ok(Outcome {
                status: StatusCode::NO_CONTENT,
                body: None,
                headers,
                note,
            });
        }
        (_, _, Some(p)) => p,
        (_, _, None) => &default_projection,
    };
    let body = render_body(state, dir, kind, &stored, projection).await?;
    Ok(Outcome {
        status: StatusCode::OK,
        body: Some(body),
        headers,
        note,
    })
}

/// Top-level attributes whose values differ between two documents.
fn diff_keys(before: &Value, after: &Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<String> = b
        .keys()
        .chain(a.keys())
        .filter(|k| *k != "schemas" && b.get(*k) != a.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// `DELETE /Users/{id}`, `DELETE /Groups/{id}`.
pub async fn delete(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    id: &str,
    conditions: &Conditions,
) -> ScimApiResult<Outcome> {
    let if_match = conditions.required_version();
    // The store reads the row inside the delete's transaction and returns its label.
    let label = match kind {
        ResourceKind::User => state.store.delete_user(&dir.id, id, if_match).await?,
        ResourceKind::Group => state.store.delete_group(&dir.id, id, if_match).await?,
    };
    Ok(Outcome {
        status: StatusCode::NO_CONTENT,
        body: None,
        headers: HeaderMap::new(),
        note: SyncNote {
            operation: op_name(kind, "deleteUser", "deleteGroup"),
            resource_type: Some(kind.name()),
            resource_id: Some(id.to_owned()),
            resource_label: Some(label),
            ..SyncNote::default()
        },
    })
}
