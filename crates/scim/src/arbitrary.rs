//! Property-test generators for filters (feature `arbitrary`): every attribute path a resource
//! type resolves, with values the parser accepts as written. The core's round-trip properties
//! and the server's differential filter test (SQL on each store against [`Filter::matches`])
//! share them.
use proptest::prelude::*;

use crate::schema::{AttrType, COMMON_ATTRIBUTES};
use crate::{AttrPath, CompValue, CompareOp, Filter, ResourceKind};

/// Every resolvable path of `kind`: each attribute of its schemas and of the common ones,
/// and each sub-attribute of the complex ones.
pub fn paths(kind: ResourceKind) -> Vec<AttrPath> {
    let core = kind.schema();
    let mut tables = vec![(core, core.attributes), (core, COMMON_ATTRIBUTES)];
    tables.extend(kind.extensions().iter().map(|ext| (*ext, ext.attributes)));
    let mut out = Vec::new();
    for (schema, attrs) in tables {
        for attribute in attrs {
            out.push(AttrPath {
                schema,
                attribute,
                sub_attribute: None,
            });
            for sub in attribute.sub_attributes {
                out.push(AttrPath {
                    schema,
                    attribute,
                    sub_attribute: Some(sub),
                });
            }
        }
    }
    out
}

/// A comparison or presence test on one of `paths`, type-consistent as the parser requires;
/// string values come from `strings`.
pub fn leaf(paths: Vec<AttrPath>, strings: BoxedStrategy<String>) -> BoxedStrategy<Filter> {
    prop::sample::select(paths)
        .prop_flat_map(move |p| {
            let t = p.value_type();
            let present = Just(Filter::Present(p)).boxed();
            if t == AttrType::Complex {
                return present;
            }
            let null = prop::sample::select(vec![CompareOp::Eq, CompareOp::Ne])
                .prop_map(move |op| Filter::Compare(p, op, CompValue::Null));
            let typed = if t == AttrType::Boolean {
                (
                    prop::sample::select(vec![CompareOp::Eq, CompareOp::Ne]),
                    any::<bool>(),
                )
                    .prop_map(move |(op, b)| Filter::Compare(p, op, CompValue::Bool(b)))
                    .boxed()
            } else {
                let ops: Vec<CompareOp> = CompareOp::ALL
                    .into_iter()
                    .filter(|op| !(op.is_ordering() && t == AttrType::Binary))
                    .collect();
                (prop::sample::select(ops), strings.clone())
                    .prop_map(move |(op, s)| Filter::Compare(p, op, CompValue::String(s)))
                    .boxed()
            };
            prop_oneof![present, null, typed].boxed()
        })
        .boxed()
}

/// `and`, `or` and `not` over `leaf`, up to four levels deep.
pub fn combine(leaf: BoxedStrategy<Filter>) -> BoxedStrategy<Filter> {
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(l, r)| Filter::And(Box::new(l), Box::new(r))),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| Filter::Or(Box::new(l), Box::new(r))),
            inner.prop_map(|f| Filter::Not(Box::new(f))),
        ]
    })
    .boxed()
}

/// Any filter on `kind`: combinations of leaves and of value paths (`emails[type eq "work"]`)
/// over complex attributes, with string values from `strings`.
pub fn filter(kind: ResourceKind, strings: BoxedStrategy<String>) -> BoxedStrategy<Filter> {
    filter_over(paths(kind), strings)
}

/// [`filter`] over the given paths only: value paths use the complex attributes among them,
/// with the sub-attributes among them.
pub fn filter_over(paths: Vec<AttrPath>, strings: BoxedStrategy<String>) -> BoxedStrategy<Filter> {
    let value_paths: Vec<(AttrPath, Vec<AttrPath>)> = paths
        .iter()
        .filter(|p| p.sub_attribute.is_none() && p.attribute.kind == AttrType::Complex)
        .map(|parent| {
            let subs = paths
                .iter()
                .copied()
                .filter(|p| p.sub_attribute.is_some() && p.attribute.name == parent.attribute.name)
                .collect();
            (*parent, subs)
        })
        .filter(|(_, subs): &(AttrPath, Vec<AttrPath>)| !subs.is_empty())
        .collect();
    let leaves = leaf(paths, strings.clone());
    if value_paths.is_empty() {
        return combine(leaves);
    }
    let value_path = prop::sample::select(value_paths)
        .prop_flat_map(move |(parent, subs)| {
            combine(leaf(subs, strings.clone()))
                .prop_map(move |inner| Filter::ValuePath(parent, Box::new(inner)))
        })
        .boxed();
    combine(prop_oneof![3 => leaves, 1 => value_path].boxed())
}
