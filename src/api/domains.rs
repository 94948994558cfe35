//! Email domains and their verification: `/api/v1/domains/...`
//! (`crates/server/src/http/domains.rs`).
use roster_api_types::domain::{Domain, NewDomain};

use super::{Client, Method, Request};
use crate::url::encode;

/// `GET /api/v1/domains`.
pub fn list_domains(client: &Client) -> Request<Vec<Domain>> {
    client.request::<(), _>(Method::Get, "/domains", None)
}

/// `POST /api/v1/domains`: the domain with the TXT record to publish.
pub fn add_domain(client: &Client, name: &str) -> Request<Domain> {
    let body = NewDomain { name: name.into() };
    client.request(Method::Post, "/domains", Some(&body))
}

/// `POST /api/v1/domains/{id}/verify`: looks the TXT record up; 409 when it is not there.
pub fn verify_domain(client: &Client, id: &str) -> Request<Domain> {
    let path = format!("/domains/{}/verify", encode(id));
    client.request::<(), _>(Method::Post, &path, None)
}

/// `DELETE /api/v1/domains/{id}`: its users become external.
pub fn delete_domain(client: &Client, id: &str) -> Request<()> {
    let path = format!("/domains/{}", encode(id));
    client.request::<(), _>(Method::Delete, &path, None)
}
