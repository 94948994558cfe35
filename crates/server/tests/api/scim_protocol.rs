//! RFC 7644 behaviour beyond the IdP shapes: authentication and directory isolation, ETags,
//! discovery documents, `.search`, sorting, projection, membership integrity under
//! deletes and concurrent PATCHes, and the body-size and rate limits.
use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::{
    backend_tests,
    common::{patch_op, ScimTarget, TestApp, TestResponse},
};

const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

/// Asserts a SCIM error answer with this status.
pub(crate) fn assert_scim_error(res: &TestResponse, status: StatusCode) {
    assert_eq!(res.status, status, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/scim+json"));
    let body = res.json();
    assert_eq!(body["schemas"], json!([ERROR]));
    assert_eq!(
        body["status"],
        status.as_str(),
        "status is a string: {body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
}

/// Every SCIM route with a body that would succeed for a directory holding `user`/`group`.
pub(crate) fn all_routes(user: &str, group: &str) -> Vec<(Method, String, Option<Value>)> {
    let patch = patch_op(json!([{"op": "replace", "path": "displayName", "value": "Taken over"}]));
    vec![
        (Method::GET, "/Users".into(), None),
        (
            Method::POST,
            "/Users".into(),
            Some(json!({"userName": "intruder@example.com"})),
        ),
        (
            Method::POST,
            "/Users/.search".into(),
            Some(json!({"filter": "userName pr"})),
        ),
        (Method::GET, format!("/Users/{user}"), None),
        (
            Method::PUT,
            format!("/Users/{user}"),
            Some(json!({"userName": "renamed@example.com"})),
        ),
        (Method::PATCH, format!("/Users/{user}"), Some(patch.clone())),
        (Method::DELETE, format!("/Users/{user}"), None),
        (Method::GET, "/Groups".into(), None),
        (
            Method::POST,
            "/Groups".into(),
            Some(json!({"displayName": "Intruders"})),
        ),
        (Method::POST, "/Groups/.search".into(), Some(json!({}))),
        (Method::GET, format!("/Groups/{group}"), None),
        (
            Method::PUT,
            format!("/Groups/{group}"),
            Some(json!({"displayName": "Renamed"})),
        ),
        (Method::PATCH, format!("/Groups/{group}"), Some(patch)),
        (Method::DELETE, format!("/Groups/{group}"), None),
        (Method::POST, "/.search".into(), Some(json!({}))),
        (
            Method::POST,
            "/Bulk".into(),
            Some(json!({"schemas": [BULK_REQUEST], "Operations": [
                {"method": "DELETE", "path": format!("/Users/{user}")}
            ]})),
        ),
        (Method::GET, "/ServiceProviderConfig".into(), None),
        (Method::GET, "/ResourceTypes".into(), None),
        (Method::GET, "/ResourceTypes/User".into(), None),
        (Method::GET, "/Schemas".into(), None),
        (
            Method::GET,
            "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User".into(),
            None,
        ),
        (Method::GET, "/Nonexistent".into(), None),
    ]
}

/// Creates `n` users in `dir` named `{prefix}{i}`, returns their ids.
async fn users(app: &mut TestApp, dir: &ScimTarget, prefix: &str, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(
            app.create_user(dir, &format!("{prefix}{i}@example.com"))
                .await,
        );
    }
    out
}

fn resource_ids(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

fn user_names(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["userName"].as_str().unwrap().to_owned())
        .collect()
}

backend_tests! {
    async fn missing_or_wrong_key_is_a_scim_401(app) {
        let dir = app.directory("Locked").await;
        let uri = format!("/scim/directory/{}/Users", dir.directory_id);
        let res = app.send(Request::get(&uri).body(Body::empty()).unwrap()).await;
        assert_scim_error(&res, StatusCode::UNAUTHORIZED);
        for auth in ["Bearer roster_scim_wrong", "Basic dXNlcjpwYXNz", "Bearer", &dir.key] {
            let res = app
                .send(Request::get(&uri).header(header::AUTHORIZATION, auth).body(Body::empty()).unwrap())
                .await;
            assert_scim_error(&res, StatusCode::UNAUTHORIZED);
        }
        // An unknown directory answers the same, revealing nothing.
        let res = app
            .send(Request::get("/scim/directory/no-such-dir/Users")
                .header(header::AUTHORIZATION, format!("Bearer {}", dir.key))
                .body(Body::empty()).unwrap())
            .await;
        assert_scim_error(&res, StatusCode::UNAUTHORIZED);
        // The right key works.
        let res = app.scim(&dir, Method::GET, "/Users", None).await;
        assert_eq!(res.status, StatusCode::OK);
    }

    async fn a_replaced_or_deleted_key_stops_at_once_though_just_used(app) {
        // Keys are cached briefly after use: replacing or deleting must still apply at once.
        app.sign_in().await;
        let dir = app.directory("Cached").await;
        assert_eq!(app.scim(&dir, Method::GET, "/Users", None).await.status, StatusCode::OK);
        let res = app
            .request(Method::POST, &format!("/api/v1/directories/{}/api-key", dir.directory_id), None)
            .await;
        assert_eq!(res.status, StatusCode::OK);
        let new = ScimTarget { directory_id: dir.directory_id.clone(), key: res.json()["apiKey"].as_str().unwrap().to_owned() };
        assert_scim_error(&app.scim(&dir, Method::GET, "/Users", None).await, StatusCode::UNAUTHORIZED);
        assert_eq!(app.scim(&new, Method::GET, "/Users", None).await.status, StatusCode::OK);
        assert_eq!(app.scim(&new, Method::GET, "/Users", None).await.status, StatusCode::OK);
        let res = app
            .request(Method::DELETE, &format!("/api/v1/directories/{}", dir.directory_id), None)
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert_scim_error(&app.scim(&new, Method::GET, "/Users", None).await, StatusCode::UNAUTHORIZED);
    }

    async fn a_key_opens_no_route_of_another_directory(app) {
        let a = app.directory("A").await;
        let b = app.directory("B").await;
        let b_user = app.create_user(&b, "b-user@example.com").await;
        let b_group = app.create_group(&b, "B group", &[&b_user]).await;
        let a_user = app.create_user(&a, "a-user@example.com").await;

        // A's key at B's base URL: 401 everywhere.
        let a_key_at_b = ScimTarget { directory_id: b.directory_id.clone(), key: a.key.clone() };
        for (method, path, body) in all_routes(&b_user, &b_group) {
            let res = app.scim(&a_key_at_b, method.clone(), &path, body).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{method} {path}: {}", res.text());
            assert_eq!(res.json()["schemas"], json!([ERROR]));
        }
        // A's key at A's base URL with B's ids: B's resources do not exist there.
        for (method, path, body) in all_routes(&b_user, &b_group) {
            let by_id = path.contains(&b_user) && !path.starts_with("/Bulk") || path.contains(&b_group);
            let res = app.scim(&a, method.clone(), &path, body).await;
            if by_id {
                assert_eq!(res.status, StatusCode::NOT_FOUND, "{method} {path}: {}", res.text());
            } else if res.status.is_success() {
                // Collection routes answer only A's resources.
                assert!(!res.text().contains(&b_user) && !res.text().contains(&b_group), "{method} {path} leaked B: {}", res.text());
            }
        }
        // The bulk DELETE of B's user inside A failed per operation.
        let res = app.scim(&a, Method::POST, "/Bulk", Some(json!({"schemas": [BULK_REQUEST], "Operations": [
            {"method": "DELETE", "path": format!("/Users/{b_user}")}
        ]}))).await;
        assert_eq!(res.json()["Operations"][0]["status"], "404", "{}", res.text());
        // A group in A cannot take B's user as a member.
        let res = app.scim(&a, Method::POST, "/Groups", Some(json!({"displayName": "Mixed", "members": [{"value": b_user}, {"value": a_user}]}))).await;
        assert_scim_error(&res, StatusCode::BAD_REQUEST);

        // B is untouched.
        let user = app.scim(&b, Method::GET, &format!("/Users/{b_user}"), None).await.json();
        assert_eq!(user["userName"], "b-user@example.com");
        assert_eq!(user["meta"]["version"], "W/\"1\"");
        let group = app.scim(&b, Method::GET, &format!("/Groups/{b_group}"), None).await.json();
        assert_eq!(group["displayName"], "B group");
        assert_eq!(app.member_ids(&b, &b_group).await, vec![b_user]);
        let list = app.scim(&b, Method::GET, "/Users", None).await.json();
        assert_eq!(list["totalResults"], 1);
    }

    async fn etags_guard_writes_and_spare_reads(app) {
        let dir = app.directory("ETags").await;
        let id = app.create_user(&dir, "etag@example.com").await;
        let res = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await;
        let etag = res.header("etag").unwrap().to_owned();
        assert_eq!(res.json()["meta"]["version"], etag.as_str());

        let stale = "W/\"999\"";
        let put = json!({"userName": "etag@example.com", "title": "X"});
        let patch = patch_op(json!([{"op": "replace", "path": "title", "value": "Y"}]));
        for (method, body) in [(Method::PUT, Some(put.clone())), (Method::PATCH, Some(patch.clone())), (Method::DELETE, None)] {
            let res = app.scim_with(&dir, method.clone(), &format!("/Users/{id}"), body, &[("if-match", stale)]).await;
            assert_scim_error(&res, StatusCode::PRECONDITION_FAILED);
        }
        let res = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await;
        assert_eq!(res.header("etag"), Some(etag.as_str()), "refused writes change nothing");

        let res = app.scim_with(&dir, Method::GET, &format!("/Users/{id}"), None, &[("if-none-match", &etag)]).await;
        assert_eq!(res.status, StatusCode::NOT_MODIFIED);
        assert!(res.body.is_empty());
        let res = app.scim_with(&dir, Method::GET, &format!("/Users/{id}"), None, &[("if-none-match", stale)]).await;
        assert_eq!(res.status, StatusCode::OK);

        let res = app.scim_with(&dir, Method::PATCH, &format!("/Users/{id}"), Some(patch), &[("if-match", &etag)]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let new_etag = res.header("etag").unwrap().to_owned();
        assert_ne!(new_etag, etag);
        let res = app.scim_with(&dir, Method::PUT, &format!("/Users/{id}"), Some(put), &[("if-match", &etag)]).await;
        assert_eq!(res.status, StatusCode::PRECONDITION_FAILED, "the old version no longer matches");
        let res = app.scim_with(&dir, Method::DELETE, &format!("/Users/{id}"), None, &[("if-match", "*")]).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);

        // Groups too.
        let gid = app.create_group(&dir, "Tagged", &[]).await;
        let res = app.scim_with(&dir, Method::PATCH, &format!("/Groups/{gid}"), Some(patch_op(json!([
            {"op": "replace", "path": "displayName", "value": "Z"}
        ]))), &[("if-match", stale)]).await;
        assert_scim_error(&res, StatusCode::PRECONDITION_FAILED);
    }

    async fn discovery_documents(app) {
        let dir = app.directory("Discovery").await;
        let res = app.scim(&dir, Method::GET, "/ServiceProviderConfig", None).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.header("content-type"), Some("application/scim+json"));
        let spc = res.json();
        assert_eq!(spc["schemas"], json!(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]));
        assert_eq!(spc["patch"]["supported"], true, "IdPs need PATCH: {spc}");
        assert_eq!(spc["bulk"]["supported"], true);
        assert!(spc["bulk"]["maxOperations"].is_u64() && spc["bulk"]["maxPayloadSize"].is_u64());
        assert_eq!(spc["filter"]["supported"], true);
        assert!(spc["filter"]["maxResults"].is_u64());
        assert_eq!(spc["sort"]["supported"], true);
        assert_eq!(spc["etag"]["supported"], true);
        assert_eq!(spc["changePassword"]["supported"], false);
        assert!(!spc["authenticationSchemes"].as_array().unwrap().is_empty());

        let types = app.scim(&dir, Method::GET, "/ResourceTypes", None).await.json();
        let text = types.to_string();
        assert!(text.contains("\"/Users\"") && text.contains("\"/Groups\""), "{types}");
        assert!(text.contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
        let user_type = app.scim(&dir, Method::GET, "/ResourceTypes/User", None).await;
        assert_eq!(user_type.status, StatusCode::OK);
        assert_eq!(user_type.json()["endpoint"], "/Users");
        let res = app.scim(&dir, Method::GET, "/ResourceTypes/Printer", None).await;
        assert_scim_error(&res, StatusCode::NOT_FOUND);

        let schemas = app.scim(&dir, Method::GET, "/Schemas", None).await.json();
        let ids: Vec<&str> = schemas["Resources"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
        for urn in [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:core:2.0:Group",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        ] {
            assert!(ids.contains(&urn), "{urn} missing from {ids:?}");
            let res = app.scim(&dir, Method::GET, &format!("/Schemas/{urn}"), None).await;
            assert_eq!(res.status, StatusCode::OK, "{urn}");
            let schema = res.json();
            assert_eq!(schema["id"], urn);
            assert!(!schema["attributes"].as_array().unwrap().is_empty());
            assert!(schema["meta"]["location"].as_str().unwrap().ends_with(&format!("/Schemas/{urn}")));
        }
        let res = app.scim(&dir, Method::GET, "/Schemas/urn:example:nothing", None).await;
        assert_scim_error(&res, StatusCode::NOT_FOUND);
        // The write-only password is advertised as never returned.
        let user_schema = app.scim(&dir, Method::GET, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", None).await.json();
        let password = user_schema["attributes"].as_array().unwrap().iter().find(|a| a["name"] == "password").unwrap();
        assert_eq!(password["returned"], "never");
        assert_eq!(password["mutability"], "writeOnly");
    }

    async fn unfiltered_totals_follow_every_write(app) {
        let dir = app.directory("Totals").await;
        let other = app.directory("Elsewhere").await;
        users(&mut app, &other, "else", 2).await;
        let ids = users(&mut app, &dir, "total", 4).await;
        let res = app.scim(&dir, Method::PATCH, &format!("/Users/{}", ids[0]), Some(patch_op(json!([{"op": "replace", "path": "active", "value": false}])))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let res = app.scim(&dir, Method::DELETE, &format!("/Users/{}", ids[1]), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        app.create_group(&dir, "Kept", &[&ids[2]]).await;
        let gone = app.create_group(&dir, "Gone", &[]).await;
        let res = app.scim(&dir, Method::DELETE, &format!("/Groups/{gone}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);

        // Full pages and empty ones: the total is the directory's, deactivated users included.
        for uri in ["/Users?count=1", "/Users?startIndex=2&count=1", "/Users?count=0"] {
            let list = app.scim(&dir, Method::GET, uri, None).await.json();
            assert_eq!(list["totalResults"], 3, "{uri}: {list}");
        }
        let last = app.scim(&dir, Method::GET, "/Users?startIndex=3&count=1", None).await.json();
        assert_eq!((last["totalResults"].as_u64(), last["itemsPerPage"].as_u64()), (Some(3), Some(1)));
        let groups = app.scim(&dir, Method::GET, "/Groups?count=0", None).await.json();
        assert_eq!(groups["totalResults"], 1);
        let elsewhere = app.scim(&other, Method::GET, "/Users?count=1", None).await.json();
        assert_eq!(elsewhere["totalResults"], 2);
    }

    async fn search_with_post_on_each_endpoint_and_the_root(app) {
        let dir = app.directory("Search").await;
        let ids = users(&mut app, &dir, "alice", 3).await;
        app.create_user(&dir, "bob@example.com").await;
        let gid = app.create_group(&dir, "Admins", &[&ids[0]]).await;
        app.create_group(&dir, "Others", &[]).await;

        let res = app.scim(&dir, Method::POST, "/Users/.search", Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": "userName sw \"alice\"", "startIndex": 1, "count": 2,
            "sortBy": "userName", "attributes": ["userName"]
        }))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let list = res.json();
        assert_eq!(list["schemas"], json!([LIST]));
        assert_eq!(list["totalResults"], 3);
        assert_eq!(user_names(&list), vec!["alice0@example.com", "alice1@example.com"]);
        assert!(list["Resources"][0].get("emails").is_none());

        let res = app.scim(&dir, Method::POST, "/Groups/.search", Some(json!({
            "filter": format!("members[value eq \"{}\"]", ids[0])
        }))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(resource_ids(&res.json()), vec![gid]);

        let res = app.scim(&dir, Method::POST, "/.search", Some(json!({"count": 100}))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let all = res.json();
        assert_eq!(all["totalResults"], 6);
        let kinds: Vec<&str> = all["Resources"].as_array().unwrap().iter().map(|r| r["meta"]["resourceType"].as_str().unwrap()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "User").count(), 4);
        assert_eq!(kinds.iter().filter(|k| **k == "Group").count(), 2);
        // Paging across the two types.
        let page = app.scim(&dir, Method::POST, "/.search", Some(json!({"startIndex": 4, "count": 2}))).await.json();
        assert_eq!(page["totalResults"], 6);
        let kinds: Vec<&str> = page["Resources"].as_array().unwrap().iter().map(|r| r["meta"]["resourceType"].as_str().unwrap()).collect();
        assert_eq!(kinds, vec!["User", "Group"]);
        let res = app.scim(&dir, Method::POST, "/.search", Some(json!({"filter": "displayName eq \"Admins\""}))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(res.json()["totalResults"], 1);
        // A malformed filter is a SCIM invalidFilter error.
        let res = app.scim(&dir, Method::POST, "/Users/.search", Some(json!({"filter": "userName eq"}))).await;
        assert_scim_error(&res, StatusCode::BAD_REQUEST);
        assert_eq!(res.json()["scimType"], "invalidFilter");
    }

    async fn sort_by_and_sort_order(app) {
        let dir = app.directory("Sorted").await;
        for name in ["carol", "Alice", "bob"] {
            app.create_user(&dir, &format!("{name}@example.com")).await;
        }
        let asc = app.scim(&dir, Method::GET, "/Users?sortBy=userName", None).await.json();
        assert_eq!(user_names(&asc), vec!["Alice@example.com", "bob@example.com", "carol@example.com"]);
        let desc = app.scim(&dir, Method::GET, "/Users?sortBy=userName&sortOrder=descending", None).await.json();
        assert_eq!(user_names(&desc), vec!["carol@example.com", "bob@example.com", "Alice@example.com"]);
        let paged = app.scim(&dir, Method::GET, "/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=1", None).await.json();
        assert_eq!(user_names(&paged), vec!["bob@example.com"]);
        for name in ["Zeta", "alpha", "Mid"] {
            app.create_group(&dir, name, &[]).await;
        }
        let groups = app.scim(&dir, Method::GET, "/Groups?sortBy=displayName", None).await.json();
        let names: Vec<&str> = groups["Resources"].as_array().unwrap().iter().map(|g| g["displayName"].as_str().unwrap()).collect();
        assert_eq!(names, vec!["alpha", "Mid", "Zeta"]);
    }

    async fn attributes_and_excluded_attributes(app) {
        let dir = app.directory("Projection").await;
        let res = app.scim(&dir, Method::POST, "/Users", Some(json!({
            "userName": "proj@example.com", "displayName": "P", "title": "T",
            "name": {"givenName": "G", "familyName": "F"},
            "emails": [{"value": "proj@example.com", "type": "work"}]
        }))).await;
        let id = res.json()["id"].as_str().unwrap().to_owned();
        let only = app.scim(&dir, Method::GET, &format!("/Users/{id}?attributes=userName,name.givenName"), None).await.json();
        assert_eq!(only["id"], id.as_str(), "id is always returned");
        assert_eq!(only["userName"], "proj@example.com");
        assert_eq!(only["name"], json!({"givenName": "G"}));
        assert!(only.get("title").is_none() && only.get("emails").is_none() && only.get("displayName").is_none(), "{only}");
        let without = app.scim(&dir, Method::GET, &format!("/Users/{id}?excludedAttributes=emails,name.familyName"), None).await.json();
        assert!(without.get("emails").is_none());
        assert_eq!(without["name"], json!({"givenName": "G"}));
        assert_eq!(without["title"], "T");
        assert_eq!(without["userName"], "proj@example.com");
        let list = app.scim(&dir, Method::GET, "/Users?attributes=displayName&filter=userName%20eq%20%22proj%40example.com%22", None).await.json();
        assert_eq!(list["Resources"][0]["displayName"], "P");
        assert!(list["Resources"][0].get("title").is_none());
        // Attributes on create and replace shape the answer too.
        let res = app.scim(&dir, Method::POST, "/Users?attributes=userName", Some(json!({"userName": "p2@example.com", "title": "T"}))).await;
        assert_eq!(res.status, StatusCode::CREATED);
        assert!(res.json().get("title").is_none());
    }

    async fn a_users_default_answer_is_the_projection_of_the_whole_user(app) {
        // `GET /Users/{id}` by default is written around the stored document; it must say
        // what projecting the whole resource says (excluding `password`, never returned
        // anyway, takes that path), for every shape a user's document takes. The first
        // displayName holds `{}`, which the splice leaves to the projection.
        let dir = app.directory("Default answer").await;
        let ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        let res = app.scim(&dir, Method::POST, "/Users", Some(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ent],
            "userName": "whole@example.com", "password": "s3cret-Pass-1", "externalId": "x-1",
            "name": {"givenName": "W", "familyName": "Hole", "formatted": "W Hole"},
            "displayName": "W \"Quoted\" Hole {}", "title": "T", "active": true,
            "emails": [{"value": "whole@example.com", "type": "work", "primary": true},
                       {"value": "w@home.example", "type": "home"}],
            "phoneNumbers": [{"value": "+1 555 0100", "type": "mobile"}],
            "addresses": [{"streetAddress": "1 Main", "locality": "Town", "type": "work"}],
            ent: {"employeeNumber": "7", "department": "R&D", "manager": {"value": "m-1"}}
        }))).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let id = res.json()["id"].as_str().unwrap().to_owned();
        let zeta = app.create_group(&dir, "Zeta", &[&id]).await;
        let alpha = app.create_group(&dir, "Alpha", &[&id]).await;
        let path = format!("/Users/{id}");

        let mut answers = Vec::new();
        let changes = [
            json!([{"op": "replace", "path": "displayName", "value": "Plain"}]),
            // The enterprise extension emptied attribute by attribute.
            json!([{"op": "remove", "path": format!("{ent}:employeeNumber")},
                   {"op": "remove", "path": format!("{ent}:department")},
                   {"op": "remove", "path": format!("{ent}:manager")}]),
            json!([{"op": "remove", "path": "emails"}, {"op": "remove", "path": "name"},
                   {"op": "remove", "path": "addresses"}, {"op": "remove", "path": "phoneNumbers"}]),
        ];
        for change in [None].into_iter().chain(changes.into_iter().map(Some)) {
            if let Some(ops) = change {
                let res = app.scim(&dir, Method::PATCH, &path, Some(patch_op(ops))).await;
                assert_eq!(res.status, StatusCode::OK, "{}", res.text());
            }
            let default = app.scim(&dir, Method::GET, &path, None).await;
            let projected = app.scim(&dir, Method::GET, &format!("{path}?excludedAttributes=password"), None).await;
            assert_eq!(default.status, StatusCode::OK);
            assert_eq!(default.header("content-type"), Some("application/scim+json"));
            assert_eq!(default.header("etag"), projected.header("etag"));
            assert_eq!(default.json(), projected.json());
            answers.push(default.json());
        }
        let first = &answers[0];
        assert_eq!(first["id"], id.as_str());
        assert_eq!(first["displayName"], "W \"Quoted\" Hole {}");
        assert!(first.get("password").is_none(), "{first}");
        assert_eq!(first[ent]["manager"]["value"], "m-1");
        let groups: Vec<&str> = first["groups"].as_array().unwrap().iter().map(|g| g["display"].as_str().unwrap()).collect();
        assert_eq!(groups.len(), 2, "{first}");
        assert!(groups.contains(&"Zeta") && groups.contains(&"Alpha"));
        assert!(answers[3].get("emails").is_none() && answers[3].get("name").is_none());

        // Without groups, and conditional reads.
        for gid in [&zeta, &alpha] {
            let res = app.scim(&dir, Method::DELETE, &format!("/Groups/{gid}"), None).await;
            assert_eq!(res.status, StatusCode::NO_CONTENT);
        }
        let default = app.scim(&dir, Method::GET, &path, None).await;
        assert!(default.json().get("groups").is_none(), "{}", default.text());
        let projected = app.scim(&dir, Method::GET, &format!("{path}?excludedAttributes=password"), None).await;
        assert_eq!(default.json(), projected.json());
        let etag = default.header("etag").unwrap().to_owned();
        let res = app.scim_with(&dir, Method::GET, &path, None, &[("if-none-match", &etag)]).await;
        assert_eq!(res.status, StatusCode::NOT_MODIFIED);
        assert!(res.body.is_empty());
        assert_eq!(res.header("etag"), Some(etag.as_str()));
    }

    async fn deleting_a_user_removes_their_memberships(app) {
        let dir = app.directory("Memberships").await;
        let ids = users(&mut app, &dir, "m", 3).await;
        let g1 = app.create_group(&dir, "One", &[&ids[0], &ids[1], &ids[2]]).await;
        let g2 = app.create_group(&dir, "Two", &[&ids[0]]).await;
        let before = app.scim(&dir, Method::GET, &format!("/Groups/{g1}"), None).await.json()["meta"]["version"].clone();
        let res = app.scim(&dir, Method::DELETE, &format!("/Users/{}", ids[0]), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        let mut rest = vec![ids[1].clone(), ids[2].clone()];
        rest.sort();
        assert_eq!(app.member_ids(&dir, &g1).await, rest);
        assert!(app.member_ids(&dir, &g2).await.is_empty());
        let after = app.scim(&dir, Method::GET, &format!("/Groups/{g1}"), None).await.json()["meta"]["version"].clone();
        assert_ne!(before, after, "the group changed, so its version moves");
        let filtered = app.scim(&dir, Method::GET, &format!("/Groups?filter=members%5Bvalue%20eq%20%22{}%22%5D", ids[0]), None).await.json();
        assert_eq!(filtered["totalResults"], 0);
        // The member count follows (it decides how members are read).
        let res = app.scim(&dir, Method::PATCH, &format!("/Groups/{g2}"), Some(patch_op(json!([
            {"op": "add", "path": "members", "value": [{"value": ids[1]}]}
        ])))).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert_eq!(app.member_ids(&dir, &g2).await, vec![ids[1].clone()]);
    }

    async fn concurrent_patches_lose_no_member(app) {
        let dir = app.directory("Concurrent").await;
        let ids = users(&mut app, &dir, "c", 20).await;
        let gid = app.create_group(&dir, "Busy", &[]).await;
        let mut tasks = tokio::task::JoinSet::new();
        for (n, id) in ids.iter().enumerate() {
            let router = app.router.clone();
            // Half of them also touch the group's document, so document writes race too.
            let mut ops = vec![json!({"op": "add", "path": "members", "value": [{"value": id}]})];
            if n % 2 == 0 {
                ops.push(json!({"op": "replace", "path": "externalId", "value": format!("ext-{n}")}));
            }
            let req = Request::builder()
                .method(Method::PATCH)
                .uri(format!("/scim/directory/{}/Groups/{gid}", dir.directory_id))
                .header(header::AUTHORIZATION, format!("Bearer {}", dir.key))
                .header(header::CONTENT_TYPE, "application/scim+json")
                .body(Body::from(patch_op(json!(ops)).to_string()))
                .unwrap();
            tasks.spawn(async move { router.oneshot(req).await.unwrap().status() });
        }
        while let Some(status) = tasks.join_next().await {
            assert_eq!(status.unwrap(), StatusCode::NO_CONTENT);
        }
        let mut want = ids.clone();
        want.sort();
        assert_eq!(app.member_ids(&dir, &gid).await, want);
        // Concurrent removals of different members keep the rest, and the count stays true.
        let mut tasks = tokio::task::JoinSet::new();
        for id in ids.iter().take(10) {
            let router = app.router.clone();
            let req = Request::builder()
                .method(Method::PATCH)
                .uri(format!("/scim/directory/{}/Groups/{gid}", dir.directory_id))
                .header(header::AUTHORIZATION, format!("Bearer {}", dir.key))
                .header(header::CONTENT_TYPE, "application/scim+json")
                .body(Body::from(patch_op(json!([{"op": "remove", "path": format!("members[value eq \"{id}\"]")}])).to_string()))
                .unwrap();
            tasks.spawn(async move { router.oneshot(req).await.unwrap().status() });
        }
        while let Some(status) = tasks.join_next().await {
            assert_eq!(status.unwrap(), StatusCode::NO_CONTENT);
        }
        let mut want: Vec<String> = ids[10..].to_vec();
        want.sort();
        assert_eq!(app.member_ids(&dir, &gid).await, want);
        let group = app.scim(&dir, Method::GET, &format!("/Groups/{gid}"), None).await.json();
        assert_eq!(group["meta"]["version"], "W/\"31\"", "one version per PATCH: {group}");
    }

    async fn concurrent_patches_to_one_user_all_apply(app) {
        let dir = app.directory("Concurrent").await;
        let id = app.create_user(&dir, "busy@example.com").await;
        let attributes = ["title", "nickName", "displayName", "locale", "timezone", "externalId", "userType", "preferredLanguage"];
        let mut tasks = tokio::task::JoinSet::new();
        for attribute in attributes {
            let router = app.router.clone();
            let req = Request::builder()
                .method(Method::PATCH)
                .uri(format!("/scim/directory/{}/Users/{id}", dir.directory_id))
                .header(header::AUTHORIZATION, format!("Bearer {}", dir.key))
                .header(header::CONTENT_TYPE, "application/scim+json")
                .body(Body::from(patch_op(json!([{"op": "replace", "path": attribute, "value": "x"}])).to_string()))
                .unwrap();
            tasks.spawn(async move { router.oneshot(req).await.unwrap().status() });
        }
        // Without If-Match a client never meets 412: concurrent writers queue, none is lost.
        while let Some(status) = tasks.join_next().await {
            assert_eq!(status.unwrap(), StatusCode::OK);
        }
        let user = app.scim(&dir, Method::GET, &format!("/Users/{id}"), None).await.json();
        for attribute in attributes {
            assert_eq!(user[attribute], "x", "{attribute} was lost: {user}");
        }
        assert_eq!(user["meta"]["version"], format!("W/\"{}\"", attributes.len() + 1));
    }

    async fn large_groups_are_read_and_patched_whole(app) {
        let dir = app.directory("Large").await;
        let ids = users(&mut app, &dir, "l", 150).await;
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let gid = app.create_group(&dir, "Everyone", &refs[..149]).await;
        // No cap at 100 (a known failure of other servers).
        assert_eq!(app.member_ids(&dir, &gid).await.len(), 149);
        let res = app.scim(&dir, Method::PATCH, &format!("/Groups/{gid}?attributes=members"), Some(patch_op(json!([
            {"op": "add", "path": "members", "value": [{"value": ids[149]}]}
        ])))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(res.json()["members"].as_array().unwrap().len(), 150);
        let list = app.scim(&dir, Method::GET, "/Groups?filter=displayName%20eq%20%22Everyone%22", None).await.json();
        assert_eq!(list["Resources"][0]["members"].as_array().unwrap().len(), 150);
    }

    async fn concurrent_creates_of_one_user_name_make_one_user(app) {
        let dir = app.directory("Retries").await;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let router = app.router.clone();
            let req = Request::builder()
                .method(Method::POST)
                .uri(format!("/scim/directory/{}/Users", dir.directory_id))
                .header(header::AUTHORIZATION, format!("Bearer {}", dir.key))
                .header(header::CONTENT_TYPE, "application/scim+json")
                .body(Body::from(json!({"userName": "twice@example.com"}).to_string()))
                .unwrap();
            tasks.spawn(async move { router.oneshot(req).await.unwrap().status() });
        }
        let mut statuses = Vec::new();
        while let Some(status) = tasks.join_next().await {
            statuses.push(status.unwrap());
        }
        statuses.sort();
        let mut want = vec![StatusCode::CREATED];
        want.extend([StatusCode::CONFLICT; 9]);
        assert_eq!(statuses, want, "a lost race is a 409, never a 500");
        let list = app.scim(&dir, Method::GET, "/Users", None).await.json();
        assert_eq!(list["totalResults"], 1);
    }

    async fn filters_have_length_and_depth_limits(app) {
        let dir = app.directory("Limits").await;
        let deep = format!("{}userName eq \"a\"{}", "(".repeat(1000), ")".repeat(1000));
        let long = format!("userName eq \"{}\"", "x".repeat(100_000));
        let wide = (0..400).map(|i| format!("title eq \"t{i}\"")).collect::<Vec<_>>().join(" and ");
        for filter in [deep, long, wide, "userName eq".to_owned(), "nosuch[".to_owned()] {
            let res = app.scim(&dir, Method::POST, "/Users/.search", Some(json!({"filter": filter}))).await;
            assert_scim_error(&res, StatusCode::BAD_REQUEST);
            assert_eq!(res.json()["scimType"], "invalidFilter");
        }
    }

    async fn oversized_bodies_get_a_scim_413(app) {
        let dir = app.directory("Big").await;
        let big = format!("{{\"userName\":\"big\",\"title\":\"{}\"}}", "x".repeat(17 * 1024 * 1024));
        let res = app.scim_raw(&dir, Method::POST, "/Users", "application/scim+json", big).await;
        assert_scim_error(&res, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.scim(&dir, Method::GET, "/Users", None).await.json()["totalResults"], 0);
    }

    async fn rate_limit_answers_429_with_retry_after(app) {
        let mut app = TestApp::start_with(app.db, |c| {
            c.scim_rate_limit = 1;
            c.scim_rate_burst = 3;
        })
        .await
        .unwrap();
        let dir = app.directory("Limited").await;
        let other = app.directory("Unlimited").await;
        for _ in 0..3 {
            assert_eq!(app.scim(&dir, Method::GET, "/Users", None).await.status, StatusCode::OK);
        }
        let res = app.scim(&dir, Method::GET, "/Users", None).await;
        assert_scim_error(&res, StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = res.header("retry-after").expect("Retry-After").parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        // Each directory has its own budget.
        assert_eq!(app.scim(&other, Method::GET, "/Users", None).await.status, StatusCode::OK);
        // Requests without the key do not spend it: they cannot lock the IdP out.
        let keyless = ScimTarget { directory_id: other.directory_id.clone(), key: "wrong".into() };
        for _ in 0..5 {
            assert_eq!(app.scim(&keyless, Method::GET, "/Users", None).await.status, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(app.scim(&other, Method::GET, "/Users", None).await.status, StatusCode::OK);
        // The refusal is in the directory's sync log.
        let events = app.sync_log(&dir).await;
        assert!(events.iter().any(|e| e["status"] == 429), "{events:?}");
    }
}
