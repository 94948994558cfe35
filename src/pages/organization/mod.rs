//! The organization's own settings and records: its email domains and the audit log. The
//! lazily loaded chunk `organization`.

pub mod audit;
pub mod domains;

pub use audit::AuditPage;
pub use domains::DomainsPage;
