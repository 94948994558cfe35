//! The PATCH engine (RFC 7644 §3.5.2) with the IdP dialects of the wire-behaviour reference:
//! case-insensitive `op`, path-less values with dotted and URN-qualified keys, boolean strings,
//! one-element lists for single-valued complex attributes, replace-on-no-match acting as add,
//! and `id` inside a path-less replace ignored. A PATCH is all-or-nothing: the input is never
//! modified and an error returns no partial result.
//!
//! Group membership is not applied to a member list in memory: operations on `members` become
//! [`MemberChange`]s the server applies as row inserts and deletes, so their cost grows with the
//! members changed, not with the group's size.

mod apply;
mod members;
#[cfg(test)]
mod tests;

use crate::error::{ScimError, ScimResult};
use crate::filter::{Filter, PatchPath};
use crate::messages::{PatchOpKind, PatchRequest};
use crate::path::AttrPath;
use crate::resource::{dropped_on_write, finish, resolve_key, Key};
use crate::schema::{ResourceKind, GROUP_SCHEMA};
use serde_json::{Map, Value};

/// One change to a group's membership, in request order.
#[derive(Debug, Clone, PartialEq)]
pub enum MemberChange {
    /// Add these member ids (already-present ids are not an error).
    Add(Vec<String>),
    /// Remove these member ids (absent ids are not an error).
    Remove(Vec<String>),
    /// Remove every member.
    RemoveAll,
    /// Make the membership exactly these ids.
    Replace(Vec<String>),
    /// Remove the members matching a filter on `members` sub-attributes (`value`, `type`, …)
    /// that could not be reduced to a list of ids.
    RemoveWhere(Filter),
}

/// The result of a PATCH.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchOutcome {
    /// The patched, normalised resource (for groups: without `members`).
    pub resource: Value,
    /// Attributes whose value changed, by top-level name (`active`, `name`, `emails`;
    /// extension attributes URN-qualified; `members` when the membership delta is non-empty).
    pub changed: Vec<String>,
    /// Membership changes to apply, in order (always empty for users).
    pub members: Vec<MemberChange>,
    /// Attribute names Roster does not know and ignored, for the sync log.
    pub ignored: Vec<String>,
}

/// Applies a PATCH to a normalised resource. For groups, `members` in `resource` is ignored
/// and membership operations are returned in [`PatchOutcome::members`].
pub fn apply_patch(
    kind: ResourceKind,
    resource: &Value,
    request: &PatchRequest,
) -> ScimResult<PatchOutcome> {
    let Value::Object(original) = resource else {
        return Err(ScimError::invalid_syntax(
            "the resource must be a JSON object",
        ));
    };
    // Copy without `members`: a group's member list must not make a PATCH cost O(group size).
    let before: Map<String, Value> = original
        .iter()
        .filter(|(k, _)| !(kind == ResourceKind::Group && k.as_str() == "members"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut doc = before.clone();
    let mut members = Vec::new();
    let mut ignored = Vec::new();
    for op in &request.operations {
        let value = op.value.as_ref();
        match &op.path {
            Some(text) if kind.extension(text).is_some() => apply_extension(
                kind,
                &mut doc,
                op.op,
                text,
                value,
                &mut members,
                &mut ignored,
            )?,
            Some(text) => match PatchPath::parse(kind, text)? {
                None => ignored.push(text.clone()),
                Some(pp) if is_members(kind, &pp.path) => {
                    members::apply_path(op.op, &pp, value, &mut members)?
                }
                Some(pp) => {
                    check_writable(&pp.path)?;
                    if !dropped_on_write(&pp.path) {
                        apply::apply(&mut doc, op.op, &pp, value, &mut ignored)?;
                    }
                }
            },
            None => apply_pathless(kind, &mut doc, op.op, value, &mut members, &mut ignored)?,
        }
    }
    let changed = changed_attributes(kind, &before, &doc, !members.is_empty());
    let resource = finish(kind, doc)?;
    Ok(PatchOutcome {
        resource,
        changed,
        members,
        ignored,
    })
}

/// Parses the PATCH body and applies it ([`PatchRequest::from_json`] + [`apply_patch`]).
pub fn apply_patch_json(
    kind: ResourceKind,
    resource: &Value,
    body: &Value,
) -> ScimResult<PatchOutcome> {
    apply_patch(kind, resource, &PatchRequest::from_json(body)?)
}

fn is_members(kind: ResourceKind, path: &AttrPath) -> bool {
    kind == ResourceKind::Group
        && path.schema.id == GROUP_SCHEMA
        && path.attribute.name == "members"
}

/// An explicit path at a read-only attribute is a client error (RFC 7644 §3.5.2: `mutability`);
/// the same attribute inside a path-less value is ignored instead (Okta sends `id` there).
fn check_writable(path: &AttrPath) -> ScimResult<()> {
    if path.attribute.is_read_only() || path.target().is_read_only() {
        return Err(ScimError::mutability(format!("'{path}' is read-only")));
    }
    Ok(())
}

/// A path naming a whole extension (`urn:…:enterprise:2.0:User`), as the extension were one
/// complex attribute: `add`/`replace` set the sub-attributes the value gives (RFC 7644
/// §3.5.2.1, §3.5.2.3), exactly as a path-less value keyed by the URN; `remove` drops them all.
fn apply_extension(
    kind: ResourceKind,
    doc: &mut Map<String, Value>,
    op: PatchOpKind,
    urn: &str,
    value: Option<&Value>,
    members: &mut Vec<MemberChange>,
    ignored: &mut Vec<String>,
) -> ScimResult<()> {
    if op == PatchOpKind::Remove {
        if let Some(schema) = kind.extension(urn) {
            doc.remove(schema.id);
        }
        return Ok(());
    }
    let Some(value @ Value::Object(_)) = value else {
        return Err(ScimError::invalid_value(format!(
            "'{}' on '{urn}' needs an object of its attributes",
            op.as_str()
        )));
    };
    let wrapped = Value::Object(Map::from_iter([(urn.to_owned(), value.clone())]));
    apply_pathless(kind, doc, op, Some(&wrapped), members, ignored)
}

/// A path-less `add`/`replace`: each key of the object value is its own target.
fn apply_pathless(
    kind: ResourceKind,
    doc: &mut Map<String, Value>,
    op: PatchOpKind,
    value: Option<&Value>,
    members: &mut Vec<MemberChange>,
    ignored: &mut Vec<String>,
) -> ScimResult<()> {
    if op == PatchOpKind::Remove {
        return Err(ScimError::no_target("'remove' needs a path"));
    }
    let Some(Value::Object(obj)) = value else {
        return Err(ScimError::invalid_value(format!(
            "'{}' without a path needs an object value",
            op.as_str()
        )));
    };
    for (key, v) in obj {
        let targets: Vec<(AttrPath, &Value)> = match resolve_key(kind, key) {
            Key::Schemas => continue,
            Key::Unknown => {
                ignored.push(key.clone());
                continue;
            }
            Key::Attr(path) => vec![(path, v)],
            Key::Container(schema) => {
                let Value::Object(inner) = v else {
                    if v.is_null() {
                        continue;
                    }
                    return Err(ScimError::invalid_value(format!(
                        "'{key}' must be an object"
                    )));
                };
                let mut t = Vec::with_capacity(inner.len());
                for (k, iv) in inner {
                    match AttrPath::resolve(kind, &format!("{}:{k}", schema.id)) {
                        Ok(Some(p)) => t.push((p, iv)),
                        _ => ignored.push(format!("{}:{k}", schema.id)),
                    }
                }
                t
            }
        };
        for (path, v) in targets {
            if is_members(kind, &path) {
                members::apply_pathless(op, &path, v, members)?;
            } else if !dropped_on_write(&path) {
                let pp = PatchPath { path, filter: None };
                apply::apply(doc, op, &pp, Some(v), ignored)?;
            }
        }
    }
    Ok(())
}

/// Top-level attributes whose value differs between `before` and `after`.
fn changed_attributes(
    kind: ResourceKind,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
    members_changed: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let ext_urns: Vec<&str> = kind.extensions().iter().map(|s| s.id).collect();
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        if key == "schemas" {
            continue;
        }
        let (b, a) = (before.get(key.as_str()), after.get(key.as_str()));
        if ext_urns.contains(&key.as_str()) {
            let empty = Map::new();
            let b = b.and_then(Value::as_object).unwrap_or(&empty);
            let a = a.and_then(Value::as_object).unwrap_or(&empty);
            let mut sub: Vec<&String> = b.keys().chain(a.keys()).collect();
            sub.sort();
            sub.dedup();
            for k in sub {
                if b.get(k.as_str()) != a.get(k.as_str()) {
                    out.push(format!("{key}:{k}"));
                }
            }
        } else if b != a {
            out.push(key.clone());
        }
    }
    if members_changed {
        out.push("members".into());
    }
    out
}
