//! Projection of an output resource by the `attributes` / `excludedAttributes` query
//! parameters (RFC 7644 §3.4.2.5), applying each attribute's `returned` rule: `always`
//! attributes (`id`) and `schemas` are kept even when excluded, `never` attributes (`password`)
//! are always dropped, `request` attributes appear only when named. [`Projection::wants`] lets
//! the server skip loading what will not be returned (group members).

use crate::error::ScimResult;
use crate::path::{has_urn_prefix, AttrPath};
use crate::schema::{common_attribute, Attribute, ResourceKind, Returned, Schema};
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// One entry of an `attributes`/`excludedAttributes` list.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Path(AttrPath),
    /// A whole extension, named by its URN.
    Schema(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
enum Mode {
    Default,
    Include(Vec<Entry>),
    Exclude(Vec<Entry>),
}

/// What to do with one top-level attribute.
enum Decision {
    Keep,
    Drop,
    /// Keep only these sub-attributes.
    Only(Vec<&'static str>),
    /// Keep all but these sub-attributes.
    Without(Vec<&'static str>),
}

/// A parsed projection for one resource type.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    kind: ResourceKind,
    mode: Mode,
}

impl Projection {
    /// The default projection: every `always` and `default` attribute.
    pub fn default_for(kind: ResourceKind) -> Self {
        Projection {
            kind,
            mode: Mode::Default,
        }
    }

    /// Parses the comma-separated query parameters. `attributes` wins when both are given.
    /// Names Roster does not know are ignored (they cannot be in any resource).
    pub fn parse(
        kind: ResourceKind,
        attributes: Option<&str>,
        excluded_attributes: Option<&str>,
    ) -> ScimResult<Self> {
        let entries = |list: &str| -> Vec<Entry> {
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .filter_map(|name| {
                    if has_urn_prefix(name) {
                        if let Some(ext) = kind.extension(name) {
                            return Some(Entry::Schema(ext.id));
                        }
                    }
                    AttrPath::resolve(kind, name)
                        .ok()
                        .flatten()
                        .map(Entry::Path)
                })
                .collect()
        };
        let mode = match (attributes, excluded_attributes) {
            (Some(a), _) if !a.trim().is_empty() => Mode::Include(entries(a)),
            (_, Some(e)) if !e.trim().is_empty() => Mode::Exclude(entries(e)),
            _ => Mode::Default,
        };
        Ok(Projection { kind, mode })
    }

    /// Whether this projection returns a stored resource of its kind whole, as it is: the
    /// default projection, for a kind with no `returned: request` attribute (stored documents
    /// hold no `returned: never` one: those are dropped on write). The server then writes the
    /// answer around the stored JSON text instead of parsing and projecting it.
    pub fn keeps_stored(&self) -> bool {
        self.mode == Mode::Default && !returned_on_request(self.kind)
    }

    /// Whether a top-level attribute (`members`, `emails`, `urn:…:manager`) would be returned,
    /// so the server can avoid loading it.
    pub fn wants(&self, attribute: &str) -> bool {
        match AttrPath::resolve(self.kind, attribute) {
            Ok(Some(p)) => !matches!(self.decide(p.schema, p.attribute), Decision::Drop),
            _ => false,
        }
    }

    /// Projects a full output resource (normalised JSON plus `id`, `meta`, `members`…). It
    /// takes the resource by value: kept attributes move, nothing is copied.
    pub fn apply(&self, resource: Value) -> Value {
        let Value::Object(obj) = resource else {
            return resource;
        };
        let core = self.kind.schema();
        let mut out = Map::new();
        for (key, value) in obj {
            if key == "schemas" {
                out.insert(key, value);
                continue;
            }
            if let Some(ext) = self.kind.extension(&key) {
                let Value::Object(inner) = value else {
                    continue;
                };
                let mut kept = Map::new();
                for (k, v) in inner {
                    if let Some(attr) = ext.attribute(&k) {
                        if let Some(v) = self.project(ext, attr, v) {
                            kept.insert(k, v);
                        }
                    }
                }
                if !kept.is_empty() {
                    out.insert(key, Value::Object(kept));
                }
                continue;
            }
            let attr = core.attribute(&key).or_else(|| common_attribute(&key));
            match attr {
                Some(attr) => {
                    if let Some(v) = self.project(core, attr, value) {
                        out.insert(key, v);
                    }
                }
                // Keys outside the schema are not Roster's to return by name.
                None => {
                    if self.mode == Mode::Default || matches!(self.mode, Mode::Exclude(_)) {
                        out.insert(key, value);
                    }
                }
            }
        }
        Value::Object(out)
    }

    fn project(
        &self,
        schema: &'static Schema,
        attr: &'static Attribute,
        value: Value,
    ) -> Option<Value> {
        let keep_sub = |sub: &Attribute, named: bool| match sub.returned {
            Returned::Never => false,
            Returned::Always => true,
            Returned::Request => named,
            Returned::Default => true,
        };
        match self.decide(schema, attr) {
            Decision::Drop => None,
            Decision::Keep => Some(filter_subs(attr, value, |s| keep_sub(s, false))),
            Decision::Only(names) => {
                let v = filter_subs(attr, value, |s| {
                    s.returned == Returned::Always || (names.contains(&s.name) && keep_sub(s, true))
                });
                non_empty(v)
            }
            Decision::Without(names) => {
                let v = filter_subs(attr, value, |s| {
                    s.returned == Returned::Always
                        || (!names.contains(&s.name) && keep_sub(s, false))
                });
                non_empty(v)
            }
        }
    }

    fn decide(&self, schema: &'static Schema, attr: &'static Attribute) -> Decision {
        match attr.returned {
            Returned::Never => return Decision::Drop,
            Returned::Always => return Decision::Keep,
            _ => {}
        }
        let (whole, subs) = match &self.mode {
            Mode::Default => (false, Vec::new()),
            Mode::Include(entries) | Mode::Exclude(entries) => named(entries, schema, attr),
        };
        match &self.mode {
            Mode::Default if attr.returned == Returned::Request => Decision::Drop,
            Mode::Default => Decision::Keep,
            Mode::Include(_) if whole => Decision::Keep,
            Mode::Include(_) if !subs.is_empty() => Decision::Only(subs),
            Mode::Include(_) => Decision::Drop,
            Mode::Exclude(_) if whole || attr.returned == Returned::Request => Decision::Drop,
            Mode::Exclude(_) if !subs.is_empty() => Decision::Without(subs),
            Mode::Exclude(_) => Decision::Keep,
        }
    }
}

/// Whether any attribute of `kind`'s schemas, at any depth, is returned only on request.
/// Worked out once per kind (the schemas are constants): [`Projection::keeps_stored`] asks
/// on every `GET /Users/{id}`.
fn returned_on_request(kind: ResourceKind) -> bool {
    fn asked_for(attrs: &[Attribute]) -> bool {
        attrs
            .iter()
            .any(|a| a.returned == Returned::Request || asked_for(a.sub_attributes))
    }
    static USER: OnceLock<bool> = OnceLock::new();
    static GROUP: OnceLock<bool> = OnceLock::new();
    let cell = match kind {
        ResourceKind::User => &USER,
        ResourceKind::Group => &GROUP,
    };
    *cell.get_or_init(|| {
        asked_for(kind.schema().attributes)
            || kind.extensions().iter().any(|e| asked_for(e.attributes))
    })
}

/// Whether `entries` name the whole attribute, and which of its sub-attributes they name.
fn named(
    entries: &[Entry],
    schema: &'static Schema,
    attr: &'static Attribute,
) -> (bool, Vec<&'static str>) {
    let mut whole = false;
    let mut subs = Vec::new();
    for e in entries {
        match e {
            Entry::Schema(id) if *id == schema.id => whole = true,
            Entry::Path(p) if p.schema.id == schema.id && p.attribute.name == attr.name => {
                match p.sub_attribute {
                    None => whole = true,
                    Some(s) => subs.push(s.name),
                }
            }
            _ => {}
        }
    }
    (whole, subs)
}

/// Keeps the sub-attributes of a complex value (or of each element) that pass `keep`.
fn filter_subs(attr: &Attribute, value: Value, keep: impl Fn(&Attribute) -> bool + Copy) -> Value {
    if attr.sub_attributes.is_empty() {
        return value;
    }
    match value {
        Value::Object(mut obj) => {
            obj.retain(|k, _| attr.sub_attribute(k).is_none_or(keep));
            Value::Object(obj)
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| filter_subs(attr, v, keep))
                .filter(|v| !matches!(v, Value::Object(o) if o.is_empty()))
                .collect(),
        ),
        other => other,
    }
}

fn non_empty(v: Value) -> Option<Value> {
    match &v {
        Value::Object(o) if o.is_empty() => None,
        Value::Array(a) if a.is_empty() => None,
        _ => Some(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ENTERPRISE_USER_SCHEMA as ENT;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
            "id": "u1",
            "meta": {"resourceType": "User", "location": "https://x/Users/u1"},
            "userName": "bjensen",
            "password": "leaked?",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": "b@x.com", "type": "work"}],
            ENT: {"employeeNumber": "1", "manager": {"value": "m1"}}
        })
    }

    fn project(attrs: Option<&str>, excluded: Option<&str>) -> Value {
        Projection::parse(ResourceKind::User, attrs, excluded)
            .unwrap()
            .apply(user())
    }

    #[test]
    fn default_drops_never() {
        let mut want = user();
        want.as_object_mut().unwrap().remove("password");
        assert_eq!(project(None, None), want);
        assert_eq!(project(Some(""), Some(" ")), want);
    }

    #[test]
    fn only_the_default_projection_of_users_keeps_stored_documents_whole() {
        assert!(Projection::default_for(ResourceKind::User).keeps_stored());
        // `members.display` is returned only on request.
        assert!(!Projection::default_for(ResourceKind::Group).keeps_stored());
        for (attrs, excluded) in [(Some("userName"), None), (None, Some("emails"))] {
            let p = Projection::parse(ResourceKind::User, attrs, excluded).unwrap();
            assert!(!p.keeps_stored());
        }
    }

    #[test]
    fn attributes_keeps_always_and_named() {
        assert_eq!(
            project(
                Some("userName,name.givenName,emails.value,password,nope"),
                None
            ),
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
                "id": "u1",
                "userName": "bjensen",
                "name": {"givenName": "Barbara"},
                "emails": [{"value": "b@x.com"}]
            })
        );
        assert_eq!(
            project(Some("employeeNumber"), None)[ENT],
            json!({"employeeNumber": "1"})
        );
        assert_eq!(
            project(Some(ENT), None)[ENT],
            json!({"employeeNumber": "1", "manager": {"value": "m1"}})
        );
        assert_eq!(
            project(
                Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"),
                None
            )[ENT],
            json!({"manager": {"value": "m1"}})
        );
    }

    #[test]
    fn excluded_attributes() {
        let out = project(None, Some("emails,id,name.familyName,meta,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"));
        assert_eq!(
            out,
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
                "id": "u1",
                "userName": "bjensen",
                "name": {"givenName": "Barbara"},
                ENT: {"employeeNumber": "1"}
            })
        );
    }

    #[test]
    fn entra_group_read_without_members() {
        let p = Projection::parse(ResourceKind::Group, None, Some("members")).unwrap();
        assert!(!p.wants("members"));
        assert!(p.wants("displayName"));
        assert!(p.wants("id"));
        let g = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g", "displayName": "x", "members": [{"value": "u"}]});
        assert_eq!(
            p.apply(g.clone()),
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g", "displayName": "x"})
        );
        let p = Projection::parse(ResourceKind::Group, Some("displayName"), None).unwrap();
        assert!(!p.wants("members"));
        assert!(Projection::default_for(ResourceKind::Group).wants("members"));
        assert!(!Projection::default_for(ResourceKind::User).wants("password"));
    }

    #[test]
    fn member_display_only_when_asked_for() {
        let g = json!({"id": "g", "displayName": "x",
            "members": [{"value": "u", "display": "U", "type": "User"}]});
        let default = Projection::default_for(ResourceKind::Group).apply(g.clone());
        assert_eq!(default["members"], json!([{"value": "u", "type": "User"}]));
        let p = Projection::parse(ResourceKind::Group, Some("members"), None).unwrap();
        assert_eq!(
            p.apply(g.clone())["members"],
            json!([{"value": "u", "type": "User"}])
        );
        let p = Projection::parse(ResourceKind::Group, Some("members.display"), None).unwrap();
        assert_eq!(p.apply(g.clone())["members"], json!([{"display": "U"}]));
    }
}
