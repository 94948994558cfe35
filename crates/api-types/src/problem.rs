//! RFC 9457 problem details: the body of every admin API error.
use serde::{Deserialize, Serialize};

/// Media type of problem details bodies.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An RFC 9457 problem details object.
///
/// `type` is a URI naming the kind of problem (Roster uses `https://roster.dev/problems/<slug>`
/// so clients can branch on it); `title` is the short human summary of that kind; `detail`
/// explains this occurrence in words an admin can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[serde(rename = "type", default = "about_blank")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Per-field validation messages, when the problem is about a request body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid field of a request body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// JSON pointer or field name, e.g. `name`.
    pub field: String,
    pub message: String,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    /// The message to show a person: the detail when there is one, else the title.
    pub fn message(&self) -> &str {
        self.detail.as_deref().unwrap_or(&self.title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_minimal_body_and_prefers_detail_for_display() {
        let p: Problem = serde_json::from_str(r#"{"title":"Not found","status":404}"#).unwrap();
        assert_eq!(p.type_, "about:blank");
        assert_eq!(p.message(), "Not found");
        let p: Problem = serde_json::from_str(
            r#"{"type":"https://roster.dev/problems/x","title":"T","status":409,"detail":"D"}"#,
        )
        .unwrap();
        assert_eq!(p.message(), "D");
    }
}
