//! SCIM filters (RFC 7644 §3.4.2.2) and the PATCH paths that carry them: the resolved AST
//! (`ast`), the PATCH path type (`patch_path`), the parser of both (`parser`) and the in-memory
//! evaluator (`eval`). Parse with [`Filter::parse`] and [`PatchPath::parse`]; print with
//! `Display` (the printed form parses back to the same value); evaluate with [`Filter::matches`].

pub mod ast;
mod eval;
pub(crate) mod parser;
mod patch_path;

pub use ast::{CompValue, CompareOp, Filter};
pub use parser::{MAX_FILTER_DEPTH, MAX_FILTER_LEN, MAX_FILTER_TERMS};
pub use patch_path::PatchPath;

use crate::error::{ScimError, ScimResult};
use crate::schema::ResourceKind;

impl Filter {
    /// Parses a filter for a resource type, resolving every attribute path against its schemas.
    /// Errors are `invalidFilter` with the byte position in the detail.
    pub fn parse(kind: ResourceKind, text: &str) -> ScimResult<Filter> {
        parser::Parser::new(kind, text)?.filter()
    }
}

impl PatchPath {
    /// Parses a PATCH path. `Ok(None)`: well-formed but naming an attribute Roster does not
    /// know (the PATCH engine ignores and reports it). Malformed paths are `invalidPath`.
    pub fn parse(kind: ResourceKind, text: &str) -> ScimResult<Option<PatchPath>> {
        let to_invalid_path = |e: ScimError| ScimError::invalid_path(e.detail);
        let mut p = parser::Parser::new(kind, text).map_err(to_invalid_path)?;
        p.patch_path().map_err(to_invalid_path)
    }
}

#[cfg(test)]
mod tests;
