//! The audit log: `GET /api/v1/audit` (`crates/server/src/http/audit.rs`).
use roster_api_types::audit::{AuditEntry, AuditQuery};
use roster_api_types::page::Page;

use super::query::query_string;
use super::{Client, Method, Request};

/// `GET /api/v1/audit`: entries newest first, filtered by actor, action, target and time.
pub fn list_audit(client: &Client, query: &AuditQuery) -> Request<Page<AuditEntry>> {
    let path = format!("/audit{}", query_string(query));
    client.request::<(), _>(Method::Get, &path, None)
}
