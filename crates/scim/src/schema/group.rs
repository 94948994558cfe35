//! The core Group schema (RFC 7643 §4.2). `displayName` is required here (RFC 7643 leaves it
//! optional) because Roster identifies groups by it in the console and in IdP filters.

use super::{Attribute, Mutability, Returned, Schema, GROUP_SCHEMA};

const MEMBER_SUBS: &[Attribute] = &[
    Attribute::string("value", "Identifier of the member.")
        .case_exact()
        .mutability(Mutability::Immutable),
    Attribute::reference(
        "$ref",
        "The URI of the member resource.",
        &["User", "Group"],
    )
    .mutability(Mutability::Immutable),
    // Clients send `display`; the server renders it from the member, so it is never stored.
    // Returned only when asked for (`attributes=members.display`): a client that compares
    // the members it wrote with those it reads back (scim2-tester does) must find them
    // equal, and a member list is cheaper without it.
    Attribute::string("display", "A human-readable name of the member.")
        .read_only()
        .returned(Returned::Request),
    Attribute::string("type", "The kind of member.")
        .canonical(&["User", "Group"])
        .mutability(Mutability::Immutable),
];

pub(super) const GROUP: Schema = Schema {
    id: GROUP_SCHEMA,
    name: "Group",
    description: "Group",
    attributes: &[
        Attribute::string("displayName", "A human-readable name for the group.").required(),
        Attribute::complex("members", "A list of members of the group.", MEMBER_SUBS)
            .multi()
            .returned(Returned::Default),
    ],
};
