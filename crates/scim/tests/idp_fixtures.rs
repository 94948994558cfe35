//! Every request body and filter of `shared/reference/idp-wire-behaviour.md`, in the order of
//! that document, parsed through the public API with the resulting resource or delta asserted.

use roster_scim::messages::ListResponse;
use roster_scim::schema::{ServiceProviderConfig, ENTERPRISE_USER_SCHEMA as ENT};
use roster_scim::{
    apply_patch_json, parse_group, parse_user, Filter, GroupFields, MemberChange, PatchOutcome,
    Projection, ResourceKind, ScimError, UserFields,
};
use serde_json::{json, Value};

const USER: ResourceKind = ResourceKind::User;
const GROUP: ResourceKind = ResourceKind::Group;

fn stored_user() -> Value {
    parse_user(&json!({
        "userName": "jdoe@example.com", "externalId": "jyoung", "displayName": "J Doe", "active": true,
        "name": {"givenName": "J", "familyName": "Doe"},
        "emails": [{"value": "jdoe@example.com", "type": "work", "primary": true}]
    }))
    .unwrap()
    .resource
}

fn stored_group() -> Value {
    parse_group(&json!({"displayName": "Engineering", "members": []}))
        .unwrap()
        .resource
}

fn patch(kind: ResourceKind, resource: &Value, ops: Value) -> PatchOutcome {
    let body =
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops});
    apply_patch_json(kind, resource, &body).unwrap_or_else(|e| panic!("{ops}: {e}"))
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// ---- Common to all ----

#[test]
fn common_error_body_and_list_shapes() {
    let body = ScimError::unauthorized("missing or wrong API key").to_body();
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(body["status"], "401");
    let empty = ListResponse::new(vec![], 0, 1).to_json();
    assert_eq!(empty["totalResults"], 0);
    assert_eq!(empty["startIndex"], 1);
    assert_eq!(empty["itemsPerPage"], 0);
    assert_eq!(
        ScimError::uniqueness("userName exists").to_body()["status"],
        "409"
    );
}

#[test]
fn common_read_only_null_and_schema_urns() {
    let p = parse_user(&json!({
        "schemas": ["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"],
        "id": "client-id", "meta": {"resourceType": "User"},
        "userName": "a", "addresses": null, "title": null
    }))
    .unwrap();
    assert_eq!(
        p.resource,
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "a"})
    );
    assert!(p.ignored.is_empty());
    let g = parse_group(&json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group",
                    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
        "displayName": "G"
    }))
    .unwrap();
    assert_eq!(g.resource["displayName"], "G");
}

// ---- Okta ----

#[test]
fn okta_existence_check_filter() {
    let f = Filter::parse(USER, r#"userName eq "x@y""#).unwrap();
    assert!(!f.matches(&stored_user()));
    let f = Filter::parse(USER, r#"userName eq "JDOE@example.com""#).unwrap();
    assert!(f.matches(&stored_user()));
}

#[test]
fn okta_create_and_put_user() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "isabella@example.com",
        "name": {"givenName": "Isabella", "familyName": "Ruiz"},
        "emails": [{"primary": true, "value": "isabella@example.com", "type": "work"}],
        "displayName": "Isabella Ruiz", "locale": "en-US", "externalId": "00u1", "groups": [],
        "password": "1mz050nq", "active": true
    });
    let p = parse_user(&body).unwrap();
    assert!(p.resource.get("password").is_none());
    assert!(p.resource.get("groups").is_none());
    let f = UserFields::from_resource(&p.resource).unwrap();
    assert_eq!(
        (f.user_name.as_str(), f.external_id.as_deref(), f.active),
        ("isabella@example.com", Some("00u1"), true)
    );
    // The server adds id/meta; the default projection still never returns a password.
    let mut out = p.resource.clone();
    out["id"] = json!("u-1");
    out["password"] = json!("must not leak");
    let shown = Projection::default_for(USER).apply(out.clone());
    assert!(shown.get("password").is_none());
    assert_eq!(shown["id"], "u-1");
    // PUT sends the whole object again: same parser.
    assert_eq!(parse_user(&body).unwrap(), p);
}

#[test]
fn okta_deactivate() {
    let out = patch(
        USER,
        &stored_user(),
        json!([{"op": "replace", "value": {"active": false}}]),
    );
    assert_eq!(out.resource["active"], false);
    assert_eq!(out.changed, vec!["active"]);
    assert!(!UserFields::from_resource(&out.resource).unwrap().active);
}

#[test]
fn okta_group_push_and_membership() {
    let g = parse_group(&json!({"displayName": "Push", "members": []})).unwrap();
    assert_eq!(
        GroupFields::from_resource(&g.resource).unwrap().member_ids,
        Vec::<String>::new()
    );
    let group = stored_group();
    let cases = [
        (
            json!([{"op": "remove", "path": "members[value eq \"u1\"]"}]),
            vec![MemberChange::Remove(ids(&["u1"]))],
        ),
        (
            json!([{"op": "add", "path": "members", "value": [{"value": "u1", "display": "User One"}]}]),
            vec![MemberChange::Add(ids(&["u1"]))],
        ),
        (
            json!([{"op": "replace", "path": "members", "value": [{"value": "u1"}, {"value": "u2"}]}]),
            vec![MemberChange::Replace(ids(&["u1", "u2"]))],
        ),
    ];
    for (ops, want) in cases {
        assert_eq!(patch(GROUP, &group, ops.clone()).members, want, "{ops}");
    }
    let out = patch(
        GROUP,
        &group,
        json!([{"op": "replace", "value": {"id": "g1", "displayName": "New"}}]),
    );
    assert_eq!(out.resource["displayName"], "New");
    assert!(out.resource.get("id").is_none());
    assert_eq!(out.changed, vec!["displayName"]);
}

// ---- Microsoft Entra ID ----

#[test]
fn entra_filters() {
    let user = stored_user();
    let cases = [
        (USER, r#"userName eq "jdoe@example.com""#, true),
        (USER, r#"externalId eq "jyoung""#, true),
        (USER, "externalId eq jyoung", true),
        (
            USER,
            r#"emails[type eq "work"].value eq "jdoe@example.com""#,
            true,
        ),
        (
            USER,
            r#"emails[type eq "home"].value eq "jdoe@example.com""#,
            false,
        ),
        (
            USER,
            r#"userName eq "5b7e4b5c-0d1f-4a8e-9d0b-2f2b4a9f6c11""#,
            false,
        ),
    ];
    for (kind, text, want) in cases {
        let f = Filter::parse(kind, text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(f.matches(&user), want, "{text}");
    }
    let f = Filter::parse(GROUP, r#"displayName eq "Engineering""#).unwrap();
    assert!(f.matches(&stored_group()));
}

#[test]
fn entra_disable_both_flag_states() {
    for op in [
        json!({"op": "Replace", "path": "active", "value": "False"}),
        json!({"op": "replace", "path": "active", "value": false}),
    ] {
        let out = patch(USER, &stored_user(), json!([op]));
        assert_eq!(out.resource["active"], false);
    }
}

#[test]
fn entra_remove_member_both_flag_states() {
    for op in [
        json!({"op": "Remove", "path": "members", "value": [{"value": "u9"}]}),
        json!({"op": "remove", "path": "members[value eq \"u9\"]"}),
    ] {
        assert_eq!(
            patch(GROUP, &stored_group(), json!([op])).members,
            vec![MemberChange::Remove(ids(&["u9"]))]
        );
    }
}

#[test]
fn entra_pathless_replace_with_dotted_and_urn_keys() {
    let out = patch(
        USER,
        &stored_user(),
        json!([{"op": "replace", "value": {
            "displayName": "A", "name.givenName": "B", "name.familyName": "C",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "D"
        }}]),
    );
    assert_eq!(out.resource["displayName"], "A");
    assert_eq!(
        out.resource["name"],
        json!({"givenName": "B", "familyName": "C"})
    );
    assert_eq!(out.resource[ENT], json!({"employeeNumber": "D"}));
    assert_eq!(out.resource["schemas"][1], ENT);
}

#[test]
fn entra_filtered_path_replace_and_create() {
    let op =
        json!([{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "a@b.com"}]);
    let out = patch(USER, &stored_user(), op.clone());
    assert_eq!(
        out.resource["emails"],
        json!([{"value": "a@b.com", "type": "work", "primary": true}])
    );
    let bare = parse_user(&json!({"userName": "x"})).unwrap().resource;
    let out = patch(USER, &bare, op);
    assert_eq!(
        out.resource["emails"],
        json!([{"type": "work", "value": "a@b.com"}])
    );
}

#[test]
fn entra_manager() {
    let out = patch(
        USER,
        &stored_user(),
        json!([{"op": "Add", "path": "manager", "value": [{"$ref": "../Users/m1", "value": "m1"}]}]),
    );
    assert_eq!(
        out.resource[ENT]["manager"],
        json!({"$ref": "../Users/m1", "value": "m1"})
    );
    let out = patch(
        USER,
        &out.resource,
        json!([{"op": "Replace", "path": "manager", "value": "m2"}]),
    );
    assert_eq!(out.resource[ENT]["manager"], json!({"value": "m2"}));
    assert_eq!(
        UserFields::from_resource(&out.resource)
            .unwrap()
            .manager_id
            .as_deref(),
        Some("m2")
    );
}

#[test]
fn entra_members_add_with_null_ref() {
    let out = patch(
        GROUP,
        &stored_group(),
        json!([{"op": "Add", "path": "members", "value": [{"value": "u1", "$ref": null}]}]),
    );
    assert_eq!(out.members, vec![MemberChange::Add(ids(&["u1"]))]);
}

#[test]
fn entra_group_reads_exclude_members() {
    let p = Projection::parse(GROUP, None, Some("members")).unwrap();
    assert!(!p.wants("members"));
    let mut g = stored_group();
    g["id"] = json!("g1");
    g["members"] = json!([{"value": "u1"}]);
    assert!(p.apply(g.clone()).get("members").is_none());
    let f = Filter::parse(GROUP, r#"displayName eq "x""#).unwrap();
    assert!(!f.matches(&g));
}

// ---- Other servers' failures ----

#[test]
fn patch_is_advertised() {
    let spc = ServiceProviderConfig::default().to_json("https://r.example/scim");
    assert_eq!(spc["patch"]["supported"], true);
    assert_eq!(spc["filter"]["supported"], true);
}

#[test]
fn membership_cost_does_not_depend_on_group_size() {
    // The group resource never carries its members into the engine; a one-member add on a
    // 35,000-member group is the same delta as on an empty one.
    let mut big = stored_group();
    big["members"] = Value::Array(
        (0..35_000)
            .map(|i| json!({"value": format!("u{i}")}))
            .collect(),
    );
    let out = patch(
        GROUP,
        &big,
        json!([{"op": "add", "path": "members", "value": [{"value": "new"}]}]),
    );
    assert_eq!(out.members, vec![MemberChange::Add(ids(&["new"]))]);
    assert!(out.resource.get("members").is_none());
}
