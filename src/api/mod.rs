//! The console's only way to talk to the server. [`Client::request`] builds every admin API
//! call the same way — base URL from the runtime config, `credentials: include` so the session
//! cookie travels even when the API lives on another origin, the CSRF token on mutating
//! requests, JSON in and out — and decodes failures into a typed [`ApiError`]. A request made
//! while a reactive owner is current (a page's resource) is aborted when that owner is cleaned
//! up, so leaving a page or changing its query cancels what it was still loading. The endpoint
//! functions in the submodules are named after the server handlers they call.

mod access;
mod audit;
mod directories;
mod domains;
pub mod early;
mod groups;
mod query;
mod session;
mod sites;
mod users;

pub use access::*;
pub use audit::*;
pub use directories::*;
pub use domains::*;
pub use groups::*;
pub use query::{encode, query_string};
pub use session::{create_session, delete_session, get_session};
pub use sites::*;
pub use users::*;

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

use leptos::prelude::*;
use roster_api_types::problem::PROBLEM_CONTENT_TYPE;
use roster_api_types::{Problem, CSRF_HEADER};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::state::{Auth, SignedOutReason};

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

/// HTTP methods the admin API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Everything but GET changes state on the server and must carry the CSRF token.
    fn is_mutating(self) -> bool {
        self != Method::Get
    }
}

/// Handle for calling the admin API; cheap to clone, provided as context by the app.
#[derive(Clone)]
pub struct Client {
    base_url: Arc<str>,
    /// The session state: read for the CSRF token, and set to signed-out when the server says
    /// the session is gone, so every page falls back to the sign-in form the same way.
    auth: RwSignal<Auth>,
}

impl Client {
    /// A client for the API at `api_base_url` (empty for the console's own origin).
    pub fn new(api_base_url: &str, auth: RwSignal<Auth>) -> Self {
        Client {
            base_url: api_base_url.trim_end_matches('/').into(),
            auth,
        }
    }

    /// The full URL of an admin API path such as `/session`.
    pub fn url(&self, path: &str) -> String {
        endpoint(&self.base_url, path)
    }

    /// Sends one request and decodes a JSON answer into `T` (use `()` for 204 answers). The
    /// request starts when the returned future is first polled, like an `async fn`'s would.
    pub fn request<B, T>(&self, method: Method, path: &str, body: Option<&B>) -> Request<T>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        // Only encoding and decoding depend on the types; the exchange itself is one boxed
        // future for every endpoint, and `Request` is a small non-async wrapper around it, so
        // each endpoint (and each page that awaits one) adds little more than its serde code.
        let exchange = match body.map(serde_json::to_string).transpose() {
            Ok(body) => self.clone().exchange(method, self.url(path), body),
            Err(error) => {
                let error = encode_error(error);
                Box::pin(async move { Err(error) }) as Exchange
            }
        };
        Request {
            exchange,
            decode: decode_success::<T>,
        }
    }

    /// Starts a GET of `path` now, for a page that will ask for it soon (see [`early`]).
    pub fn start_early(&self, path: &str) {
        let url = self.url(path);
        if let Ok(promise) = send(Method::Get, &url, None, None, None) {
            early::keep(url, promise);
        }
    }

    /// The request itself: a 2xx answer, or the decoded error. Owns what it needs, so the
    /// future is `'static` and the same for every endpoint.
    fn exchange(self, method: Method, url: String, body: Option<String>) -> Exchange {
        Box::pin(async move {
            let csrf = if method.is_mutating() {
                self.auth
                    .try_with_untracked(|auth| auth.session().map(|s| s.csrf_token.clone()))
                    .flatten()
            } else {
                None
            };
            let abort = Abort::for_current_owner();
            let answer = fetch(
                method,
                &url,
                body.as_deref(),
                csrf.as_deref(),
                abort.signal(),
            )
            .await;
            let answer = match answer {
                Err(_) if abort.aborted() => return Err(ApiError::Cancelled),
                other => other?,
            };
            if (200..300).contains(&answer.status) {
                return Ok(answer);
            }
            let error = decode_error(&answer);
            if answer.status == 401 {
                self.session_ended();
            }
            Err(error)
        })
    }

    /// A 401 on a signed-in request means the session expired or was revoked elsewhere.
    fn session_ended(&self) {
        let signed_in = self
            .auth
            .try_with_untracked(|auth| matches!(auth, Auth::SignedIn(_)))
            .unwrap_or(false);
        if signed_in {
            self.auth.try_set(Auth::SignedOut(SignedOutReason::Expired));
        }
    }
}

type Exchange = Pin<Box<dyn Future<Output = Result<RawAnswer, ApiError>>>>;

/// An admin API call on its way: the shared [`Client::exchange`] future, then decoding into
/// `T`. What every endpoint function returns; await it.
#[must_use = "a request does nothing unless awaited"]
pub struct Request<T> {
    exchange: Exchange,
    decode: fn(&RawAnswer) -> Result<T, ApiError>,
}

impl<T> Future for Request<T> {
    type Output = Result<T, ApiError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let decode = self.decode;
        self.exchange
            .as_mut()
            .poll(cx)
            .map(|answer| answer.and_then(|answer| decode(&answer)))
    }
}

impl<T: 'static> Request<T> {
    /// The request with its value type-erased, for [`crate::components::ApiResource`]: one
    /// non-generic future for every resource; only the small decode step knows `T`.
    pub(crate) fn into_any(self) -> AnyRequest {
        let decode = self.decode;
        Box::pin(erased(
            self.exchange,
            Box::new(move |answer| decode(answer).map(|value| Rc::new(value) as Rc<dyn Any>)),
        ))
    }
}

impl<T: 'static> Request<T> {
    /// Sends the request from an event handler (saving, deleting) and calls `done` with the
    /// outcome. Every call shares one spawned future type, as [`Request::into_any`] does for
    /// resources, instead of each handler spawning an `async` block of its own.
    pub fn spawn(self, done: impl FnOnce(Result<T, ApiError>) + 'static) {
        let decode = self.decode;
        spawn_exchange(
            self.exchange,
            Box::new(move |answer| done(answer.and_then(|answer| decode(&answer)))),
        );
    }
}

fn spawn_exchange(exchange: Exchange, done: Box<dyn FnOnce(Result<RawAnswer, ApiError>)>) {
    leptos::task::spawn_local(async move { done(exchange.await) });
}

/// What [`Request::into_any`] gives: the decoded value as `Rc<dyn Any>`.
pub(crate) type AnyRequest = Pin<Box<dyn Future<Output = Result<Rc<dyn Any>, ApiError>>>>;

type AnyDecode = Box<dyn Fn(&RawAnswer) -> Result<Rc<dyn Any>, ApiError>>;

async fn erased(exchange: Exchange, decode: AnyDecode) -> Result<Rc<dyn Any>, ApiError> {
    decode(&exchange.await?)
}

/// Joins the configured base URL and an admin API path: `("", "/session")` gives
/// `/api/v1/session` on the console's own origin.
pub fn endpoint(base_url: &str, path: &str) -> String {
    format!(
        "{}{}{}",
        base_url.trim_end_matches('/'),
        roster_api_types::API_PREFIX,
        path
    )
}

/// What came back over the wire, before decoding: kept apart from `fetch` so the decoding
/// rules are plain functions with native tests.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub body: String,
}

/// Decodes a 2xx answer. An empty body decodes as JSON `null`, which is what `()` expects.
pub fn decode_success<T: DeserializeOwned>(answer: &RawAnswer) -> Result<T, ApiError> {
    let body = if answer.body.trim().is_empty() {
        "null"
    } else {
        &answer.body
    };
    serde_json::from_str(body).map_err(|e| mismatch(answer.status, e))
}

fn mismatch(status: u16, error: serde_json::Error) -> ApiError {
    ApiError::UnexpectedResponse {
        status,
        detail: format!("the response did not match what the console expects ({error})"),
    }
}

fn encode_error(error: serde_json::Error) -> ApiError {
    ApiError::Network(format!("could not encode the request: {error}"))
}

/// Decodes a non-2xx answer into problem details, or says plainly that it wasn't any.
pub fn decode_error(answer: &RawAnswer) -> ApiError {
    let is_json = answer.content_type.as_deref().is_some_and(|ct| {
        let ct = ct.to_ascii_lowercase();
        ct.starts_with(PROBLEM_CONTENT_TYPE) || ct.starts_with("application/json")
    });
    if is_json {
        if let Ok(problem) = serde_json::from_str::<Problem>(&answer.body) {
            return ApiError::Problem {
                problem: Box::new(problem),
                retry_after: answer
                    .retry_after
                    .as_deref()
                    .and_then(|v| v.trim().parse().ok()),
            };
        }
    }
    ApiError::UnexpectedResponse {
        status: answer.status,
        detail: match answer.content_type.as_deref() {
            // Parameters such as `;charset=utf-8` only add noise to the message.
            Some(ct) => format!(
                "a {} body instead of problem details",
                ct.split(';').next().unwrap_or(ct).trim()
            ),
            None => "no problem details".to_owned(),
        },
    }
}

/// The `AbortController` of one request. When the request starts inside a reactive owner (a
/// resource of a page), the owner's cleanup aborts it: navigating away, or a new search that
/// re-runs the resource, stops the browser from finishing work nobody will read. Requests made
/// from event handlers (saving, deleting) run without an owner and are never cancelled, so a
/// mutation the admin started always completes.
struct Abort(Option<web_sys::AbortController>);

impl Abort {
    fn for_current_owner() -> Abort {
        if Owner::current().is_none() {
            return Abort(None);
        }
        let Ok(controller) = web_sys::AbortController::new() else {
            return Abort(None);
        };
        let on_cleanup_copy = send_wrapper::SendWrapper::new(controller.clone());
        Owner::on_cleanup(move || on_cleanup_copy.abort());
        Abort(Some(controller))
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.0.as_ref().map(|c| c.signal())
    }

    fn aborted(&self) -> bool {
        self.0.as_ref().is_some_and(|c| c.signal().aborted())
    }
}

/// Sends one request with the options every admin call shares.
fn send(
    method: Method,
    url: &str,
    body: Option<&str>,
    csrf: Option<&str>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<js_sys::Promise, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let headers = web_sys::Headers::new()?;
    headers.set("Accept", "application/json, application/problem+json")?;
    let init = web_sys::RequestInit::new();
    init.set_method(method.as_str());
    // `include` rather than the default `same-origin`: the console may be served from a CDN
    // while the API (and its session cookie) lives elsewhere.
    init.set_credentials(web_sys::RequestCredentials::Include);
    if let Some(body) = body {
        headers.set("Content-Type", "application/json")?;
        init.set_body(&JsValue::from_str(body));
    }
    if let Some(token) = csrf {
        headers.set(CSRF_HEADER, token)?;
    }
    init.set_headers(&headers);
    if let Some(signal) = signal {
        init.set_signal(Some(signal));
    }
    Ok(window.fetch_with_str_and_init(url, &init))
}

/// The browser `fetch`, with the options every admin call shares; a GET already on its way
/// (see [`early`]) is taken instead of sent again.
async fn fetch(
    method: Method,
    url: &str,
    body: Option<&str>,
    csrf: Option<&str>,
    signal: Option<web_sys::AbortSignal>,
) -> Result<RawAnswer, ApiError> {
    let network = |e: JsValue| ApiError::Network(js_error_text(&e));
    let started = match method {
        Method::Get => early::take(url),
        _ => None,
    };
    let promise = match started {
        Some(promise) => promise,
        None => send(method, url, body, csrf, signal.as_ref()).map_err(network)?,
    };
    let response: web_sys::Response = JsFuture::from(promise)
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?;
    let header = |name: &str| response.headers().get(name).ok().flatten();
    Ok(RawAnswer {
        status: response.status(),
        content_type: header("content-type"),
        retry_after: header("retry-after"),
        body: text.as_string().unwrap_or_default(),
    })
}

/// The message of a JavaScript exception (fetch rejects with a `TypeError`).
pub(crate) fn js_error_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, content_type: Option<&str>, body: &str) -> RawAnswer {
        RawAnswer {
            status,
            content_type: content_type.map(str::to_owned),
            retry_after: None,
            body: body.to_owned(),
        }
    }

    #[test]
    fn endpoint_joins_base_prefix_and_path() {
        assert_eq!(endpoint("", "/session"), "/api/v1/session");
        assert_eq!(
            endpoint("https://api.example.com/", "/session"),
            "https://api.example.com/api/v1/session"
        );
        assert_eq!(endpoint("/roster", "/session"), "/roster/api/v1/session");
    }

    #[test]
    fn problem_details_decode_with_retry_after() {
        let mut a = answer(
            429,
            Some("application/problem+json"),
            r#"{"title":"Too many attempts","status":429,"detail":"Wait a minute."}"#,
        );
        a.retry_after = Some("60".to_owned());
        let e = decode_error(&a);
        assert_eq!(e.status(), Some(429));
        assert_eq!(e.message(), "Wait a minute.");
        assert!(matches!(
            e,
            ApiError::Problem {
                retry_after: Some(60),
                ..
            }
        ));
    }

    #[test]
    fn html_error_pages_are_unexpected_not_problems() {
        let e = decode_error(&answer(
            404,
            Some("text/html;charset=utf-8"),
            "<h1>Not Found</h1>",
        ));
        assert_eq!(
            e,
            ApiError::UnexpectedResponse {
                status: 404,
                detail: "a text/html body instead of problem details".to_owned()
            }
        );
        // JSON that is not a problem is just as unexpected.
        let e = decode_error(&answer(500, Some("application/json"), r#"{"oops":1}"#));
        assert!(matches!(
            e,
            ApiError::UnexpectedResponse { status: 500, .. }
        ));
    }

    #[test]
    fn success_bodies_decode_and_empty_means_unit() {
        let ok: Result<(), _> = decode_success(&answer(204, None, ""));
        assert_eq!(ok, Ok(()));
        let bad: Result<roster_api_types::Session, _> =
            decode_success(&answer(200, Some("application/json"), "{}"));
        assert!(matches!(
            bad,
            Err(ApiError::UnexpectedResponse { status: 200, .. })
        ));
    }
}
