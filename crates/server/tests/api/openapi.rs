//! The OpenAPI document: served, 3.1, and covering every admin route — the route list is
//! read from the routers' source (`.route("/api/v1/...", get(..).post(..))`), so a new
//! route without documentation fails here.
use std::collections::BTreeSet;

use axum::http::StatusCode;

use crate::backend_tests;

/// (METHOD, path with `{}` for parameters) of every `/api/v1` route in `src/http`.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (i, _) in text.match_indices(".route(") {
            let rest = &text[i + ".route(".len()..];
            let Some(start) = rest.find('"') else {
                continue;
            };
            let Some(len) = rest[start + 1..].find('"') else {
                continue;
            };
            let path = &rest[start + 1..start + 1 + len];
            if !path.starts_with("/api/v1") {
                continue;
            }
            // The handler expression runs to the parenthesis closing `.route(`.
            let mut depth = 1;
            let mut end = 0;
            for (j, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let handlers = &rest[start + 1 + len + 1..end];
            for method in ["get", "post", "put", "patch", "delete"] {
                let called = handlers.match_indices(&format!("{method}(")).any(|(k, _)| {
                    k == 0 || !handlers[..k].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if called {
                    out.insert((method.to_uppercase(), normalise(path)));
                }
            }
        }
    }
    out
}

fn normalise(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

backend_tests! {
    async fn openapi_documents_every_admin_route(app) {
        let res = app.get("/api/v1/openapi.json").await;
        assert_eq!(res.status, StatusCode::OK);
        let doc = res.json();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1."), "{}", doc["openapi"]);
        // It parses as an OpenAPI document.
        let parsed: utoipa::openapi::OpenApi = serde_json::from_value(doc.clone()).unwrap();
        assert!(!parsed.paths.paths.is_empty());
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.insert((method.to_uppercase(), normalise(path)));
            }
        }
        let routes = routes_in_source();
        assert!(routes.len() > 40, "{routes:?}");
        let missing: Vec<_> = routes.difference(&documented).collect();
        assert!(missing.is_empty(), "undocumented routes: {missing:?}");
        let extra: Vec<_> = documented.difference(&routes).collect();
        assert!(extra.is_empty(), "documented routes that do not exist: {extra:?}");
        // Every schema reference resolves.
        let text = doc.to_string();
        for (i, _) in text.match_indices("#/components/schemas/") {
            let name: String = text[i + 21..].chars().take_while(|c| *c != '"').collect();
            assert!(doc["components"]["schemas"].get(&name).is_some(), "missing schema {name}");
        }
    }
}
