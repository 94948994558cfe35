//! The seed page's journey through the API: a directory provisions users and a group over
//! SCIM, a site gets Confluence, the synced group is granted access (dry run first), the
//! users show up in the product's user list and in their effective access, the group cannot
//! be a default group, and the identity provider deleting it removes the access — which the
//! audit log records. Plus grants, revokes, default groups and product users in detail.
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    backend_tests,
    common::{ScimTarget, TestApp},
};

/// Creates a user over SCIM; returns its id.
pub async fn scim_user(
    app: &mut TestApp,
    dir: &ScimTarget,
    user_name: &str,
    active: bool,
) -> String {
    let res = app
        .scim(
            dir,
            Method::POST,
            "/Users",
            Some(json!({
                "userName": user_name,
                "emails": [{"value": user_name, "primary": true}],
                "active": active,
            })),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&res.body)
    );
    res.json()["id"].as_str().unwrap().to_owned()
}

/// Creates a group over SCIM with the given members; returns its id.
pub async fn scim_group(
    app: &mut TestApp,
    dir: &ScimTarget,
    name: &str,
    members: &[&str],
) -> String {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
    let res = app
        .scim(
            dir,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": name, "members": members})),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&res.body)
    );
    res.json()["id"].as_str().unwrap().to_owned()
}

/// Creates a site with one product; returns (site id, product id).
pub async fn site_with(app: &mut TestApp, name: &str, key: &str) -> (String, String) {
    let res = app
        .request(
            Method::POST,
            "/api/v1/sites",
            Some(json!({
                "name": name, "url": format!("https://{}.atlassian.net", name.to_lowercase()),
            })),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&res.body)
    );
    let site = res.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/sites/{site}/products"),
            Some(json!({"key": key})),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&res.body)
    );
    let product = res.json()["id"].as_str().unwrap().to_owned();
    (site, product)
}

fn body(res: &crate::common::TestResponse) -> String {
    String::from_utf8_lossy(&res.body).into_owned()
}

backend_tests! {
    async fn seed_journey(app) {
        app.sign_in().await;
        let dir = app.directory("Okta users").await;
        let alice = scim_user(&mut app, &dir, "alice@example.com", true).await;
        let bob = scim_user(&mut app, &dir, "bob@example.com", true).await;
        let carol = scim_user(&mut app, &dir, "carol@example.com", false).await;
        let group = scim_group(&mut app, &dir, "Engineering", &[&alice, &bob, &carol]).await;

        // Add a site with Confluence.
        let (site, product) = site_with(&mut app, "Example", "confluence").await;
        let res = app.get(&format!("/api/v1/sites/{site}")).await;
        assert_eq!(res.json()["products"][0]["name"], "Confluence");
        assert_eq!(res.json()["products"][0]["builtIn"], true);

        // Dry run: two active users would gain access; nothing changes.
        let access = format!("/api/v1/sites/{site}/products/{product}/access");
        let res = app.request(Method::POST, &format!("{access}?dryRun=true"),
            Some(json!({"groupId": group, "role": "user"}))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", body(&res));
        let impact = res.json();
        assert_eq!(impact["dryRun"], true);
        assert_eq!(impact["usersAffected"], 2);
        let sample: Vec<&str> = impact["sample"].as_array().unwrap().iter()
            .map(|u| u["userName"].as_str().unwrap()).collect();
        assert!(sample.contains(&"alice@example.com") && sample.contains(&"bob@example.com"));
        assert_eq!(app.get(&access).await.json()["groups"].as_array().unwrap().len(), 0);

        // Grant for real.
        let res = app.request(Method::POST, &access, Some(json!({"groupId": group, "role": "user"}))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", body(&res));
        assert_eq!(res.json()["dryRun"], false);
        assert_eq!(res.json()["grant"]["directoryName"], "Okta users");
        let listed = app.get(&access).await.json();
        assert_eq!(listed["groups"][0]["groupName"], "Engineering");
        assert_eq!(listed["groups"][0]["role"], "user");
        assert_eq!(listed["groups"][0]["isDefault"], false);
        assert_eq!(listed["userCount"], 2);

        // The product's users, and each user's effective access.
        let users = app.get(&format!("/api/v1/sites/{site}/products/{product}/users")).await.json();
        let names: Vec<&str> = users["items"].as_array().unwrap().iter()
            .map(|u| u["userName"].as_str().unwrap()).collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"alice@example.com") && names.contains(&"bob@example.com"));
        assert_eq!(users["total"], 2);
        let detail = app.get(&format!("/api/v1/users/{alice}")).await.json();
        assert_eq!(detail["directory"]["name"], "Okta users");
        assert_eq!(detail["access"][0]["productName"], "Confluence");
        assert_eq!(detail["access"][0]["siteName"], "Example");
        assert_eq!(detail["access"][0]["grantedBy"][0]["groupName"], "Engineering");
        // Deactivated users have no effective access.
        let detail = app.get(&format!("/api/v1/users/{carol}")).await.json();
        assert_eq!(detail["access"], json!([]));
        assert_eq!(detail["groups"][0]["name"], "Engineering");

        // A synced group cannot be a default group.
        let res = app.request(Method::PUT,
            &format!("/api/v1/sites/{site}/products/{product}/default-groups/{group}"), None).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert_eq!(res.header("content-type"), Some("application/problem+json"));
        let problem = res.json();
        assert_eq!(problem["type"], "urn:roster:problem:synced-default-group");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("not managed by SCIM"), "{detail}");
        assert!(detail.contains("create a local group"), "{detail}");

        // The identity provider deletes the group: the access goes, and the audit log says so.
        let res = app.scim(&dir, Method::DELETE, &format!("/Groups/{group}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&access).await.json()["groups"], json!([]));
        let users = app.get(&format!("/api/v1/sites/{site}/products/{product}/users")).await.json();
        assert_eq!(users["items"], json!([]));
        assert_eq!(app.get(&format!("/api/v1/users/{alice}")).await.json()["access"], json!([]));
        let audit = app.get("/api/v1/audit?actorType=scim").await.json();
        let entry = &audit["items"][0];
        assert_eq!(entry["action"], "group.deleted");
        assert_eq!(entry["actor"]["label"], "SCIM: Okta users");
        assert_eq!(entry["target"]["id"], group.as_str());
        assert_eq!(entry["before"]["removedAccess"][0]["product"], "Confluence");
        assert_eq!(entry["before"]["removedAccess"][0]["site"], "Example");
        assert_eq!(entry["before"]["removedAccess"][0]["group"], "Engineering");
        let granted = app.get("/api/v1/audit?action=access.granted").await.json();
        assert_eq!(granted["items"].as_array().unwrap().len(), 1);
        assert_eq!(granted["items"][0]["actor"]["label"], "admin@example.com");
    }

    async fn grants_roles_revokes_and_default_groups(app) {
        app.sign_in().await;
        let dir = app.directory("Entra").await;
        let alice = scim_user(&mut app, &dir, "alice@example.com", true).await;
        let bob = scim_user(&mut app, &dir, "bob@example.com", true).await;
        let eng = scim_group(&mut app, &dir, "Eng", &[&alice, &bob]).await;
        let ops = scim_group(&mut app, &dir, "Ops", &[&bob]).await;
        let (site, product) = site_with(&mut app, "Acme", "jira").await;
        let access = format!("/api/v1/sites/{site}/products/{product}/access");
        app.request(Method::POST, &access, Some(json!({"groupId": eng}))).await;
        // Ops adds nobody new: bob already has access through Eng.
        let res = app.request(Method::POST, &access, Some(json!({"groupId": ops, "role": "admin"}))).await;
        assert_eq!(res.json()["usersAffected"], 0);
        assert_eq!(res.json()["grant"]["role"], "admin");
        // Changing a role reports the previous one.
        let res = app.request(Method::POST, &access, Some(json!({"groupId": eng, "role": "admin"}))).await;
        assert_eq!(res.json()["previousRole"], "user");
        app.request(Method::POST, &access, Some(json!({"groupId": eng, "role": "user"}))).await;
        // Bob's highest role is admin, through Ops.
        let detail = app.get(&format!("/api/v1/users/{bob}")).await.json();
        assert_eq!(detail["access"][0]["role"], "admin");
        assert_eq!(detail["access"][0]["grantedBy"].as_array().unwrap().len(), 2);
        let users = app.get(&format!("/api/v1/sites/{site}/products/{product}/users")).await.json();
        let bob_row = users["items"].as_array().unwrap().iter().find(|u| u["id"] == bob.as_str()).unwrap();
        assert_eq!(bob_row["role"], "admin");

        // Revoking Eng: a dry run says only alice loses access, and changes nothing.
        let res = app.request(Method::DELETE, &format!("{access}/{eng}?dryRun=true"), None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", body(&res));
        assert_eq!(res.json()["usersAffected"], 1);
        assert_eq!(res.json()["sample"][0]["id"], alice.as_str());
        assert_eq!(app.get(&access).await.json()["groups"].as_array().unwrap().len(), 2);
        let res = app.request(Method::DELETE, &format!("{access}/{eng}"), None).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(app.get(&access).await.json()["userCount"], 1);
        let res = app.request(Method::DELETE, &format!("{access}/{eng}"), None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);

        // Default groups are local groups.
        let res = app.request(Method::POST, "/api/v1/groups", Some(json!({"name": "Jira users"}))).await;
        let local = res.json()["group"]["id"].as_str().unwrap().to_owned();
        let defaults = format!("/api/v1/sites/{site}/products/{product}/default-groups");
        let res = app.request(Method::PUT, &format!("{defaults}/{local}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", body(&res));
        let groups = app.get(&access).await.json()["groups"].clone();
        let row = groups.as_array().unwrap().iter().find(|g| g["groupId"] == local.as_str()).unwrap();
        assert_eq!(row["isDefault"], true);
        assert_eq!(row["role"], "user");
        assert_eq!(app.request(Method::PUT, &format!("{defaults}/{local}"), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.request(Method::DELETE, &format!("{defaults}/{local}"), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.request(Method::DELETE, &format!("{defaults}/{local}"), None).await.status, StatusCode::NOT_FOUND);
        let res = app.request(Method::PUT, &format!("{defaults}/{ops}"), None).await;
        assert_eq!(res.json()["type"], "urn:roster:problem:synced-default-group");
        let res = app.request(Method::PUT, &format!("{defaults}/nope"), None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    }

    async fn access_validation_and_not_found(app) {
        app.sign_in().await;
        let dir = app.directory("Okta").await;
        let g = scim_group(&mut app, &dir, "G", &[]).await;
        let (site, product) = site_with(&mut app, "S", "confluence").await;
        let access = format!("/api/v1/sites/{site}/products/{product}/access");
        let res = app.request(Method::POST, &access, Some(json!({"groupId": g, "role": "owner"}))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        let res = app.request(Method::POST, &access, Some(json!({"groupId": " "}))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.json()["errors"][0]["field"], "groupId");
        let res = app.request(Method::POST, &access, Some(json!({"groupId": "missing"}))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = app.request(Method::POST, &format!("/api/v1/sites/{site}/products/nope/access"), Some(json!({"groupId": g}))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/sites/nope/products/{product}/access")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/sites/nope/products/{product}/users")).await.status, StatusCode::NOT_FOUND);
        let res = app.get(&format!("/api/v1/sites/{site}/products/{product}/users?limit=0")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        let res = app.get(&format!("/api/v1/sites/{site}/products/{product}/users?cursor=junk")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        // Without CSRF token: 403; signed out: 401.
        let csrf = app.csrf.take();
        assert_eq!(app.request(Method::POST, &access, Some(json!({"groupId": g}))).await.status, StatusCode::FORBIDDEN);
        app.csrf = csrf;
        app.request(Method::DELETE, "/api/v1/session", None).await;
        assert_eq!(app.get(&access).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn product_users_are_paged_by_id(app) {
        app.sign_in().await;
        let dir = app.directory("Okta").await;
        let mut ids = Vec::new();
        for n in 0..7 {
            ids.push(scim_user(&mut app, &dir, &format!("u{n}@example.com"), true).await);
        }
        let a: Vec<&str> = ids[..5].iter().map(String::as_str).collect();
        let b: Vec<&str> = ids[3..].iter().map(String::as_str).collect();
        let ga = scim_group(&mut app, &dir, "A", &a).await;
        let gb = scim_group(&mut app, &dir, "B", &b).await;
        let (site, product) = site_with(&mut app, "P", "jira").await;
        let access = format!("/api/v1/sites/{site}/products/{product}/access");
        app.request(Method::POST, &access, Some(json!({"groupId": ga}))).await;
        app.request(Method::POST, &access, Some(json!({"groupId": gb}))).await;
        let url = format!("/api/v1/sites/{site}/products/{product}/users?limit=3");
        let mut seen = Vec::new();
        let mut next = None::<String>;
        loop {
            let u = match &next { Some(c) => format!("{url}&cursor={c}"), None => url.clone() };
            let page = app.get(&u).await.json();
            assert_eq!(page["total"], 7);
            for item in page["items"].as_array().unwrap() {
                seen.push(item["id"].as_str().unwrap().to_owned());
            }
            match page["nextCursor"].as_str() { Some(c) => next = Some(c.to_owned()), None => break }
        }
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(seen, sorted);
        // The previous page of the last page.
        let page = app.get(&format!("{url}&cursor={}", next.unwrap_or_default())).await;
        assert_eq!(page.status, StatusCode::OK);
    }

    async fn deleting_a_directory_removes_its_grants_and_is_audited(app) {
        app.sign_in().await;
        let res = app.request(Method::POST, "/api/v1/directories", Some(json!({"name": "Okta"}))).await;
        assert_eq!(res.status, StatusCode::CREATED);
        let dir_id = res.json()["directory"]["id"].as_str().unwrap().to_owned();
        let dir = ScimTarget { directory_id: dir_id.clone(), key: res.json()["apiKey"].as_str().unwrap().to_owned() };
        let u = scim_user(&mut app, &dir, "x@example.com", true).await;
        let g = scim_group(&mut app, &dir, "G", &[&u]).await;
        let (site, product) = site_with(&mut app, "D", "confluence").await;
        let access = format!("/api/v1/sites/{site}/products/{product}/access");
        app.request(Method::POST, &access, Some(json!({"groupId": g}))).await;
        let impact = app.get(&format!("/api/v1/directories/{dir_id}/deletion-impact")).await.json();
        assert_eq!(impact["accessGrants"], 1);
        let res = app.request(Method::PATCH, &format!("/api/v1/directories/{dir_id}"), Some(json!({"name": "Okta prod"}))).await;
        assert_eq!(res.status, StatusCode::OK);
        let res = app.request(Method::DELETE, &format!("/api/v1/directories/{dir_id}"), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&access).await.json()["groups"], json!([]));
        let audit = app.get(&format!("/api/v1/audit?target={dir_id}")).await.json();
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter()
            .map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["directory.deleted", "directory.renamed", "directory.created"]);
        let deleted = &audit["items"][0];
        assert_eq!(deleted["before"]["removedAccess"][0]["group"], "G");
        assert_eq!(deleted["before"]["name"], "Okta prod");
    }

    async fn idp_changes_to_access_are_audited(app) {
        app.sign_in().await;
        let dir = app.directory("Okta").await;
        let a = scim_user(&mut app, &dir, "a@example.com", true).await;
        let b = scim_user(&mut app, &dir, "b@example.com", true).await;
        let g = scim_group(&mut app, &dir, "Engineering", &[&a]).await;
        let lonely = scim_user(&mut app, &dir, "c@example.com", true).await;
        let (site, product) = site_with(&mut app, "Acme", "confluence").await;
        app.request(Method::POST, &format!("/api/v1/sites/{site}/products/{product}/access"),
            Some(json!({"groupId": g}))).await;

        // Membership of a granting group: one entry with the counts and the access.
        let res = app.scim(&dir, Method::PATCH, &format!("/Groups/{g}"), Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": b}]}]
        }))).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        // Deactivation of a user with access, and of one without (not an access change).
        for id in [&a, &lonely] {
            let res = app.scim(&dir, Method::PATCH, &format!("/Users/{id}"), Some(json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "Replace", "path": "active", "value": "False"}]
            }))).await;
            assert_eq!(res.status, StatusCode::OK);
        }
        assert_eq!(app.scim(&dir, Method::DELETE, &format!("/Users/{b}"), None).await.status, StatusCode::NO_CONTENT);

        let audit = app.get("/api/v1/audit?actorType=scim").await.json();
        let entries = audit["items"].as_array().unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["user.deleted", "user.deactivated", "group.members_changed"]);
        assert_eq!(entries[0]["target"]["label"], "b@example.com");
        assert_eq!(entries[0]["after"]["accessRemoved"][0]["product"], "Confluence");
        assert_eq!(entries[1]["target"]["id"], a.as_str());
        assert_eq!(entries[2]["after"]["membersAdded"], 1);
        assert_eq!(entries[2]["after"]["access"][0]["group"], "Engineering");
        assert_eq!(entries[2]["actor"]["label"], "SCIM: Okta");
    }
}
