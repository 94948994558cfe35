//! From an answer to a value or an [`ApiError`]: what came back over the wire ([`RawAnswer`])
//! and the rules that decode it.
use roster_api_types::problem::PROBLEM_CONTENT_TYPE;
use roster_api_types::Problem;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// What came back over the wire, before decoding: kept apart from `fetch` so the decoding
/// rules are plain functions with native tests.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub request_id: Option<String>,
    pub body: String,
}

/// Decodes a 2xx answer. An empty body decodes as JSON `null`, which is what `()` expects.
pub fn decode_success<T: DeserializeOwned>(answer: &RawAnswer) -> Result<T, ApiError> {
    let body = if answer.body.trim().is_empty() {
        "null"
    } else {
        &answer.body
    };
    serde_json::from_str(body).map_err(|e| mismatch(answer.status, e))
}

fn mismatch(status: u16, error: serde_json::Error) -> ApiError {
    ApiError::UnexpectedResponse {
        status,
        detail: format!("the response did not match what the console expects ({error})"),
    }
}

/// Decodes a non-2xx answer into problem details, or says plainly that it wasn't any.
pub fn decode_error(answer: &RawAnswer) -> ApiError {
    let is_json = answer.content_type.as_deref().is_some_and(|ct| {
        let ct = ct.to_ascii_lowercase();
        ct.starts_with(PROBLEM_CONTENT_TYPE) || ct.starts_with("application/json")
    });
    if is_json {
        if let Ok(problem) = serde_json::from_str::<Problem>(&answer.body) {
            return ApiError::Problem {
                problem: Box::new(problem),
                retry_after: answer
                    .retry_after
                    .as_deref()
                    .and_then(|v| v.trim().parse().ok()),
                request_id: answer.request_id.clone(),
            };
        }
    }
    ApiError::UnexpectedResponse {
        status: answer.status,
        detail: match answer.content_type.as_deref() {
            // Parameters such as `;charset=utf-8` only add noise to the message.
            Some(ct) => format!(
                "a {} body instead of problem details",
                ct.split(';').next().unwrap_or(ct).trim()
            ),
            None => "no problem details".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, content_type: Option<&str>, body: &str) -> RawAnswer {
        RawAnswer {
            status,
            content_type: content_type.map(str::to_owned),
            retry_after: None,
            request_id: None,
            body: body.to_owned(),
        }
    }

    #[test]
    fn problem_details_decode_with_retry_after() {
        let mut a = answer(
            429,
            Some("application/problem+json"),
            r#"{"title":"Too many attempts","status":429,"detail":"Wait a minute."}"#,
        );
        a.retry_after = Some("60".to_owned());
        let e = decode_error(&a);
        assert_eq!(e.status(), Some(429));
        assert_eq!(e.message(), "Wait a minute.");
        assert!(matches!(
            e,
            ApiError::Problem {
                retry_after: Some(60),
                ..
            }
        ));
    }

    #[test]
    fn an_internal_error_says_what_to_do_and_names_the_request() {
        let body = r#"{"type":"https://roster.dev/problems/internal","title":"Internal error","status":500}"#;
        let mut a = answer(500, Some("application/problem+json"), body);
        a.request_id = Some("4f1c0d2e-7a9b-4c3d-8e5f-0a1b2c3d4e5f".to_owned());
        let message = decode_error(&a).message();
        assert!(
            message.starts_with("Roster ran into a problem on the server"),
            "{message}"
        );
        assert!(message.contains("Try again"), "{message}");
        assert!(
            message.contains("request ID 4f1c0d2e-7a9b-4c3d-8e5f-0a1b2c3d4e5f"),
            "{message}"
        );
        a.request_id = None;
        let message = decode_error(&a).message();
        assert!(
            message.ends_with("the server's log says what went wrong."),
            "{message}"
        );
        // A 500 whose problem explains itself keeps its own words.
        let worded =
            r#"{"title":"Internal error","status":500,"detail":"The database is read-only."}"#;
        let e = decode_error(&answer(500, Some("application/problem+json"), worded));
        assert_eq!(e.message(), "The database is read-only.");
    }

    #[test]
    fn html_error_pages_are_unexpected_not_problems() {
        let e = decode_error(&answer(
            404,
            Some("text/html;charset=utf-8"),
            "<h1>Not Found</h1>",
        ));
        assert_eq!(
            e,
            ApiError::UnexpectedResponse {
                status: 404,
                detail: "a text/html body instead of problem details".to_owned()
            }
        );
        // JSON that is not a problem is just as unexpected.
        let e = decode_error(&answer(500, Some("application/json"), r#"{"oops":1}"#));
        assert!(matches!(
            e,
            ApiError::UnexpectedResponse { status: 500, .. }
        ));
    }

    #[test]
    fn success_bodies_decode_and_empty_means_unit() {
        let ok: Result<(), _> = decode_success(&answer(204, None, ""));
        assert_eq!(ok, Ok(()));
        let bad: Result<roster_api_types::Session, _> =
            decode_success(&answer(200, Some("application/json"), "{}"));
        assert!(matches!(
            bad,
            Err(ApiError::UnexpectedResponse { status: 200, .. })
        ));
    }
}
