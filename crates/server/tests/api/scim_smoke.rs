//! The SCIM service end to end: create, read, filter, patch, delete.
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::backend_tests;

backend_tests! {
    async fn users_round_trip(app) {
        let dir = app.directory("Okta users").await;
        let res = app.scim(&dir, Method::POST, "/Users", Some(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "bjensen@example.com",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"primary": true, "value": "bjensen@example.com", "type": "work"}],
            "displayName": "Barbara Jensen", "locale": "en-US", "externalId": "00u1",
            "groups": [], "password": "t1meMa$heen", "active": true
        }))).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&res.body));
        assert_eq!(res.header("content-type"), Some("application/scim+json"));
        let user = res.json();
        let id = user["id"].as_str().unwrap().to_owned();
        assert!(res.header("location").unwrap().ends_with(&format!("/Users/{id}")));
        assert!(user.get("password").is_none());
        assert_eq!(user["meta"]["resourceType"], "User");

        let res = app.scim(&dir, Method::GET, "/Users?filter=userName%20eq%20%22BJENSEN@example.com%22&startIndex=1&count=100", None).await;
        assert_eq!(res.status, StatusCode::OK);
        let list = res.json();
        assert_eq!(list["totalResults"], 1);
        assert_eq!(list["Resources"][0]["id"], id.as_str());

        let res = app.scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": false}}]
        }))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
        assert_eq!(res.json()["active"], false);

        let res = app.scim(&dir, Method::DELETE, &format!("/Users/{id}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        let res = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert_eq!(res.json()["status"], "404");
    }

    async fn groups_and_members(app) {
        let dir = app.directory("Entra").await;
        let mut ids = Vec::new();
        for n in 0..3 {
            let res = app.scim(&dir, Method::POST, "/Users", Some(json!({"userName": format!("u{n}@x.com")}))).await;
            ids.push(res.json()["id"].as_str().unwrap().to_owned());
        }
        let res = app.scim(&dir, Method::POST, "/Groups", Some(json!({"displayName": "Eng", "members": []}))).await;
        assert_eq!(res.status, StatusCode::CREATED);
        let gid = res.json()["id"].as_str().unwrap().to_owned();
        let res = app.scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": ids[0]}, {"value": ids[1]}]}]
        }))).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", String::from_utf8_lossy(&res.body));
        let res = app.scim(&dir, Method::GET, &format!("/Groups/{gid}"), None).await;
        assert_eq!(res.json()["members"].as_array().unwrap().len(), 2);
        let res = app.scim(&dir, Method::GET, &format!("/Groups/{gid}?excludedAttributes=members"), None).await;
        assert!(res.json().get("members").is_none());
        let res = app.scim(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": "nope"}]}]
        }))).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(res.json()["scimType"], "invalidValue");
    }
}
