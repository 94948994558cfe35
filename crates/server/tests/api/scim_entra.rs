//! Every Microsoft Entra ID request shape of `idp-wire-behaviour.md` (both PATCH dialects),
//! and the shapes common to all IdPs (content types, read-only and null attributes, schema
//! URNs), driven through the HTTP API.
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{backend_tests, common::patch_op};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const MS_GROUP: &str = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";

/// A user as Entra creates one.
fn entra_user(user_name: &str, external_id: &str) -> Value {
    json!({
        "schemas": [USER, ENTERPRISE],
        "externalId": external_id,
        "userName": user_name,
        "active": true,
        "displayName": "Jo Young",
        "emails": [{"primary": true, "type": "work", "value": user_name}],
        "name": {"formatted": "Jo Young", "familyName": "Young", "givenName": "Jo"},
        ENTERPRISE: {"employeeNumber": "701984", "department": "Tour Operations"}
    })
}

/// The ids of a list answer, asserting it is a 200 ListResponse.
fn ids(res: &crate::common::TestResponse) -> Vec<String> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let list = res.json();
    assert_eq!(
        list["totalResults"].as_u64().unwrap() as usize,
        list["Resources"].as_array().unwrap().len()
    );
    list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

backend_tests! {
    async fn filters_on_user_name_and_external_id(app) {
        let dir = app.directory("Entra").await;
        let res = app.scim(&dir, Method::POST, "/Users", Some(entra_user("jyoung@example.com", "jyoung"))).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let id = res.json()["id"].as_str().unwrap().to_owned();
        app.scim(&dir, Method::POST, "/Users", Some(entra_user("other@example.com", "other"))).await;
        let by_name = app.scim(&dir, Method::GET, "/Users?filter=userName%20eq%20%22jyoung%40example.com%22", None).await;
        assert_eq!(ids(&by_name), vec![id.clone()]);
        let by_external = app.scim(&dir, Method::GET, "/Users?filter=externalId%20eq%20%22jyoung%22", None).await;
        assert_eq!(ids(&by_external), vec![id.clone()]);
        // externalId is case-exact.
        let wrong_case = app.scim(&dir, Method::GET, "/Users?filter=externalId%20eq%20%22JYOUNG%22", None).await;
        assert!(ids(&wrong_case).is_empty());
        // `and` of the two, as Entra combines them.
        let both = app
            .scim(&dir, Method::GET, "/Users?filter=userName%20eq%20%22jyoung%40example.com%22%20and%20externalId%20eq%20%22jyoung%22", None)
            .await;
        assert_eq!(ids(&both), vec![id]);
    }

    async fn filter_with_an_unquoted_external_id(app) {
        let dir = app.directory("Entra").await;
        let res = app.scim(&dir, Method::POST, "/Users", Some(entra_user("jyoung@example.com", "jyoung"))).await;
        let id = res.json()["id"].as_str().unwrap().to_owned();
        let res = app.scim(&dir, Method::GET, "/Users?filter=externalId%20eq%20jyoung", None).await;
        assert_eq!(ids(&res), vec![id]);
    }

    async fn filters_groups_on_display_name(app) {
        let dir = app.directory("Entra").await;
        let gid = app.create_group(&dir, "Tour Operations", &[]).await;
        app.create_group(&dir, "Other", &[]).await;
        let res = app.scim(&dir, Method::GET, "/Groups?filter=displayName%20eq%20%22Tour%20Operations%22", None).await;
        assert_eq!(ids(&res), vec![gid]);
        let none = app.scim(&dir, Method::GET, "/Groups?filter=displayName%20eq%20%22Tour%22", None).await;
        assert!(ids(&none).is_empty());
    }

    async fn filters_on_the_work_email(app) {
        let dir = app.directory("Entra").await;
        let res = app.scim(&dir, Method::POST, "/Users", Some(json!({
            "userName": "jy", "emails": [
                {"type": "home", "value": "home@example.org"},
                {"type": "work", "value": "Jo.Young@example.com", "primary": true}
            ]
        }))).await;
        let id = res.json()["id"].as_str().unwrap().to_owned();
        let filter = "/Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22jo.young%40example.com%22";
        assert_eq!(ids(&app.scim(&dir, Method::GET, filter, None).await), vec![id]);
        // The home address is not a work address.
        let home = "/Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22home%40example.org%22";
        assert!(ids(&app.scim(&dir, Method::GET, home, None).await).is_empty());
    }

    async fn test_connection_filter_on_a_random_guid_is_an_empty_list(app) {
        let dir = app.directory("Entra").await;
        app.create_user(&dir, "someone@example.com").await;
        let guid = uuid::Uuid::new_v4();
        for path in [
            format!("/Users?filter=userName%20eq%20%22{guid}%22"),
            format!("/Users?filter=externalId%20eq%20%22{guid}%22"),
            format!("/Groups?filter=displayName%20eq%20%22{guid}%22"),
        ] {
            let res = app.scim(&dir, Method::GET, &path, None).await;
            assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.text());
            let list = res.json();
            assert_eq!(list["schemas"], json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"]));
            assert_eq!(list["totalResults"], 0);
            assert_eq!(list["Resources"], json!([]));
        }
    }

    async fn capitalised_ops_are_accepted(app) {
        let dir = app.directory("Entra").await;
        let id = app.create_user(&dir, "caps@example.com").await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "Add", "path": "title", "value": "Guide"},
                {"op": "Replace", "path": "displayName", "value": "Caps"},
                {"op": "Add", "path": "nickName", "value": "C"},
                {"op": "Remove", "path": "nickName"}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let user = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
        assert_eq!(user["title"], "Guide");
        assert_eq!(user["displayName"], "Caps");
        assert!(user.get("nickName").is_none());
    }

    async fn old_dialect_disables_with_a_string_boolean(app) {
        let dir = app.directory("Entra").await;
        let id = app.create_user(&dir, "old@example.com").await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "Replace", "path": "active", "value": "False"}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(res.json()["active"], false);
        let user = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
        assert_eq!(user["active"], json!(false), "stored as a boolean, not a string");
        // The new dialect's plain boolean works the same way.
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "replace", "path": "active", "value": true}
            ]))))
            .await;
        assert_eq!(res.json()["active"], true);
    }

    async fn old_dialect_removes_members_by_value_list(app) {
        let dir = app.directory("Entra").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let b = app.create_user(&dir, "b@example.com").await;
        let c = app.create_user(&dir, "c@example.com").await;
        let gid = app.create_group(&dir, "Old", &[&a, &b, &c]).await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                {"op": "Remove", "path": "members", "value": [{"value": a}, {"value": c}]}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
        assert_eq!(app.member_ids(&dir, &gid).await, vec![b]);
    }

    async fn new_dialect_removes_a_member_by_filter(app) {
        let dir = app.directory("Entra").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let b = app.create_user(&dir, "b@example.com").await;
        let gid = app.create_group(&dir, "New", &[&a, &b]).await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                {"op": "remove", "path": format!("members[value eq \"{b}\"]")}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
        assert_eq!(app.member_ids(&dir, &gid).await, vec![a]);
    }

    async fn new_dialect_pathless_replace_with_dotted_and_urn_keys(app) {
        let dir = app.directory("Entra").await;
        let res = app.scim(&dir, Method::POST, "/Users", Some(entra_user("jy@example.com", "jy"))).await;
        let id = res.json()["id"].as_str().unwrap().to_owned();
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "replace", "value": {
                    "displayName": "A",
                    "name.givenName": "B",
                    "name.familyName": "C",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "D"
                }}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let user = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
        assert_eq!(user["displayName"], "A");
        assert_eq!(user["name"]["givenName"], "B");
        assert_eq!(user["name"]["familyName"], "C");
        assert_eq!(user["name"]["formatted"], "Jo Young", "other sub-attributes stay");
        assert_eq!(user[ENTERPRISE]["employeeNumber"], "D");
        assert_eq!(user[ENTERPRISE]["department"], "Tour Operations");
        assert!(user.get("name.givenName").is_none(), "dotted keys are paths, not attributes");
        // Sorting by the indexed column sees the new given name.
        let list = app.scim(&dir, Method::GET, "/Users?filter=name.givenName%20eq%20%22B%22", None).await;
        assert_eq!(ids(&list), vec![id]);
    }

    async fn filtered_email_replace_creates_the_element_when_absent(app) {
        let dir = app.directory("Entra").await;
        let id = app.create_user(&dir, "noemail").await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "a@b.com"}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let user = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
        assert_eq!(user["emails"], json!([{"type": "work", "value": "a@b.com"}]));
        // Now it exists, a second replace changes it in place.
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "c@d.com"}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK);
        let user = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
        assert_eq!(user["emails"], json!([{"type": "work", "value": "c@d.com"}]));
        let filter = "/Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22c%40d.com%22";
        assert_eq!(ids(&app.scim(&dir, Method::GET, filter, None).await), vec![id]);
    }

    async fn manager_as_a_list_with_ref_and_as_a_plain_string(app) {
        let dir = app.directory("Entra").await;
        let boss = app.create_user(&dir, "boss@example.com").await;
        let other = app.create_user(&dir, "other@example.com").await;
        let id = app.create_user(&dir, "worker@example.com").await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "Add", "path": "manager", "value": [{"$ref": format!("../Users/{boss}"), "value": boss}]}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let user = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
        assert_eq!(user[ENTERPRISE]["manager"]["value"], boss.as_str());
        assert!(user["schemas"].as_array().unwrap().contains(&json!(ENTERPRISE)));
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "Replace", "path": "manager", "value": other}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let user = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
        assert_eq!(user[ENTERPRISE]["manager"]["value"], other.as_str());
        assert!(user[ENTERPRISE]["manager"].get("$ref").is_none_or(|r| !r.as_str().unwrap().contains(&boss)), "the old $ref must not survive: {user}");
    }

    async fn members_add_with_a_null_ref(app) {
        let dir = app.directory("Entra").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let gid = app.create_group(&dir, "Refs", &[]).await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                {"op": "Add", "path": "members", "value": [{"$ref": null, "value": a}]}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
        assert_eq!(app.member_ids(&dir, &gid).await, vec![a]);
    }

    async fn groups_read_without_members(app) {
        let dir = app.directory("Entra").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let gid = app.create_group(&dir, "Sales", &[&a]).await;
        let res = app.scim(&dir, Method::GET, &format!("/Groups/{gid}?excludedAttributes=members"), None).await;
        assert_eq!(res.status, StatusCode::OK);
        let group = res.json();
        assert_eq!(group["displayName"], "Sales");
        assert_eq!(group["id"], gid.as_str());
        assert!(group.get("members").is_none(), "{group}");
        let res = app
            .scim(&dir, Method::GET, "/Groups?excludedAttributes=members&filter=displayName%20eq%20%22Sales%22", None)
            .await;
        assert_eq!(ids(&res), vec![gid.clone()]);
        assert!(res.json()["Resources"][0].get("members").is_none());
        // Without the exclusion the members are there.
        let group = app.scim(&dir, Method::GET, &format!("/Groups/{gid}"), None).await.json();
        assert_eq!(group["members"][0]["value"], a.as_str());
    }

    async fn group_patch_answers_204(app) {
        let dir = app.directory("Entra").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let gid = app.create_group(&dir, "Quiet", &[]).await;
        for op in [
            json!({"op": "Add", "path": "members", "value": [{"value": a}]}),
            json!({"op": "Replace", "path": "displayName", "value": "Quieter"}),
            json!({"op": "Remove", "path": "members", "value": [{"value": a}]}),
        ] {
            let res = app.scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([op])))).await;
            assert_eq!(res.status, StatusCode::NO_CONTENT, "{op}: {}", res.text());
            assert!(res.body.is_empty());
        }
    }

    async fn unknown_member_ids_are_refused_applying_nothing(app) {
        let dir = app.directory("Entra").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let b = app.create_user(&dir, "b@example.com").await;
        let gid = app.create_group(&dir, "Strict", &[&a]).await;
        let other = app.directory("Other").await;
        let foreign = app.create_user(&other, "f@example.com").await;
        for bad in ["00000000-0000-0000-0000-000000000000", foreign.as_str()] {
            // One good and one unknown member, plus a rename, in one request: all or nothing.
            let res = app
                .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                    {"op": "Replace", "path": "displayName", "value": "Renamed"},
                    {"op": "Add", "path": "members", "value": [{"value": b}, {"value": bad}]}
                ]))))
                .await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text());
            let err = res.json();
            assert_eq!(err["scimType"], "invalidValue");
            assert!(err["detail"].as_str().unwrap().contains(bad), "{err}");
            assert_eq!(app.member_ids(&dir, &gid).await, vec![a.clone()]);
            let group = app.scim(&dir, Method::GET, &format!("/Groups/{gid}"), None).await.json();
            assert_eq!(group["displayName"], "Strict");
            assert_eq!(group["meta"]["version"], "W/\"1\"", "nothing was written");
        }
        // Same rule on create and on a full replace.
        let res = app.scim(&dir, Method::POST, "/Groups", Some(json!({
            "displayName": "Born broken", "members": [{"value": "nope"}]
        }))).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(res.json()["scimType"], "invalidValue");
        let list = app.scim(&dir, Method::GET, "/Groups?filter=displayName%20eq%20%22Born%20broken%22", None).await;
        assert!(ids(&list).is_empty(), "a refused create leaves no group");
        let res = app
            .scim(&dir, Method::PUT, &format!("/Groups/{gid}"), Some(json!({
                "displayName": "Strict", "members": [{"value": "nope"}]
            })))
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(app.member_ids(&dir, &gid).await, vec![a]);
    }

    async fn soft_deleted_users_are_still_returned_then_deleted(app) {
        let dir = app.directory("Entra").await;
        let res = app.scim(&dir, Method::POST, "/Users", Some(entra_user("soft@example.com", "soft"))).await;
        let id = res.json()["id"].as_str().unwrap().to_owned();
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "Replace", "path": "active", "value": "False"}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK);
        let res = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.json()["active"], false);
        let list = app.scim(&dir, Method::GET, "/Users?filter=externalId%20eq%20%22soft%22", None).await;
        assert_eq!(ids(&list), vec![id.clone()]);
        let res = app.scim(&dir, Method::DELETE, &format!("/Users/{id}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        let res = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let list = app.scim(&dir, Method::GET, "/Users?filter=externalId%20eq%20%22soft%22", None).await;
        assert!(ids(&list).is_empty());
    }

    async fn retried_post_meets_409_then_finds_the_user(app) {
        let dir = app.directory("Entra").await;
        let body = entra_user("retry@example.com", "retry");
        let first = app.scim(&dir, Method::POST, "/Users", Some(body.clone())).await;
        assert_eq!(first.status, StatusCode::CREATED);
        let id = first.json()["id"].as_str().unwrap().to_owned();
        let retry = app.scim(&dir, Method::POST, "/Users", Some(body)).await;
        assert_eq!(retry.status, StatusCode::CONFLICT);
        assert_eq!(retry.json()["scimType"], "uniqueness");
        let found = app.scim(&dir, Method::GET, "/Users?filter=userName%20eq%20%22retry%40example.com%22", None).await;
        assert_eq!(ids(&found), vec![id.clone()]);
        let found = app.scim(&dir, Method::GET, "/Users?filter=externalId%20eq%20%22retry%22", None).await;
        assert_eq!(ids(&found), vec![id]);
    }

    async fn both_request_content_types_are_accepted(app) {
        let dir = app.directory("Entra").await;
        for (n, content_type) in ["application/json", "application/scim+json; charset=utf-8", "application/scim+json"]
            .into_iter()
            .enumerate()
        {
            let body = json!({"schemas": [USER], "userName": format!("ct{n}@example.com")}).to_string();
            let res = app.scim_raw(&dir, Method::POST, "/Users", content_type, body).await;
            assert_eq!(res.status, StatusCode::CREATED, "{content_type}: {}", res.text());
            assert_eq!(res.header("content-type"), Some("application/scim+json"));
            let id = res.json()["id"].as_str().unwrap().to_owned();
            let patch = patch_op(json!([{"op": "replace", "path": "title", "value": "T"}])).to_string();
            let res = app.scim_raw(&dir, Method::PATCH, &format!("/Users/{id}"), content_type, patch).await;
            assert_eq!(res.status, StatusCode::OK, "{content_type}: {}", res.text());
        }
        // Not JSON at all: a SCIM invalidSyntax error.
        let res = app.scim_raw(&dir, Method::POST, "/Users", "application/json", "{not json").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(res.json()["scimType"], "invalidSyntax");
    }

    async fn read_only_id_and_meta_from_the_client_are_ignored(app) {
        let dir = app.directory("Entra").await;
        let mut body = entra_user("ro@example.com", "ro");
        body["id"] = json!("client-chosen-id");
        body["meta"] = json!({"resourceType": "User", "created": "2001-01-01T00:00:00Z", "version": "W/\"99\""});
        let res = app.scim(&dir, Method::POST, "/Users", Some(body)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let user = res.json();
        let id = user["id"].as_str().unwrap().to_owned();
        assert_ne!(id, "client-chosen-id");
        assert_ne!(user["meta"]["created"], "2001-01-01T00:00:00Z");
        assert_eq!(user["meta"]["version"], "W/\"1\"");
        // On PUT too, including an `id` that is not the resource's.
        let res = app
            .scim(&dir, Method::PUT, &format!("/Users/{id}"), Some(json!({
                "schemas": [USER], "id": "something-else", "userName": "ro@example.com",
                "meta": {"location": "https://evil.example/Users/x"}
            })))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let user = res.json();
        assert_eq!(user["id"], id.as_str());
        assert!(!user["meta"]["location"].as_str().unwrap().contains("evil"));
        let res = app.scim(&dir, Method::GET, "/Users/client-chosen-id", None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    }

    async fn null_means_no_value(app) {
        let dir = app.directory("Entra").await;
        let res = app
            .scim(&dir, Method::POST, "/Users", Some(json!({
                "schemas": [USER], "userName": "nulls@example.com", "title": null,
                "addresses": null, "name": {"givenName": "N", "familyName": null}, "nickName": "Nick"
            })))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let user = res.json();
        let id = user["id"].as_str().unwrap().to_owned();
        assert!(user.get("title").is_none() && user.get("addresses").is_none(), "{user}");
        assert_eq!(user["name"], json!({"givenName": "N"}));
        // A PUT with null clears an attribute; a path-less replace with null too.
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "replace", "value": {"nickName": null}}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert!(res.json().get("nickName").is_none(), "{}", res.text());
        let res = app
            .scim(&dir, Method::PUT, &format!("/Users/{id}"), Some(json!({
                "schemas": [USER], "userName": "nulls@example.com", "name": null, "title": null
            })))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert!(res.json().get("name").is_none());
    }

    async fn schema_urns_are_compared_case_insensitively(app) {
        let dir = app.directory("Entra").await;
        let upper_user = USER.to_uppercase();
        let lower_ent = ENTERPRISE.to_lowercase();
        let res = app
            .scim(&dir, Method::POST, "/Users", Some(json!({
                "schemas": [upper_user, lower_ent],
                "userName": "case@example.com",
                lower_ent.clone(): {"employeeNumber": "42"}
            })))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let user = res.json();
        assert_eq!(user[ENTERPRISE]["employeeNumber"], "42", "{user}");
        assert_eq!(user["schemas"], json!([USER, ENTERPRISE]));
        let id = user["id"].as_str().unwrap().to_owned();
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(json!({
                "schemas": ["URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP"],
                "Operations": [{"op": "replace", "path": format!("{}:department", ENTERPRISE.to_uppercase()), "value": "Ops"}]
            })))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(res.json()[ENTERPRISE]["department"], "Ops");
    }

    async fn unknown_extra_schema_urns_are_tolerated(app) {
        let dir = app.directory("Entra").await;
        let res = app
            .scim(&dir, Method::POST, "/Groups", Some(json!({
                "schemas": [GROUP, MS_GROUP],
                "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
                "displayName": "Group1DisplayName",
                "members": []
            })))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let group = res.json();
        assert_eq!(group["schemas"], json!([GROUP]));
        assert_eq!(group["externalId"], "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159");
        let gid = group["id"].as_str().unwrap().to_owned();
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp", MS_GROUP],
                "Operations": [{"op": "Replace", "path": "displayName", "value": "Group2"}]
            })))
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    }

    async fn unknown_attributes_are_ignored_and_named_in_the_sync_log(app) {
        let dir = app.directory("Entra").await;
        let res = app
            .scim(&dir, Method::POST, "/Users", Some(json!({
                "schemas": [USER],
                "userName": "unknown@example.com",
                "favouriteColour": "teal",
                "name": {"givenName": "U", "middleInitial": "Q"},
                "urn:example:vendor:1.0:User": {"badge": "7"}
            })))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let user = res.json();
        assert!(user.get("favouriteColour").is_none());
        assert_eq!(user["name"], json!({"givenName": "U"}));
        let id = user["id"].as_str().unwrap().to_owned();
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                {"op": "Add", "path": "shoeSize", "value": "44"},
                {"op": "replace", "value": {"title": "Boss", "hatSize": 7}}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(res.json()["title"], "Boss");

        let events = app.sync_log(&dir).await;
        let create = events.iter().find(|e| e["operation"] == "createUser").expect("create logged");
        let ignored = create["ignored"].as_array().unwrap();
        for name in ["favouriteColour", "name.middleInitial", "urn:example:vendor:1.0:User"] {
            assert!(ignored.iter().any(|i| i == name), "{name} not in {create}");
        }
        assert!(create["changed"].as_array().unwrap().contains(&json!("userName")));
        let patch = events.iter().find(|e| e["operation"] == "patchUser").expect("patch logged");
        let ignored = patch["ignored"].as_array().unwrap();
        assert!(ignored.contains(&json!("shoeSize")) && ignored.contains(&json!("hatSize")), "{patch}");
        assert_eq!(patch["changed"], json!(["title"]));
        assert_eq!(patch["resourceId"], id.as_str());
        assert_eq!(patch["resourceLabel"], "unknown@example.com");
        // The log never holds the key.
        assert!(!serde_json::to_string(&events).unwrap().contains(&dir.key));
    }
}
