//! Roster's SCIM 2.0 protocol core: schemas as data, attribute paths resolved against them,
//! resource validation and normalisation, the filter grammar (parser, resolved AST, evaluator,
//! and the PATCH paths that carry a filter), the PATCH engine (with group membership
//! reported as a delta), projection, error bodies and message types. Pure: no IO, no database,
//! and no panics on any input, so the server, tests and fuzzers all share the same code.
//!
//! Reading order: [`schema`], [`path`], [`resource`], [`filter`], [`patch`], [`projection`],
//! [`error`], [`messages`].
//!
//! ```
//! use roster_scim::{apply_patch_json, parse_user, Filter, MemberChange, ResourceKind, UserFields};
//! use serde_json::json;
//!
//! // POST /Users: validate and normalise, then take the indexed columns.
//! let parsed = parse_user(&json!({"userName": "bjensen", "Active": "True", "nickname2": 1}))?;
//! assert_eq!(parsed.ignored, ["nickname2"]);
//! let fields = UserFields::from_resource(&parsed.resource)?;
//! assert!(fields.active);
//!
//! // GET /Users?filter=...: a resolved AST to compile to SQL, or to evaluate in memory.
//! let filter = Filter::parse(ResourceKind::User, r#"emails[type eq "work"].value eq "x@y""#)?;
//! assert_eq!(filter.to_string(), r#"emails[type eq "work" and value eq "x@y"]"#);
//!
//! // PATCH /Groups/{id}: membership comes back as a delta.
//! let group = json!({"displayName": "Eng"});
//! let body = json!({"Operations": [{"op": "remove", "path": "members[value eq \"u1\"]"}]});
//! let out = apply_patch_json(ResourceKind::Group, &group, &body)?;
//! assert_eq!(out.members, [MemberChange::Remove(vec!["u1".into()])]);
//! # Ok::<(), roster_scim::ScimError>(())
//! ```
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
mod datetime;
pub mod error;
pub mod filter;
pub mod messages;
pub mod patch;
pub mod path;
pub mod projection;
pub mod resource;
pub mod schema;

pub use error::{ScimError, ScimResult, ScimType, ERROR_SCHEMA};
pub use filter::{CompValue, CompareOp, Filter, PatchPath};
pub use messages::{ListResponse, PatchOpKind, PatchOperation, PatchRequest};
pub use patch::{apply_patch, apply_patch_json, MemberChange, PatchOutcome};
pub use path::AttrPath;
pub use projection::Projection;
pub use resource::{
    parse_group, parse_resource, parse_user, Email, GroupFields, ParsedResource, UserFields,
};
pub use schema::{AttrType, Attribute, Mutability, ResourceKind, Returned, Schema, Uniqueness};
