//! The common attributes of RFC 7643 §3.1 (`id`, `externalId`, `meta`): part of every resource
//! but of no schema, so they are kept apart from the schema tables and never listed in `/Schemas`.

use super::{AttrType, Attribute, Mutability, Returned, Uniqueness};

const META_SUBS: &[Attribute] = &[
    Attribute::string("resourceType", "The name of the resource type.")
        .case_exact()
        .read_only(),
    Attribute::new(
        "created",
        AttrType::DateTime,
        "When the resource was added to the service provider.",
    )
    .read_only(),
    Attribute::new(
        "lastModified",
        AttrType::DateTime,
        "When the resource was last changed.",
    )
    .read_only(),
    Attribute::reference("location", "The URI of the resource.", &["uri"])
        .case_exact()
        .read_only(),
    Attribute::string("version", "The version (ETag) of the resource.")
        .case_exact()
        .read_only(),
];

pub(super) const COMMON: &[Attribute] = &[
    Attribute::string("id", "Unique identifier assigned by the service provider.")
        .case_exact()
        .read_only()
        .returned(Returned::Always)
        .unique(Uniqueness::Server),
    Attribute::string(
        "externalId",
        "Identifier of the resource as defined by the provisioning client.",
    )
    .case_exact()
    .mutability(Mutability::ReadWrite),
    Attribute::complex("meta", "Resource metadata.", META_SUBS).read_only(),
];
