//! Groups with many members: a group read, written, replaced or listed with its
//! members is serialised straight to bytes, member row by member row. These tests hold those
//! answers to the ones the JSON-tree path gives (`list::list_tree`, kept as the reference),
//! byte for byte, under every projection of `members`, and check that lists without members
//! never read member rows.
use axum::http::{header, Method, StatusCode};
use roster_scim::ResourceKind;
use roster_server::scim::{
    list::{self, ListRequest},
    middleware::ScimDirectory,
};
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

/// The directory as the SCIM middleware hands it to handlers.
async fn scim_directory(app: &TestApp, dir: &ScimTarget) -> ScimDirectory {
    let org = app.state.store.organization().await.unwrap().unwrap();
    ScimDirectory {
        id: dir.directory_id.clone(),
        org_id: org.id,
        base_url: format!(
            "{}/scim/directory/{}",
            app.state.public_url(),
            dir.directory_id
        ),
    }
}

/// `GET /Groups?{query}` as the JSON-tree path builds it, serialised the way the server
/// serialises a `Value`.
async fn tree_list(app: &TestApp, dir: &ScimTarget, query: &str) -> String {
    let params: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    let req = ListRequest::from_query(&params).unwrap();
    let scim_dir = scim_directory(app, dir).await;
    let tree = list::list_tree(&app.state, &scim_dir, ResourceKind::Group, &req).await;
    tree.unwrap_or_else(|e| panic!("{query}: {:?}", e.error))
        .to_string()
}

/// The group as the JSON-tree path renders it (a list filtered on its id).
async fn via_list(app: &mut TestApp, dir: &ScimTarget, gid: &str, query: &str) -> String {
    let sep = if query.is_empty() { "" } else { "&" };
    let list: Value = serde_json::from_str(
        &tree_list(
            app,
            dir,
            &format!("filter=id%20eq%20%22{gid}%22{sep}{query}"),
        )
        .await,
    )
    .unwrap();
    assert_eq!(list["totalResults"], 1);
    list["Resources"][0].to_string()
}

/// `POST /.search` (root) or `POST /Groups/.search` with `body`, as the JSON-tree path builds it.
async fn tree_search(app: &TestApp, dir: &ScimTarget, root: bool, body: &Value) -> String {
    let req = ListRequest::from_body(body).unwrap();
    let scim_dir = scim_directory(app, dir).await;
    let tree = if root {
        list::search_all_tree(&app.state, &scim_dir, &req).await
    } else {
        list::list_tree(&app.state, &scim_dir, ResourceKind::Group, &req).await
    };
    tree.unwrap_or_else(|e| panic!("{body}: {:?}", e.error))
        .to_string()
}

/// Renames the member table away (or back), so that any read of member rows fails.
async fn hide_member_rows(app: &TestApp, hide: bool) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.state.config.database_url)
        .await
        .unwrap();
    let (from, to) = if hide {
        ("group_members", "group_members_hidden")
    } else {
        ("group_members_hidden", "group_members")
    };
    sqlx::query(&format!("ALTER TABLE {from} RENAME TO {to}"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// More members than two pages of member rows (5,000 each) hold.
const BIG: usize = 10_500;

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

    async fn big_group_lists_and_searches_match_the_tree_path_byte_for_byte(app) {
        let dir = app.directory("Big lists").await;
        let ids = bulk_users(&mut app, &dir, BIG).await;
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        // Several groups with members on one page, the big one between others.
        app.create_group(&dir, "Team a", &refs[..3]).await;
        let big = app.create_group(&dir, "Everyone \"big\"", &refs).await;
        app.create_group(&dir, "Team empty", &[]).await;
        app.create_group(&dir, "Team b", &refs[BIG - 7_000..BIG - 6_990]).await;
        app.create_group(&dir, "Zeta one", &refs[42..43]).await;

        let mut queries: Vec<String> = PROJECTIONS.iter().map(|p| p.to_string()).collect();
        queries.extend(
            [
                "count=10",
                "count=0",
                "startIndex=2&count=2",
                "startIndex=4",
                "startIndex=99",
                "sortBy=displayName",
                "sortBy=displayName&sortOrder=descending&attributes=members.display,displayName",
                "sortBy=meta.lastModified&sortOrder=descending&excludedAttributes=members.value",
                "filter=displayName%20sw%20%22Team%22",
                "filter=displayName%20sw%20%22Every%22&attributes=members.value",
                "filter=displayName%20eq%20%22nobody%22",
            ]
            .map(str::to_owned),
        );
        queries.push(format!("filter=members.value%20eq%20%22{}%22", ids[42]));
        queries.push(format!("filter=members.value%20eq%20%22{}%22&sortBy=displayName", ids[1]));
        for query in &queries {
            let res = app.scim(&dir, Method::GET, &format!("/Groups?{query}"), None).await;
            assert_eq!(res.status, StatusCode::OK, "{query}: {}", res.text());
            assert_eq!(res.headers.get(header::CONTENT_TYPE).unwrap(), "application/scim+json");
            let expected = tree_list(&app, &dir, query).await;
            assert!(res.text() == expected, "{query}: the list bytes differ from the tree path");
        }

        // The default list holds every member of the big group, in member-id order.
        let all = app.scim(&dir, Method::GET, "/Groups", None).await.json();
        assert_eq!((all["totalResults"].as_u64(), all["itemsPerPage"].as_u64()), (Some(5), Some(5)));
        let group = all["Resources"].as_array().unwrap().iter().find(|g| g["id"] == big.as_str()).unwrap();
        let members = group["members"].as_array().unwrap();
        assert_eq!(members.len(), BIG);
        let mut sorted = ids.clone();
        sorted.sort();
        assert!(members.iter().map(|m| m["value"].as_str().unwrap()).eq(sorted.iter().map(String::as_str)));

        // `POST /Groups/.search` and the root `POST /.search`, users first then groups.
        let searches = [
            json!({}),
            json!({"attributes": ["members.display", "displayName"], "sortBy": "displayName"}),
            json!({"excludedAttributes": ["members.value"], "startIndex": 2, "count": 3}),
            json!({"filter": "displayName sw \"Every\"", "attributes": "members"}),
            json!({"filter": format!("members.value eq \"{}\"", ids[0]), "sortOrder": "descending", "sortBy": "displayName"}),
        ];
        for body in &searches {
            let mut body = body.clone();
            body["schemas"] = json!(["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]);
            let res = app.scim(&dir, Method::POST, "/Groups/.search", Some(body.clone())).await;
            assert_eq!(res.status, StatusCode::OK, "{body}: {}", res.text());
            assert!(res.text() == tree_search(&app, &dir, false, &body).await, "{body}: the .search bytes differ");
        }
        let root_searches = [
            json!({"startIndex": BIG - 1, "count": 4}),
            json!({"startIndex": BIG + 1, "attributes": ["members", "displayName", "userName"]}),
            json!({"startIndex": BIG - 2, "count": 10, "excludedAttributes": ["members.$ref", "groups"]}),
            json!({"filter": "displayName sw \"Every\""}),
            json!({"filter": format!("members.value eq \"{}\"", ids[2])}),
            json!({"count": 0}),
        ];
        for body in &root_searches {
            let mut body = body.clone();
            body["schemas"] = json!(["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]);
            let res = app.scim(&dir, Method::POST, "/.search", Some(body.clone())).await;
            assert_eq!(res.status, StatusCode::OK, "{body}: {}", res.text());
            let text = res.text();
            assert!(text == tree_search(&app, &dir, true, &body).await, "{body}: the root .search bytes differ");
        }
        let mixed = app.scim(&dir, Method::POST, "/.search", Some(json!({"startIndex": BIG - 1, "count": 4}))).await.json();
        let types: Vec<&str> = mixed["Resources"].as_array().unwrap().iter().map(|r| r["meta"]["resourceType"].as_str().unwrap()).collect();
        assert_eq!(types, ["User", "User", "Group", "Group"]);
        assert_eq!(mixed["totalResults"].as_u64(), Some(BIG as u64 + 5));

        // Lists without members never read member rows: with the member table gone they still
        // answer, as before; with members they cannot.
        let bare_list = app.scim(&dir, Method::GET, "/Groups?excludedAttributes=members", None).await.text();
        let bare_search = json!({"excludedAttributes": ["members", "groups"], "startIndex": BIG - 1});
        let bare_root = app.scim(&dir, Method::POST, "/.search", Some(bare_search.clone())).await.text();
        let bare_attrs = app.scim(&dir, Method::GET, "/Groups?attributes=displayName", None).await.text();
        hide_member_rows(&app, true).await;
        let res = app.scim(&dir, Method::GET, "/Groups?excludedAttributes=members", None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert!(res.text() == bare_list);
        let res = app.scim(&dir, Method::POST, "/Groups/.search", Some(json!({"excludedAttributes": "members"}))).await;
        assert!(res.text() == bare_list, "{}", res.text());
        let res = app.scim(&dir, Method::POST, "/.search", Some(bare_search)).await;
        assert!(res.text() == bare_root, "{}", res.text());
        let res = app.scim(&dir, Method::GET, "/Groups?attributes=displayName", None).await;
        assert!(res.text() == bare_attrs, "{}", res.text());
        let res = app.scim(&dir, Method::GET, "/Groups?attributes=members", None).await;
        assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR, "the probe must read member rows");
        hide_member_rows(&app, false).await;
        let res = app.scim(&dir, Method::GET, "/Groups?attributes=members", None).await;
        assert_eq!(res.status, StatusCode::OK);
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
