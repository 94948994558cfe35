//! Schemas as data: the RFC 7643 attribute model (`Attribute` and its characteristics), the
//! built-in schemas (core User, Enterprise User extension, Group, plus the common attributes `id`,
//! `externalId` and `meta`), the two resource types, and name resolution (case-insensitive names,
//! URN-qualified names, unqualified extension names). Everything else in the crate — validation,
//! filters, PATCH, projection and the discovery documents — is driven by these definitions.

mod common;
pub mod documents;
mod enterprise;
mod group;
mod user;

pub use documents::{
    resource_type_document, resource_types_document, schema_document, schemas_document,
    ServiceProviderConfig,
};

/// URN of the core User schema.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// URN of the core Group schema.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// URN of the Enterprise User extension.
pub const ENTERPRISE_USER_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// URN of the schema describing schemas (`/Schemas` entries).
pub const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
/// URN of the ResourceType schema (`/ResourceTypes` entries).
pub const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
/// URN of the ServiceProviderConfig schema.
pub const SERVICE_PROVIDER_CONFIG_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/// The data type of an attribute (RFC 7643 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttrType {
    /// A JSON string.
    String,
    /// `true` or `false`.
    Boolean,
    /// A JSON number with a fractional part allowed.
    Decimal,
    /// A JSON number without a fractional part.
    Integer,
    /// An RFC 3339 timestamp carried as a string.
    DateTime,
    /// Base64 data carried as a string.
    Binary,
    /// A URI carried as a string.
    Reference,
    /// An object of sub-attributes.
    Complex,
}

impl AttrType {
    /// The name used in schema documents.
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Boolean => "boolean",
            AttrType::Decimal => "decimal",
            AttrType::Integer => "integer",
            AttrType::DateTime => "dateTime",
            AttrType::Binary => "binary",
            AttrType::Reference => "reference",
            AttrType::Complex => "complex",
        }
    }

    /// The longest value of this type a resource may hold, in characters. Real directories'
    /// names and identifiers stay far below 2,048 (Entra caps display names at 256, e-mail
    /// addresses end at 254); binary values (DER certificates, base64) get room for a chain.
    pub fn max_chars(self) -> Option<usize> {
        match self {
            AttrType::String | AttrType::Reference => Some(2048),
            AttrType::Binary => Some(65_536),
            _ => None,
        }
    }

    /// Whether values of this type are carried as JSON strings.
    pub fn is_stringish(self) -> bool {
        matches!(
            self,
            AttrType::String | AttrType::DateTime | AttrType::Binary | AttrType::Reference
        )
    }
}

/// Whether and how a client may change an attribute (RFC 7643 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mutability {
    /// Set by the service provider only.
    ReadOnly,
    /// Freely writable.
    ReadWrite,
    /// Writable once; never changed afterwards.
    Immutable,
    /// Writable but never returned (passwords).
    WriteOnly,
}

impl Mutability {
    /// The name used in schema documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Mutability::ReadOnly => "readOnly",
            Mutability::ReadWrite => "readWrite",
            Mutability::Immutable => "immutable",
            Mutability::WriteOnly => "writeOnly",
        }
    }
}

/// When an attribute is returned in responses (RFC 7643 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Returned {
    /// Always, even when excluded.
    Always,
    /// Never (write-only data such as `password`).
    Never,
    /// Unless excluded, or unless `attributes` names other attributes.
    Default,
    /// Only when named in `attributes`.
    Request,
}

impl Returned {
    /// The name used in schema documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Returned::Always => "always",
            Returned::Never => "never",
            Returned::Default => "default",
            Returned::Request => "request",
        }
    }
}

/// How unique an attribute's value must be (RFC 7643 §2.2). Enforced by the server's indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Uniqueness {
    /// No constraint.
    None,
    /// Unique within the service provider (Roster: within a directory).
    Server,
    /// Globally unique.
    Global,
}

impl Uniqueness {
    /// The name used in schema documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Uniqueness::None => "none",
            Uniqueness::Server => "server",
            Uniqueness::Global => "global",
        }
    }
}

/// One attribute definition with all its RFC 7643 characteristics.
///
/// Definitions are `'static` data built with the `const` builder methods below, so resolved
/// paths can hold `&'static Attribute` and stay `Copy`.
#[derive(Debug, PartialEq, Eq)]
pub struct Attribute {
    /// Canonical name (the casing used in normalised JSON).
    pub name: &'static str,
    /// Data type.
    pub kind: AttrType,
    /// Whether the value is a JSON array.
    pub multi_valued: bool,
    /// Human description for `/Schemas`.
    pub description: &'static str,
    /// Whether a resource must carry it.
    pub required: bool,
    /// Whether string comparison is case-sensitive.
    pub case_exact: bool,
    /// Write rules.
    pub mutability: Mutability,
    /// Return rules.
    pub returned: Returned,
    /// Uniqueness rule.
    pub uniqueness: Uniqueness,
    /// Suggested values (not enforced: RFC 7643 lets clients send others).
    pub canonical_values: &'static [&'static str],
    /// For `reference` attributes, the kinds of resource referred to.
    pub reference_types: &'static [&'static str],
    /// For `complex` attributes, the sub-attributes.
    pub sub_attributes: &'static [Attribute],
}

impl Attribute {
    /// A single-valued, optional, case-insensitive, readWrite, default-returned attribute.
    pub const fn new(name: &'static str, kind: AttrType, description: &'static str) -> Self {
        Attribute {
            name,
            kind,
            multi_valued: false,
            description,
            required: false,
            case_exact: false,
            mutability: Mutability::ReadWrite,
            returned: Returned::Default,
            uniqueness: Uniqueness::None,
            canonical_values: &[],
            reference_types: &[],
            sub_attributes: &[],
        }
    }
    pub(crate) const fn string(name: &'static str, description: &'static str) -> Self {
        Self::new(name, AttrType::String, description)
    }
    pub(crate) const fn boolean(name: &'static str, description: &'static str) -> Self {
        Self::new(name, AttrType::Boolean, description)
    }
    pub(crate) const fn complex(
        name: &'static str,
        description: &'static str,
        subs: &'static [Attribute],
    ) -> Self {
        let mut a = Self::new(name, AttrType::Complex, description);
        a.sub_attributes = subs;
        a
    }
    pub(crate) const fn reference(
        name: &'static str,
        description: &'static str,
        types: &'static [&'static str],
    ) -> Self {
        let mut a = Self::new(name, AttrType::Reference, description);
        a.reference_types = types;
        a
    }
    pub(crate) const fn multi(mut self) -> Self {
        self.multi_valued = true;
        self
    }
    pub(crate) const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub(crate) const fn case_exact(mut self) -> Self {
        self.case_exact = true;
        self
    }
    pub(crate) const fn mutability(mut self, m: Mutability) -> Self {
        self.mutability = m;
        self
    }
    pub(crate) const fn read_only(self) -> Self {
        self.mutability(Mutability::ReadOnly)
    }
    pub(crate) const fn returned(mut self, r: Returned) -> Self {
        self.returned = r;
        self
    }
    pub(crate) const fn unique(mut self, u: Uniqueness) -> Self {
        self.uniqueness = u;
        self
    }
    pub(crate) const fn canonical(mut self, values: &'static [&'static str]) -> Self {
        self.canonical_values = values;
        self
    }

    /// Finds a sub-attribute by name, case-insensitively.
    pub fn sub_attribute(&self, name: &str) -> Option<&'static Attribute> {
        // Sub-attributes are 'static because every Attribute lives in a static table.
        self.sub_attributes
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// Whether clients may never write it.
    pub fn is_read_only(&self) -> bool {
        self.mutability == Mutability::ReadOnly
    }
}

/// A schema: a URN and its attributes.
#[derive(Debug, PartialEq, Eq)]
pub struct Schema {
    /// The schema URN.
    pub id: &'static str,
    /// Short name.
    pub name: &'static str,
    /// Human description.
    pub description: &'static str,
    /// Attribute definitions (common attributes excluded).
    pub attributes: &'static [Attribute],
}

impl Schema {
    /// Finds a top-level attribute by name, case-insensitively.
    pub fn attribute(&self, name: &str) -> Option<&'static Attribute> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// The core User schema.
pub static USER: Schema = user::USER;
/// The Enterprise User extension schema.
pub static ENTERPRISE_USER: Schema = enterprise::ENTERPRISE_USER;
/// The core Group schema.
pub static GROUP: Schema = group::GROUP;
/// Attributes every resource carries (`id`, `externalId`, `meta`), defined outside any schema.
pub static COMMON_ATTRIBUTES: &[Attribute] = common::COMMON;

/// Every schema Roster serves, in `/Schemas` order.
pub static ALL_SCHEMAS: [&Schema; 3] = [&USER, &ENTERPRISE_USER, &GROUP];

/// Finds a schema by URN, case-insensitively.
pub fn schema_by_urn(urn: &str) -> Option<&'static Schema> {
    ALL_SCHEMAS
        .iter()
        .copied()
        .find(|s| s.id.eq_ignore_ascii_case(urn))
}

/// The kinds of resource Roster serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// `/Users`.
    User,
    /// `/Groups`.
    Group,
}

impl ResourceKind {
    /// The resource type name (`meta.resourceType`).
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::User => "User",
            ResourceKind::Group => "Group",
        }
    }

    /// The endpoint, relative to the base URL.
    pub fn endpoint(self) -> &'static str {
        match self {
            ResourceKind::User => "/Users",
            ResourceKind::Group => "/Groups",
        }
    }

    /// The core schema.
    pub fn schema(self) -> &'static Schema {
        match self {
            ResourceKind::User => &USER,
            ResourceKind::Group => &GROUP,
        }
    }

    /// The schema extensions this resource type accepts.
    pub fn extensions(self) -> &'static [&'static Schema] {
        static USER_EXT: [&Schema; 1] = [&ENTERPRISE_USER];
        match self {
            ResourceKind::User => &USER_EXT,
            ResourceKind::Group => &[],
        }
    }

    /// Finds an extension schema of this resource type by URN, case-insensitively.
    pub fn extension(self, urn: &str) -> Option<&'static Schema> {
        self.extensions()
            .iter()
            .copied()
            .find(|s| s.id.eq_ignore_ascii_case(urn))
    }

    /// Finds a top-level attribute by bare name: the core schema and common attributes first,
    /// then the extensions when exactly one of them defines the name (so `manager` resolves to
    /// the Enterprise extension, and an ambiguous name resolves to nothing).
    pub fn attribute(self, name: &str) -> Option<(&'static Schema, &'static Attribute)> {
        let core = self.schema();
        if let Some(a) = core.attribute(name).or_else(|| common_attribute(name)) {
            return Some((core, a));
        }
        let mut found = None;
        for ext in self.extensions() {
            if let Some(a) = ext.attribute(name) {
                if found.is_some() {
                    return None;
                }
                found = Some((*ext, a));
            }
        }
        found
    }

    /// Finds a top-level attribute of a given schema URN (core or extension) by name.
    pub fn attribute_in(
        self,
        urn: &str,
        name: &str,
    ) -> Option<(&'static Schema, &'static Attribute)> {
        let core = self.schema();
        if core.id.eq_ignore_ascii_case(urn) {
            return core
                .attribute(name)
                .or_else(|| common_attribute(name))
                .map(|a| (core, a));
        }
        let ext = self.extension(urn)?;
        ext.attribute(name).map(|a| (ext, a))
    }

    /// The schema URN prefixing `text` (`urn:…:User:employeeNumber` → the extension and
    /// `employeeNumber`), matched case-insensitively against this resource type's schemas.
    pub fn split_urn(self, text: &str) -> Option<(&'static Schema, &str)> {
        std::iter::once(self.schema())
            .chain(self.extensions().iter().copied())
            .find_map(|s| {
                let prefix = text.get(..s.id.len())?;
                let rest = text.get(s.id.len()..)?;
                if prefix.eq_ignore_ascii_case(s.id) {
                    rest.strip_prefix(':').map(|r| (s, r))
                } else {
                    None
                }
            })
    }
}

/// Finds a common attribute (`id`, `externalId`, `meta`) by name, case-insensitively.
pub fn common_attribute(name: &str) -> Option<&'static Attribute> {
    COMMON_ATTRIBUTES
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unqualified_extension_names_resolve() {
        let (s, a) = ResourceKind::User.attribute("MANAGER").unwrap();
        assert_eq!(s.id, ENTERPRISE_USER_SCHEMA);
        assert_eq!(a.name, "manager");
        let (s, a) = ResourceKind::User.attribute("userName").unwrap();
        assert_eq!((s.id, a.name), (USER_SCHEMA, "userName"));
        let (s, a) = ResourceKind::User.attribute("externalid").unwrap();
        assert_eq!((s.id, a.name), (USER_SCHEMA, "externalId"));
        assert!(ResourceKind::Group.attribute("manager").is_none());
    }

    #[test]
    fn urn_prefix_is_case_insensitive() {
        let (s, rest) = ResourceKind::User
            .split_urn("URN:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager.value")
            .unwrap();
        assert_eq!(s.id, ENTERPRISE_USER_SCHEMA);
        assert_eq!(rest, "manager.value");
        assert!(ResourceKind::User.split_urn("urn:x:y").is_none());
    }

    #[test]
    fn every_complex_attribute_has_sub_attributes() {
        fn check(attrs: &[Attribute]) {
            for a in attrs {
                assert_eq!(
                    a.kind == AttrType::Complex,
                    !a.sub_attributes.is_empty(),
                    "{}",
                    a.name
                );
                check(a.sub_attributes);
            }
        }
        for s in ALL_SCHEMAS {
            check(s.attributes);
        }
        check(COMMON_ATTRIBUTES);
    }
}
