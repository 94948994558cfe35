//! A hand-written recursive-descent parser for the RFC 7644 filter grammar and PATCH paths.
//! Precedence is `or` < `and` < `not` < atoms; operators and keywords are case-insensitive;
//! attribute paths are words of `[A-Za-z0-9_:.$-]` (URNs contain both `:` and `.`) resolved
//! against the schema as they are read. Limits on length, nesting and terms bound the work an
//! untrusted filter can cause; recursion depth is bounded by the nesting limit.

use super::ast::{CompValue, CompareOp, Filter};
use super::patch_path::PatchPath;
use crate::error::{ScimError, ScimResult};
use crate::path::AttrPath;
use crate::schema::{AttrType, ResourceKind};
use serde_json::Number;

/// Longest filter accepted, in bytes.
pub const MAX_FILTER_LEN: usize = 8 * 1024;
/// Deepest nesting of parentheses, `not` and value paths.
pub const MAX_FILTER_DEPTH: usize = 32;
/// Most comparisons in one filter.
pub const MAX_FILTER_TERMS: usize = 256;

pub(crate) struct Parser<'a> {
    kind: ResourceKind,
    src: &'a str,
    pos: usize,
    depth: usize,
    terms: usize,
}

fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'$' | b'-')
}

impl<'a> Parser<'a> {
    pub(crate) fn new(kind: ResourceKind, src: &'a str) -> ScimResult<Self> {
        if src.len() > MAX_FILTER_LEN {
            return Err(ScimError::invalid_filter(format!(
                "filter longer than {MAX_FILTER_LEN} bytes"
            )));
        }
        Ok(Parser {
            kind,
            src,
            pos: 0,
            depth: 0,
            terms: 0,
        })
    }

    fn err_at(&self, pos: usize, msg: impl std::fmt::Display) -> ScimError {
        ScimError::invalid_filter(format!("{msg} at position {pos}"))
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) -> bool {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// Reads a run of path characters (possibly empty).
    fn word(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(is_path_char) {
            self.pos += 1;
        }
        self.src.get(start..self.pos).unwrap_or("")
    }

    fn describe_here(&self) -> String {
        match self.src.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => format!("unexpected '{c}'"),
            None => "unexpected end of filter".to_string(),
        }
    }

    fn expect(&mut self, b: u8) -> ScimResult<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err_at(
                self.pos,
                format!("expected '{}', {}", b as char, self.describe_here()),
            ))
        }
    }

    fn enter(&mut self) -> ScimResult<()> {
        self.depth += 1;
        if self.depth > MAX_FILTER_DEPTH {
            return Err(self.err_at(
                self.pos,
                format!("filter nested deeper than {MAX_FILTER_DEPTH}"),
            ));
        }
        Ok(())
    }

    /// Consumes keyword `kw` (after optional whitespace) if it is the next whole word.
    fn keyword(&mut self, kw: &str) -> bool {
        let save = self.pos;
        self.skip_ws();
        let w = self.word();
        if w.eq_ignore_ascii_case(kw) {
            true
        } else {
            self.pos = save;
            false
        }
    }

    /// A whole filter: the input must be consumed.
    pub(crate) fn filter(&mut self) -> ScimResult<Filter> {
        let f = self.or(None)?;
        self.skip_ws();
        if self.pos < self.src.len() {
            return Err(self.err_at(
                self.pos,
                format!("{}; expected 'and', 'or' or the end", self.describe_here()),
            ));
        }
        Ok(f)
    }

    fn or(&mut self, scope: Option<AttrPath>) -> ScimResult<Filter> {
        let mut left = self.and(scope)?;
        while self.keyword("or") {
            let right = self.and(scope)?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, scope: Option<AttrPath>) -> ScimResult<Filter> {
        let mut left = self.unary(scope)?;
        while self.keyword("and") {
            let right = self.unary(scope)?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, scope: Option<AttrPath>) -> ScimResult<Filter> {
        self.skip_ws();
        if self.peek() == Some(b'(') {
            self.enter()?;
            self.pos += 1;
            let f = self.or(scope)?;
            self.skip_ws();
            self.expect(b')')?;
            self.depth -= 1;
            return Ok(f);
        }
        let start = self.pos;
        let w = self.word();
        if w.is_empty() {
            return Err(self.err_at(
                start,
                format!("{}; expected an attribute path", self.describe_here()),
            ));
        }
        if w.eq_ignore_ascii_case("not") {
            self.enter()?;
            let inner = self.unary(scope)?;
            self.depth -= 1;
            return Ok(Filter::Not(Box::new(inner)));
        }
        let path = self.resolve(w, start, scope)?;
        if self.peek() == Some(b'[') {
            return self.value_path(path, start, scope);
        }
        self.comparison(path)
    }

    fn resolve(&self, w: &str, start: usize, scope: Option<AttrPath>) -> ScimResult<AttrPath> {
        match scope {
            Some(parent) => parent.with_sub(Some(w)).ok_or_else(|| {
                self.err_at(
                    start,
                    format!("unknown sub-attribute '{w}' of '{}'", parent.attribute.name),
                )
            }),
            None => match AttrPath::resolve(self.kind, w) {
                Ok(Some(p)) => Ok(p),
                Ok(None) => Err(self.err_at(start, format!("unknown attribute '{w}'"))),
                Err(e) => Err(self.err_at(start, e.detail)),
            },
        }
    }

    /// `attr[valFilter]`, optionally followed by Entra's `.sub op value`.
    fn value_path(
        &mut self,
        path: AttrPath,
        start: usize,
        scope: Option<AttrPath>,
    ) -> ScimResult<Filter> {
        let inner = self.bracket(path, start, scope)?;
        if self.peek() != Some(b'.') {
            return Ok(Filter::ValuePath(path, Box::new(inner)));
        }
        self.pos += 1;
        let sub_start = self.pos;
        let w = self.word();
        let sub = self.resolve(w, sub_start, Some(path))?;
        let tail = self.comparison(sub)?;
        Ok(Filter::ValuePath(
            path,
            Box::new(Filter::And(Box::new(inner), Box::new(tail))),
        ))
    }

    /// `[valFilter]` after `path`, with the checks that make it meaningful.
    fn bracket(
        &mut self,
        path: AttrPath,
        start: usize,
        scope: Option<AttrPath>,
    ) -> ScimResult<Filter> {
        if scope.is_some() {
            return Err(self.err_at(self.pos, "value filters cannot be nested"));
        }
        if path.sub_attribute.is_some() || path.attribute.kind != AttrType::Complex {
            return Err(self.err_at(
                start,
                format!("'{path}' is not a complex attribute and cannot take a value filter"),
            ));
        }
        self.enter()?;
        self.pos += 1;
        let inner = self.or(Some(path))?;
        self.skip_ws();
        self.expect(b']')?;
        self.depth -= 1;
        Ok(inner)
    }

    /// `pr`, or an operator and a value, after a path.
    fn comparison(&mut self, mut path: AttrPath) -> ScimResult<Filter> {
        self.terms += 1;
        if self.terms > MAX_FILTER_TERMS {
            return Err(self.err_at(
                self.pos,
                format!("more than {MAX_FILTER_TERMS} comparisons"),
            ));
        }
        self.skip_ws();
        let op_start = self.pos;
        let op_word = self.word();
        if op_word.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let Some(op) = CompareOp::from_name(op_word) else {
            let what = if op_word.is_empty() {
                self.describe_here()
            } else {
                format!("unknown operator '{op_word}'")
            };
            return Err(self.err_at(
                op_start,
                format!("{what}; expected eq, ne, co, sw, ew, gt, ge, lt, le or pr"),
            ));
        };
        self.skip_ws();
        let value_start = self.pos;
        let (value, raw) = self.value()?;
        // A complex attribute compared to a value means its `value` sub-attribute
        // (RFC 7644 §3.4.2.2, e.g. `emails co "@example.com"`).
        if path.sub_attribute.is_none() && path.attribute.kind == AttrType::Complex {
            path = path.with_sub(Some("value")).ok_or_else(|| {
                self.err_at(
                    op_start,
                    format!("'{path}' is complex; compare one of its sub-attributes"),
                )
            })?;
        }
        let value = coerce(path.value_type(), value, raw);
        check_operator(path, op, &value).map_err(|m| self.err_at(value_start, m))?;
        Ok(Filter::Compare(path, op, value))
    }

    /// A comparison value, and its raw text when it was unquoted.
    fn value(&mut self) -> ScimResult<(CompValue, Option<&'a str>)> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        if self.peek() == Some(b'"') {
            let mut i = start + 1;
            loop {
                match bytes.get(i) {
                    None => return Err(self.err_at(start, "unterminated string")),
                    Some(b'\\') => i += 2,
                    Some(b'"') => break,
                    Some(_) => i += 1,
                }
            }
            self.pos = i + 1;
            let literal = self.src.get(start..=i).unwrap_or("");
            let s: String = serde_json::from_str(literal)
                .map_err(|e| self.err_at(start, format!("invalid string: {e}")))?;
            return Ok((CompValue::String(s), None));
        }
        while self
            .peek()
            .is_some_and(|b| !b.is_ascii_whitespace() && b != b')' && b != b']')
        {
            self.pos += 1;
        }
        let raw = self.src.get(start..self.pos).unwrap_or("");
        if raw.is_empty() {
            return Err(self.err_at(start, format!("{}; expected a value", self.describe_here())));
        }
        let v = if raw.eq_ignore_ascii_case("true") {
            CompValue::Bool(true)
        } else if raw.eq_ignore_ascii_case("false") {
            CompValue::Bool(false)
        } else if raw.eq_ignore_ascii_case("null") {
            CompValue::Null
        } else if let Some(n) = parse_number(raw) {
            CompValue::Number(n)
        } else {
            // Entra documents `externalId eq jyoung`: an unquoted word is a string.
            CompValue::String(raw.to_string())
        };
        Ok((v, Some(raw)))
    }

    /// A PATCH path: `attrPath [ "[" valFilter "]" [ "." subAttr ] ]`, the whole input.
    pub(crate) fn patch_path(&mut self) -> ScimResult<Option<PatchPath>> {
        let start = self.pos;
        let w = self.word();
        if w.is_empty() {
            return Err(self.err_at(start, format!("{}; expected a path", self.describe_here())));
        }
        let resolved = AttrPath::resolve(self.kind, w).map_err(|e| self.err_at(start, e.detail))?;
        let Some(path) = resolved else {
            // Unknown attribute: nothing to resolve its filter against, so only the shape of
            // the rest is checked; the caller ignores and reports the operation.
            let rest = self.src.get(self.pos..).unwrap_or("").trim_end();
            let tail_ok = match rest.strip_prefix('[').and_then(|r| r.rsplit_once(']')) {
                Some((_, after)) => {
                    after.is_empty()
                        || after
                            .strip_prefix('.')
                            .is_some_and(|w| !w.is_empty() && w.bytes().all(is_path_char))
                }
                None => rest.is_empty(),
            };
            if !tail_ok {
                return Err(self.err_at(self.pos, self.describe_here()));
            }
            return Ok(None);
        };
        let mut result = PatchPath { path, filter: None };
        if self.peek() == Some(b'[') {
            let inner = self.bracket(path, start, None)?;
            result.filter = Some(inner);
            if self.peek() == Some(b'.') {
                self.pos += 1;
                let sub_start = self.pos;
                let sub = self.word();
                result.path = self.resolve(sub, sub_start, Some(path))?;
            }
        }
        self.skip_ws();
        if self.pos < self.src.len() {
            return Err(self.err_at(self.pos, self.describe_here()));
        }
        Ok(Some(result))
    }
}

/// Parses a JSON number so that printing it and parsing again yields the same value:
/// serde_json's own float parsing (without its `float_roundtrip` feature) is not correctly
/// rounded, so floats go through Rust's `f64` parser, which is (found by fuzzing).
fn parse_number(raw: &str) -> Option<Number> {
    let n: Number = raw.parse().ok()?;
    if n.is_f64() {
        Number::from_f64(raw.parse::<f64>().ok()?)
    } else {
        Some(n)
    }
}

/// Brings a value to the attribute's type where the intent is unambiguous, so that the AST
/// (and SQL compiled from it) compares like with like.
fn coerce(t: AttrType, v: CompValue, raw: Option<&str>) -> CompValue {
    match (t, v) {
        (t, CompValue::Number(_) | CompValue::Bool(_)) if t.is_stringish() => {
            CompValue::String(raw.unwrap_or_default().to_string())
        }
        (AttrType::Boolean, CompValue::String(s)) if s.eq_ignore_ascii_case("true") => {
            CompValue::Bool(true)
        }
        (AttrType::Boolean, CompValue::String(s)) if s.eq_ignore_ascii_case("false") => {
            CompValue::Bool(false)
        }
        (AttrType::Integer | AttrType::Decimal, CompValue::String(s)) => match parse_number(&s) {
            Some(n) => CompValue::Number(n),
            None => CompValue::String(s),
        },
        (_, v) => v,
    }
}

/// Rejects operator/value combinations RFC 7644 calls invalid.
fn check_operator(path: AttrPath, op: CompareOp, v: &CompValue) -> Result<(), String> {
    let t = path.value_type();
    if op.is_ordering() {
        if matches!(t, AttrType::Boolean | AttrType::Binary) {
            return Err(format!(
                "'{}' cannot be used with {} attribute '{path}'",
                op.as_str(),
                t.as_str()
            ));
        }
        if matches!(v, CompValue::Null | CompValue::Bool(_)) {
            return Err(format!("'{}' needs a string or number value", op.as_str()));
        }
    }
    if matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew)
        && (!matches!(v, CompValue::String(_)) || !t.is_stringish())
    {
        return Err(format!(
            "'{}' needs a string attribute and a string value",
            op.as_str()
        ));
    }
    Ok(())
}
