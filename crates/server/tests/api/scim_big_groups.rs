//! Groups with many members (issue 8): a group read, written or replaced with its members is
//! serialised straight to bytes, member row by member row. These tests hold that answer to
//! the one the JSON-tree path gives (`GET /Groups?filter=id eq …` still renders through it),
//! byte for byte, under every projection of `members`.
use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    backend_tests,
    common::{patch_op, ScimTarget, TestApp},
};

const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

/// Creates `n` users over `/Bulk` (display names with characters JSON must escape), returns
/// their ids.
async fn bulk_users(app: &mut TestApp, dir: &ScimTarget, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for start in (0..n).step_by(500) {
        let ops: Vec<Value> = (start..n.min(start + 500))
            .map(|i| {
                let display = match i % 4 {
                    0 => format!("User {i}"),
                    1 => format!("Quote \"{i}\" and back\\slash"),
                    2 => format!("Ünïcødé {i} </script> \u{1F600}"),
                    _ => format!("Tab\t{i}\nnewline"),
                };
                json!({"method": "POST", "path": "/Users", "bulkId": format!("u{i}"),
                       "data": {"userName": format!("big{i}@example.com"), "displayName": display}})
            })
            .collect();
        let res = app
            .scim(
                dir,
                Method::POST,
                "/Bulk",
                Some(json!({"schemas": [BULK_REQUEST], "Operations": ops})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        for op in res.json()["Operations"].as_array().unwrap() {
            assert_eq!(op["status"], "201", "{op}");
            let location = op["location"].as_str().unwrap();
            ids.push(location.rsplit('/').next().unwrap().to_owned());
        }
    }
    ids
}

/// The projections a client may ask a group for, as query strings.
const PROJECTIONS: &[&str] = &[
    "",
    "attributes=members",
    "attributes=members.value",
    "attributes=members.display",
    "attributes=members.display,members.value,displayName",
    "attributes=members.%24ref,meta",
    "attributes=displayName",
    "attributes=urn:ietf:params:scim:schemas:core:2.0:Group:members",
    "excludedAttributes=members",
    "excludedAttributes=members.value",
    "excludedAttributes=members.display",
    "excludedAttributes=members.%24ref,members.type,members.value",
    "excludedAttributes=meta,displayName",
    "attributes=members&excludedAttributes=members",
];

/// The group as the JSON-tree path renders it (a list filtered on its id), serialised the way
/// the server serialises a `Value`.
async fn via_list(app: &mut TestApp, dir: &ScimTarget, gid: &str, query: &str) -> String {
    let sep = if query.is_empty() { "" } else { "&" };
    let res = app
        .scim(
            dir,
            Method::GET,
            &format!("/Groups?filter=id%20eq%20%22{gid}%22{sep}{query}"),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let list = res.json();
    assert_eq!(list["totalResults"], 1);
    list["Resources"][0].to_string()
}

backend_tests! {
    async fn big_group_reads_match_the_tree_path_byte_for_byte(app) {
        let dir = app.directory("Big").await;
        let ids = bulk_users(&mut app, &dir, 1_200).await;
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let gid = app.create_group(&dir, "Everyone \"big\"", &refs).await;
        for query in PROJECTIONS {
            let sep = if query.is_empty() { "" } else { "?" };
            let res = app.scim(&dir, Method::GET, &format!("/Groups/{gid}{sep}{query}"), None).await;
            assert_eq!(res.status, StatusCode::OK, "{query}: {}", res.text());
            assert_eq!(
                res.headers.get(header::CONTENT_TYPE).unwrap(),
                "application/scim+json"
            );
            let expected = via_list(&mut app, &dir, &gid, query).await;
            assert!(res.text() == expected, "{query}: the direct bytes differ from the tree path");
        }

        // The default shape: every member once, by id, with `$ref` and `type` and no
        // `display` (returned only on request).
        let group = app.scim(&dir, Method::GET, &format!("/Groups/{gid}"), None).await.json();
        let members = group["members"].as_array().unwrap();
        assert_eq!(members.len(), 1_200);
        let mut sorted = ids.clone();
        sorted.sort();
        let values: Vec<&str> = members.iter().map(|m| m["value"].as_str().unwrap()).collect();
        assert_eq!(values, sorted.iter().map(String::as_str).collect::<Vec<_>>());
        for m in members {
            let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["$ref", "type", "value"]);
            assert_eq!(m["type"], "User");
            assert!(m["$ref"].as_str().unwrap().ends_with(&format!("/Users/{}", m["value"].as_str().unwrap())));
        }
        assert_eq!(group["displayName"], "Everyone \"big\"");
        assert_eq!(group["meta"]["resourceType"], "Group");

        // Displays, escaped as JSON.
        let shown = app.scim(&dir, Method::GET, &format!("/Groups/{gid}?attributes=members.display"), None).await.json();
        assert_eq!(shown.as_object().unwrap().keys().collect::<Vec<_>>(), ["id", "members", "schemas"]);
        let displays: Vec<&str> = shown["members"].as_array().unwrap().iter().map(|m| m["display"].as_str().unwrap()).collect();
        assert!(displays.iter().any(|d| d.contains("\"") && d.contains('\\')));
        assert!(displays.iter().any(|d| d.contains('\u{1F600}')));
        assert!(displays.iter().any(|d| d.contains('\t') && d.contains('\n')));

        // Without members: none read, none written.
        let bare = app.scim(&dir, Method::GET, &format!("/Groups/{gid}?excludedAttributes=members"), None).await.json();
        assert!(bare.get("members").is_none());
    }

    async fn big_group_etags_writes_and_errors(app) {
        let dir = app.directory("Big writes").await;
        let ids = bulk_users(&mut app, &dir, 300).await;
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let gid = app.create_group(&dir, "Three hundred", &refs[..299]).await;

        // ETag and If-None-Match.
        let res = app.scim(&dir, Method::GET, &format!("/Groups/{gid}"), None).await;
        let etag = res.headers.get(header::ETAG).unwrap().to_str().unwrap().to_owned();
        assert_eq!(res.json()["meta"]["version"], etag.as_str());
        assert!(res.headers.get(header::LOCATION).unwrap().to_str().unwrap().ends_with(&format!("/Groups/{gid}")));
        let res = app.scim_with(&dir, Method::GET, &format!("/Groups/{gid}"), None, &[("if-none-match", &etag)]).await;
        assert_eq!(res.status, StatusCode::NOT_MODIFIED);
        assert!(res.body.is_empty());
        let res = app.scim_with(&dir, Method::GET, &format!("/Groups/{gid}"), None, &[("if-none-match", "W/\"999\"")]).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.json()["members"].as_array().unwrap().len(), 299);

        // A PATCH asking for members answers with all of them, like a read.
        let res = app.scim(&dir, Method::PATCH, &format!("/Groups/{gid}?attributes=members"), Some(patch_op(json!([
            {"op": "add", "path": "members", "value": [{"value": ids[299]}]}
        ])))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(res.text(), via_list(&mut app, &dir, &gid, "attributes=members").await);
        assert_eq!(res.json()["members"].as_array().unwrap().len(), 300);

        // A PUT answers with the group as a read does.
        let members: Vec<Value> = ids[..250].iter().map(|id| json!({"value": id})).collect();
        let res = app.scim(&dir, Method::PUT, &format!("/Groups/{gid}"), Some(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Two hundred fifty", "members": members
        }))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(res.text(), via_list(&mut app, &dir, &gid, "").await);
        assert_eq!(res.json()["members"].as_array().unwrap().len(), 250);

        // A group emptied has no `members`, as before.
        let res = app.scim(&dir, Method::PATCH, &format!("/Groups/{gid}?attributes=members,displayName"), Some(patch_op(json!([
            {"op": "remove", "path": "members"}
        ])))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert!(res.json().get("members").is_none(), "{}", res.text());

        // Errors are unchanged.
        let res = app.scim(&dir, Method::GET, "/Groups/nope?attributes=members", None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert_eq!(res.json()["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error");
    }
}
