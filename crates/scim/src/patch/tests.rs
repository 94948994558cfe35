//! PATCH tests: every IdP shape of the wire-behaviour reference, every path form, errors.

use super::*;
use crate::schema::ENTERPRISE_USER_SCHEMA as ENT;
use crate::ScimType;
use serde_json::json;

fn user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
        "id": "u1",
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "displayName": "Babs",
        "active": true,
        "emails": [
            {"value": "b@x.com", "type": "work", "primary": true},
            {"value": "b@home.org", "type": "home"}
        ],
        ENT: {"employeeNumber": "1", "manager": {"value": "m1", "$ref": "../Users/m1", "displayName": "Boss"}}
    })
}

fn patch(kind: ResourceKind, resource: &Value, ops: Value) -> ScimResult<PatchOutcome> {
    let body =
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops});
    let before = resource.clone();
    let r = apply_patch_json(kind, resource, &body);
    assert_eq!(&before, resource, "input must never change");
    r
}

fn patch_user(ops: Value) -> PatchOutcome {
    patch(ResourceKind::User, &user(), ops).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn okta_deactivate_and_reactivate() {
    let out = patch_user(json!([{"op": "replace", "value": {"active": false}}]));
    assert_eq!(out.resource["active"], false);
    assert_eq!(out.changed, vec!["active"]);
    let again = patch(
        ResourceKind::User,
        &out.resource,
        json!([{"op": "replace", "value": {"active": true}}]),
    )
    .unwrap();
    assert_eq!(again.resource["active"], true);
}

#[test]
fn entra_disable_forms() {
    for op in [
        json!({"op": "Replace", "path": "active", "value": "False"}),
        json!({"op": "replace", "path": "active", "value": false}),
        json!({"op": "REPLACE", "path": "ACTIVE", "value": "false"}),
    ] {
        let out = patch_user(json!([op]));
        assert_eq!(out.resource["active"], false, "{op}");
        assert_eq!(out.changed, vec!["active"]);
    }
    let out = patch_user(json!([{"op": "Add", "path": "active", "value": "True"}]));
    assert_eq!(out.resource["active"], true);
    assert!(out.changed.is_empty());
}

#[test]
fn entra_pathless_dotted_and_urn_keys() {
    let out = patch_user(json!([{"op": "replace", "value": {
        "displayName": "A",
        "name.givenName": "B",
        "name.familyName": "C",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "D"
    }}]));
    let r = &out.resource;
    assert_eq!(r["displayName"], "A");
    assert_eq!(r["name"], json!({"givenName": "B", "familyName": "C"}));
    assert_eq!(r[ENT]["employeeNumber"], "D");
    assert_eq!(r[ENT]["manager"]["value"], "m1");
    assert_eq!(
        out.changed,
        vec![
            "displayName".to_string(),
            "name".into(),
            format!("{ENT}:employeeNumber")
        ]
    );
    // Extension object and unqualified extension names in a path-less value.
    let out = patch_user(json!([{"op": "add", "value": {
        ENT: {"department": "R&D", "costcenter": "42", "nope": 1},
        "Division": "West",
        "unknownThing": 1
    }}]));
    assert_eq!(out.resource[ENT]["department"], "R&D");
    assert_eq!(out.resource[ENT]["costCenter"], "42");
    assert_eq!(out.resource[ENT]["division"], "West");
    assert_eq!(
        out.ignored,
        vec!["unknownThing".to_string(), format!("{ENT}:nope")]
    );
}

#[test]
fn entra_filtered_email_replace() {
    let op =
        json!([{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "a@b.com"}]);
    let out = patch_user(op.clone());
    assert_eq!(
        out.resource["emails"],
        json!([{"value": "a@b.com", "type": "work", "primary": true}, {"value": "b@home.org", "type": "home"}])
    );
    assert_eq!(out.changed, vec!["emails"]);
    // No element matches, even no emails at all: the element is created.
    let bare = json!({"userName": "x"});
    let out = patch(ResourceKind::User, &bare, op).unwrap();
    assert_eq!(
        out.resource["emails"],
        json!([{"type": "work", "value": "a@b.com"}])
    );
    let out = patch(
        ResourceKind::User,
        &bare,
        json!([{"op": "Add", "path": "emails[type eq \"work\"].value", "value": "c@d.com"},
               {"op": "Add", "path": "emails[type eq \"work\"].primary", "value": "True"}]),
    )
    .unwrap();
    assert_eq!(
        out.resource["emails"],
        json!([{"type": "work", "value": "c@d.com", "primary": true}])
    );
}

#[test]
fn entra_manager_forms() {
    let bare = json!({"userName": "x"});
    let out = patch(
        ResourceKind::User,
        &bare,
        json!([{"op": "Add", "path": "manager", "value": [{"$ref": "../Users/m2", "value": "m2"}]}]),
    )
    .unwrap();
    assert_eq!(
        out.resource[ENT]["manager"],
        json!({"$ref": "../Users/m2", "value": "m2"})
    );
    assert_eq!(out.resource["schemas"][1], ENT);
    assert_eq!(out.changed, vec![format!("{ENT}:manager")]);
    let out = patch_user(json!([{"op": "Replace", "path": "manager", "value": "m3"}]));
    assert_eq!(out.resource[ENT]["manager"], json!({"value": "m3"}));
    let out = patch_user(
        json!([{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "value": "m1"}]),
    );
    assert!(out.changed.is_empty());
    let out = patch_user(json!([{"op": "Remove", "path": "manager"}]));
    assert!(out.resource[ENT].get("manager").is_none());
    let out = patch_user(
        json!([{"op": "Remove", "path": "manager"}, {"op": "Remove", "path": "employeeNumber"}]),
    );
    assert!(out.resource.get(ENT).is_none());
    assert_eq!(
        out.resource["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:User"])
    );
}

#[test]
fn a_path_naming_a_whole_extension() {
    let out = patch_user(
        json!([{"op": "add", "path": ENT, "value": {"department": "R&D", "costCenter": "7"}}]),
    );
    assert_eq!(out.resource[ENT]["department"], "R&D");
    assert_eq!(
        out.resource[ENT]["employeeNumber"], "1",
        "other sub-attributes stay"
    );
    assert_eq!(
        out.changed,
        vec![format!("{ENT}:costCenter"), format!("{ENT}:department")]
    );
    let bare = json!({"userName": "x"});
    let out = patch(
        ResourceKind::User,
        &bare,
        json!([{"op": "Replace", "path": ENT.to_uppercase(), "value": {"employeeNumber": "9"}}]),
    )
    .unwrap();
    assert_eq!(out.resource[ENT], json!({"employeeNumber": "9"}));
    assert_eq!(out.resource["schemas"][1], ENT);
    let out = patch_user(json!([{"op": "remove", "path": ENT}]));
    assert!(out.resource.get(ENT).is_none());
    assert_eq!(
        out.resource["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:User"])
    );
    let err = patch(
        ResourceKind::User,
        &user(),
        json!([{"op": "add", "path": ENT, "value": "x"}]),
    )
    .unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
}

#[test]
fn rfc_path_forms() {
    let cases: Vec<(Value, Value)> = vec![
        (
            json!({"op": "replace", "path": "name.familyName", "value": "J"}),
            json!({"name": {"givenName": "Barbara", "familyName": "J"}}),
        ),
        (
            json!({"op": "remove", "path": "name.givenName"}),
            json!({"name": {"familyName": "Jensen"}}),
        ),
        (
            json!({"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:displayName", "value": "Z"}),
            json!({"displayName": "Z"}),
        ),
        (
            json!({"op": "remove", "path": "emails[type eq \"home\"]"}),
            json!({"emails": [{"value": "b@x.com", "type": "work", "primary": true}]}),
        ),
        (
            json!({"op": "replace", "path": "emails[type eq \"home\"]", "value": {"value": "n@home.org", "primary": true}}),
            json!({"emails": [{"value": "b@x.com", "type": "work"}, {"value": "n@home.org", "type": "home", "primary": true}]}),
        ),
        (
            json!({"op": "add", "path": "emails", "value": [{"value": "new@x.com", "type": "other", "primary": true}]}),
            json!({"emails": [{"value": "b@x.com", "type": "work"}, {"value": "b@home.org", "type": "home"}, {"value": "new@x.com", "type": "other", "primary": true}]}),
        ),
        (
            json!({"op": "add", "path": "emails", "value": [{"value": "b@home.org", "type": "home"}]}),
            json!({}),
        ),
        (
            json!({"op": "replace", "path": "emails", "value": [{"value": "only@x.com"}]}),
            json!({"emails": [{"value": "only@x.com"}]}),
        ),
        (
            json!({"op": "remove", "path": "emails[type eq \"work\"].primary"}),
            json!({"emails": [{"value": "b@x.com", "type": "work"}, {"value": "b@home.org", "type": "home"}]}),
        ),
        (
            json!({"op": "remove", "path": "emails", "value": [{"value": "B@HOME.ORG"}]}),
            json!({"emails": [{"value": "b@x.com", "type": "work", "primary": true}]}),
        ),
        (
            json!({"op": "replace", "path": "emails.type", "value": "other"}),
            json!({"emails": [{"value": "b@x.com", "type": "other", "primary": true}, {"value": "b@home.org", "type": "other"}]}),
        ),
        (
            json!({"op": "add", "path": "addresses[type eq \"work\"].streetAddress", "value": "1 Main St"}),
            json!({"addresses": [{"type": "work", "streetAddress": "1 Main St"}]}),
        ),
        (
            json!({"op": "add", "path": "name", "value": {"middleName": "M"}}),
            json!({"name": {"givenName": "Barbara", "familyName": "Jensen", "middleName": "M"}}),
        ),
        (
            json!({"op": "add", "path": "nickName", "value": "Babs"}),
            json!({"nickName": "Babs"}),
        ),
        (
            json!({"op": "replace", "path": "title", "value": null}),
            json!({}),
        ),
        (
            json!({"op": "remove", "path": "emails"}),
            json!({"emails": null}),
        ),
        (
            json!({"op": "remove", "path": "emails[value co \"nobody\"]"}),
            json!({}),
        ),
        (
            json!({"op": "replace", "path": "password", "value": "s3cret"}),
            json!({}),
        ),
        (
            json!({"op": "replace", "path": "x509Certificates", "value": [{"value": "MIIC"}]}),
            json!({"x509Certificates": [{"value": "MIIC"}]}),
        ),
    ];
    for (op, expect) in cases {
        let out = patch_user(json!([op.clone()]));
        let mut want = user();
        for (k, v) in expect.as_object().unwrap() {
            if v.is_null() {
                want.as_object_mut().unwrap().remove(k);
            } else {
                want[k] = v.clone();
            }
        }
        assert_eq!(out.resource, want, "{op}");
        assert!(out.resource.get("password").is_none());
    }
}

#[test]
fn errors_and_atomicity() {
    let cases = [
        (
            json!([{"op": "replace", "path": "id", "value": "x"}]),
            ScimType::Mutability,
        ),
        (
            json!([{"op": "replace", "path": "meta.created", "value": "2020-01-01T00:00:00Z"}]),
            ScimType::Mutability,
        ),
        (
            json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}]),
            ScimType::Mutability,
        ),
        (
            json!([{"op": "add", "path": "emails[type eq", "value": "x"}]),
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "add", "path": "name..x", "value": "x"}]),
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "replace", "path": "active", "value": "maybe"}]),
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "replace", "path": "name", "value": "x"}]),
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "replace", "path": "displayName"}]),
            ScimType::InvalidValue,
        ),
        (json!([{"op": "remove"}]), ScimType::NoTarget),
        (
            json!([{"op": "replace", "path": "emails[value co \"nobody\"]", "value": {"type": "x"}}]),
            ScimType::NoTarget,
        ),
        (
            json!([{"op": "remove", "path": "userName"}]),
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "replace", "value": "x"}]),
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "add", "path": "emails", "value": [{"value": "a", "primary": true}, {"value": "b", "primary": true}]}]),
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "replace", "path": "displayName", "value": "ok"}, {"op": "replace", "path": "active", "value": 3}]),
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "move", "path": "displayName"}]),
            ScimType::InvalidSyntax,
        ),
    ];
    for (ops, t) in cases {
        let e = patch(ResourceKind::User, &user(), ops.clone()).unwrap_err();
        assert_eq!(e.scim_type, Some(t), "{ops}: {e}");
    }
}

#[test]
fn unknown_and_read_only_in_pathless_values_are_ignored() {
    let out = patch_user(json!([
        {"op": "replace", "value": {"id": "other", "meta": {"version": "x"}, "displayName": "New"}},
        {"op": "add", "path": "urn:vendor:ext:1.0:User:thing", "value": 1},
        {"op": "remove", "path": "favouriteColour"},
        {"op": "replace", "path": "name.nickname", "value": "x"}
    ]));
    assert_eq!(out.resource["id"], "u1");
    assert_eq!(out.resource["displayName"], "New");
    assert_eq!(
        out.ignored,
        vec![
            "urn:vendor:ext:1.0:User:thing",
            "favouriteColour",
            "name.nickname"
        ]
    );
    assert_eq!(out.changed, vec!["displayName"]);
}

fn group() -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "Eng",
           "members": [{"value": "ignored-in-memory"}]})
}

fn patch_group(ops: Value) -> PatchOutcome {
    patch(ResourceKind::Group, &group(), ops).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn group_membership_is_a_delta() {
    use MemberChange::*;
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let cases = vec![
        // Okta
        (
            json!([{"op": "remove", "path": "members[value eq \"u1\"]"}]),
            vec![Remove(ids(&["u1"]))],
        ),
        (
            json!([{"op": "add", "path": "members", "value": [{"value": "u1", "display": "One"}]}]),
            vec![Add(ids(&["u1"]))],
        ),
        (
            json!([{"op": "replace", "path": "members", "value": [{"value": "u1"}, {"value": "u2"}]}]),
            vec![Replace(ids(&["u1", "u2"]))],
        ),
        (
            json!([{"op": "replace", "path": "members", "value": []}]),
            vec![Replace(vec![])],
        ),
        // Entra, both flag states
        (
            json!([{"op": "Remove", "path": "members", "value": [{"value": "u1"}]}]),
            vec![Remove(ids(&["u1"]))],
        ),
        (
            json!([{"op": "Add", "path": "members", "value": [{"value": "u1", "display": "x", "$ref": null}]}]),
            vec![Add(ids(&["u1"]))],
        ),
        // Others
        (
            json!([{"op": "remove", "path": "members"}]),
            vec![RemoveAll],
        ),
        (
            json!([{"op": "remove", "path": "members[value eq \"a\" or value eq \"b\"]"}]),
            vec![Remove(ids(&["a", "b"]))],
        ),
        (
            json!([{"op": "remove", "path": "members[value eq \"a\"].value"}]),
            vec![Remove(ids(&["a"]))],
        ),
        (
            json!([{"op": "add", "value": {"members": [{"value": "u3"}]}}]),
            vec![Add(ids(&["u3"]))],
        ),
        (
            json!([{"op": "replace", "value": {"members": ["u4"]}}]),
            vec![Replace(ids(&["u4"]))],
        ),
        (
            json!([{"op": "add", "path": "members", "value": []}]),
            vec![],
        ),
    ];
    for (ops, want) in cases {
        let out = patch_group(ops.clone());
        assert_eq!(out.members, want, "{ops}");
        assert!(out.resource.get("members").is_none());
        assert_eq!(
            out.changed.contains(&"members".to_string()),
            !want.is_empty()
        );
    }
    let out = patch_group(json!([{"op": "remove", "path": "members[type eq \"Group\"]"}]));
    assert!(
        matches!(&out.members[..], [RemoveWhere(f)] if f.to_string() == "members.type eq \"Group\"")
    );
}

#[test]
fn okta_group_rename_carries_id() {
    let out = patch_group(json!([{"op": "replace", "value": {"id": "g1", "displayName": "New"}}]));
    assert_eq!(
        out.resource,
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "New"})
    );
    assert_eq!(out.changed, vec!["displayName"]);
    assert!(out.members.is_empty());
}

#[test]
fn group_errors() {
    for (ops, t) in [
        (
            json!([{"op": "add", "path": "members", "value": [{"display": "no id"}]}]),
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "add", "path": "members"}]),
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "replace", "path": "members[value eq \"a\"].display", "value": "x"}]),
            ScimType::Mutability,
        ),
        (
            json!([{"op": "remove", "path": "displayName"}]),
            ScimType::InvalidValue,
        ),
    ] {
        let e = patch(ResourceKind::Group, &group(), ops.clone()).unwrap_err();
        assert_eq!(e.scim_type, Some(t), "{ops}: {e}");
    }
}
