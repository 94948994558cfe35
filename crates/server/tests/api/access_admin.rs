//! Sites and products, local groups and their members, users across directories (managed vs
//! external), domains verified against a loopback DNS server, and audit log filters.
use std::{collections::HashMap, net::SocketAddr, sync::Arc};

use axum::http::{Method, StatusCode};
use serde_json::json;
use tokio::net::UdpSocket;

use crate::{
    access_journey::{scim_group, scim_user, site_with},
    backend_tests,
};

/// A loopback DNS server answering TXT queries from `records` (name without trailing dot →
/// strings) and NXDOMAIN for anything else. Just enough of RFC 1035 for one question.
pub async fn dns_server(records: HashMap<String, Vec<String>>) -> SocketAddr {
    let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
    let addr = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while let Ok((len, peer)) = socket.recv_from(&mut buf).await {
            if let Some(answer) = dns_answer(&buf[..len], &records) {
                let _ = socket.send_to(&answer, peer).await;
            }
        }
    });
    addr
}

fn dns_answer(query: &[u8], records: &HashMap<String, Vec<String>>) -> Option<Vec<u8>> {
    if query.len() < 12 {
        return None;
    }
    // The question: labels up to the root, then type and class.
    let mut pos = 12;
    let mut labels = Vec::new();
    loop {
        let n = *query.get(pos)? as usize;
        pos += 1;
        if n == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(query.get(pos..pos + n)?).to_lowercase());
        pos += n;
    }
    let qtype = u16::from_be_bytes([*query.get(pos)?, *query.get(pos + 1)?]);
    let question = &query[12..pos + 4];
    let name = labels.join(".");
    let found = records.get(&name).filter(|_| qtype == 16);
    let mut out = Vec::new();
    out.extend_from_slice(&query[..2]); // id
    let rcode = if records.contains_key(&name) { 0 } else { 3 };
    out.extend_from_slice(&[0x81, 0x80 | rcode]); // response, RD, RA
    out.extend_from_slice(&[0, 1]); // one question
    out.extend_from_slice(&(found.map_or(0, Vec::len) as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(question);
    for text in found.into_iter().flatten() {
        out.extend_from_slice(&[0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60]); // name ptr, TXT, IN, TTL
        out.extend_from_slice(&((text.len() + 1) as u16).to_be_bytes());
        out.push(text.len() as u8);
        out.extend_from_slice(text.as_bytes());
    }
    Some(out)
}

backend_tests! {
    async fn sites_crud_and_validation(app) {
        app.sign_in().await;
        let res = app.request(Method::POST, "/api/v1/sites", Some(json!({"name": "Main", "url": "https://main.atlassian.net/"}))).await;
        assert_eq!(res.status, StatusCode::CREATED);
        let site = res.json();
        let id = site["id"].as_str().unwrap().to_owned();
        assert_eq!(site["url"], "https://main.atlassian.net");
        assert!(res.header("location").unwrap().ends_with(&id));
        for bad in [json!({"name": "", "url": "https://a.b"}), json!({"name": "X", "url": "ftp://a"}),
                    json!({"name": "X", "url": "https://"}), json!({"name": "x".repeat(101), "url": "https://a.b"})] {
            let res = app.request(Method::POST, "/api/v1/sites", Some(bad)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let res = app.request(Method::POST, "/api/v1/sites", Some(json!({"name": "MAIN", "url": "https://other.net"}))).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert_eq!(res.json()["type"], "urn:roster:problem:site-exists");
        let res = app.request(Method::POST, "/api/v1/sites", Some(json!({"name": "Other", "url": "HTTPS://MAIN.atlassian.net"}))).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        let res = app.request(Method::PATCH, &format!("/api/v1/sites/{id}"), Some(json!({"name": "Renamed"}))).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.json()["name"], "Renamed");
        assert_eq!(app.get("/api/v1/sites").await.json().as_array().unwrap().len(), 1);
        assert_eq!(app.get("/api/v1/sites/nope").await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.request(Method::PATCH, "/api/v1/sites/nope", Some(json!({}))).await.status, StatusCode::NOT_FOUND);

        // Products: catalogue keys, custom types, duplicates.
        let products = format!("/api/v1/sites/{id}/products");
        let res = app.request(Method::POST, &products, Some(json!({"key": "jira"}))).await;
        assert_eq!(res.status, StatusCode::CREATED);
        let jira = res.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(app.request(Method::POST, &products, Some(json!({"key": "jira"}))).await.status, StatusCode::CONFLICT);
        assert_eq!(app.request(Method::POST, &products, Some(json!({"key": "nope"}))).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.request(Method::POST, &products, Some(json!({}))).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        let res = app.request(Method::POST, &products, Some(json!({"name": "Bitbucket"}))).await;
        assert_eq!(res.status, StatusCode::CREATED);
        assert_eq!(res.json()["key"], "bitbucket");
        assert_eq!(res.json()["builtIn"], false);
        let res = app.request(Method::POST, &products, Some(json!({"name": "Confluence"}))).await;
        assert_eq!(res.json()["builtIn"], true);
        assert_eq!(app.get(&products).await.json().as_array().unwrap().len(), 3);
        assert_eq!(app.request(Method::POST, "/api/v1/sites/nope/products", Some(json!({"key": "jira"}))).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.request(Method::DELETE, &format!("{products}/{jira}"), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.request(Method::DELETE, &format!("{products}/{jira}"), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.request(Method::DELETE, &format!("/api/v1/sites/{id}"), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.request(Method::DELETE, &format!("/api/v1/sites/{id}"), None).await.status, StatusCode::NOT_FOUND);
        let audit = app.get(&format!("/api/v1/audit?target={id}")).await.json();
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["site.deleted", "site.updated", "site.created"]);
    }

    async fn local_groups_and_members(app) {
        app.sign_in().await;
        let okta = app.directory("Okta").await;
        let entra = app.directory("Entra").await;
        let a = scim_user(&mut app, &okta, "a@example.com", true).await;
        let b = scim_user(&mut app, &entra, "b@example.org", true).await;
        let synced = scim_group(&mut app, &okta, "Synced", &[&a]).await;

        let res = app.request(Method::POST, "/api/v1/groups", Some(json!({"name": "Contractors"}))).await;
        assert_eq!(res.status, StatusCode::CREATED);
        let g = res.json()["group"]["id"].as_str().unwrap().to_owned();
        assert_eq!(res.json()["group"]["kind"], "local");
        assert_eq!(app.request(Method::POST, "/api/v1/groups", Some(json!({"name": "contractors"}))).await.status, StatusCode::CONFLICT);
        assert_eq!(app.request(Method::POST, "/api/v1/groups", Some(json!({"name": " "}))).await.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Members from any directory; idempotent PUT.
        for user in [&a, &b, &a] {
            let res = app.request(Method::PUT, &format!("/api/v1/groups/{g}/members/{user}"), None).await;
            assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", String::from_utf8_lossy(&res.body));
        }
        assert_eq!(app.get(&format!("/api/v1/groups/{g}")).await.json()["group"]["memberCount"], 2);
        // Its members, from both directories, one page at a time.
        let page = app.get(&format!("/api/v1/groups/{g}/members?limit=1")).await.json();
        assert_eq!(page["total"], 2);
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        let next = page["nextCursor"].as_str().unwrap().to_owned();
        let page2 = app.get(&format!("/api/v1/groups/{g}/members?limit=1&cursor={next}")).await.json();
        let mut dirs = vec![
            page["items"][0]["directoryId"].as_str().unwrap().to_owned(),
            page2["items"][0]["directoryId"].as_str().unwrap().to_owned(),
        ];
        dirs.sort();
        let mut expected = vec![okta.directory_id.clone(), entra.directory_id.clone()];
        expected.sort();
        assert_eq!(dirs, expected);
        assert!(page2["nextCursor"].is_null());
        assert_eq!(app.get(&format!("/api/v1/groups/{synced}/members")).await.json()["items"][0]["id"], a.as_str());
        assert_eq!(app.get("/api/v1/groups/nope/members").await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.request(Method::PUT, &format!("/api/v1/groups/{g}/members/nope"), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.request(Method::DELETE, &format!("/api/v1/groups/{g}/members/{b}"), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.request(Method::DELETE, &format!("/api/v1/groups/{g}/members/{b}"), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/groups/{g}")).await.json()["group"]["memberCount"], 1);

        // Access through a local group counts like any other.
        let (site, product) = site_with(&mut app, "L", "confluence").await;
        app.request(Method::POST, &format!("/api/v1/sites/{site}/products/{product}/access"), Some(json!({"groupId": g}))).await;
        let detail = app.get(&format!("/api/v1/users/{a}")).await.json();
        assert_eq!(detail["access"][0]["grantedBy"][0]["groupName"], "Contractors");
        assert_eq!(app.get(&format!("/api/v1/groups/{g}")).await.json()["access"][0]["productName"], "Confluence");

        // Synced groups are read-only here.
        for (method, path, body) in [
            (Method::PATCH, format!("/api/v1/groups/{synced}"), Some(json!({"name": "X"}))),
            (Method::DELETE, format!("/api/v1/groups/{synced}"), None),
            (Method::PUT, format!("/api/v1/groups/{synced}/members/{b}"), None),
            (Method::DELETE, format!("/api/v1/groups/{synced}/members/{a}"), None),
        ] {
            let res = app.request(method, &path, body).await;
            assert_eq!(res.status, StatusCode::CONFLICT);
            assert_eq!(res.json()["type"], "urn:roster:problem:synced-group-read-only");
        }

        // Listing: both kinds, filters, search.
        let all = app.get("/api/v1/groups").await.json();
        assert_eq!(all["items"].as_array().unwrap().len(), 2);
        let local = app.get("/api/v1/groups?kind=local").await.json();
        assert_eq!(local["items"][0]["name"], "Contractors");
        let synced_list = app.get("/api/v1/groups?kind=synced&search=SYN").await.json();
        assert_eq!(synced_list["items"][0]["directoryName"], "Okta");
        assert_eq!(app.get("/api/v1/groups?kind=weird").await.status, StatusCode::BAD_REQUEST);

        let res = app.request(Method::PATCH, &format!("/api/v1/groups/{g}"), Some(json!({"name": "Vendors"}))).await;
        assert_eq!(res.json()["group"]["name"], "Vendors");
        assert_eq!(app.request(Method::DELETE, &format!("/api/v1/groups/{g}"), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&format!("/api/v1/groups/{g}")).await.status, StatusCode::NOT_FOUND);
        let audit = app.get(&format!("/api/v1/audit?target={g}&action=group.deleted")).await.json();
        assert_eq!(audit["items"][0]["before"]["removedAccess"][0]["product"], "Confluence");
        let family = app.get(&format!("/api/v1/audit?target={g}&action=group.*")).await.json();
        assert_eq!(family["items"].as_array().unwrap().len(), 6);
    }

    async fn users_across_directories_managed_and_external(app) {
        app.sign_in().await;
        let okta = app.directory("Okta").await;
        let entra = app.directory("Entra").await;
        let a = scim_user(&mut app, &okta, "ann@example.com", true).await;
        let b = scim_user(&mut app, &entra, "ben@partner.org", true).await;
        let list = app.get("/api/v1/users").await.json();
        let names: Vec<&str> = list["items"].as_array().unwrap().iter().map(|u| u["userName"].as_str().unwrap()).collect();
        assert_eq!(names, ["ann@example.com", "ben@partner.org"]);
        assert_eq!(list["items"][1]["directoryName"], "Entra");
        assert_eq!(list["items"][0]["managed"], false);
        let found = app.get("/api/v1/users?search=BEN").await.json();
        assert_eq!(found["items"].as_array().unwrap().len(), 1);
        let page = app.get("/api/v1/users?limit=1").await.json();
        let next = page["nextCursor"].as_str().unwrap().to_owned();
        let second = app.get(&format!("/api/v1/users?limit=1&cursor={next}")).await.json();
        assert_eq!(second["items"][0]["id"], b.as_str());
        assert_eq!(app.get("/api/v1/users/nope").await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/users?search={}", "x".repeat(201))).await.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Verify example.com: ann becomes managed, ben stays external.
        let res = app.request(Method::POST, "/api/v1/domains", Some(json!({"name": "Example.com"}))).await;
        let domain = res.json();
        let txt = domain["txtRecordValue"].as_str().unwrap().to_owned();
        let dns = dns_server(HashMap::from([("_roster-challenge.example.com".to_owned(), vec![txt])])).await;
        set_resolver(&mut app, dns);
        let res = app.request(Method::POST, &format!("/api/v1/domains/{}/verify", domain["id"].as_str().unwrap()), None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
        let ann = app.get(&format!("/api/v1/users/{a}")).await.json();
        assert_eq!(ann["managed"], true);
        assert_eq!(ann["emailDomain"], "example.com");
        assert_eq!(app.get(&format!("/api/v1/users/{b}")).await.json()["managed"], false);
        // An email change over SCIM moves the user's domain.
        let res = app.scim(&okta, Method::PATCH, &format!("/Users/{a}"), Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "emails", "value": [{"value": "ann@elsewhere.net", "primary": true}]}]
        }))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
        assert_eq!(app.get(&format!("/api/v1/users/{a}")).await.json()["managed"], false);
    }

    async fn domains_verify_against_dns(app) {
        app.sign_in().await;
        let res = app.request(Method::POST, "/api/v1/domains", Some(json!({"name": "example.com."}))).await;
        assert_eq!(res.status, StatusCode::CREATED);
        let d = res.json();
        let id = d["id"].as_str().unwrap().to_owned();
        assert_eq!(d["name"], "example.com");
        assert_eq!(d["txtRecordName"], "_roster-challenge.example.com");
        let value = d["txtRecordValue"].as_str().unwrap().to_owned();
        assert!(value.starts_with("roster-verification="));
        assert_eq!(d["verified"], false);
        assert_eq!(app.request(Method::POST, "/api/v1/domains", Some(json!({"name": "EXAMPLE.com"}))).await.status, StatusCode::CONFLICT);
        assert_eq!(app.request(Method::POST, "/api/v1/domains", Some(json!({"name": "not a domain"}))).await.status, StatusCode::UNPROCESSABLE_ENTITY);

        // A wrong value at the challenge name: not verified.
        let dns = dns_server(HashMap::from([
            ("_roster-challenge.example.com".to_owned(), vec!["roster-verification=wrong".to_owned()]),
            ("apex.org".to_owned(), vec!["v=spf1 -all".to_owned(), value.clone()]),
        ])).await;
        set_resolver(&mut app, dns);
        let res = app.request(Method::POST, &format!("/api/v1/domains/{id}/verify"), None).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert_eq!(res.json()["type"], "urn:roster:problem:domain-not-verified");
        let d = &app.get("/api/v1/domains").await.json()[0];
        assert_eq!(d["verified"], false);
        assert!(d["lastCheckedAt"].is_string());

        // The value published at the apex also counts (apex.org's record carries it).
        let res = app.request(Method::POST, "/api/v1/domains", Some(json!({"name": "apex.org"}))).await;
        let apex = res.json()["id"].as_str().unwrap().to_owned();
        let apex_value = res.json()["txtRecordValue"].as_str().unwrap().to_owned();
        let dns = dns_server(HashMap::from([("apex.org".to_owned(), vec![apex_value])])).await;
        set_resolver(&mut app, dns);
        let res = app.request(Method::POST, &format!("/api/v1/domains/{apex}/verify"), None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
        assert_eq!(res.json()["verified"], true);
        assert!(res.json()["verifiedAt"].is_string());
        assert_eq!(app.request(Method::POST, "/api/v1/domains/nope/verify", None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.request(Method::DELETE, &format!("/api/v1/domains/{apex}"), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.request(Method::DELETE, &format!("/api/v1/domains/{apex}"), None).await.status, StatusCode::NOT_FOUND);
        let audit = app.get("/api/v1/audit?targetType=domain").await.json();
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["domain.deleted", "domain.verified", "domain.added", "domain.added"]);
    }

    async fn audit_filters_and_paging(app) {
        let session = app.sign_in().await;
        let admin_id = session["admin"]["id"].as_str().unwrap().to_owned();
        for n in 0..4 {
            app.request(Method::POST, "/api/v1/groups", Some(json!({"name": format!("G{n}")}))).await;
        }
        app.request(Method::POST, "/api/v1/sites", Some(json!({"name": "S", "url": "https://s.net"}))).await;
        let all = app.get("/api/v1/audit").await.json();
        assert_eq!(all["items"].as_array().unwrap().len(), 5);
        assert_eq!(all["items"][0]["action"], "site.created");
        assert_eq!(all["items"][0]["actor"]["type"], "admin");
        assert_eq!(all["items"][0]["after"]["url"], "https://s.net");
        assert_eq!(app.get(&format!("/api/v1/audit?actor={admin_id}")).await.json()["items"].as_array().unwrap().len(), 5);
        assert_eq!(app.get("/api/v1/audit?actor=someone-else").await.json()["items"], json!([]));
        assert_eq!(app.get("/api/v1/audit?action=group.created").await.json()["items"].as_array().unwrap().len(), 4);
        assert_eq!(app.get("/api/v1/audit?targetType=site").await.json()["items"].as_array().unwrap().len(), 1);
        assert_eq!(app.get("/api/v1/audit?from=2999-01-01T00:00:00Z").await.json()["items"], json!([]));
        assert_eq!(app.get("/api/v1/audit?to=2000-01-01T00:00:00Z").await.json()["items"], json!([]));
        assert_eq!(app.get("/api/v1/audit?from=2000-01-01T00:00:00Z").await.json()["items"].as_array().unwrap().len(), 5);
        assert_eq!(app.get("/api/v1/audit?from=yesterday").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Newest first, across pages, and back.
        let p1 = app.get("/api/v1/audit?limit=2").await.json();
        let next = p1["nextCursor"].as_str().unwrap().to_owned();
        let p2 = app.get(&format!("/api/v1/audit?limit=2&cursor={next}")).await.json();
        assert_eq!(p2["items"][0]["id"], all["items"][2]["id"]);
        let prev = p2["prevCursor"].as_str().unwrap().to_owned();
        let back = app.get(&format!("/api/v1/audit?limit=2&cursor={prev}")).await.json();
        assert_eq!(back["items"], p1["items"]);
        assert_eq!(app.get("/api/v1/audit?cursor=bad").await.status, StatusCode::BAD_REQUEST);
    }
}

/// Points domain verification at `addr` (the resolver is read from the config per request).
fn set_resolver(app: &mut crate::common::TestApp, addr: SocketAddr) {
    let mut config = (*app.state.config).clone();
    config.dns_resolver = Some(addr);
    app.state = app.state.with_config(config);
    app.router = roster_server::app(app.state.clone());
}

mod catalogue {
    use axum::http::StatusCode;

    use crate::backend_tests;

    backend_tests! {
        async fn the_catalogue_lists_built_in_products_then_custom_ones(app) {
            app.sign_in().await;
            let res = app.get("/api/v1/product-types").await;
            assert_eq!(res.status, StatusCode::OK);
            let names: Vec<String> = res.json().as_array().unwrap().iter()
                .map(|p| p["name"].as_str().unwrap().to_owned()).collect();
            assert!(names.contains(&"Confluence".to_owned()), "{names:?}");
            assert!(names.contains(&"Jira".to_owned()), "{names:?}");
            assert!(res.json().as_array().unwrap().iter().all(|p| p["builtIn"] == true));
        }
    }
}
