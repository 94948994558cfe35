//! In-memory evaluation of a filter against a normalised resource (the JSON the crate's
//! resource parser produces). Semantics, mirrored by the server's SQL compiler:
//! comparisons on multi-valued attributes hold when any value matches; `ne` is `not eq`;
//! `eq null` means "not present"; strings compare case-insensitively unless the attribute is
//! caseExact; dateTimes compare as instants; numbers compare numerically.

use super::ast::{CompValue, CompareOp, Filter};
use crate::datetime;
use crate::path::AttrPath;
use crate::schema::AttrType;
use serde_json::Value;
use std::cmp::Ordering;

impl Filter {
    /// Whether `resource` (normalised JSON) satisfies the filter.
    pub fn matches(&self, resource: &Value) -> bool {
        self.eval(resource, false)
    }

    /// Whether one element of a multi-valued attribute satisfies a value filter (the inner
    /// filter of `attr[...]`, or a PATCH path filter).
    pub fn matches_element(&self, element: &Value) -> bool {
        self.eval(element, true)
    }

    fn eval(&self, scope: &Value, element: bool) -> bool {
        match self {
            Filter::And(l, r) => l.eval(scope, element) && r.eval(scope, element),
            Filter::Or(l, r) => l.eval(scope, element) || r.eval(scope, element),
            Filter::Not(i) => !i.eval(scope, element),
            Filter::Present(p) => candidates(p, scope, element).iter().any(|v| present(v)),
            Filter::Compare(p, CompareOp::Ne, v) => {
                !Filter::Compare(*p, CompareOp::Eq, v.clone()).eval(scope, element)
            }
            Filter::Compare(p, op, CompValue::Null) => {
                let any = candidates(p, scope, element).iter().any(|v| present(v));
                match op {
                    CompareOp::Eq => !any,
                    _ => false,
                }
            }
            Filter::Compare(p, op, v) => candidates(p, scope, element)
                .iter()
                .any(|actual| compare(p, *op, actual, v)),
            Filter::ValuePath(p, inner) => {
                let Some(top) = (if element { None } else { p.lookup(scope) }) else {
                    return false;
                };
                match top {
                    Value::Array(items) => items.iter().any(|e| inner.eval(e, true)),
                    other => inner.eval(other, true),
                }
            }
        }
    }
}

/// The leaf values a path addresses, with multi-valued attributes flattened.
fn candidates<'v>(p: &AttrPath, scope: &'v Value, element: bool) -> Vec<&'v Value> {
    let mut out = Vec::new();
    if element {
        let v = match p.sub_attribute {
            Some(s) => scope.get(s.name),
            None => Some(scope),
        };
        push_flat(&mut out, v);
        return out;
    }
    let Some(top) = p.lookup(scope) else {
        return out;
    };
    let items: Vec<&Value> = match top {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for item in items {
        match p.sub_attribute {
            Some(s) => push_flat(&mut out, item.get(s.name)),
            None => out.push(item),
        }
    }
    out
}

fn push_flat<'v>(out: &mut Vec<&'v Value>, v: Option<&'v Value>) {
    match v {
        Some(Value::Array(items)) => out.extend(items.iter()),
        Some(v) => out.push(v),
        None => {}
    }
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => o.values().any(present),
        _ => true,
    }
}

fn compare(p: &AttrPath, op: CompareOp, actual: &Value, expected: &CompValue) -> bool {
    match (actual, expected) {
        (Value::String(a), CompValue::String(e)) => compare_strings(p, op, a, e),
        (Value::Bool(a), CompValue::Bool(e)) => match op {
            CompareOp::Eq => a == e,
            _ => false,
        },
        (Value::Number(a), CompValue::Number(e)) => {
            let ord = match (a.as_i64(), e.as_i64()) {
                (Some(a), Some(e)) => Some(a.cmp(&e)),
                _ => a
                    .as_f64()
                    .zip(e.as_f64())
                    .and_then(|(a, e)| a.partial_cmp(&e)),
            };
            ord.is_some_and(|o| ordering_holds(op, o))
        }
        _ => false,
    }
}

fn compare_strings(p: &AttrPath, op: CompareOp, a: &str, e: &str) -> bool {
    if p.value_type() == AttrType::DateTime {
        if let (Some(a), Some(e)) = (datetime::parse(a), datetime::parse(e)) {
            return match op {
                CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
                _ => ordering_holds(op, a.cmp(&e)),
            };
        }
    }
    let (a, e) = if p.case_exact() {
        (a.to_string(), e.to_string())
    } else {
        (a.to_lowercase(), e.to_lowercase())
    };
    match op {
        CompareOp::Co => a.contains(&e),
        CompareOp::Sw => a.starts_with(&e),
        CompareOp::Ew => a.ends_with(&e),
        _ => ordering_holds(op, a.cmp(&e)),
    }
}

fn ordering_holds(op: CompareOp, o: Ordering) -> bool {
    match op {
        CompareOp::Eq => o == Ordering::Equal,
        CompareOp::Ne => o != Ordering::Equal,
        CompareOp::Gt => o == Ordering::Greater,
        CompareOp::Ge => o != Ordering::Less,
        CompareOp::Lt => o == Ordering::Less,
        CompareOp::Le => o != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}
