//! The PATCH `path` (RFC 7644 §3.5.2): an attribute path that may carry a value filter
//! (`emails[type eq "work"].value`). It sits beside the filter AST because the bracket is a
//! filter, read by the same parser; [`PatchPath::parse`] is in this module's parent, beside
//! [`Filter::parse`](super::Filter::parse).

use super::ast::Filter;
use crate::path::AttrPath;
use std::fmt;

/// A PATCH `path`: `attr`, `attr.sub`, `urn:…:attr`, `attr[filter]` or `attr[filter].sub`.
/// `path.sub_attribute` is the sub-attribute in both the dotted and the filtered form; `filter`
/// selects elements of `path.attribute`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    /// The addressed attribute (and sub-attribute).
    pub path: AttrPath,
    /// The value filter selecting elements of a multi-valued attribute.
    pub filter: Option<Filter>,
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.filter {
            None => write!(f, "{}", self.path),
            Some(filter) => {
                let parent = AttrPath {
                    sub_attribute: None,
                    ..self.path
                };
                write!(f, "{parent}[")?;
                filter.fmt_relative(f)?;
                f.write_str("]")?;
                if let Some(s) = self.path.sub_attribute {
                    write!(f, ".{}", s.name)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ResourceKind;

    #[test]
    fn patch_paths() {
        let k = ResourceKind::User;
        for (text, printed) in [
            ("userName", "userName"),
            ("name.familyName", "name.familyName"),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
            ),
            ("emails[type eq \"work\"]", "emails[type eq \"work\"]"),
            (
                "emails[type eq \"work\"].value",
                "emails[type eq \"work\"].value",
            ),
            (
                "addresses[type eq \"work\" and primary eq true].streetAddress",
                "addresses[type eq \"work\" and primary eq true].streetAddress",
            ),
        ] {
            let p = PatchPath::parse(k, text).unwrap().unwrap();
            assert_eq!(p.to_string(), printed);
        }
        let p = PatchPath::parse(ResourceKind::Group, "members[value eq \"2819c223\"]")
            .unwrap()
            .unwrap();
        assert_eq!(p.path.attribute.name, "members");
        assert!(PatchPath::parse(k, "foo[bar eq 1]").unwrap().is_none());
        for bad in [
            "",
            "emails[",
            "emails[type eq \"x\"",
            "emails[type eq \"x\"].",
            "emails[type eq \"x\"]x",
            "emails[nope eq 1]",
            "emails[type eq \"w\"].nope",
            "a b",
        ] {
            let e = PatchPath::parse(k, bad).unwrap_err();
            assert_eq!(e.scim_type, Some(crate::ScimType::InvalidPath), "{bad}");
        }
    }
}
