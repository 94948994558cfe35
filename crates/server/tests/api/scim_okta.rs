//! Every Okta request shape of `idp-wire-behaviour.md`, driven through the HTTP API: the
//! existence check and connection test, user create/update/deactivate, group push, and the
//! page walk.
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{backend_tests, common::patch_op};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// The body Okta's SCIM 2.0 integration sends to create a user.
fn okta_user(user_name: &str) -> Value {
    json!({
        "schemas": [USER],
        "userName": user_name,
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"primary": true, "value": user_name, "type": "work"}],
        "displayName": "Barbara Jensen",
        "locale": "en-US",
        "externalId": "00u1abcd",
        "groups": [],
        "password": "t1meMa$heen",
        "active": true
    })
}

/// `totalResults`, `startIndex` and `itemsPerPage` are JSON integers.
fn assert_list_integers(list: &Value) {
    assert_eq!(list["schemas"], json!([LIST]));
    for key in ["totalResults", "startIndex", "itemsPerPage"] {
        assert!(list[key].is_u64(), "{key} must be an integer: {list}");
    }
}

backend_tests! {
    async fn existence_check_filters_by_user_name(app) {
        let dir = app.directory("Okta").await;
        let id = app.create_user(&dir, "x@y.com").await;
        // Okta URL-encodes the filter; the match is case-insensitive on userName.
        let res = app
            .scim(&dir, Method::GET, "/Users?filter=userName%20eq%20%22X%40Y.com%22&startIndex=1&count=100", None)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(res.header("content-type"), Some("application/scim+json"));
        let list = res.json();
        assert_list_integers(&list);
        assert_eq!(list["totalResults"], 1);
        assert_eq!(list["startIndex"], 1);
        assert_eq!(list["itemsPerPage"], 1);
        assert_eq!(list["Resources"][0]["id"], id.as_str());
        assert_eq!(list["Resources"][0]["userName"], "x@y.com");

        let res = app
            .scim(&dir, Method::GET, "/Users?filter=userName%20eq%20%22nobody%40y.com%22&startIndex=1&count=100", None)
            .await;
        assert_eq!(res.status, StatusCode::OK);
        let list = res.json();
        assert_list_integers(&list);
        assert_eq!(list["totalResults"], 0);
        assert_eq!(list["Resources"], json!([]));
    }

    async fn connection_test_lists_two_users(app) {
        let dir = app.directory("Okta").await;
        let res = app.scim(&dir, Method::GET, "/Users?startIndex=1&count=2", None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let list = res.json();
        assert_list_integers(&list);
        assert_eq!(list["totalResults"], 0);
        for n in 0..3 {
            app.create_user(&dir, &format!("u{n}@y.com")).await;
        }
        let list = app.scim(&dir, Method::GET, "/Users?startIndex=1&count=2", None).await.json();
        assert_list_integers(&list);
        assert_eq!(list["totalResults"], 3);
        assert_eq!(list["itemsPerPage"], 2);
        assert_eq!(list["Resources"].as_array().unwrap().len(), 2);
    }

    async fn create_with_the_full_okta_body(app) {
        let dir = app.directory("Okta").await;
        let res = app.scim(&dir, Method::POST, "/Users", Some(okta_user("bjensen@example.com"))).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let user = res.json();
        let id = user["id"].as_str().unwrap().to_owned();
        assert!(!id.is_empty());
        assert_eq!(res.header("location"), user["meta"]["location"].as_str());
        assert!(res.header("location").unwrap().ends_with(&format!("/Users/{id}")));
        assert!(res.header("etag").is_some());
        assert!(user.get("password").is_none(), "password is write-only: {user}");
        assert_eq!(user["name"]["givenName"], "Barbara");
        assert_eq!(user["emails"][0]["value"], "bjensen@example.com");
        assert_eq!(user["locale"], "en-US");
        assert_eq!(user["externalId"], "00u1abcd");
        assert_eq!(user["active"], true);

        let got = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await;
        assert_eq!(got.status, StatusCode::OK);
        assert!(got.json().get("password").is_none());
        assert!(!got.text().contains("t1meMa$heen"), "the password must never come back");
        let list = app.scim(&dir, Method::GET, "/Users?attributes=password,userName", None).await;
        assert!(!list.text().contains("t1meMa$heen"));
    }

    async fn duplicate_user_is_a_uniqueness_conflict(app) {
        let dir = app.directory("Okta").await;
        let res = app.scim(&dir, Method::POST, "/Users", Some(okta_user("dup@example.com"))).await;
        assert_eq!(res.status, StatusCode::CREATED);
        // userName is unique case-insensitively.
        for name in ["dup@example.com", "DUP@Example.com"] {
            let res = app.scim(&dir, Method::POST, "/Users", Some(okta_user(name))).await;
            assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
            assert_eq!(res.header("content-type"), Some("application/scim+json"));
            let err = res.json();
            assert_eq!(err["scimType"], "uniqueness");
            assert_eq!(err["status"], "409");
            assert_eq!(err["schemas"], json!(["urn:ietf:params:scim:api:messages:2.0:Error"]));
        }
        // Another directory may hold the same userName.
        let other = app.directory("Other Okta").await;
        let res = app.scim(&other, Method::POST, "/Users", Some(okta_user("dup@example.com"))).await;
        assert_eq!(res.status, StatusCode::CREATED);
    }

    async fn update_is_get_then_put_of_the_whole_object(app) {
        let dir = app.directory("Okta").await;
        let mut body = okta_user("put@example.com");
        body["title"] = json!("Engineer");
        let id = app.scim(&dir, Method::POST, "/Users", Some(body)).await.json()["id"]
            .as_str().unwrap().to_owned();
        let mut user = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
        user["name"]["familyName"] = json!("Smith");
        user["emails"] = json!([{"primary": true, "value": "new@example.com", "type": "work"}]);
        user.as_object_mut().unwrap().remove("title");
        user["password"] = json!("n3wPassw0rd");
        let res = app.scim(&dir, Method::PUT, &format!("/Users/{id}"), Some(user)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let after = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
        assert_eq!(after["id"], id.as_str());
        assert_eq!(after["name"]["familyName"], "Smith");
        assert_eq!(after["emails"][0]["value"], "new@example.com");
        assert!(after.get("title").is_none(), "PUT replaces: an omitted attribute is cleared");
        assert!(after.get("password").is_none());
        assert_eq!(after["meta"]["version"], "W/\"2\"");
        // The new email is what filters find.
        let list = app
            .scim(&dir, Method::GET, "/Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22new%40example.com%22", None)
            .await
            .json();
        assert_eq!(list["totalResults"], 1);
    }

    async fn pathless_replace_deactivates_and_reactivates(app) {
        let dir = app.directory("Okta").await;
        let id = app.create_user(&dir, "active@example.com").await;
        for active in [false, true] {
            let res = app
                .scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch_op(json!([
                    {"op": "replace", "value": {"active": active}}
                ]))))
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.text());
            assert_eq!(res.json()["active"], active);
            let got = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
            assert_eq!(got["active"], active);
            let filtered = app
                .scim(&dir, Method::GET, &format!("/Users?filter=active%20eq%20{active}"), None)
                .await
                .json();
            assert_eq!(filtered["totalResults"], 1);
        }
    }

    async fn group_push_creates_with_empty_members(app) {
        let dir = app.directory("Okta").await;
        let res = app
            .scim(&dir, Method::POST, "/Groups", Some(json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Okta Push",
                "members": []
            })))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let group = res.json();
        let id = group["id"].as_str().unwrap();
        assert!(res.header("location").unwrap().ends_with(&format!("/Groups/{id}")));
        assert_eq!(group["displayName"], "Okta Push");
        assert!(group.get("members").is_none_or(|m| m == &json!([])), "{group}");
        assert_eq!(group["meta"]["resourceType"], "Group");
    }

    async fn group_push_removes_a_member_by_filter(app) {
        let dir = app.directory("Okta").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let b = app.create_user(&dir, "b@example.com").await;
        let gid = app.create_group(&dir, "Push", &[&a, &b]).await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                {"op": "remove", "path": format!("members[value eq \"{a}\"]")}
            ]))))
            .await;
        assert!(matches!(res.status, StatusCode::OK | StatusCode::NO_CONTENT), "{}", res.text());
        assert_eq!(app.member_ids(&dir, &gid).await, vec![b.clone()]);
        // The removed user still exists.
        let res = app.scim(&dir, Method::GET, &format!("/Users/{a}"), None).await;
        assert_eq!(res.status, StatusCode::OK);
    }

    async fn group_push_adds_members_with_display(app) {
        let dir = app.directory("Okta").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let b = app.create_user(&dir, "b@example.com").await;
        let gid = app.create_group(&dir, "Push", &[]).await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                {"op": "add", "path": "members", "value": [
                    {"value": a, "display": "a@example.com"},
                    {"value": b, "display": "b@example.com"}
                ]}
            ]))))
            .await;
        assert!(matches!(res.status, StatusCode::OK | StatusCode::NO_CONTENT), "{}", res.text());
        let mut want = vec![a.clone(), b.clone()];
        want.sort();
        assert_eq!(app.member_ids(&dir, &gid).await, want);
        // Adding a member again is not an error and does not duplicate it.
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                {"op": "add", "path": "members", "value": [{"value": a, "display": "a@example.com"}]}
            ]))))
            .await;
        assert!(res.status.is_success(), "{}", res.text());
        assert_eq!(app.member_ids(&dir, &gid).await, want);
        // The user's read-only `groups` shows the membership.
        let user = app.scim(&dir, Method::GET, &format!("/Users/{a}"), None).await.json();
        assert_eq!(user["groups"][0]["value"], gid.as_str());
    }

    async fn group_push_replaces_all_members(app) {
        let dir = app.directory("Okta").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let b = app.create_user(&dir, "b@example.com").await;
        let c = app.create_user(&dir, "c@example.com").await;
        let gid = app.create_group(&dir, "Push", &[&a, &b]).await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                {"op": "replace", "path": "members", "value": [
                    {"value": b, "display": "b@example.com"},
                    {"value": c, "display": "c@example.com"}
                ]}
            ]))))
            .await;
        assert!(matches!(res.status, StatusCode::OK | StatusCode::NO_CONTENT), "{}", res.text());
        let mut want = vec![b.clone(), c.clone()];
        want.sort();
        assert_eq!(app.member_ids(&dir, &gid).await, want);
        // Replacing with an empty list empties the group.
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                {"op": "replace", "path": "members", "value": []}
            ]))))
            .await;
        assert!(res.status.is_success(), "{}", res.text());
        assert!(app.member_ids(&dir, &gid).await.is_empty());
    }

    async fn group_rename_is_a_pathless_replace_carrying_the_id(app) {
        let dir = app.directory("Okta").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let gid = app.create_group(&dir, "Old name", &[&a]).await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                {"op": "replace", "value": {"id": gid, "displayName": "New name"}}
            ]))))
            .await;
        assert!(matches!(res.status, StatusCode::OK | StatusCode::NO_CONTENT), "{}", res.text());
        let group = app.scim(&dir, Method::GET, &format!("/Groups/{gid}"), None).await.json();
        assert_eq!(group["id"], gid.as_str());
        assert_eq!(group["displayName"], "New name");
        assert_eq!(app.member_ids(&dir, &gid).await, vec![a]);
        let list = app
            .scim(&dir, Method::GET, "/Groups?filter=displayName%20eq%20%22New%20name%22", None)
            .await
            .json();
        assert_eq!(list["totalResults"], 1);
    }

    async fn group_unlink_deletes_with_204(app) {
        let dir = app.directory("Okta").await;
        let a = app.create_user(&dir, "a@example.com").await;
        let gid = app.create_group(&dir, "Gone", &[&a]).await;
        let res = app.scim(&dir, Method::DELETE, &format!("/Groups/{gid}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
        assert!(res.body.is_empty());
        let res = app.scim(&dir, Method::GET, &format!("/Groups/{gid}"), None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert_eq!(res.json()["status"], "404");
        // Users stay; the membership is gone from them.
        let user = app.scim(&dir, Method::GET, &format!("/Users/{a}"), None).await.json();
        assert!(user.get("groups").is_none(), "{user}");
        let res = app.scim(&dir, Method::DELETE, &format!("/Groups/{gid}"), None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    }

    async fn patch_answers_200_for_users_and_204_for_groups(app) {
        let dir = app.directory("Okta").await;
        let uid = app.create_user(&dir, "p@example.com").await;
        let gid = app.create_group(&dir, "Patched", &[]).await;
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Users/{uid}"), Some(patch_op(json!([
                {"op": "replace", "path": "displayName", "value": "P"}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.json()["displayName"], "P");
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
                {"op": "add", "path": "members", "value": [{"value": uid}]}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert!(res.body.is_empty());
        assert!(res.header("etag").is_some());
        // Asking for attributes turns the answer into 200 with them.
        let res = app
            .scim(&dir, Method::PATCH, &format!("/Groups/{gid}?attributes=displayName"), Some(patch_op(json!([
                {"op": "replace", "path": "displayName", "value": "Renamed"}
            ]))))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let body = res.json();
        assert_eq!(body["displayName"], "Renamed");
        assert!(body.get("members").is_none());
    }

    async fn page_walk_is_stable_without_duplicates(app) {
        let dir = app.directory("Okta").await;
        let mut created = Vec::new();
        for n in 0..230 {
            created.push(app.create_user(&dir, &format!("walk{n:03}@example.com")).await);
        }
        let mut seen = Vec::new();
        let mut start = 1;
        loop {
            let list = app
                .scim(&dir, Method::GET, &format!("/Users?startIndex={start}&count=100"), None)
                .await
                .json();
            assert_list_integers(&list);
            assert_eq!(list["totalResults"], 230);
            assert_eq!(list["startIndex"], start);
            let page = list["Resources"].as_array().unwrap();
            assert_eq!(list["itemsPerPage"], page.len());
            seen.extend(page.iter().map(|u| u["id"].as_str().unwrap().to_owned()));
            if page.len() < 100 {
                break;
            }
            start += 100;
        }
        assert_eq!(start, 201);
        assert_eq!(seen.len(), 230);
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 230, "no user twice across pages");
        created.sort();
        assert_eq!(unique, created);
        // The same walk again gives the same order.
        let again = app.scim(&dir, Method::GET, "/Users?startIndex=101&count=100", None).await.json();
        let ids: Vec<&str> = again["Resources"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
        assert_eq!(ids, seen[100..200].iter().map(String::as_str).collect::<Vec<_>>());
        // Past the end: an empty page, still 200.
        let past = app.scim(&dir, Method::GET, "/Users?startIndex=301&count=100", None).await;
        assert_eq!(past.status, StatusCode::OK);
        assert_eq!(past.json()["Resources"], json!([]));
    }
}
