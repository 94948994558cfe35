//! Attribute paths resolved against the schemas. `AttrPath` is what filters, PATCH and
//! projection work with: the canonical schema, the attribute and an optional sub-attribute, with
//! their characteristics at hand (type, caseExact, multiValued) so the server can compile paths to
//! SQL without looking anything up again. The PATCH path, which adds value filters
//! (`attr[filter]`), is [`crate::filter::PatchPath`]: it needs the filter grammar, and the
//! grammar needs this module, so it lives with the grammar.

use crate::error::{ScimError, ScimResult};
use crate::schema::{AttrType, Attribute, ResourceKind, Schema};
use serde_json::Value;
use std::fmt;

/// A resolved attribute path: `schema` + `attribute` (+ `sub_attribute`).
///
/// Common attributes (`id`, `externalId`, `meta`) resolve with the core schema of the resource
/// type. Equality compares canonical names, so `EMAILS.Value` and `emails.value` are equal.
#[derive(Clone, Copy)]
pub struct AttrPath {
    /// The schema defining the attribute (core, or an extension).
    pub schema: &'static Schema,
    /// The top-level attribute.
    pub attribute: &'static Attribute,
    /// The sub-attribute of a complex attribute, if addressed.
    pub sub_attribute: Option<&'static Attribute>,
}

impl PartialEq for AttrPath {
    fn eq(&self, other: &Self) -> bool {
        self.schema.id == other.schema.id
            && self.attribute.name == other.attribute.name
            && self.sub_attribute.map(|s| s.name) == other.sub_attribute.map(|s| s.name)
    }
}
impl Eq for AttrPath {}

impl fmt::Debug for AttrPath {
    // The schema tables are large; the path is what matters when debugging.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AttrPath({}:{})", self.schema.id, self.short_name())
    }
}

impl AttrPath {
    /// Resolves `[urn:…:]attr[.sub]` for a resource type. `Ok(None)` means well-formed but
    /// unknown (an attribute Roster does not define); `Err` means malformed.
    pub fn resolve(kind: ResourceKind, text: &str) -> ScimResult<Option<AttrPath>> {
        let (schema, rest) = if has_urn_prefix(text) {
            match kind.split_urn(text) {
                Some((s, rest)) => (Some(s), rest),
                None => return Ok(None),
            }
        } else {
            (None, text)
        };
        let (name, sub) = match rest.split_once('.') {
            Some((n, s)) => (n, Some(s)),
            None => (rest, None),
        };
        if !is_attr_name(name) || sub.is_some_and(|s| !is_attr_name(s)) {
            return Err(ScimError::invalid_path(format!(
                "malformed attribute path '{text}'"
            )));
        }
        let found = match schema {
            Some(s) => kind.attribute_in(s.id, name),
            None => kind.attribute(name),
        };
        let Some((schema, attribute)) = found else {
            return Ok(None);
        };
        Ok(AttrPath::new(schema, attribute, sub))
    }

    /// The path of `sub` inside this path's attribute; `None` if it has no such sub-attribute.
    pub fn with_sub(self, sub: Option<&str>) -> Option<AttrPath> {
        AttrPath::new(self.schema, self.attribute, sub)
    }

    fn new(
        schema: &'static Schema,
        attribute: &'static Attribute,
        sub: Option<&str>,
    ) -> Option<AttrPath> {
        let sub_attribute = match sub {
            Some(s) => Some(attribute.sub_attribute(s)?),
            None => None,
        };
        Some(AttrPath {
            schema,
            attribute,
            sub_attribute,
        })
    }

    /// The attribute the path ends at: the sub-attribute if any, else the attribute.
    pub fn target(&self) -> &'static Attribute {
        self.sub_attribute.unwrap_or(self.attribute)
    }
    /// The data type of the addressed value.
    pub fn value_type(&self) -> AttrType {
        self.target().kind
    }
    /// Whether string comparison on the addressed value is case-sensitive.
    pub fn case_exact(&self) -> bool {
        self.target().case_exact
    }
    /// Whether the top-level attribute is multi-valued (comparisons then mean "any value").
    pub fn multi_valued(&self) -> bool {
        self.attribute.multi_valued
    }
    /// Whether the attribute lives in an extension (stored under its schema URN key).
    pub fn is_extension(&self) -> bool {
        self.schema
            .id
            .starts_with("urn:ietf:params:scim:schemas:extension:")
    }
    /// The URN key of the extension object holding the attribute, if any.
    pub fn extension_urn(&self) -> Option<&'static str> {
        self.is_extension().then_some(self.schema.id)
    }

    /// The top-level attribute's value in a normalised resource.
    pub fn lookup<'v>(&self, resource: &'v Value) -> Option<&'v Value> {
        let container = match self.extension_urn() {
            Some(urn) => resource.get(urn)?,
            None => resource,
        };
        container.get(self.attribute.name)
    }

    /// The attribute name with the sub-attribute, without the URN (`name.givenName`).
    pub fn short_name(&self) -> String {
        match self.sub_attribute {
            Some(s) => format!("{}.{}", self.attribute.name, s.name),
            None => self.attribute.name.to_string(),
        }
    }
}

impl fmt::Display for AttrPath {
    /// Core attributes print bare; extension attributes print URN-qualified, which is always
    /// unambiguous and parses back to the same path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = self.extension_urn() {
            write!(f, "{urn}:")?;
        }
        f.write_str(self.attribute.name)?;
        if let Some(s) = self.sub_attribute {
            write!(f, ".{}", s.name)?;
        }
        Ok(())
    }
}

/// Whether `text` starts with `urn:`, case-insensitively.
pub(crate) fn has_urn_prefix(text: &str) -> bool {
    text.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
}

/// RFC 7643 ATTRNAME (`ALPHA *(nameChar)`), plus `$ref`.
fn is_attr_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some('$') => s.eq_ignore_ascii_case("$ref"),
        Some(c) if c.is_ascii_alphabetic() => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ENTERPRISE_USER_SCHEMA, USER_SCHEMA};

    #[test]
    fn resolves_forms() {
        let k = ResourceKind::User;
        let p = AttrPath::resolve(k, "NAME.givenname").unwrap().unwrap();
        assert_eq!(p.to_string(), "name.givenName");
        assert_eq!(p.schema.id, USER_SCHEMA);
        let p = AttrPath::resolve(
            k,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.schema.id, ENTERPRISE_USER_SCHEMA);
        assert_eq!(p.short_name(), "manager.value");
        let p = AttrPath::resolve(k, "employeeNumber").unwrap().unwrap();
        assert!(p.is_extension());
        let p = AttrPath::resolve(k, "urn:ietf:params:scim:schemas:core:2.0:User:userName")
            .unwrap()
            .unwrap();
        assert_eq!(p.to_string(), "userName");
        assert!(AttrPath::resolve(k, "nope").unwrap().is_none());
        assert!(AttrPath::resolve(k, "name.nope").unwrap().is_none());
        assert!(AttrPath::resolve(k, "urn:vendor:x:y").unwrap().is_none());
        assert!(AttrPath::resolve(k, "name.").is_err());
        assert!(AttrPath::resolve(k, "1abc").is_err());
        let p = AttrPath::resolve(ResourceKind::Group, "members.$REF")
            .unwrap()
            .unwrap();
        assert_eq!(p.to_string(), "members.$ref");
    }
}
