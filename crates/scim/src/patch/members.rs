//! Group membership operations turned into [`MemberChange`]s. Recognised shapes:
//! `add members [..]` → `Add`; `replace members [..]` → `Replace`; `remove members` → `RemoveAll`;
//! `remove members` with a value list (Entra) → `Remove`; `remove members[value eq "id"]` (also
//! `or`-joined) → `Remove`; any other filter → `RemoveWhere`.

use super::MemberChange;
use crate::error::{ScimError, ScimResult};
use crate::filter::{CompValue, CompareOp, Filter, PatchPath};
use crate::messages::PatchOpKind;
use crate::path::AttrPath;
use crate::resource::value::normalise;
use serde_json::Value;

/// An operation whose path addresses `members`.
pub(super) fn apply_path(
    op: PatchOpKind,
    pp: &PatchPath,
    value: Option<&Value>,
    out: &mut Vec<MemberChange>,
) -> ScimResult<()> {
    if let Some(sub) = pp.path.sub_attribute {
        // Removing a member's `value` removes the member; nothing else about a membership
        // is stored, so other sub-attribute edits are refused rather than silently lost.
        if op == PatchOpKind::Remove && sub.name == "value" {
            return remove(pp.filter.as_ref(), None, out);
        }
        return Err(ScimError::mutability(format!(
            "'{}' cannot be changed; add or remove members instead",
            pp.path
        )));
    }
    match (op, &pp.filter) {
        (PatchOpKind::Remove, filter) => remove(filter.as_ref(), value, out),
        (PatchOpKind::Add, _) => {
            push_add(ids(&pp.path, value)?, out);
            Ok(())
        }
        (PatchOpKind::Replace, None) => {
            out.push(MemberChange::Replace(ids(&pp.path, value)?));
            Ok(())
        }
        (PatchOpKind::Replace, Some(filter)) => {
            remove(Some(filter), None, out)?;
            push_add(ids(&pp.path, value)?, out);
            Ok(())
        }
    }
}

/// A `members` key inside a path-less add/replace value.
pub(super) fn apply_pathless(
    op: PatchOpKind,
    path: &AttrPath,
    value: &Value,
    out: &mut Vec<MemberChange>,
) -> ScimResult<()> {
    let ids = ids(path, Some(value))?;
    match op {
        PatchOpKind::Replace => out.push(MemberChange::Replace(ids)),
        _ => push_add(ids, out),
    }
    Ok(())
}

fn push_add(ids: Vec<String>, out: &mut Vec<MemberChange>) {
    if !ids.is_empty() {
        out.push(MemberChange::Add(ids));
    }
}

fn remove(
    filter: Option<&Filter>,
    value: Option<&Value>,
    out: &mut Vec<MemberChange>,
) -> ScimResult<()> {
    match (filter, value.filter(|v| !v.is_null())) {
        (Some(f), _) => out.push(match ids_in_filter(f) {
            Some(ids) => MemberChange::Remove(ids),
            None => MemberChange::RemoveWhere(f.clone()),
        }),
        (None, Some(v)) => {
            let path = members_path()?;
            let ids = ids(&path, Some(v))?;
            if !ids.is_empty() {
                out.push(MemberChange::Remove(ids));
            }
        }
        (None, None) => out.push(MemberChange::RemoveAll),
    }
    Ok(())
}

fn members_path() -> ScimResult<AttrPath> {
    AttrPath::resolve(crate::schema::ResourceKind::Group, "members")?
        .ok_or_else(|| ScimError::status(500, "members attribute missing from the Group schema"))
}

/// The member ids of a `members` value (objects with `value`, or bare id strings).
fn ids(path: &AttrPath, value: Option<&Value>) -> ScimResult<Vec<String>> {
    let Some(value) = value else {
        return Err(ScimError::invalid_value(
            "a members operation needs a value",
        ));
    };
    // Check the raw shape first: `display` is read-only and would be dropped by normalising,
    // hiding a member sent without its id.
    let raw: &[Value] = match value {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    };
    for m in raw {
        if let Value::Object(obj) = m {
            if !obj.keys().any(|k| k.eq_ignore_ascii_case("value")) {
                return Err(ScimError::invalid_value(
                    "each member needs a 'value' (its id)",
                ));
            }
        }
    }
    let mut ignored = Vec::new();
    let normalised = normalise(path.attribute, value, "members", &mut ignored)?;
    let mut out = Vec::new();
    for m in normalised
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match m.get("value").and_then(Value::as_str) {
            Some(id) => out.push(id.to_string()),
            None => {
                return Err(ScimError::invalid_value(
                    "each member needs a 'value' (its id)",
                ))
            }
        }
    }
    Ok(out)
}

/// `value eq "a"` or `value eq "a" or value eq "b" ...` → the ids.
fn ids_in_filter(f: &Filter) -> Option<Vec<String>> {
    match f {
        Filter::Compare(p, CompareOp::Eq, CompValue::String(id))
            if p.sub_attribute.is_some_and(|s| s.name == "value") =>
        {
            Some(vec![id.clone()])
        }
        Filter::Or(l, r) => {
            let mut ids = ids_in_filter(l)?;
            ids.extend(ids_in_filter(r)?);
            Some(ids)
        }
        _ => None,
    }
}
