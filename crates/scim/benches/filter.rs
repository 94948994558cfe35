//! Filter parsing and evaluation cost, for the IdP filters and a larger composite one.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use roster_scim::{Filter, ResourceKind};
use serde_json::json;
use std::hint::black_box;

fn filters(c: &mut Criterion) {
    let cases = [
        ("okta_username", r#"userName eq "isabella@example.com""#),
        (
            "entra_email_value_path",
            r#"emails[type eq "work"].value eq "a@b.com""#,
        ),
        (
            "composite",
            r#"userType eq "Employee" and (emails[type eq "work" and value co "@example.com"] or not (title pr)) and urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915" and meta.lastModified gt "2011-05-13T04:42:34Z""#,
        ),
    ];
    let user = json!({
        "userName": "bjensen", "userType": "Employee", "title": "Tour Guide",
        "emails": [{"value": "b@example.com", "type": "work"}, {"value": "b@home.org", "type": "home"}],
        "meta": {"lastModified": "2011-05-13T04:42:35Z"},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "26118915"}}
    });
    let mut g = c.benchmark_group("filter");
    for (name, text) in cases {
        g.bench_function(format!("parse/{name}"), |b| {
            b.iter(|| Filter::parse(ResourceKind::User, black_box(text)))
        });
        if let Ok(f) = Filter::parse(ResourceKind::User, text) {
            g.bench_function(format!("eval/{name}"), |b| {
                b.iter(|| black_box(&f).matches(black_box(&user)))
            });
            g.bench_function(format!("print/{name}"), |b| {
                b.iter(|| black_box(&f).to_string())
            });
        }
    }
    g.finish();
}

criterion_group!(benches, filters);
criterion_main!(benches);
