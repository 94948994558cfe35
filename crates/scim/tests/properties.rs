//! Property tests: filter parse ∘ print round trips (from generated ASTs and from token soup),
//! and the PATCH engine never panics and always yields a valid, normalised resource.

use proptest::prelude::*;
use roster_scim::{apply_patch_json, arbitrary, parse_resource, Filter, ResourceKind};
use serde_json::{json, Map, Value};

fn filter() -> BoxedStrategy<Filter> {
    arbitrary::filter(ResourceKind::User, any::<String>().boxed())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_filters_round_trip(f in filter()) {
        let printed = f.to_string();
        let parsed = Filter::parse(ResourceKind::User, &printed);
        prop_assert!(parsed.is_ok(), "{printed}: {:?}", parsed.err());
        prop_assert_eq!(parsed.ok(), Some(f), "{}", printed);
    }

    #[test]
    fn token_soup_parses_or_errors_and_round_trips(
        tokens in prop::collection::vec(prop::sample::select(vec![
            "userName", "emails", "emails.value", "type", "value", "name.givenName", "active", "title",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "employeeNumber",
            "eq", "EQ", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr", "and", "OR", "not",
            "(", ")", "[", "]", ".value", "\"x\"", "\"a\\\"b\"", "true", "False", "null", "12", "-1.5e3",
            "jyoung", "\"2011-05-13T04:42:34Z\"", " ", "\t",
        ]), 0..16)
    ) {
        let text = tokens.join(" ");
        for kind in [ResourceKind::User, ResourceKind::Group] {
            if let Ok(f) = Filter::parse(kind, &text) {
                let printed = f.to_string();
                prop_assert_eq!(Filter::parse(kind, &printed).ok(), Some(f), "{} -> {}", text, printed);
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = Filter::parse(ResourceKind::User, &text);
        let _ = roster_scim::PatchPath::parse(ResourceKind::User, &text);
    }
}

const KEYS: [&str; 24] = [
    "userName",
    "displayName",
    "active",
    "name",
    "givenName",
    "familyName",
    "name.givenName",
    "emails",
    "value",
    "type",
    "primary",
    "display",
    "members",
    "manager",
    "$ref",
    "id",
    "meta",
    "groups",
    "password",
    "employeeNumber",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
    "schemas",
    "bogus",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "work",
            "home",
            "True",
            "false",
            "x@y.com",
            "u1",
            "2011-05-13T04:42:34Z",
            ""
        ])
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..4).prop_map(
                |kv| Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>()
                )
            ),
        ]
    })
}

fn patch_path() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        prop::sample::select(vec![
            "active",
            "userName",
            "name.givenName",
            "name",
            "emails",
            "emails.type",
            "emails[type eq \"work\"]",
            "emails[type eq \"work\"].value",
            "emails[value co \"x\"].primary",
            "manager",
            "manager.value",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
            "members",
            "members[value eq \"u1\"]",
            "members[type eq \"User\"].value",
            "displayName",
            "id",
            "groups",
            "password",
            "bogus",
            "emails[",
            "",
            "addresses[type eq \"work\" and primary eq true].locality",
        ])
        .prop_map(|s| Some(s.to_string())),
        ".{0,30}".prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn patch_never_panics_and_keeps_resources_valid(
        ops in prop::collection::vec(
            (prop::sample::select(vec!["add", "Add", "remove", "REPLACE", "replace", "move"]),
             patch_path(),
             prop::option::of(json_value())),
            0..5)
    ) {
        let ops: Vec<Value> = ops.into_iter().map(|(op, path, value)| {
            let mut m = Map::new();
            m.insert("op".into(), json!(op));
            if let Some(p) = path { m.insert("path".into(), json!(p)); }
            if let Some(v) = value { m.insert("value".into(), v); }
            Value::Object(m)
        }).collect();
        let body = json!({"Operations": ops});
        let user = json!({"userName": "b", "emails": [{"value": "b@x.com", "type": "work", "primary": true}],
                          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m"}}});
        let group = json!({"displayName": "g"});
        for (kind, resource) in [(ResourceKind::User, user), (ResourceKind::Group, group)] {
            let resource = parse_resource(kind, &resource).map(|p| p.resource).unwrap_or_default();
            if let Ok(out) = apply_patch_json(kind, &resource, &body) {
                let again = parse_resource(kind, &out.resource);
                prop_assert!(again.is_ok(), "{}: {:?}", out.resource, again.err());
                prop_assert_eq!(again.ok().map(|p| p.resource), Some(out.resource));
            }
        }
    }
}
