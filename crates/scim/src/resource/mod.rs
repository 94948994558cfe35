//! Parsing and validating User and Group bodies (POST/PUT) into the normalised JSON form Roster
//! stores: canonical attribute names, extension attributes under their schema URN key, nulls
//! and empty values removed, `password` and read-only attributes (`id`, `meta`, `groups`)
//! dropped, `schemas` recomputed. Attributes Roster does not know are dropped and reported in
//! [`ParsedResource::ignored`] rather than failing the provisioning run.

mod fields;
pub(crate) mod value;

pub use fields::{Email, GroupFields, UserFields};

use crate::error::{ScimError, ScimResult};
use crate::path::{has_urn_prefix, AttrPath};
use crate::schema::{Mutability, ResourceKind, Returned, Schema};
use serde_json::{Map, Value};

/// A validated, normalised resource and the names of the attributes that were dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedResource {
    /// The normalised JSON (an object); no `id` or `meta` (the server adds them).
    pub resource: Value,
    /// Attribute names that Roster does not know and ignored, as sent (`foo`, `name.bar`,
    /// `urn:vendor:…`), for the sync log.
    pub ignored: Vec<String>,
}

/// Parses and validates a User or Group body. See the module documentation for the rules.
pub fn parse_resource(kind: ResourceKind, body: &Value) -> ScimResult<ParsedResource> {
    let Value::Object(input) = body else {
        return Err(ScimError::invalid_syntax("the body must be a JSON object"));
    };
    let mut out = Map::new();
    let mut ignored = Vec::new();
    for (key, value) in input {
        match resolve_key(kind, key) {
            Key::Schemas => {}
            Key::Container(schema) => {
                merge_container(kind, schema, value, &mut out, &mut ignored)?;
            }
            Key::Attr(path) => set(path, value, &mut out, &mut ignored)?,
            Key::Unknown => ignored.push(key.clone()),
        }
    }
    let resource = finish(kind, out)?;
    Ok(ParsedResource { resource, ignored })
}

/// Parses a User body ([`parse_resource`] for [`ResourceKind::User`]).
pub fn parse_user(body: &Value) -> ScimResult<ParsedResource> {
    parse_resource(ResourceKind::User, body)
}

/// Parses a Group body ([`parse_resource`] for [`ResourceKind::Group`]).
pub fn parse_group(body: &Value) -> ScimResult<ParsedResource> {
    parse_resource(ResourceKind::Group, body)
}

/// What a top-level key of a body (or of a path-less PATCH value) names.
pub(crate) enum Key {
    /// `schemas`.
    Schemas,
    /// A schema URN whose value is an object of that schema's attributes.
    Container(&'static Schema),
    /// An attribute, possibly dotted (`name.givenName`) or URN-qualified.
    Attr(AttrPath),
    /// Anything Roster does not know.
    Unknown,
}

pub(crate) fn resolve_key(kind: ResourceKind, key: &str) -> Key {
    if key.eq_ignore_ascii_case("schemas") {
        return Key::Schemas;
    }
    if has_urn_prefix(key) {
        if kind.schema().id.eq_ignore_ascii_case(key) {
            return Key::Container(kind.schema());
        }
        if let Some(ext) = kind.extension(key) {
            return Key::Container(ext);
        }
    }
    match AttrPath::resolve(kind, key) {
        Ok(Some(p)) => Key::Attr(p),
        _ => Key::Unknown,
    }
}

/// Whether clients' values for this attribute are silently dropped: read-only attributes (RFC
/// 7643: ignored when sent) and write-only ones (`password`: accepted, never stored).
pub(crate) fn dropped_on_write(path: &AttrPath) -> bool {
    let t = path.target();
    path.attribute.mutability == Mutability::ReadOnly
        || t.mutability == Mutability::ReadOnly
        || t.mutability == Mutability::WriteOnly
        || t.returned == Returned::Never
}

fn merge_container(
    kind: ResourceKind,
    schema: &'static Schema,
    value: &Value,
    out: &mut Map<String, Value>,
    ignored: &mut Vec<String>,
) -> ScimResult<()> {
    let obj = match value {
        Value::Null => return Ok(()),
        Value::Object(obj) => obj,
        _ => {
            return Err(ScimError::invalid_value(format!(
                "'{}' must be an object",
                schema.id
            )))
        }
    };
    for (k, v) in obj {
        match AttrPath::resolve(kind, &format!("{}:{k}", schema.id)) {
            Ok(Some(path)) => set(path, v, out, ignored)?,
            _ => ignored.push(format!("{}:{k}", schema.id)),
        }
    }
    Ok(())
}

/// The object holding `path`'s attribute: the resource, or its extension object.
pub(crate) fn container_mut<'m>(
    out: &'m mut Map<String, Value>,
    path: &AttrPath,
) -> Option<&'m mut Map<String, Value>> {
    match path.extension_urn() {
        None => Some(out),
        Some(urn) => out
            .entry(urn.to_string())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut(),
    }
}

fn set(
    path: AttrPath,
    value: &Value,
    out: &mut Map<String, Value>,
    ignored: &mut Vec<String>,
) -> ScimResult<()> {
    if dropped_on_write(&path) {
        return Ok(());
    }
    let label = label(&path);
    let Some(container) = container_mut(out, &path) else {
        return Ok(());
    };
    match path.sub_attribute {
        None => {
            match value::normalise(path.attribute, value, &label, ignored)? {
                // A dotted key seen earlier (`name.givenName`) merges with the object.
                Some(Value::Object(new)) => {
                    let slot = container
                        .entry(path.attribute.name.to_string())
                        .or_insert_with(|| Value::Object(Map::new()));
                    match slot.as_object_mut() {
                        Some(existing) => existing.extend(new),
                        None => *slot = Value::Object(new),
                    }
                }
                Some(v) => {
                    container.insert(path.attribute.name.to_string(), v);
                }
                None => {}
            }
        }
        Some(sub) => {
            if path.attribute.multi_valued {
                // `emails.value` as a body key has no single target; report it.
                ignored.push(label);
                return Ok(());
            }
            if let Some(v) = value::normalise(sub, value, &label, ignored)? {
                let slot = container
                    .entry(path.attribute.name.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(obj) = slot.as_object_mut() {
                    obj.insert(sub.name.to_string(), v);
                }
            }
        }
    }
    Ok(())
}

/// The name used in errors and reports: `name.givenName`, or URN-qualified for extensions.
pub(crate) fn label(path: &AttrPath) -> String {
    path.to_string()
}

/// Drops empty extension objects, checks required attributes and sets `schemas`.
pub(crate) fn finish(kind: ResourceKind, mut out: Map<String, Value>) -> ScimResult<Value> {
    out.remove("schemas");
    let mut schemas = vec![Value::String(kind.schema().id.to_string())];
    for ext in kind.extensions() {
        let empty = out
            .get(ext.id)
            .is_some_and(|v| v.as_object().is_none_or(|o| o.is_empty()));
        if empty {
            out.remove(ext.id);
        } else if out.contains_key(ext.id) {
            schemas.push(Value::String(ext.id.to_string()));
        }
    }
    for schema in std::iter::once(kind.schema()).chain(kind.extensions().iter().copied()) {
        for attr in schema.attributes.iter().filter(|a| a.required) {
            let container = if schema.id == kind.schema().id {
                Some(&out)
            } else {
                out.get(schema.id).and_then(Value::as_object)
            };
            if container.and_then(|c| c.get(attr.name)).is_none() {
                return Err(ScimError::invalid_value(format!(
                    "'{}' is required",
                    attr.name
                )));
            }
        }
    }
    out.insert("schemas".into(), Value::Array(schemas));
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests;
