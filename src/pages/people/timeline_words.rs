//! How a user's timeline reads: one sentence per change ("Lost access to Jira on Acme (via
//! group Engineering)", "Removed from group Engineering"), who made it, and a kind to style it
//! by. Access events carry only the ids of the product and its site, so their names come from
//! the sites list ([`Names`]); one no longer there reads as removed. Plain Rust over the
//! event's JSON, tested natively.
use std::collections::HashMap;

use roster_api_types::audit::AuditActor;
use roster_api_types::site::Site;
use serde_json::Value;

/// Product and site names by id, from `GET /api/v1/sites`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    products: HashMap<String, String>,
    sites: HashMap<String, String>,
}

impl Names {
    pub fn from_sites(sites: &[Site]) -> Names {
        let mut names = Names::default();
        for site in sites {
            names.sites.insert(site.id.clone(), site.name.clone());
            for product in &site.products {
                names
                    .products
                    .insert(product.id.clone(), product.name.clone());
            }
        }
        names
    }
}

/// What an entry is about, for its styling and its marker's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// Access gained (or its role changed).
    Gained,
    /// Access lost.
    Lost,
    /// A membership of a group.
    Membership,
    /// The user's own record.
    Change,
}

impl EntryKind {
    /// The CSS modifier of the entry.
    pub fn class(self) -> &'static str {
        match self {
            EntryKind::Gained => "roster-timeline__entry roster-timeline__entry--gained",
            EntryKind::Lost => "roster-timeline__entry roster-timeline__entry--lost",
            EntryKind::Membership => "roster-timeline__entry roster-timeline__entry--membership",
            EntryKind::Change => "roster-timeline__entry roster-timeline__entry--change",
        }
    }
}

/// The kind of an event type.
pub fn event_kind(event_type: &str) -> EntryKind {
    match event_type {
        "access.granted" => EntryKind::Gained,
        "access.revoked" => EntryKind::Lost,
        t if t.starts_with("group.") => EntryKind::Membership,
        _ => EntryKind::Change,
    }
}

fn text<'a>(data: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(data, |v, key| v.get(key))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// "group Engineering", or "a group" when the event does not name it.
fn group_words(data: &Value) -> String {
    match text(data, &["group", "displayName"]) {
        Some(name) => format!("group {name}"),
        None => "a group".to_owned(),
    }
}

/// "Jira on Acme": the product and its site as the sites list names them now, else as the
/// event named them when it happened (the product or its site may be gone since).
fn product_words(data: &Value, names: &Names) -> String {
    let product = text(data, &["productId"])
        .and_then(|id| names.products.get(id))
        .map(String::as_str)
        .or(text(data, &["product", "name"]));
    let site = text(data, &["siteId"])
        .and_then(|id| names.sites.get(id))
        .map(String::as_str)
        .or(text(data, &["site", "name"]));
    match (product, site) {
        (Some(product), Some(site)) => format!("{product} on {site}"),
        (Some(product), None) => product.to_owned(),
        (None, Some(site)) => format!("a product since removed from {site}"),
        (None, None) => "a product since removed".to_owned(),
    }
}

/// The sentence for one event about the user, e.g. "Lost access to Jira on Acme (via group
/// Engineering)". An unknown type reads as its code.
pub fn event_sentence(event_type: &str, data: &Value, names: &Names) -> String {
    match event_type {
        "access.granted" => {
            let role = match text(data, &["role"]) {
                Some("admin") => " as admin",
                Some("user") => " as user",
                _ => "",
            };
            format!(
                "Gained access to {}{role} (via {})",
                product_words(data, names),
                group_words(data)
            )
        }
        "access.revoked" => format!(
            "Lost access to {} (via {})",
            product_words(data, names),
            group_words(data)
        ),
        "group.member_added" => format!("Added to {}", group_words(data)),
        "group.member_removed" => format!("Removed from {}", group_words(data)),
        "user.created" => "Created".to_owned(),
        "user.updated" => "Profile changed".to_owned(),
        "user.deactivated" => "Deactivated: loses all product access".to_owned(),
        "user.reactivated" => "Reactivated".to_owned(),
        "user.deleted" => "Deleted".to_owned(),
        other => other.to_owned(),
    }
}

/// Who made a change: "By Okta users (SCIM)", "By ada@acme.test", "By API token: Jira sync".
pub fn actor_words(actor: &AuditActor) -> String {
    match actor.type_.as_str() {
        "scim" => {
            let directory = actor.label.strip_prefix("SCIM: ").unwrap_or(&actor.label);
            format!("By {directory} (SCIM)")
        }
        _ => format!("By {}", actor.label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_api_types::site::SiteProduct;
    use serde_json::json;

    fn names() -> Names {
        let product = SiteProduct {
            id: "prd_1".into(),
            site_id: "site_1".into(),
            key: "jira".into(),
            name: "Jira".into(),
            built_in: true,
            created_at: String::new(),
        };
        Names::from_sites(&[Site {
            id: "site_1".into(),
            name: "Acme".into(),
            url: "https://acme.test".into(),
            products: vec![product],
            created_at: String::new(),
            updated_at: String::new(),
        }])
    }

    fn access(product: &str, role: &str) -> Value {
        json!({
            "user": {"id": "u1", "userName": "ann"},
            "group": {"id": "g1", "displayName": "Engineering"},
            "siteId": "site_1", "productId": product, "role": role,
        })
    }

    #[test]
    fn access_says_what_was_lost_where_and_through_which_group() {
        assert_eq!(
            event_sentence("access.revoked", &access("prd_1", "user"), &names()),
            "Lost access to Jira on Acme (via group Engineering)"
        );
        assert_eq!(
            event_sentence("access.granted", &access("prd_1", "admin"), &names()),
            "Gained access to Jira on Acme as admin (via group Engineering)"
        );
        assert_eq!(event_kind("access.revoked"), EntryKind::Lost);
        assert_eq!(event_kind("access.granted"), EntryKind::Gained);
    }

    #[test]
    fn a_product_no_longer_on_its_site_still_reads() {
        assert_eq!(
            event_sentence("access.revoked", &access("prd_gone", "user"), &names()),
            "Lost access to a product since removed from Acme (via group Engineering)"
        );
        let named = json!({"productId": "prd_gone", "siteId": "site_gone",
            "product": {"id": "prd_gone", "name": "Bamboo"}, "site": {"id": "site_gone", "name": "Old"}});
        assert_eq!(
            event_sentence("access.revoked", &named, &Names::default()),
            "Lost access to Bamboo on Old (via a group)"
        );
        let nothing = json!({"productId": "prd_gone", "siteId": "site_gone"});
        assert_eq!(
            event_sentence("access.revoked", &nothing, &Names::default()),
            "Lost access to a product since removed (via a group)"
        );
    }

    #[test]
    fn memberships_and_changes_read_as_sentences() {
        let data = access("prd_1", "user");
        assert_eq!(
            event_sentence("group.member_removed", &data, &names()),
            "Removed from group Engineering"
        );
        assert_eq!(
            event_sentence("group.member_added", &data, &names()),
            "Added to group Engineering"
        );
        assert_eq!(event_kind("group.member_added"), EntryKind::Membership);
        assert_eq!(
            event_sentence("user.deactivated", &json!({}), &names()),
            "Deactivated: loses all product access"
        );
        assert_eq!(
            event_sentence("user.someday", &json!({}), &names()),
            "user.someday"
        );
    }

    #[test]
    fn actors_read_by_what_they_are() {
        let actor = |type_: &str, label: &str| AuditActor {
            type_: type_.into(),
            id: None,
            label: label.into(),
        };
        assert_eq!(
            actor_words(&actor("scim", "SCIM: Okta users")),
            "By Okta users (SCIM)"
        );
        assert_eq!(
            actor_words(&actor("admin", "ada@acme.test")),
            "By ada@acme.test"
        );
        assert_eq!(
            actor_words(&actor("token", "API token: Jira sync")),
            "By API token: Jira sync"
        );
    }
}
