//! The admin's session as the console knows it. The whole console reads it (the shell picks
//! sign-in or the signed-in layout), and the [`Client`](super::Client) both reads it, for the
//! CSRF token, and ends it, when the server answers 401.
use roster_api_types::Session;

use super::error::ApiError;

/// Why the sign-in form is showing, when there is more to say than "please sign in".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignedOutReason {
    /// Fresh visit, or the admin signed out.
    None,
    /// A request answered 401 while signed in: the session expired or was revoked.
    Expired,
    /// The session check itself failed (server down, wrong `apiBaseUrl`).
    CheckFailed(ApiError),
}

/// The admin's session as the console knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// Asking the server whether the session cookie is still good.
    Checking,
    SignedOut(SignedOutReason),
    SignedIn(Session),
}

impl Auth {
    /// The session, when signed in.
    pub fn session(&self) -> Option<&Session> {
        match self {
            Auth::SignedIn(session) => Some(session),
            _ => None,
        }
    }
}
