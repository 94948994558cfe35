//! `/Bulk` (RFC 7644 §3.7): `bulkId` references in data and paths, `failOnErrors`, and the
//! advertised `maxOperations` / `maxPayloadSize` limits.
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::backend_tests;

const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

/// Asserts a SCIM error answer with this status.
fn assert_scim_error(res: &crate::common::TestResponse, status: StatusCode) {
    assert_eq!(res.status, status, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/scim+json"));
    assert_eq!(res.json()["schemas"], json!([ERROR]));
    assert_eq!(res.json()["status"], status.as_str());
}

backend_tests! {
    async fn bulk_resolves_bulk_ids(app) {
        let dir = app.directory("Bulk").await;
        let res = app.scim(&dir, Method::POST, "/Bulk", Some(json!({
            "schemas": [BULK_REQUEST],
            "Operations": [
                {"method": "POST", "path": "/Users", "bulkId": "x", "data": {"userName": "bulk-x@example.com"}},
                {"method": "POST", "path": "/Groups", "bulkId": "g", "data": {
                    "displayName": "Bulk group", "members": [{"type": "User", "value": "bulkId:x"}]
                }},
                {"method": "POST", "path": "/Users", "bulkId": "y", "data": {"userName": "bulk-y@example.com"}},
                {"method": "PATCH", "path": "/Groups/bulkId:g", "data": {
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [{"op": "add", "path": "members", "value": [{"value": "bulkId:y"}]}]
                }}
            ]
        }))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let body = res.json();
        assert_eq!(body["schemas"], json!(["urn:ietf:params:scim:api:messages:2.0:BulkResponse"]));
        let ops = body["Operations"].as_array().unwrap();
        assert_eq!(ops.len(), 4);
        let statuses: Vec<&str> = ops.iter().map(|o| o["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, vec!["201", "201", "201", "204"], "{body}");
        assert_eq!(ops[0]["bulkId"], "x");
        let user_location = ops[0]["location"].as_str().unwrap();
        let user_id = user_location.rsplit('/').next().unwrap().to_owned();
        let group_id = ops[1]["location"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
        let y_id = ops[2]["location"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
        let mut want = vec![user_id, y_id];
        want.sort();
        assert_eq!(app.member_ids(&dir, &group_id).await, want);
        // An unresolvable bulkId fails that operation alone.
        let res = app.scim(&dir, Method::POST, "/Bulk", Some(json!({
            "schemas": [BULK_REQUEST],
            "Operations": [
                {"method": "POST", "path": "/Groups", "bulkId": "z", "data": {
                    "displayName": "Dangling", "members": [{"value": "bulkId:nobody"}]
                }},
                {"method": "POST", "path": "/Users", "bulkId": "ok", "data": {"userName": "bulk-ok@example.com"}}
            ]
        }))).await;
        let ops = res.json()["Operations"].as_array().unwrap().clone();
        assert_eq!(ops[0]["status"], "400", "{ops:?}");
        assert_eq!(ops[0]["response"]["schemas"], json!([ERROR]));
        assert_eq!(ops[1]["status"], "201");
    }

    async fn bulk_stops_after_fail_on_errors(app) {
        let dir = app.directory("Bulk").await;
        app.create_user(&dir, "taken@example.com").await;
        let res = app.scim(&dir, Method::POST, "/Bulk", Some(json!({
            "schemas": [BULK_REQUEST],
            "failOnErrors": 1,
            "Operations": [
                {"method": "POST", "path": "/Users", "bulkId": "a", "data": {"userName": "first@example.com"}},
                {"method": "POST", "path": "/Users", "bulkId": "b", "data": {"userName": "taken@example.com"}},
                {"method": "POST", "path": "/Users", "bulkId": "c", "data": {"userName": "never@example.com"}}
            ]
        }))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let ops = res.json()["Operations"].as_array().unwrap().clone();
        assert_eq!(ops.len(), 2, "{ops:?}");
        assert_eq!(ops[0]["status"], "201");
        assert_eq!(ops[1]["status"], "409");
        assert_eq!(ops[1]["response"]["scimType"], "uniqueness");
        let never = app.scim(&dir, Method::GET, "/Users?filter=userName%20eq%20%22never%40example.com%22", None).await.json();
        assert_eq!(never["totalResults"], 0, "operations after the limit do not run");
        let first = app.scim(&dir, Method::GET, "/Users?filter=userName%20eq%20%22first%40example.com%22", None).await.json();
        assert_eq!(first["totalResults"], 1);
    }

    async fn bulk_limits_operations_and_payload(app) {
        let dir = app.directory("Bulk").await;
        let spc = app.scim(&dir, Method::GET, "/ServiceProviderConfig", None).await.json();
        let max_ops = spc["bulk"]["maxOperations"].as_u64().unwrap() as usize;
        let max_payload = spc["bulk"]["maxPayloadSize"].as_u64().unwrap() as usize;
        let ops: Vec<Value> = (0..=max_ops)
            .map(|i| json!({"method": "POST", "path": "/Users", "bulkId": format!("b{i}"), "data": {"userName": format!("b{i}")}}))
            .collect();
        let res = app.scim(&dir, Method::POST, "/Bulk", Some(json!({"schemas": [BULK_REQUEST], "Operations": ops}))).await;
        assert_scim_error(&res, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.scim(&dir, Method::GET, "/Users", None).await.json()["totalResults"], 0, "nothing ran");
        let big = "x".repeat(max_payload);
        let res = app.scim(&dir, Method::POST, "/Bulk", Some(json!({"schemas": [BULK_REQUEST], "Operations": [
            {"method": "POST", "path": "/Users", "data": {"userName": "big", "title": big}}
        ]}))).await;
        assert_scim_error(&res, StatusCode::PAYLOAD_TOO_LARGE);
    }
}
