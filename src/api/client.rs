//! [`Client`], the handle every endpoint function takes, and [`Request`], what each returns.
//! Only encoding and decoding know the endpoint's types: the exchange itself (URL, CSRF token,
//! abort, error decoding, the session ending on a 401) is one boxed future for every endpoint,
//! and resources and event handlers take requests type-erased, so each endpoint adds little
//! more than its serde code to the wasm.
use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::auth::{Auth, SignedOutReason};
use super::decode::{decode_error, decode_success, RawAnswer};
use super::early;
use super::error::ApiError;
use super::transport::{fetch, send, Abort, Method};
use crate::url::endpoint;

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

fn encode_error(error: serde_json::Error) -> ApiError {
    ApiError::Network(format!("could not encode the request: {error}"))
}
