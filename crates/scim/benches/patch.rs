//! PATCH apply cost for the common IdP shapes, and group membership on a large request (the
//! engine must not depend on the group's size: members are a delta).
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use roster_scim::{apply_patch, PatchRequest, ResourceKind};
use serde_json::{json, Value};
use std::hint::black_box;

fn request(ops: Value) -> PatchRequest {
    PatchRequest::from_json(&json!({"Operations": ops})).unwrap_or_default()
}

fn patches(c: &mut Criterion) {
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "bjensen", "active": true,
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": "b@x.com", "type": "work", "primary": true}, {"value": "h@x.org", "type": "home"}]
    });
    let group =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Eng"});
    let cases = [
        (
            "okta_deactivate",
            ResourceKind::User,
            &user,
            json!([{"op": "replace", "value": {"active": false}}]),
        ),
        (
            "entra_dotted_keys",
            ResourceKind::User,
            &user,
            json!([{"op": "replace", "value": {
            "displayName": "A", "name.givenName": "B", "name.familyName": "C",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "D"}}]),
        ),
        (
            "entra_email_filter",
            ResourceKind::User,
            &user,
            json!([{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "a@b.com"}]),
        ),
        (
            "okta_member_remove",
            ResourceKind::Group,
            &group,
            json!([{"op": "remove", "path": "members[value eq \"2819c223\"]"}]),
        ),
    ];
    let mut g = c.benchmark_group("patch");
    for (name, kind, resource, ops) in cases {
        let req = request(ops);
        g.bench_function(name, |b| {
            b.iter(|| apply_patch(kind, black_box(resource), black_box(&req)))
        });
    }
    let many: Vec<Value> = (0..1000)
        .map(|i| json!({"value": format!("user-{i}")}))
        .collect();
    let req = request(json!([{"op": "add", "path": "members", "value": many}]));
    g.bench_function("group_add_1000_members", |b| {
        b.iter(|| apply_patch(ResourceKind::Group, black_box(&group), black_box(&req)))
    });
    g.finish();
}

criterion_group!(benches, patches);
criterion_main!(benches);
