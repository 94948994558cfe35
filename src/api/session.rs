//! Admin sign-in: the three `/api/v1/session` calls, named like the server's handlers.
use roster_api_types::{Session, SignIn};

use super::{Client, Method, Request};

/// `POST /api/v1/session`: signs in; the server sets the HttpOnly session cookie.
pub fn create_session(client: &Client, sign_in: &SignIn) -> Request<Session> {
    client.request(Method::Post, "/session", Some(sign_in))
}

/// `GET /api/v1/session`: the current session, or a 401 problem when signed out.
pub fn get_session(client: &Client) -> Request<Session> {
    client.request::<(), _>(Method::Get, "/session", None)
}

/// `DELETE /api/v1/session`: signs out (answers 204).
pub fn delete_session(client: &Client) -> Request<()> {
    client.request::<(), _>(Method::Delete, "/session", None)
}
