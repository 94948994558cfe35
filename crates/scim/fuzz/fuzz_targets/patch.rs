//! PATCH engine and body parsing on arbitrary JSON: never panics, and a successful PATCH
//! yields a resource that is itself valid and already normalised.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roster_scim::{apply_patch_json, parse_resource, ResourceKind};
use serde_json::{json, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    // A bare list is taken as the Operations list so the fuzzer reaches the engine sooner.
    let body = match &input {
        Value::Array(_) => json!({"Operations": input}),
        _ => input.clone(),
    };
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "bjensen", "active": true,
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": "b@x.com", "type": "work", "primary": true}, {"value": "h@x.org", "type": "home"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "1", "manager": {"value": "m1"}}
    });
    let group =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Eng"});
    for (kind, resource) in [(ResourceKind::User, &user), (ResourceKind::Group, &group)] {
        let _ = parse_resource(kind, &input);
        if let Ok(out) = apply_patch_json(kind, resource, &body) {
            let reparsed = parse_resource(kind, &out.resource)
                .unwrap_or_else(|e| panic!("patched resource invalid: {e}: {}", out.resource));
            assert_eq!(
                reparsed.resource, out.resource,
                "patched resource not normalised"
            );
        }
    }
});
