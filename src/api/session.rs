//! Admin sign-in: the three `/api/v1/session` calls, named like the server's handlers.
use roster_api_types::{Session, SignIn};

use super::{ApiError, Client, Method};

/// `POST /api/v1/session`: signs in; the server sets the HttpOnly session cookie.
pub async fn create_session(client: &Client, sign_in: &SignIn) -> Result<Session, ApiError> {
    client
        .request(Method::Post, "/session", Some(sign_in))
        .await
}

/// `GET /api/v1/session`: the current session, or a 401 problem when signed out.
pub async fn get_session(client: &Client) -> Result<Session, ApiError> {
    client.request::<(), _>(Method::Get, "/session", None).await
}

/// `DELETE /api/v1/session`: signs out (answers 204).
pub async fn delete_session(client: &Client) -> Result<(), ApiError> {
    client
        .request::<(), _>(Method::Delete, "/session", None)
        .await
}
