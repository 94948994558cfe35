//! Applying one add/remove/replace to a normalised resource's JSON, for every path form:
//! `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub` (URN-qualified or not). Values are
//! validated with the same rules as request bodies; empty results are removed so the resource
//! stays normalised.

use crate::error::{ScimError, ScimResult};
use crate::filter::{CompValue, CompareOp, Filter, PatchPath};
use crate::messages::PatchOpKind;
use crate::resource::value::{check_primary, normalise};
use crate::resource::{container_mut, label};
use crate::schema::{AttrType, Attribute, Mutability};
use serde_json::{Map, Value};

/// Applies one operation (path already resolved and checked writable).
pub(super) fn apply(
    doc: &mut Map<String, Value>,
    op: PatchOpKind,
    pp: &PatchPath,
    value: Option<&Value>,
    ignored: &mut Vec<String>,
) -> ScimResult<()> {
    let attr = pp.path.attribute;
    let name = attr.name;
    let parent_label = label(&crate::path::AttrPath {
        sub_attribute: None,
        ..pp.path
    });
    let Some(container) = container_mut(doc, &pp.path) else {
        return Ok(());
    };
    if op != PatchOpKind::Remove && value.is_none() {
        return Err(ScimError::invalid_value(format!(
            "'{}' on '{}' needs a value",
            op.as_str(),
            pp.path
        )));
    }
    match (&pp.filter, pp.path.sub_attribute) {
        (None, None) => whole(container, op, attr, value, &parent_label, ignored)?,
        (None, Some(sub)) => {
            let v = match value {
                Some(v) => normalise(sub, v, &label(&pp.path), ignored)?,
                None => None,
            };
            let slot = container.get_mut(name);
            match slot {
                Some(Value::Array(items)) => {
                    // `emails.type` without a filter addresses the sub-attribute of every value.
                    for item in items.iter_mut() {
                        set_sub(item, op, sub, v.clone());
                    }
                }
                Some(item) => set_sub(item, op, sub, v),
                None if op != PatchOpKind::Remove && v.is_some() => {
                    let mut fresh = Value::Object(Map::new());
                    set_sub(&mut fresh, op, sub, v);
                    let fresh = if attr.multi_valued {
                        Value::Array(vec![fresh])
                    } else {
                        fresh
                    };
                    container.insert(name.to_string(), fresh);
                }
                None => {}
            }
        }
        (Some(filter), sub) => filtered(
            container,
            op,
            attr,
            filter,
            sub,
            value,
            &parent_label,
            ignored,
        )?,
    }
    tidy(container, attr, &parent_label)
}

/// `attr` with no filter and no sub-attribute.
fn whole(
    container: &mut Map<String, Value>,
    op: PatchOpKind,
    attr: &'static Attribute,
    value: Option<&Value>,
    label: &str,
    ignored: &mut Vec<String>,
) -> ScimResult<()> {
    let name = attr.name;
    let new = match value {
        Some(v) => normalise(attr, v, label, ignored)?,
        None => None,
    };
    match op {
        PatchOpKind::Remove => match (new, container.get_mut(name)) {
            // Remove with a value list removes just those values (Entra's member removal
            // shape, accepted for any multi-valued attribute).
            (Some(Value::Array(gone)), Some(Value::Array(items))) => {
                items.retain(|item| !gone.iter().any(|g| same_value(attr, g, item)));
            }
            _ => {
                container.remove(name);
            }
        },
        PatchOpKind::Add | PatchOpKind::Replace => {
            if attr.mutability == Mutability::Immutable
                && container
                    .get(name)
                    .is_some_and(|old| Some(old) != new.as_ref())
            {
                return Err(ScimError::mutability(format!("'{label}' is immutable")));
            }
            match (op, new, container.get_mut(name)) {
                (_, None, _) if op == PatchOpKind::Add => {}
                (_, None, _) => {
                    container.remove(name);
                }
                (PatchOpKind::Add, Some(Value::Array(new)), Some(Value::Array(items))) => {
                    for v in new {
                        if !items.contains(&v) {
                            if is_primary(&v) {
                                clear_primary(items);
                            }
                            items.push(v);
                        }
                    }
                }
                (_, Some(Value::Object(new)), Some(Value::Object(old))) => {
                    // Complex single-valued: given sub-attributes replace, others stay
                    // (RFC 7644 §3.5.2.3) — except a new `value` makes the old `$ref` and
                    // display name describe the wrong target, so those go unless given.
                    if new
                        .get("value")
                        .is_some_and(|v| old.get("value") != Some(v))
                    {
                        for stale in ["$ref", "display", "displayName"] {
                            if !new.contains_key(stale) {
                                old.remove(stale);
                            }
                        }
                    }
                    old.extend(new);
                }
                (_, Some(v), _) => {
                    container.insert(name.to_string(), v);
                }
            }
        }
    }
    Ok(())
}

/// `attr[filter]` and `attr[filter].sub`.
#[allow(clippy::too_many_arguments)]
fn filtered(
    container: &mut Map<String, Value>,
    op: PatchOpKind,
    attr: &'static Attribute,
    filter: &Filter,
    sub: Option<&'static Attribute>,
    value: Option<&Value>,
    label: &str,
    ignored: &mut Vec<String>,
) -> ScimResult<()> {
    let name = attr.name;
    // A single-valued complex attribute is filtered as a list of one.
    let mut items: Vec<Value> = match container.remove(name) {
        Some(Value::Array(items)) => items,
        Some(v) => vec![v],
        None => Vec::new(),
    };
    let matched: Vec<usize> = (0..items.len())
        .filter(|&i| items.get(i).is_some_and(|e| filter.matches_element(e)))
        .collect();
    let result = (|| {
        if op == PatchOpKind::Remove {
            match sub {
                None => {
                    let mut i = 0;
                    items.retain(|_| {
                        let keep = !matched.contains(&i);
                        i += 1;
                        keep
                    });
                }
                Some(sub) => {
                    for &i in &matched {
                        if let Some(e) = items.get_mut(i) {
                            set_sub(e, op, sub, None);
                        }
                    }
                }
            }
            return Ok(());
        }
        let sub_label = |s: &Attribute| format!("{label}.{}", s.name);
        // The value as an object to merge into the selected elements.
        let patch: Map<String, Value> = match sub {
            Some(s) => {
                let mut m = Map::new();
                if let Some(v) = value {
                    if let Some(n) = normalise(s, v, &sub_label(s), ignored)? {
                        m.insert(s.name.to_string(), n);
                    }
                }
                m
            }
            None => match value
                .map(|v| normalise(attr, v, label, ignored))
                .transpose()?
            {
                Some(Some(Value::Array(mut vs))) if vs.len() == 1 => match vs.pop() {
                    Some(Value::Object(m)) => m,
                    _ => Map::new(),
                },
                Some(Some(Value::Object(m))) => m,
                Some(None) | None => Map::new(),
                Some(Some(_)) => {
                    return Err(ScimError::invalid_value(format!(
                        "'{label}' with a filter takes one value"
                    )))
                }
            },
        };
        if matched.is_empty() {
            // Entra: replace (or add) through a filter that matches nothing creates the
            // element, seeded with the filter's equality terms.
            let mut fresh = seed_from_filter(filter);
            if fresh.is_empty() && op == PatchOpKind::Replace {
                return Err(ScimError::no_target(format!(
                    "no value of '{label}' matches the filter"
                )));
            }
            fresh.extend(patch);
            if !fresh.is_empty() {
                let fresh = Value::Object(fresh);
                if is_primary(&fresh) {
                    clear_primary(&mut items);
                }
                items.push(fresh);
            }
            return Ok(());
        }
        let sets_primary = patch.get("primary") == Some(&Value::Bool(true));
        if sets_primary {
            clear_primary(&mut items);
        }
        for &i in &matched {
            if let Some(Value::Object(e)) = items.get_mut(i) {
                match sub {
                    Some(s) if !patch.contains_key(s.name) => {
                        e.remove(s.name);
                    }
                    _ => e.extend(patch.clone()),
                }
            }
        }
        Ok(())
    })();
    // Put the list back even on error (the caller discards the document then anyway).
    if attr.multi_valued {
        container.insert(name.to_string(), Value::Array(items));
    } else if let Some(one) = items.into_iter().next_back() {
        container.insert(name.to_string(), one);
    }
    result
}

/// The `sub eq value` terms joined by `and` at the top of a value filter, as an object.
fn seed_from_filter(filter: &Filter) -> Map<String, Value> {
    let mut m = Map::new();
    fn walk(f: &Filter, m: &mut Map<String, Value>) {
        match f {
            Filter::And(l, r) => {
                walk(l, m);
                walk(r, m);
            }
            Filter::Compare(p, CompareOp::Eq, v) => {
                // Read-only sub-attributes are never written by clients, seeds included.
                if let Some(s) = p.sub_attribute.filter(|s| !s.is_read_only()) {
                    let json = match v {
                        CompValue::String(s) => Value::String(s.clone()),
                        CompValue::Bool(b) => Value::Bool(*b),
                        CompValue::Number(n) => Value::Number(n.clone()),
                        CompValue::Null => return,
                    };
                    m.insert(s.name.to_string(), json);
                }
            }
            _ => {}
        }
    }
    walk(filter, &mut m);
    m
}

fn set_sub(item: &mut Value, op: PatchOpKind, sub: &'static Attribute, v: Option<Value>) {
    let Value::Object(obj) = item else {
        return;
    };
    match (op, v) {
        (PatchOpKind::Remove, _) | (_, None) => {
            obj.remove(sub.name);
        }
        (_, Some(v)) => {
            obj.insert(sub.name.to_string(), v);
        }
    }
}

fn is_primary(v: &Value) -> bool {
    v.get("primary") == Some(&Value::Bool(true))
}

/// RFC 7643 §2.4: a new primary value demotes the others.
fn clear_primary(items: &mut [Value]) {
    for item in items {
        if let Some(obj) = item.as_object_mut() {
            if obj.get("primary") == Some(&Value::Bool(true)) {
                obj.remove("primary");
            }
        }
    }
}

/// Whether a value given in a `remove` designates an existing value: every sub-attribute it
/// gives matches (strings case-insensitively unless caseExact).
fn same_value(attr: &Attribute, given: &Value, existing: &Value) -> bool {
    match (given, existing) {
        (Value::Object(g), Value::Object(e)) => g.iter().all(|(k, gv)| {
            let case_exact = attr.sub_attribute(k).is_some_and(|s| s.case_exact);
            match (gv, e.get(k)) {
                (Value::String(a), Some(Value::String(b))) if !case_exact => {
                    a.to_lowercase() == b.to_lowercase()
                }
                (a, Some(b)) => a == b,
                (_, None) => false,
            }
        }),
        (a, b) => a == b,
    }
}

/// Removes empty objects/lists left by an operation and re-checks the primary rule.
fn tidy(
    container: &mut Map<String, Value>,
    attr: &'static Attribute,
    label: &str,
) -> ScimResult<()> {
    let name = attr.name;
    let empty = match container.get_mut(name) {
        Some(Value::Array(items)) => {
            items.retain(|v| !matches!(v, Value::Object(o) if o.is_empty()) && !v.is_null());
            check_primary(attr, items, label)?;
            items.is_empty()
        }
        Some(Value::Object(o)) => attr.kind == AttrType::Complex && o.is_empty(),
        Some(Value::Null) => true,
        _ => false,
    };
    if empty {
        container.remove(name);
    }
    Ok(())
}
