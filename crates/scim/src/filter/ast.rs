//! The filter AST. Attribute paths are resolved ([`AttrPath`]), so a SQL compiler knows for each
//! comparison the schema, attribute, sub-attribute, type, caseExact and multiValued flags.
//!
//! Inside a value path (`emails[type eq "work"]`) the inner paths are full paths too
//! (`emails.type`); they print relative to the bracket. The Entra form
//! `emails[type eq "work"].value eq "x"` is normalised to
//! `emails[type eq "work" and value eq "x"]`, which means the same: one element satisfies both.

use crate::path::AttrPath;
use serde_json::Number;
use std::fmt;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Contains (substring).
    Co,
    /// Starts with.
    Sw,
    /// Ends with.
    Ew,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
}

impl CompareOp {
    /// The wire form, lower case.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }

    /// Every comparison operator.
    pub const ALL: [CompareOp; 9] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Co,
        CompareOp::Sw,
        CompareOp::Ew,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Lt,
        CompareOp::Le,
    ];

    /// Parses an operator, case-insensitively (`pr` is not a comparison: it takes no value).
    pub fn from_name(s: &str) -> Option<CompareOp> {
        Self::ALL
            .into_iter()
            .find(|op| op.as_str().eq_ignore_ascii_case(s))
    }

    /// Whether this is an ordering operator (`gt ge lt le`).
    pub fn is_ordering(self) -> bool {
        matches!(
            self,
            CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
        )
    }
}

/// A comparison value. Unquoted words (Entra's `externalId eq jyoung`) arrive as `String`;
/// values are coerced to the attribute's type where that is unambiguous (`"True"` for a
/// boolean, `123` for a string attribute).
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A JSON number.
    Number(Number),
    /// A string (also dateTime, reference and binary values).
    String(String),
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompValue::Null => f.write_str("null"),
            CompValue::Bool(b) => write!(f, "{b}"),
            CompValue::Number(n) => write!(f, "{n}"),
            CompValue::String(s) => {
                // serde_json writes a valid JSON string literal, which is the filter syntax.
                let quoted = serde_json::to_string(s).map_err(|_| fmt::Error)?;
                f.write_str(&quoted)
            }
        }
    }
}

/// A parsed, resolved filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Both hold.
    And(Box<Filter>, Box<Filter>),
    /// Either holds.
    Or(Box<Filter>, Box<Filter>),
    /// The inner filter does not hold.
    Not(Box<Filter>),
    /// `path pr`: the attribute has a non-empty value.
    Present(AttrPath),
    /// `path op value`.
    Compare(AttrPath, CompareOp, CompValue),
    /// `attr[filter]`: some element of the multi-valued (or complex) `attr` satisfies `filter`,
    /// whose paths are all sub-attributes of `attr`.
    ValuePath(AttrPath, Box<Filter>),
}

impl Filter {
    /// Binding strength for printing: or < and < the rest.
    fn precedence(&self) -> u8 {
        match self {
            Filter::Or(..) => 0,
            Filter::And(..) => 1,
            _ => 2,
        }
    }

    /// Prints with paths relative to an enclosing value path (sub-attribute names only).
    pub(crate) fn fmt_relative(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, true)
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, relative: bool) -> fmt::Result {
        let path = |f: &mut fmt::Formatter<'_>, p: &AttrPath| match (relative, p.sub_attribute) {
            (true, Some(s)) => f.write_str(s.name),
            _ => write!(f, "{p}"),
        };
        match self {
            Filter::And(l, r) | Filter::Or(l, r) => {
                let word = if matches!(self, Filter::And(..)) {
                    "and"
                } else {
                    "or"
                };
                let me = self.precedence();
                // Left-associative parse: the left child needs parentheses only when it binds
                // more loosely; the right child also when it binds equally.
                l.write_child(f, relative, l.precedence() < me)?;
                write!(f, " {word} ")?;
                r.write_child(f, relative, r.precedence() <= me)
            }
            Filter::Not(inner) => {
                f.write_str("not (")?;
                inner.write(f, relative)?;
                f.write_str(")")
            }
            Filter::Present(p) => {
                path(f, p)?;
                f.write_str(" pr")
            }
            Filter::Compare(p, op, v) => {
                path(f, p)?;
                write!(f, " {} {v}", op.as_str())
            }
            Filter::ValuePath(p, inner) => {
                path(f, p)?;
                f.write_str("[")?;
                inner.write(f, true)?;
                f.write_str("]")
            }
        }
    }

    fn write_child(&self, f: &mut fmt::Formatter<'_>, relative: bool, paren: bool) -> fmt::Result {
        if paren {
            f.write_str("(")?;
            self.write(f, relative)?;
            f.write_str(")")
        } else {
            self.write(f, relative)
        }
    }

    /// Every attribute path the filter mentions, in order (for index planning or auditing).
    pub fn paths(&self) -> Vec<AttrPath> {
        let mut out = Vec::new();
        self.collect_paths(&mut out);
        out
    }

    fn collect_paths(&self, out: &mut Vec<AttrPath>) {
        match self {
            Filter::And(l, r) | Filter::Or(l, r) => {
                l.collect_paths(out);
                r.collect_paths(out);
            }
            Filter::Not(i) => i.collect_paths(out),
            Filter::Present(p) | Filter::Compare(p, ..) => out.push(*p),
            Filter::ValuePath(p, i) => {
                out.push(*p);
                i.collect_paths(out);
            }
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}
