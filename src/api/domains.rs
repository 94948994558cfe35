//! Email domains and their verification: `/api/v1/domains/...`
//! (`crates/server/src/http/domains.rs`).
use roster_api_types::domain::{Domain, NewDomain};

use super::query::encode;
use super::{ApiError, Client, Method};

/// `GET /api/v1/domains`.
pub async fn list_domains(client: &Client) -> Result<Vec<Domain>, ApiError> {
    client.request::<(), _>(Method::Get, "/domains", None).await
}

/// `POST /api/v1/domains`: the domain with the TXT record to publish.
pub async fn add_domain(client: &Client, name: &str) -> Result<Domain, ApiError> {
    let body = NewDomain { name: name.into() };
    client.request(Method::Post, "/domains", Some(&body)).await
}

/// `POST /api/v1/domains/{id}/verify`: looks the TXT record up; 409 when it is not there.
pub async fn verify_domain(client: &Client, id: &str) -> Result<Domain, ApiError> {
    let path = format!("/domains/{}/verify", encode(id));
    client.request::<(), _>(Method::Post, &path, None).await
}

/// `DELETE /api/v1/domains/{id}`: its users become external.
pub async fn delete_domain(client: &Client, id: &str) -> Result<(), ApiError> {
    let path = format!("/domains/{}", encode(id));
    client.request::<(), _>(Method::Delete, &path, None).await
}
