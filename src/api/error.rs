//! Why an admin API call failed, as pages see it: [`ApiError`], with the status and problem
//! details to branch on and a sentence to show.
use std::fmt;

use roster_api_types::Problem;

/// Why an API call failed. Pages show [`ApiError::message`]; code that needs to branch (wrong
/// password, rate limit, session expired) matches on the variant and the problem's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The server answered with RFC 9457 problem details.
    Problem {
        /// Boxed: problem details are large, and `Result<T, ApiError>` is on every call path.
        problem: Box<Problem>,
        /// Seconds from the `Retry-After` header of a 429 or 503, when the server sent one
        /// (and, cross-origin, exposed it).
        retry_after: Option<u32>,
        /// The server's `X-Request-Id` of the answer: what its log is searched by.
        request_id: Option<String>,
    },
    /// No answer at all: the server is down, the network is offline, or the browser refused
    /// the request (for example a cross-origin API without CORS for this console).
    Network(String),
    /// The console itself abandoned the request: the page that asked for it went away.
    Cancelled,
    /// An answer that is not what the admin API promises: an error status without problem
    /// details, or a body that does not decode. Usually a wrong `apiBaseUrl` or a proxy in
    /// the way.
    UnexpectedResponse { status: u16, detail: String },
}

impl ApiError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem { problem, .. } => Some(problem.status),
            ApiError::UnexpectedResponse { status, .. } => Some(*status),
            ApiError::Network(_) | ApiError::Cancelled => None,
        }
    }

    /// The problem details, when the server sent them.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ApiError::Problem { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// A sentence an admin can act on.
    pub fn message(&self) -> String {
        match self {
            // An unexpected failure's problem says only "Internal error": say what happened
            // and what to do, with the id the server's log records it under.
            ApiError::Problem {
                problem,
                request_id,
                ..
            } if problem.status == 500 && problem.detail.is_none() => {
                let next = match request_id {
                    Some(id) => format!(
                        "If it keeps failing, give your Roster operator the request ID {id}:                          the server's log says what went wrong."
                    ),
                    None => "If it keeps failing, the server's log says what went wrong."
                        .to_owned(),
                };
                format!(
                    "Roster ran into a problem on the server and could not finish this.                      Try again in a moment. {next}"
                )
            }
            ApiError::Problem { problem, .. } => problem.message().to_owned(),
            ApiError::Network(cause) => format!(
                "Could not reach the Roster server ({cause}). Check your connection and that \
                 the server is running."
            ),
            ApiError::Cancelled => {
                "The request was cancelled because you left the page.".to_owned()
            }
            ApiError::UnexpectedResponse { status, detail } => format!(
                "The server gave an unexpected answer (HTTP {status}): {detail}. Check that \
                 the console's apiBaseUrl points at a Roster server."
            ),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}
