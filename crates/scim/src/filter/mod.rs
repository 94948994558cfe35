//! SCIM filters (RFC 7644 §3.4.2.2): the resolved AST (`ast`), the parser (`parser`) and the
//! in-memory evaluator (`eval`). Parse with [`Filter::parse`]; print with `Display` (the printed
//! form parses back to the same AST); evaluate with [`Filter::matches`].

pub mod ast;
mod eval;
pub(crate) mod parser;

pub use ast::{CompValue, CompareOp, Filter};
pub use parser::{MAX_FILTER_DEPTH, MAX_FILTER_LEN, MAX_FILTER_TERMS};

use crate::error::ScimResult;
use crate::schema::ResourceKind;

impl Filter {
    /// Parses a filter for a resource type, resolving every attribute path against its schemas.
    /// Errors are `invalidFilter` with the byte position in the detail.
    pub fn parse(kind: ResourceKind, text: &str) -> ScimResult<Filter> {
        parser::Parser::new(kind, text)?.filter()
    }
}

#[cfg(test)]
mod tests;
