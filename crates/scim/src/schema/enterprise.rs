//! The Enterprise User extension (RFC 7643 §4.3): organisational attributes and `manager`.

use super::{Attribute, Schema, ENTERPRISE_USER_SCHEMA};

const MANAGER_SUBS: &[Attribute] = &[
    Attribute::string("value", "The id of the manager's User resource."),
    Attribute::reference("$ref", "The URI of the manager's User resource.", &["User"]),
    Attribute::string("displayName", "The manager's display name.").read_only(),
];

pub(super) const ENTERPRISE_USER: Schema = Schema {
    id: ENTERPRISE_USER_SCHEMA,
    name: "EnterpriseUser",
    description: "Enterprise User",
    attributes: &[
        Attribute::string("employeeNumber", "Identifier assigned by the organization."),
        Attribute::string("costCenter", "Name of a cost center."),
        Attribute::string("organization", "Name of an organization."),
        Attribute::string("division", "Name of a division."),
        Attribute::string("department", "Name of a department."),
        Attribute::complex("manager", "The user's manager.", MANAGER_SUBS),
    ],
};
