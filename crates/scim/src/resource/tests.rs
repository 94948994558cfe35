//! Tests of body parsing: the IdP shapes from the wire-behaviour reference and the rules.

use super::*;
use crate::schema::ENTERPRISE_USER_SCHEMA;
use crate::ScimType;
use serde_json::json;

#[test]
fn okta_create_user() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "isabella@example.com",
        "name": {"givenName": "Isabella", "familyName": "Ruiz"},
        "emails": [{"primary": true, "value": "isabella@example.com", "type": "work"}],
        "displayName": "Isabella Ruiz",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": true
    });
    let parsed = parse_user(&body).unwrap();
    assert!(parsed.ignored.is_empty());
    assert_eq!(
        parsed.resource,
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "isabella@example.com",
            "name": {"givenName": "Isabella", "familyName": "Ruiz"},
            "emails": [{"primary": true, "value": "isabella@example.com", "type": "work"}],
            "displayName": "Isabella Ruiz",
            "locale": "en-US",
            "externalId": "00ujl29u0le5T6Aj10h7",
            "active": true
        })
    );
    let f = UserFields::from_resource(&parsed.resource).unwrap();
    assert_eq!(f.user_name, "isabella@example.com");
    assert_eq!(f.external_id.as_deref(), Some("00ujl29u0le5T6Aj10h7"));
    assert_eq!(f.given_name.as_deref(), Some("Isabella"));
    assert_eq!(f.family_name.as_deref(), Some("Ruiz"));
    assert!(f.active);
    assert_eq!(f.primary_email().unwrap().value, "isabella@example.com");
    assert_eq!(f.emails[0].kind.as_deref(), Some("work"));
}

#[test]
fn names_urns_nulls_read_only_and_unknown() {
    let body = json!({
        "SCHEMAS": [
            "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user",
            "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/User"
        ],
        "id": "client-chosen",
        "meta": {"resourceType": "User"},
        "USERNAME": "Jo",
        "Name": {"GivenName": "Jo", "middleName": null, "nickname2": "x"},
        "title": null,
        "addresses": null,
        "Department": "R&D",
        "manager": [{"$ref": "../Users/26", "value": "26"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"EmployeeNumber": 42, "bogus": 1},
        "urn:vendor:custom:1.0:User": {"x": 1},
        "favouriteColour": "green",
        "emails": [{"value": "a@b.c", "type": "work", "display": null, "weird": true}]
    });
    let p = parse_user(&body).unwrap();
    assert_eq!(
        p.resource,
        json!({
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
            ],
            "userName": "Jo",
            "name": {"givenName": "Jo"},
            "emails": [{"value": "a@b.c", "type": "work"}],
            ENTERPRISE_USER_SCHEMA: {
                "department": "R&D",
                "employeeNumber": "42",
                "manager": {"$ref": "../Users/26", "value": "26"}
            }
        })
    );
    let mut ignored = p.ignored.clone();
    ignored.sort();
    assert_eq!(
        ignored,
        vec![
            "emails.weird".to_string(),
            "favouriteColour".into(),
            "name.nickname2".into(),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:bogus".into(),
            "urn:vendor:custom:1.0:User".into(),
        ]
    );
}

#[test]
fn wrong_types_are_invalid_value_naming_the_attribute() {
    let cases = [
        (json!({"userName": {"a": 1}, "x": 1}), "userName"),
        (json!({"userName": true}), "userName"),
        (json!({"userName": "a", "active": "yes"}), "active"),
        (json!({"userName": "a", "name": "Jo"}), "name"),
        (
            json!({"userName": "a", "name": {"givenName": ["a"]}}),
            "name.givenName",
        ),
        (
            json!({"userName": "a", "emails": [{"value": {"x": 1}}]}),
            "emails.value",
        ),
        (
            json!({"userName": "a", "emails": [{"value": "x", "primary": "maybe"}]}),
            "emails.primary",
        ),
        (
            json!({"userName": "a", "manager": [{"value": "1"}, {"value": "2"}]}),
            "manager",
        ),
        (
            json!({"userName": "a", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "x"}),
            "enterprise",
        ),
        (
            json!({"userName": "a", "emails": [{"value": "x", "primary": true}, {"value": "y", "primary": true}]}),
            "primary",
        ),
        (json!({}), "userName"),
        (json!({"userName": null}), "userName"),
    ];
    for (body, needle) in cases {
        let e = parse_user(&body).unwrap_err();
        assert_eq!(e.scim_type, Some(ScimType::InvalidValue), "{body}");
        assert!(e.detail.contains(needle), "{body}: {}", e.detail);
    }
    let e = parse_user(&json!([1])).unwrap_err();
    assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax));
}

#[test]
fn lenient_shapes() {
    let p = parse_user(&json!({
        "userName": "a",
        "active": "False",
        "emails": {"value": "single@x"},
        "name.familyName": "Dotted",
        "manager": "boss-id",
        "phoneNumbers": [],
        "x509Certificates": [{"value": "MIIDQzCC"}]
    }))
    .unwrap();
    assert_eq!(p.resource["active"], false);
    assert_eq!(p.resource["emails"], json!([{"value": "single@x"}]));
    assert_eq!(p.resource["name"], json!({"familyName": "Dotted"}));
    assert_eq!(
        p.resource[ENTERPRISE_USER_SCHEMA]["manager"],
        json!({"value": "boss-id"})
    );
    assert!(p.resource.get("phoneNumbers").is_none());
    assert_eq!(
        UserFields::from_resource(&p.resource)
            .unwrap()
            .manager_id
            .as_deref(),
        Some("boss-id")
    );
    assert!(!UserFields::from_resource(&p.resource).unwrap().active);
}

#[test]
fn groups() {
    // Okta and Entra create groups with empty members; vendor schema URNs are tolerated.
    let p = parse_group(&json!({
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:Group",
            "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
        ],
        "displayName": "Engineering",
        "externalId": "e-1",
        "members": []
    }))
    .unwrap();
    assert_eq!(
        p.resource,
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Engineering", "externalId": "e-1"})
    );
    let mut g = parse_group(&json!({
        "displayName": "Eng",
        "members": [
            {"value": "u1", "display": "User One", "$ref": null},
            {"value": "u2", "type": "User"},
            {"value": "u1"}
        ]
    }))
    .unwrap()
    .resource;
    let f = GroupFields::from_resource(&g).unwrap();
    assert_eq!(f.member_ids, vec!["u1", "u2"]);
    assert_eq!(GroupFields::take_members(&mut g), vec!["u1", "u2"]);
    assert!(g.get("members").is_none());
    let e = parse_group(&json!({"members": []})).unwrap_err();
    assert!(e.detail.contains("displayName"));
}

#[test]
fn values_longer_than_their_type_allows_are_refused() {
    let long = "x".repeat(2049);
    let err = parse_user(&json!({"userName": "a", "displayName": long})).unwrap_err();
    assert_eq!(err.status, 400);
    assert_eq!(err.scim_type, Some(crate::ScimType::InvalidValue));
    assert!(err.detail.contains("displayName"), "{}", err.detail);
    let err = parse_group(&json!({"displayName": "x".repeat(10 * 1024 * 1024)})).unwrap_err();
    assert_eq!(err.scim_type, Some(crate::ScimType::InvalidValue));
    // Characters, not bytes: 2,048 two-byte characters fit.
    let ok = parse_user(&json!({"userName": "é".repeat(2048)}));
    assert!(ok.is_ok(), "{ok:?}");
}
