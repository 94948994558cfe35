//! The SCIM 2.0 service provider (RFC 7644) under `/scim/directory/{directoryId}`: what
//! identity providers call. Every request passes [`middleware::guard`] (rate limit, bearer
//! key, sync log); handlers here only translate HTTP to the operations in [`resources`],
//! [`list`] and [`bulk`].
pub mod bulk;
pub mod discovery;
pub mod error;
pub mod extract;
pub mod list;
pub mod middleware;
pub mod render;
pub mod resources;

use axum::{
    extract::{DefaultBodyLimit, RawQuery, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Extension, Router,
};
use roster_scim::{Projection, ResourceKind, ScimError};
use serde_json::Value;

use self::{
    error::{ScimApiError, ScimApiResult, SCIM_CONTENT_TYPE},
    extract::{Path, ScimBody, ScimBytes},
    list::ListRequest,
    middleware::{ScimDirectory, SyncNote},
    resources::{Change, Conditions},
};
use crate::state::AppState;

/// Largest SCIM request body: a group created with 100,000 members fits.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

type Dir = Extension<ScimDirectory>;

fn params(raw: Option<String>) -> Result<Vec<(String, String)>, ScimApiError> {
    let raw = raw.as_deref().unwrap_or("");
    if crate::text::uri_has_nul(raw) {
        return Err(ScimError::invalid_value(crate::text::NUL_REFUSED).into());
    }
    serde_urlencoded::from_str(raw)
        .map_err(|e| ScimError::invalid_syntax(format!("malformed query string: {e}")).into())
}

fn projection(kind: ResourceKind, q: &[(String, String)]) -> ScimApiResult<Option<Projection>> {
    let get = |name: &str| {
        q.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let (a, e) = (get("attributes"), get("excludedAttributes"));
    if a.is_none() && e.is_none() {
        return Ok(None);
    }
    Ok(Some(Projection::parse(kind, a, e)?))
}

async fn list_resources(
    kind: ResourceKind,
    state: AppState,
    dir: ScimDirectory,
    raw: Option<String>,
) -> Response {
    let run = async {
        let req = ListRequest::from_query(&params(raw)?)?;
        list::list(&state, &dir, kind, &req).await
    };
    run.await.into_response()
}

async fn search_resources(
    kind: ResourceKind,
    state: AppState,
    dir: ScimDirectory,
    body: Value,
) -> Response {
    let run = async {
        let req = ListRequest::from_body(&body)?;
        list::list(&state, &dir, kind, &req).await
    };
    run.await.into_response()
}

async fn create_resource(
    kind: ResourceKind,
    state: AppState,
    dir: ScimDirectory,
    raw: Option<String>,
    body: Value,
) -> Response {
    let run = async {
        let p = projection(kind, &params(raw)?)?.unwrap_or_else(|| Projection::default_for(kind));
        resources::create(&state, &dir, kind, &body, &p).await
    };
    run.await.into_response()
}

async fn get_resource(
    kind: ResourceKind,
    state: AppState,
    dir: ScimDirectory,
    id: String,
    raw: Option<String>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let p = projection(kind, &params(raw)?)?.unwrap_or_else(|| Projection::default_for(kind));
        resources::get(
            &state,
            &dir,
            kind,
            &id,
            &p,
            &Conditions::from_headers(&headers),
        )
        .await
    };
    run.await.into_response()
}

#[allow(clippy::too_many_arguments)] // one per extractor of the route
async fn update_resource(
    kind: ResourceKind,
    patch: bool,
    state: AppState,
    dir: ScimDirectory,
    id: String,
    raw: Option<String>,
    headers: HeaderMap,
    body: Value,
) -> Response {
    let run = async {
        let p = projection(kind, &params(raw)?)?;
        let change = if patch {
            Change::Patch(&body)
        } else {
            Change::Replace(&body)
        };
        resources::update(
            &state,
            &dir,
            kind,
            &id,
            change,
            p.as_ref(),
            &Conditions::from_headers(&headers),
        )
        .await
    };
    run.await.into_response()
}

async fn delete_resource(
    kind: ResourceKind,
    state: AppState,
    dir: ScimDirectory,
    id: String,
    headers: HeaderMap,
) -> Response {
    resources::delete(&state, &dir, kind, &id, &Conditions::from_headers(&headers))
        .await
        .into_response()
}

/// A discovery document, noted in the sync log.
fn document(doc: Result<Value, ScimError>, operation: &'static str) -> Response {
    match doc {
        Ok(doc) => {
            let mut res = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, SCIM_CONTENT_TYPE)],
                doc.to_string(),
            )
                .into_response();
            res.extensions_mut().insert(SyncNote {
                operation,
                ..SyncNote::default()
            });
            res
        }
        Err(e) => ScimApiError::from(e).into_response(),
    }
}

/// Routes for one resource type at `/{endpoint}`.
fn resource_routes(kind: ResourceKind) -> Router<AppState> {
    let endpoint = format!("/scim/directory/{{dir}}{}", kind.endpoint());
    Router::new()
        .route(
            &endpoint,
            get(
                move |State(s): State<AppState>, Extension(d): Dir, RawQuery(q): RawQuery| {
                    list_resources(kind, s, d, q)
                },
            )
            .post(
                move |State(s): State<AppState>,
                      Extension(d): Dir,
                      RawQuery(q): RawQuery,
                      ScimBody(b): ScimBody| { create_resource(kind, s, d, q, b) },
            ),
        )
        .route(
            &format!("{endpoint}/.search"),
            post(
                move |State(s): State<AppState>, Extension(d): Dir, ScimBody(b): ScimBody| {
                    search_resources(kind, s, d, b)
                },
            ),
        )
        .route(
            &format!("{endpoint}/{{id}}"),
            get(
                move |State(s): State<AppState>,
                      Extension(d): Dir,
                      Path((_, id)): Path<(String, String)>,
                      RawQuery(q): RawQuery,
                      h: HeaderMap| { get_resource(kind, s, d, id, q, h) },
            )
            .put(
                move |State(s): State<AppState>,
                      Extension(d): Dir,
                      Path((_, id)): Path<(String, String)>,
                      RawQuery(q): RawQuery,
                      h: HeaderMap,
                      ScimBody(b): ScimBody| {
                    update_resource(kind, false, s, d, id, q, h, b)
                },
            )
            .patch(
                move |State(s): State<AppState>,
                      Extension(d): Dir,
                      Path((_, id)): Path<(String, String)>,
                      RawQuery(q): RawQuery,
                      h: HeaderMap,
                      ScimBody(b): ScimBody| {
                    update_resource(kind, true, s, d, id, q, h, b)
                },
            )
            .delete(
                move |State(s): State<AppState>,
                      Extension(d): Dir,
                      Path((_, id)): Path<(String, String)>,
                      h: HeaderMap| { delete_resource(kind, s, d, id, h) },
            ),
        )
}

async fn search_root(
    State(state): State<AppState>,
    Extension(dir): Dir,
    ScimBody(body): ScimBody,
) -> Response {
    let run = async {
        let req = ListRequest::from_body(&body)?;
        list::search_all(&state, &dir, &req).await
    };
    run.await.into_response()
}

/// The route's body limit is Bulk's advertised `maxPayloadSize`.
async fn bulk_request(
    State(state): State<AppState>,
    Extension(dir): Dir,
    ScimBytes(bytes): ScimBytes,
) -> Response {
    let run = async {
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ScimError::invalid_syntax(format!("the body is not valid JSON: {e}")))?;
        bulk::bulk(&state, &dir, &body, bytes.len()).await
    };
    run.await.into_response()
}

async fn service_provider_config(Extension(dir): Dir) -> Response {
    document(
        Ok(discovery::service_provider_config(&dir.base_url)),
        "serviceProviderConfig",
    )
}

async fn resource_types(Extension(dir): Dir) -> Response {
    document(
        Ok(discovery::resource_types(&dir.base_url)),
        "resourceTypes",
    )
}

async fn resource_type(Extension(dir): Dir, Path((_, name)): Path<(String, String)>) -> Response {
    document(
        discovery::resource_type(&dir.base_url, &name),
        "resourceTypes",
    )
}

async fn schemas(Extension(dir): Dir) -> Response {
    document(Ok(discovery::schemas(&dir.base_url)), "schemas")
}

async fn schema(Extension(dir): Dir, Path((_, urn)): Path<(String, String)>) -> Response {
    document(discovery::schema(&dir.base_url, &urn), "schemas")
}

/// Unknown paths and methods inside a directory: SCIM 404 / 405 bodies, still logged.
async fn unknown() -> Response {
    ScimApiError::from(ScimError::not_found("no such SCIM endpoint")).into_response()
}

async fn wrong_method() -> Response {
    ScimApiError::from(ScimError::status(
        405,
        "this endpoint does not support the method",
    ))
    .into_response()
}

/// The SCIM router; `state` is needed to build the guard layer.
pub fn router(state: AppState) -> Router<AppState> {
    let base = "/scim/directory/{dir}";
    Router::new()
        .merge(resource_routes(ResourceKind::User))
        .merge(resource_routes(ResourceKind::Group))
        .route(&format!("{base}/.search"), post(search_root))
        .route(
            &format!("{base}/Bulk"),
            post(bulk_request).layer(DefaultBodyLimit::max(bulk::MAX_PAYLOAD)),
        )
        .route(
            &format!("{base}/ServiceProviderConfig"),
            get(service_provider_config),
        )
        .route(&format!("{base}/ResourceTypes"), get(resource_types))
        .route(
            &format!("{base}/ResourceTypes/{{name}}"),
            get(resource_type),
        )
        .route(&format!("{base}/Schemas"), get(schemas))
        .route(&format!("{base}/Schemas/{{urn}}"), get(schema))
        .route(base, axum::routing::any(unknown))
        .route(&format!("{base}/{{*rest}}"), axum::routing::any(unknown))
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            middleware::guard,
        ))
}
