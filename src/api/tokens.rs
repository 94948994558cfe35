//! Service tokens, which the console calls API tokens: `/api/v1/service-tokens/...`
//! (`crates/server/src/http/service_tokens.rs`).
use roster_api_types::token::{CreateServiceToken, IssuedServiceToken, ServiceToken};

use super::{Client, Method, Request};
use crate::url::encode;

/// `GET /api/v1/service-tokens`: every token, newest first, revoked and expired ones too.
pub fn list_service_tokens(client: &Client) -> Request<Vec<ServiceToken>> {
    client.request::<(), _>(Method::Get, "/service-tokens", None)
}

/// `POST /api/v1/service-tokens`: the new token and its secret, shown once.
pub fn create_service_token(
    client: &Client,
    body: &CreateServiceToken,
) -> Request<IssuedServiceToken> {
    client.request(Method::Post, "/service-tokens", Some(body))
}

/// `DELETE /api/v1/service-tokens/{id}`: revokes the token, which stays listed.
pub fn revoke_service_token(client: &Client, id: &str) -> Request<()> {
    let path = format!("/service-tokens/{}", encode(id));
    client.request::<(), _>(Method::Delete, &path, None)
}
