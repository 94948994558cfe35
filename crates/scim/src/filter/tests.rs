//! Table-driven tests of the filter grammar, printing, resolution and evaluation.

use super::*;
use crate::schema::{ResourceKind, ENTERPRISE_USER_SCHEMA};
use serde_json::json;

const U: ResourceKind = ResourceKind::User;
const G: ResourceKind = ResourceKind::Group;

fn canon(kind: ResourceKind, text: &str) -> String {
    match Filter::parse(kind, text) {
        Ok(f) => f.to_string(),
        Err(e) => panic!("{text}: {e}"),
    }
}

#[test]
fn grammar_rules_print_canonically() {
    let cases = [
        // every operator, case-insensitive
        (r#"userName eq "bjensen""#, r#"userName eq "bjensen""#),
        (r#"userName NE "x""#, r#"userName ne "x""#),
        (
            r#"name.familyName Co "O'Malley""#,
            r#"name.familyName co "O'Malley""#,
        ),
        (r#"userName sw "J""#, r#"userName sw "J""#),
        (r#"userName ew "n""#, r#"userName ew "n""#),
        ("title pr", "title pr"),
        ("title PR", "title pr"),
        (
            r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
            r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        ),
        (
            r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
            r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        ),
        (
            r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
            r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        ),
        (
            r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
            r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
        ),
        // attribute names are case-insensitive and print canonically
        (r#"USERNAME eq "x""#, r#"userName eq "x""#),
        (r#"Name.GivenName eq "x""#, r#"name.givenName eq "x""#),
    ];
    for (input, expected) in cases {
        assert_eq!(canon(U, input), expected, "{input}");
    }
}

#[test]
fn precedence_and_grouping() {
    let f = Filter::parse(U, r#"title pr and userType eq "E" or nickName pr"#).unwrap();
    assert!(matches!(f, Filter::Or(ref l, _) if matches!(**l, Filter::And(..))));
    let f = Filter::parse(U, r#"title pr or userType eq "E" and nickName pr"#).unwrap();
    assert!(matches!(f, Filter::Or(_, ref r) if matches!(**r, Filter::And(..))));
    let f = Filter::parse(U, r#"not (title pr) and nickName pr"#).unwrap();
    assert!(matches!(f, Filter::And(ref l, _) if matches!(**l, Filter::Not(..))));
    let f = Filter::parse(U, r#"not title pr and nickName pr"#).unwrap();
    assert!(matches!(f, Filter::And(ref l, _) if matches!(**l, Filter::Not(..))));
    let f = Filter::parse(U, r#"(title pr or nickName pr) and userType pr"#).unwrap();
    assert!(matches!(f, Filter::And(ref l, _) if matches!(**l, Filter::Or(..))));
    let cases = [
        (
            "title pr AND nickName pr OR userType pr",
            "title pr and nickName pr or userType pr",
        ),
        (
            "title pr and (nickName pr or userType pr)",
            "title pr and (nickName pr or userType pr)",
        ),
        (
            "title pr or (nickName pr or userType pr)",
            "title pr or (nickName pr or userType pr)",
        ),
        (
            "(title pr or nickName pr) or userType pr",
            "title pr or nickName pr or userType pr",
        ),
        ("NOT(title pr)", "not (title pr)"),
        ("not  ( not (title pr) )", "not (not (title pr))"),
        ("  ( ( title pr ) )  ", "title pr"),
    ];
    for (input, expected) in cases {
        assert_eq!(canon(U, input), expected, "{input}");
    }
}

#[test]
fn rfc_examples_parse() {
    // RFC 7644 §3.4.2.2 examples (those about attributes of our schemas).
    let cases = [
        r#"userName Eq "john""#,
        r#"name.familyName co "O'Malley""#,
        r#"userName sw "J""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        "title pr",
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        r#"title pr and userType eq "Employee""#,
        r#"title pr or userType eq "Intern""#,
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType eq "Employee" and (emails.type eq "work")"#,
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    ];
    for text in cases {
        // `schemas` is not an attribute of ours: filtering on it is an unknown-attribute error.
        let r = Filter::parse(U, text);
        if text.starts_with("schemas") {
            assert!(r.is_err());
        } else {
            let f = r.unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(Filter::parse(U, &f.to_string()).unwrap(), f, "{text}");
        }
    }
}

#[test]
fn resolved_paths_expose_characteristics() {
    let f = Filter::parse(U, r#"emails co "example.com""#).unwrap();
    let Filter::Compare(p, CompareOp::Co, CompValue::String(s)) = f else {
        panic!()
    };
    assert_eq!(p.short_name(), "emails.value");
    assert!(p.multi_valued());
    assert!(!p.case_exact());
    assert_eq!(s, "example.com");

    let f = Filter::parse(U, r#"externalId eq "A""#).unwrap();
    let Filter::Compare(p, ..) = f else { panic!() };
    assert!(p.case_exact());

    for text in [
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1""#,
        r#"employeeNumber eq "1""#,
        r#"URN:IETF:params:scim:schemas:extension:enterprise:2.0:user:EMPLOYEENUMBER eq "1""#,
    ] {
        let f = Filter::parse(U, text).unwrap();
        let Filter::Compare(p, ..) = &f else { panic!() };
        assert_eq!(p.schema.id, ENTERPRISE_USER_SCHEMA);
        assert_eq!(p.attribute.name, "employeeNumber");
        assert_eq!(
            f.to_string(),
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1""#
        );
    }
    let f = Filter::parse(
        U,
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "42""#,
    )
    .unwrap();
    let Filter::Compare(p, ..) = &f else { panic!() };
    assert_eq!(p.short_name(), "manager.value");
    assert_eq!(f.paths().len(), 1);
}

#[test]
fn values_and_coercion() {
    let cases = [
        // Entra: unquoted values are strings
        ("externalId eq jyoung", r#"externalId eq "jyoung""#),
        ("externalId eq 12345", r#"externalId eq "12345""#),
        ("externalId eq 1.50", r#"externalId eq "1.50""#),
        // Found by fuzzing: floats must print back to the same value.
        ("active eq 222223e202", "active eq 2.22223e+207"),
        ("active eq -0.1", "active eq -0.1"),
        ("active eq true", "active eq true"),
        ("active eq FALSE", "active eq false"),
        (r#"active eq "True""#, "active eq true"),
        ("title eq null", "title eq null"),
        (
            r#"userName eq "a\"b\\c\u00e9\n""#,
            r#"userName eq "a\"b\\cé\n""#,
        ),
        (r#"userName eq "é☃""#, r#"userName eq "é☃""#),
        (r#"displayName eq "Ünïcødé""#, r#"displayName eq "Ünïcødé""#),
    ];
    for (input, expected) in cases {
        assert_eq!(canon(U, input), expected, "{input}");
    }
}

#[test]
fn entra_value_path_with_sub_attribute() {
    let f = Filter::parse(U, r#"emails[type eq "work"].value eq "x@y.com""#).unwrap();
    assert_eq!(
        f.to_string(),
        r#"emails[type eq "work" and value eq "x@y.com"]"#
    );
    let Filter::ValuePath(p, inner) = &f else {
        panic!()
    };
    assert_eq!(p.attribute.name, "emails");
    let paths = inner.paths();
    assert_eq!(paths[0].short_name(), "emails.type");
    assert_eq!(paths[1].short_name(), "emails.value");
    let user = json!({"emails": [{"type": "home", "value": "x@y.com"}, {"type": "work", "value": "X@Y.com"}]});
    assert!(f.matches(&user));
    let user = json!({"emails": [{"type": "home", "value": "x@y.com"}, {"type": "work", "value": "z@y.com"}]});
    assert!(!f.matches(&user));
}

#[test]
fn errors_are_invalid_filter_with_position() {
    let cases = [
        ("", 0),
        ("userName", 8),
        ("userName eq", 11),
        (r#"userName xx "a""#, 9),
        (r#"userName eq "a"#, 12),
        (r#"nope eq "a""#, 0),
        (r#"(userName eq "a""#, 16),
        (r#"userName eq "a")"#, 15),
        (r#"userName eq "a" andd title pr"#, 16),
        (r#"emails[type eq "work""#, 21),
        (r#"emails[nope eq "work"]"#, 7),
        (r#"emails[type[value eq "x"] eq "a"]"#, 11),
        (r#"userName[value eq "x"]"#, 0),
        (r#"emails[type eq "w"].nope eq "x""#, 20),
        ("active gt true", 10),
        (r#"active co "x""#, 10),
        (r#"userName eq "\x""#, 12),
        ("userName eq \"a\" and", 19),
        ("not", 3),
        (r#"name eq "x""#, 5),
        (r#"urn:ietf:params:scim:schemas:core:2.0:User: eq "x""#, 0),
    ];
    for (text, pos) in cases {
        let e = Filter::parse(U, text).expect_err(text);
        assert_eq!(e.scim_type, Some(crate::ScimType::InvalidFilter), "{text}");
        assert!(
            e.detail.ends_with(&format!("at position {pos}")),
            "{text}: {}",
            e.detail
        );
    }
}

#[test]
fn limits() {
    let deep = format!("{}title pr{}", "(".repeat(40), ")".repeat(40));
    assert!(Filter::parse(U, &deep)
        .unwrap_err()
        .detail
        .contains("nested"));
    let ok = format!("{}title pr{}", "(".repeat(20), ")".repeat(20));
    assert!(Filter::parse(U, &ok).is_ok());
    let nots = format!("{}title pr", "not ".repeat(100));
    assert!(Filter::parse(U, &nots).is_err());
    let long = format!(r#"userName eq "{}""#, "a".repeat(MAX_FILTER_LEN));
    assert!(Filter::parse(U, &long).is_err());
    let many = vec!["title pr"; MAX_FILTER_TERMS + 1].join(" or ");
    assert!(Filter::parse(U, &many)
        .unwrap_err()
        .detail
        .contains("comparisons"));
}

#[test]
fn group_filters() {
    assert_eq!(
        canon(G, r#"displayName eq "Admins""#),
        r#"displayName eq "Admins""#
    );
    assert_eq!(
        canon(G, r#"members[value eq "1"]"#),
        r#"members[value eq "1"]"#
    );
    assert_eq!(
        canon(G, r#"members.value eq "1""#),
        r#"members.value eq "1""#
    );
    assert!(Filter::parse(G, r#"userName eq "x""#).is_err());
}

#[test]
fn evaluation() {
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "BJensen",
        "externalId": "Ext-1",
        "active": true,
        "name": {"familyName": "Jensen", "givenName": "Barbara"},
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "meta": {"lastModified": "2011-05-13T04:42:34Z"},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "manager": {"value": "26118915"}
        }
    });
    let cases = [
        (r#"userName eq "bjensen""#, true),
        (r#"userName eq "bjensen2""#, false),
        (r#"externalId eq "ext-1""#, false),
        (r#"externalId eq "Ext-1""#, true),
        (r#"userName ne "bjensen""#, false),
        (r#"userName co "JENS""#, true),
        (r#"userName sw "bj""#, true),
        (r#"userName ew "sen""#, true),
        (r#"userName gt "a""#, true),
        (r#"userName lt "a""#, false),
        ("title pr", false),
        ("name pr", true),
        ("emails pr", true),
        (r#"title eq null"#, true),
        (r#"userName eq null"#, false),
        (r#"title ne null"#, false),
        (r#"title ne "x""#, true),
        ("active eq true", true),
        ("active eq false", false),
        (r#"emails co "jensen.org""#, true),
        (r#"emails.type eq "home""#, true),
        (
            r#"emails[type eq "work" and value co "@example.com"]"#,
            true,
        ),
        (
            r#"emails[type eq "home" and value co "@example.com"]"#,
            false,
        ),
        (
            r#"emails[type eq "work"].value eq "bjensen@example.com""#,
            true,
        ),
        (r#"emails[primary eq true].value ew "org""#, false),
        (r#"meta.lastModified gt "2011-05-13T04:42:33Z""#, true),
        (r#"meta.lastModified gt "2011-05-13T06:42:33+02:00""#, true),
        (r#"meta.lastModified lt "2011-05-13T06:42:33+02:00""#, false),
        (r#"meta.lastModified le "2011-05-13T04:42:34Z""#, true),
        (r#"employeeNumber eq "701984""#, true),
        (
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915""#,
            true,
        ),
        (r#"manager.value eq "x""#, false),
        (r#"not (userName eq "bjensen") or active eq true"#, true),
        (r#"not (userName eq "bjensen" or active eq true)"#, false),
        (
            r#"userName eq "x" or userName eq "y" or name.givenName sw "barb""#,
            true,
        ),
        ("nickName eq jyoung", false),
    ];
    for (text, expected) in cases {
        let f = Filter::parse(U, text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(f.matches(&user), expected, "{text}");
    }
}
