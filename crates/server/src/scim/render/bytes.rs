//! The byte form of a resource: the JSON `Value::to_string` gives for the tree
//! ([`super::tree`]), written straight into the answer. A group whose `members` are returned
//! is serialised member row by member row from keyset-paged reads, so that its cost in memory
//! is the size of the answer rather than a JSON tree of one map per member. Single reads and
//! writes ([`crate::scim::resources`]) and list answers ([`crate::scim::list`]) both append
//! their resources here. A user's default answer is its stored text with `groups`, `id` and
//! `meta` after it ([`write_stored_user`]): the same members, in another order.
use roster_scim::{Projection, ResourceKind, ScimError};
use serde_json::Value;

use super::members::member_pages;
use crate::{
    scim::{error::ScimApiResult, middleware::ScimDirectory, render},
    state::AppState,
    store::{scim_query::StoredResource, RawUser},
};

/// Appends the resource as [`render::tree`] builds it to `out` as compact JSON. A group
/// with members in the answer streams them (see [`write_group`]); anything else is rendered
/// as a tree, which holds no more than the one resource.
pub async fn write_resource(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    r: &StoredResource,
    projection: &Projection,
    out: &mut Vec<u8>,
) -> ScimApiResult<()> {
    if kind == ResourceKind::Group && r.member_count > 0 && projection.wants("members") {
        let start = out.len();
        if write_group(state, dir, r, projection, out).await? {
            return Ok(());
        }
        // The tree path knows the shapes the streamed one does not (see `write_group`).
        out.truncate(start);
    }
    write_json(out, &render::tree(state, dir, kind, r, projection).await?)
}

/// Appends a user as the default projection returns it, around the stored document's
/// text: the same members as the projected tree ([`render::tree`]), without
/// parsing, projecting or building one (`GET /Users/{id}` is the request an IdP makes most).
/// Only for a projection that [`Projection::keeps_stored`]. Returns false, having written
/// nothing, for a text it cannot splice: not an object, or holding an empty object (which
/// the projection would drop).
pub fn write_stored_user(
    dir: &ScimDirectory,
    user: &RawUser,
    groups: &[(String, String)],
    out: &mut Vec<u8>,
) -> ScimApiResult<bool> {
    let doc = user.doc.trim();
    let Some(inner) = doc.strip_prefix('{').and_then(|d| d.strip_suffix('}')) else {
        return Ok(false);
    };
    if doc.contains("{}") {
        return Ok(false);
    }
    let inner = inner.trim();
    out.reserve(doc.len() + 400 + groups.len() * 200);
    out.push(b'{');
    out.extend_from_slice(inner.as_bytes());
    if !inner.is_empty() {
        out.push(b',');
    }
    if !groups.is_empty() {
        out.extend_from_slice(b"\"groups\":[");
        for (i, (id, name)) in groups.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json(out, &render::reference(dir, ResourceKind::Group, id, name))?;
        }
        out.extend_from_slice(b"],");
    }
    out.extend_from_slice(b"\"id\":");
    write_json(out, &user.id)?;
    out.extend_from_slice(b",\"meta\":");
    let meta = render::meta(
        dir,
        ResourceKind::User,
        &user.id,
        user.version,
        user.created_at,
        user.updated_at,
    );
    write_json(out, &meta)?;
    out.push(b'}');
    Ok(true)
}

/// Writes a group with its members streamed. The group is projected with one sample
/// member: that tells where `members` goes and which of a member's sub-attributes are kept,
/// in the order they are written. Every member has the same sub-attributes, so what holds
/// for the sample holds for each. Returns false, with `out` partly written, when the
/// projection leaves no member object or the count said members and the rows say none.
async fn write_group(
    state: &AppState,
    dir: &ScimDirectory,
    r: &StoredResource,
    projection: &Projection,
    out: &mut Vec<u8>,
) -> ScimApiResult<bool> {
    let sample = render::reference(dir, ResourceKind::User, "", "");
    let head = projection.apply(render::resource(
        dir,
        ResourceKind::Group,
        r.clone(),
        Some(("members", Value::Array(vec![sample]))),
    ));
    let Value::Object(head) = head else {
        return Ok(false);
    };
    let Some(subs) = head
        .get("members")
        .and_then(|m| m.get(0))
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect::<Vec<String>>())
    else {
        return Ok(false);
    };
    out.push(b'{');
    for (i, (key, value)) in head.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_json(out, key)?;
        out.push(b':');
        if key != "members" {
            write_json(out, value)?;
        } else if write_members(state, dir, r, &subs, out).await? == 0 {
            return Ok(false);
        }
    }
    out.push(b'}');
    Ok(true)
}

/// Appends `value` as compact JSON, as `Value::to_string` writes it.
pub fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> ScimApiResult<()> {
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
