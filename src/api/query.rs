//! Query strings from the shared query types (`UserListQuery`, `EventListQuery`, ...): the
//! struct is serialised with serde, so the console sends exactly the field names and values
//! the server deserialises, and absent options are left out.
use serde::Serialize;

use crate::url::encode;

/// `?a=1&b=x%20y` from the fields of `query` that are set; empty when none are.
pub fn query_string<Q: Serialize>(query: &Q) -> String {
    from_value(serde_json::to_value(query))
}

/// The non-generic rest of [`query_string`], compiled once for every query type.
#[inline(never)]
fn from_value(value: Result<serde_json::Value, serde_json::Error>) -> String {
    let Ok(serde_json::Value::Object(fields)) = value else {
        return String::new();
    };
    let pairs: Vec<String> = fields
        .iter()
        .filter_map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            Some(format!("{}={}", encode(key), encode(&text)))
        })
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_api_types::directory::{EventListQuery, EventStatusFilter, UserListQuery};

    #[test]
    fn set_fields_only_and_encoded() {
        let q = UserListQuery {
            search: Some("ada l&co/é".into()),
            limit: Some(25),
            ..Default::default()
        };
        assert_eq!(
            query_string(&q),
            "?limit=25&order=asc&search=ada%20l%26co%2F%C3%A9&sort=userName"
        );
        let e = EventListQuery {
            status: EventStatusFilter::Error,
            ..Default::default()
        };
        assert_eq!(query_string(&e), "?status=error");
        assert_eq!(
            query_string(&roster_api_types::directory::ActivityQuery::default()),
            ""
        );
    }
}
