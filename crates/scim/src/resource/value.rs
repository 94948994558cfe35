//! Validation and normalisation of one attribute's value against its definition: type checks
//! (`invalidValue` naming the attribute), the lenient shapes IdPs send (boolean strings, a
//! one-element list for a single-valued complex attribute, a bare id for `manager`), null and
//! empty values removed, sub-attribute names canonicalised, unknown sub-attributes reported.

use crate::datetime;
use crate::error::{ScimError, ScimResult};
use crate::schema::{AttrType, Attribute, Mutability};
use serde_json::{Map, Value};

/// Normalises `value` for `attr`. `label` names the attribute in errors and reports
/// (`emails`, `name.givenName`, `urn:…:User:manager`). `Ok(None)` means "no value".
pub(crate) fn normalise(
    attr: &'static Attribute,
    value: &Value,
    label: &str,
    ignored: &mut Vec<String>,
) -> ScimResult<Option<Value>> {
    if value.is_null() {
        return Ok(None);
    }
    if attr.multi_valued {
        let items: &[Value] = match value {
            Value::Array(items) => items,
            other => std::slice::from_ref(other),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if let Some(v) = normalise_single(attr, item, label, ignored)? {
                out.push(v);
            }
        }
        check_primary(attr, &out, label)?;
        return Ok((!out.is_empty()).then_some(Value::Array(out)));
    }
    match value {
        // Entra sends single-valued complex attributes (manager) as a one-element list.
        Value::Array(items) if attr.kind == AttrType::Complex => match items.as_slice() {
            [] => Ok(None),
            [one] => normalise_single(attr, one, label, ignored),
            _ => Err(ScimError::invalid_value(format!(
                "'{label}' is single-valued but got {} values",
                items.len()
            ))),
        },
        other => normalise_single(attr, other, label, ignored),
    }
}

/// RFC 7643 §2.4: the `primary` value `true` appears at most once.
pub(crate) fn check_primary(attr: &Attribute, items: &[Value], label: &str) -> ScimResult<()> {
    let primaries = items
        .iter()
        .filter(|v| v.get("primary") == Some(&Value::Bool(true)))
        .count();
    if primaries > 1 && attr.sub_attribute("primary").is_some() {
        return Err(ScimError::invalid_value(format!(
            "at most one value of '{label}' may be primary"
        )));
    }
    Ok(())
}

fn normalise_single(
    attr: &'static Attribute,
    value: &Value,
    label: &str,
    ignored: &mut Vec<String>,
) -> ScimResult<Option<Value>> {
    if value.is_null() {
        return Ok(None);
    }
    if attr.kind != AttrType::Complex {
        return normalise_scalar(attr.kind, value, label);
    }
    let obj = match value {
        Value::Object(obj) => obj,
        // A bare value for a complex attribute means its `value` sub-attribute (Entra's
        // `{"op":"Replace","path":"manager","value":"<id>"}`).
        Value::String(_) if attr.sub_attribute("value").is_some() => {
            let mut m = Map::new();
            m.insert("value".into(), value.clone());
            return Ok(Some(Value::Object(m)));
        }
        _ => {
            return Err(ScimError::invalid_value(format!(
                "'{label}' must be an object"
            )))
        }
    };
    let mut out = Map::new();
    for (key, v) in obj {
        let Some(sub) = attr.sub_attribute(key) else {
            ignored.push(format!("{label}.{key}"));
            continue;
        };
        if sub.mutability == Mutability::ReadOnly {
            continue;
        }
        let sub_label = format!("{label}.{}", sub.name);
        if let Some(n) = normalise(sub, v, &sub_label, ignored)? {
            out.insert(sub.name.to_string(), n);
        }
    }
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}

/// Whether `s` has more than `max` characters (bytes bound characters, so most strings are
/// decided without counting).
fn too_long(s: &str, max: usize) -> bool {
    s.len() > max && s.chars().count() > max
}

/// Checks a simple value against its type, coercing the unambiguous lenient forms.
pub(crate) fn normalise_scalar(
    kind: AttrType,
    value: &Value,
    label: &str,
) -> ScimResult<Option<Value>> {
    let bad = |what: &str| {
        Err(ScimError::invalid_value(format!(
            "'{label}' must be {what}, got {}",
            describe(value)
        )))
    };
    match (kind, value) {
        (_, Value::Null) => Ok(None),
        (AttrType::DateTime, Value::String(s)) => match datetime::parse(s) {
            Some(_) => Ok(Some(value.clone())),
            None => bad("an RFC 3339 dateTime"),
        },
        (AttrType::DateTime, _) => bad("an RFC 3339 dateTime"),
        (t, Value::String(s)) if t.max_chars().is_some_and(|max| too_long(s, max)) => {
            Err(ScimError::invalid_value(format!(
                "'{label}' is longer than {} characters",
                t.max_chars().unwrap_or_default()
            )))
        }
        (t, Value::String(_)) if t.is_stringish() => Ok(Some(value.clone())),
        // Some IdPs send numeric identifiers (employeeNumber) as JSON numbers.
        (AttrType::String, Value::Number(n)) => Ok(Some(Value::String(n.to_string()))),
        (AttrType::String | AttrType::Binary | AttrType::Reference, _) => bad("a string"),
        (AttrType::Boolean, Value::Bool(_)) => Ok(Some(value.clone())),
        // Entra without aadOptscim062020 sends "True"/"False".
        (AttrType::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("true") => {
            Ok(Some(Value::Bool(true)))
        }
        (AttrType::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("false") => {
            Ok(Some(Value::Bool(false)))
        }
        (AttrType::Boolean, _) => bad("a boolean"),
        (AttrType::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => {
            Ok(Some(value.clone()))
        }
        (AttrType::Integer, _) => bad("an integer"),
        (AttrType::Decimal, Value::Number(_)) => Ok(Some(value.clone())),
        (AttrType::Decimal, _) => bad("a number"),
        (AttrType::Complex, _) => bad("an object"),
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
