//! `GET /api/v1/audit`: the organization's audit log, newest first, filtered by actor,
//! action, target and time range.
use axum::{extract::State, routing::get, Router};
use roster_api_types::{
    audit::{AuditEntry, AuditQuery},
    page::Page,
    Problem,
};
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

use super::{
    caller::{Administer, Can},
    extract::{page_request, Json, Query},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    store::audit::{AuditFilter, AUDIT_TAG},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list_audit))
}

fn millis(field: &str, value: Option<&str>) -> AppResult<Option<i64>> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            OffsetDateTime::parse(v, &Rfc3339)
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
                .map_err(|_| {
                    AppError::invalid_field(
                        field,
                        "Use an RFC 3339 time, e.g. 2026-01-02T03:04:05Z.",
                    )
                })
        })
        .transpose()
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// A page of the audit log, newest first.
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Entries, newest first", body = Page<AuditEntry>),
        (status = 400, description = "Invalid cursor", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 422, description = "Invalid filter", body = Problem),
    ),
)]
pub(super) async fn list_audit(
    State(state): State<AppState>,
    caller: Can<Administer>,
    Query(query): Query<AuditQuery>,
) -> AppResult<Json<Page<AuditEntry>>> {
    let filter = AuditFilter {
        actor_id: non_empty(query.actor),
        actor_type: non_empty(query.actor_type),
        action: non_empty(query.action),
        target_id: non_empty(query.target),
        target_type: non_empty(query.target_type),
        from: millis("from", query.from.as_deref())?,
        to: millis("to", query.to.as_deref())?,
    };
    let page = page_request(AUDIT_TAG, query.cursor.as_deref(), query.limit)?;
    Ok(Json(
        state
            .store
            .list_audit(&caller.org_id, &filter, &page)
            .await?,
    ))
}
