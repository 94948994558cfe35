//! What runs around every SCIM request: the per-directory rate limit, bearer-key
//! authentication (a key opens exactly one directory), and the sync log entry written from
//! what the handler noted.
use std::time::Instant;

use axum::{
    extract::{Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
use roster_scim::ScimError;

use super::error::{ErrorNote, ScimApiError};
use crate::{
    auth::api_key::bearer,
    state::AppState,
    store::{now_millis, sync_log::SyncLogEntry},
};

/// The directory a request was authenticated for.
#[derive(Debug, Clone)]
pub struct ScimDirectory {
    pub id: String,
    pub org_id: String,
    /// `{public-url}/scim/directory/{id}`.
    pub base_url: String,
}

/// What a handler did, for the sync log (set as a response extension).
#[derive(Debug, Clone, Default)]
pub struct SyncNote {
    pub operation: &'static str,
    pub resource_type: Option<&'static str>,
    pub resource_id: Option<String>,
    pub resource_label: Option<String>,
    pub changed: Vec<String>,
    pub ignored: Vec<String>,
}

/// The directory id of a `/scim/directory/{id}/...` path.
fn directory_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/scim/directory/")?;
    let id = rest.split('/').next()?;
    (!id.is_empty()).then_some(id)
}

fn unauthorized() -> ScimApiError {
    ScimError::unauthorized(
        "missing or invalid API key: send the directory's key as 'Authorization: Bearer <key>'",
    )
    .into()
}

pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let Some(directory_id) = directory_of(&path).map(str::to_owned) else {
        return unauthorized().into_response();
    };

    let mut known_directory = false;
    let key = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer)
        .map(str::to_owned);
    let org = match key {
        Some(key) => {
            state
                .store
                .authenticate_directory(&directory_id, &key)
                .await
        }
        None => Ok(None),
    };
    let response = match org {
        Ok(Some(org_id)) => {
            known_directory = true;
            // Only requests with the directory's key use up its budget: anyone who knows the
            // base URL could otherwise lock the directory's IdP out with keyless requests.
            if let Err(wait) = state.scim_limiter.check(&directory_id) {
                ScimApiError {
                    error: ScimError::status(
                        429,
                        "too many requests for this directory; retry later",
                    ),
                    retry_after: Some(wait),
                }
                .into_response()
            } else {
                let base_url = format!("{}/scim/directory/{directory_id}", state.public_url());
                req.extensions_mut().insert(ScimDirectory {
                    id: directory_id.clone(),
                    org_id,
                    base_url,
                });
                next.run(req).await
            }
        }
        Ok(None) => {
            // A wrong key for an existing directory is worth showing its admin.
            known_directory = state
                .store
                .directory_exists(&directory_id)
                .await
                .unwrap_or(false);
            unauthorized().into_response()
        }
        Err(err) => ScimApiError::from(err).into_response(),
    };

    if known_directory {
        let note = response
            .extensions()
            .get::<SyncNote>()
            .cloned()
            .unwrap_or_default();
        let error = response.extensions().get::<ErrorNote>().cloned();
        let scim_path = path
            .strip_prefix(&format!("/scim/directory/{directory_id}"))
            .unwrap_or(&path)
            .to_owned();
        state.sync_log.record(SyncLogEntry {
            directory_id,
            at: now_millis(),
            method,
            path: scim_path,
            operation: if note.operation.is_empty() {
                "other"
            } else {
                note.operation
            }
            .to_owned(),
            status: response.status().as_u16(),
            duration_ms: started.elapsed().as_millis() as i64,
            resource_type: note.resource_type.map(str::to_owned),
            resource_id: note.resource_id,
            resource_label: note.resource_label,
            changed: note.changed,
            ignored: note.ignored,
            scim_type: error.as_ref().and_then(|e| e.scim_type.clone()),
            detail: error.map(|e| e.detail),
        });
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_directory_in_the_path() {
        assert_eq!(directory_of("/scim/directory/abc/Users"), Some("abc"));
        assert_eq!(directory_of("/scim/directory/abc"), Some("abc"));
        assert_eq!(directory_of("/scim/directory//Users"), None);
        assert_eq!(directory_of("/scim/other"), None);
    }
}
