//! Request extractors whose rejections are our problem-details errors instead of axum's
//! plain-text ones, and which refuse text no store keeps (see [`crate::text`]); and the checks
//! every admin handler makes of the input they carry: page cursor and limit, names, search
//! text.
use axum::{
    body::Bytes,
    extract::{
        rejection::{JsonRejection, PathRejection, QueryRejection},
        FromRequest, FromRequestParts, Request,
    },
    http::{header, request::Parts, HeaderMap},
};
use serde::de::DeserializeOwned;

use crate::{
    error::{AppError, AppResult},
    store::db::paging::{PageRequest, DEFAULT_LIMIT, MAX_LIMIT},
    text,
};

/// Longest accepted name (directories, sites, groups, products), in characters.
const MAX_NAME_CHARS: usize = 100;
/// Longest accepted search text, in characters.
const MAX_SEARCH_CHARS: usize = 200;

/// `axum::Json`, rejecting with a problem details body.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        if !is_json(req.headers()) {
            return Err(AppError::UnsupportedMediaType(
                "Send the body as JSON with Content-Type: application/json.".into(),
            ));
        }
        let bytes = body(req, state).await?;
        axum::Json::from_bytes(&bytes)
            .map(|axum::Json(value)| Json(value))
            .map_err(AppError::from)
    }
}

/// A JSON body that may be left out: an empty (or blank) body is `T::default()`, as for a
/// button that sends no options; a body that is there must be JSON.
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        serde_json::from_slice(&bytes)
            .map(OptionalJson)
            .map_err(|e| AppError::Validation {
                detail: format!("Invalid body: {e}"),
                errors: Vec::new(),
            })
    }
}

/// The whole body, within the route's limit and without NUL.
async fn body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, AppError> {
    let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status().as_u16() == 413 {
            AppError::PayloadTooLarge("The request body is too large.".into())
        } else {
            AppError::BadRequest(rejection.body_text())
        }
    })?;
    if text::json_has_nul(&bytes) {
        return Err(AppError::BadRequest(format!(
            "The body's {}.",
            text::NUL_REFUSED
        )));
    }
    Ok(bytes)
}

/// `application/json`, or any `application/…+json`, as axum's own `Json` accepts.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json")
            || subtype.len() > 5 && subtype[subtype.len() - 5..].eq_ignore_ascii_case("+json"))
}

/// `axum::extract::Query`, rejecting with a problem details body.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if parts.uri.query().is_some_and(text::uri_has_nul) {
            return Err(AppError::BadRequest(format!(
                "The query's {}.",
                text::NUL_REFUSED
            )));
        }
        let axum::extract::Query(value) =
            axum::extract::Query::from_request_parts(parts, state).await?;
        Ok(Query(value))
    }
}

/// `axum::extract::Path`, rejecting with a problem details body: a segment that is not UTF-8
/// once percent-decoded, or that holds a NUL, is a 400.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if text::uri_has_nul(parts.uri.path()) {
            return Err(AppError::BadRequest(format!(
                "The path's {}.",
                text::NUL_REFUSED
            )));
        }
        let axum::extract::Path(value) =
            axum::extract::Path::from_request_parts(parts, state).await?;
        Ok(Path(value))
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType(
                "Send the body as JSON with Content-Type: application/json.".into(),
            ),
            JsonRejection::BytesRejection(r) if r.status().as_u16() == 413 => {
                AppError::PayloadTooLarge("The request body is too large.".into())
            }
            JsonRejection::JsonDataError(e) => AppError::Validation {
                detail: e.body_text(),
                errors: Vec::new(),
            },
            other => AppError::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        // A route's own parameters always match its pattern: what remains is the client's
        // encoding (`%FF`), or a parameter that does not parse as its type.
        if rejection.status().is_server_error() {
            tracing::error!(error = %rejection.body_text(), "path parameters do not fit the handler");
            return AppError::Internal(anyhow::anyhow!("path parameters do not fit the handler"));
        }
        AppError::BadRequest(rejection.body_text())
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// A page request from the query's cursor and limit.
pub fn page_request(tag: &str, cursor: Option<&str>, limit: Option<u32>) -> AppResult<PageRequest> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::invalid_field(
            "limit",
            format!("The limit must be between 1 and {MAX_LIMIT}."),
        ));
    }
    PageRequest::new(tag, cursor, limit).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// A trimmed name of 1 to 100 characters, or a 422 about `field`.
pub fn valid_name<'a>(field: &str, name: &'a str) -> AppResult<&'a str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid_field(field, "Enter a name."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::invalid_field(
            field,
            format!("Use at most {MAX_NAME_CHARS} characters."),
        ));
    }
    Ok(name)
}

/// The query parameter `field`'s search text, trimmed and lower-cased; `None` when empty.
pub fn search_text(field: &str, search: Option<&str>) -> AppResult<Option<String>> {
    match search.map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) if t.chars().count() > MAX_SEARCH_CHARS => Err(AppError::invalid_field(
            field,
            format!("Search for at most {MAX_SEARCH_CHARS} characters."),
        )),
        Some(t) => Ok(Some(t.to_lowercase())),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            is_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("text/json"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!with("application/+json"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
