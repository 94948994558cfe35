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
    render::{self, Precondition},
};
use crate::{state::AppState, store::scim_common::StoredResource};

/// Members are read in pages of this size when a group is returned whole.
const MEMBER_PAGE: u64 = 5_000;

/// The answer of one operation, before it becomes a response (also used by `/Bulk`).
pub struct Outcome {
    pub status: StatusCode,
    pub body: Option<Body>,
    pub headers: HeaderMap,
    pub note: SyncNote,
}

/// A response body: a JSON tree, or JSON already serialised (a group with its members is
/// written straight to bytes, see [`render_body`]).
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
            Body::Json(v) => v.to_string().into(),
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

/// Builds the answer resource, loading `groups`/`members` only when the projection wants them.
pub async fn render(
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
            let groups: Vec<(String, String)> = groups
                .into_iter()
                .map(|(_, gid, name)| (gid, name))
                .collect();
            return Ok(render_user(dir, r, &groups, projection));
        }
        ResourceKind::Group if projection.wants("members") && r.member_count > 0 => {
            let mut members = Vec::with_capacity(r.member_count.max(0) as usize);
            member_pages(state, &r.id, |page| {
                members.extend(
                    page.iter()
                        .map(|(id, name)| render::reference(dir, ResourceKind::User, id, name)),
                );
                Ok(())
            })
            .await?;
            Some(("members", Value::Array(members)))
        }
        _ => None,
    };
    Ok(projection.apply(&render::resource(dir, kind, r, extra)))
}

/// Like [`render`], as a response body. A group whose members are returned is serialised
/// straight to bytes, member row by member row, so that its cost in memory is the size of
/// the answer and not a JSON tree of one map per member (issue 8). The result is the same
/// JSON as [`render`] gives, byte for byte.
pub async fn render_body(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    r: &StoredResource,
    projection: &Projection,
) -> ScimApiResult<Body> {
    if kind != ResourceKind::Group || r.member_count <= 0 || !projection.wants("members") {
        return Ok(render(state, dir, kind, r, projection).await?.into());
    }
    // The projection applied to the group with one sample member: where `members` goes and
    // which of a member's sub-attributes are kept, in the order they are written. Every
    // member has the same sub-attributes, so what holds for the sample holds for each.
    let sample = render::reference(dir, ResourceKind::User, "", "");
    let head = projection.apply(&render::resource(
        dir,
        kind,
        r,
        Some(("members", Value::Array(vec![sample]))),
    ));
    let Value::Object(head) = head else {
        return Ok(render(state, dir, kind, r, projection).await?.into());
    };
    let Some(subs) = head
        .get("members")
        .and_then(|m| m.get(0))
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect::<Vec<String>>())
    else {
        return Ok(render(state, dir, kind, r, projection).await?.into());
    };
    let mut out: Vec<u8> = Vec::new();
    out.push(b'{');
    for (i, (key, value)) in head.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_json(&mut out, key)?;
        out.push(b':');
        if key != "members" {
            write_json(&mut out, value)?;
            continue;
        }
        let written = write_members(state, dir, r, &subs, &mut out).await?;
        if written == 0 {
            // The count said members, the rows say none: the tree path knows what an empty
            // list projects to.
            return Ok(render(state, dir, kind, r, projection).await?.into());
        }
    }
    out.push(b'}');
    Ok(Body::Serialized(out))
}

/// Appends `value` as compact JSON, as `Value::to_string` writes it.
fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> ScimApiResult<()> {
    // Strings and `Value`s always serialise; a failure would be a bug, answered with a 500.
    serde_json::to_writer(&mut *out, value)
        .map_err(|e| ScimError::status(500, format!("could not serialise the answer: {e}")).into())
}

/// Writes the `members` array of a group, reading members a page at a time; each element
/// carries the sub-attributes `subs`, in that order, as [`render::reference`] renders them.
/// Returns how many members were written.
async fn write_members(
    state: &AppState,
    dir: &ScimDirectory,
    r: &StoredResource,
    subs: &[String],
    out: &mut Vec<u8>,
) -> ScimApiResult<u64> {
    let start = out.len();
    out.push(b'[');
    let mut written = 0u64;
    member_pages(state, &r.id, |page| {
        for (id, name) in page {
            if written > 0 {
                out.push(b',');
            }
            out.push(b'{');
            for (i, sub) in subs.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(out, sub)?;
                out.push(b':');
                match sub.as_str() {
                    "value" => write_json(out, id)?,
                    "display" => write_json(out, name)?,
                    "$ref" => write_json(out, &render::location(dir, ResourceKind::User, id))?,
                    "type" => write_json(out, "User")?,
                    // `render::reference` has no other keys.
                    _ => out.extend_from_slice(b"null"),
                }
            }
            out.push(b'}');
            written += 1;
            if written == 1_000 {
                // One thousand members tell the size of the rest: one allocation for the
                // answer rather than doublings (and their copies) up to it.
                let per_member = (out.len() - start) / 1_000 + 1;
                let left = (r.member_count.max(0) as usize).saturating_sub(1_000);
                out.reserve(left.saturating_mul(per_member) + 1_024);
            }
        }
        Ok(())
    })
    .await?;
    out.push(b']');
    Ok(written)
}

/// Reads a group's members a page at a time (keyset by user id, [`MEMBER_PAGE`] rows) and
/// hands each page of `(user id, display name)` to `each`, so no caller holds more than one
/// page of rows.
async fn member_pages(
    state: &AppState,
    group_id: &str,
    mut each: impl FnMut(&[(String, String)]) -> ScimApiResult<()>,
) -> ScimApiResult<()> {
    let mut after: Option<String> = None;
    loop {
        let page = state
            .store
            .group_members_page(group_id, after.as_deref(), MEMBER_PAGE)
            .await?;
        each(&page)?;
        if (page.len() as u64) < MEMBER_PAGE {
            return Ok(());
        }
        after = page.last().map(|(id, _)| id.clone());
    }
}

/// A user with the groups already read (see [`crate::store::Store::get_user_with_groups`]).
fn render_user(
    dir: &ScimDirectory,
    r: &StoredResource,
    groups: &[(String, String)],
    projection: &Projection,
) -> Value {
    let list: Vec<Value> = groups
        .iter()
        .map(|(gid, name)| render::reference(dir, ResourceKind::Group, gid, name))
        .collect();
    let extra = (!list.is_empty()).then_some(("groups", Value::Array(list)));
    projection.apply(&render::resource(dir, ResourceKind::User, r, extra))
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
    let body = match kind {
        // A user just created is in no group yet: no need to ask.
        ResourceKind::User => render_user(dir, &stored, &[], projection).into(),
        ResourceKind::Group => render_body(state, dir, kind, &stored, projection).await?,
    };
    Ok(Outcome {
        status: StatusCode::CREATED,
        headers: render::resource_headers(dir, kind, &stored),
        note: SyncNote {
            operation: op_name(kind, "createUser", "createGroup"),
            resource_type: Some(kind.name()),
            resource_id: Some(stored.id.clone()),
            resource_label: label(kind, &stored.doc),
            changed: top_level_keys(&stored.doc),
            ignored: parsed.ignored,
        },
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
    // A user with their groups in one query when the answer shows them (the default).
    let (stored, groups) = if kind == ResourceKind::User && projection.wants("groups") {
        match state.store.get_user_with_groups(&dir.id, id).await? {
            Some((user, groups)) => (user, Some(groups)),
            None => (load(state, dir, kind, id).await?, None),
        }
    } else {
        (load(state, dir, kind, id).await?, None)
    };
    let note = SyncNote {
        operation: op_name(kind, "getUser", "getGroup"),
        resource_type: Some(kind.name()),
        resource_id: Some(stored.id.clone()),
        resource_label: label(kind, &stored.doc),
        ..SyncNote::default()
    };
    let headers = render::resource_headers(dir, kind, &stored);
    if conditions
        .if_none_match
        .as_ref()
        .is_some_and(|p| p.matches(stored.version))
    {
        return Ok(Outcome {
            status: StatusCode::NOT_MODIFIED,
            body: None,
            headers,
            note,
        });
    }
    let body = match &groups {
        Some(groups) => render_user(dir, &stored, groups, projection).into(),
        None => render_body(state, dir, kind, &stored, projection).await?,
    };
    Ok(Outcome {
        status: StatusCode::OK,
        body: Some(body),
        headers,
        note,
    })
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
