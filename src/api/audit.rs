//! The audit log: `GET /api/v1/audit` (`crates/server/src/http/audit.rs`).
use roster_api_types::audit::{AuditEntry, AuditQuery};
use roster_api_types::directory::Page;

use super::query::query_string;
use super::{ApiError, Client, Method};

/// `GET /api/v1/audit`: entries newest first, filtered by actor, action, target and time.
pub async fn list_audit(client: &Client, query: &AuditQuery) -> Result<Page<AuditEntry>, ApiError> {
    let path = format!("/audit{}", query_string(query));
    client.request::<(), _>(Method::Get, &path, None).await
}
