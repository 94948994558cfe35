//! The browser's `fetch` with what every admin API call shares: `credentials: include`, JSON
//! in and out, the CSRF token on mutating requests, and an [`Abort`] tied to the reactive owner
//! that asked. A GET the loader or [`super::early`] already started is taken instead of sent
//! again.
use leptos::prelude::*;
use roster_api_types::CSRF_HEADER;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::decode::RawAnswer;
use super::early;
use super::error::ApiError;

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
    pub(super) fn is_mutating(self) -> bool {
        self != Method::Get
    }
}

/// The `AbortController` of one request. When the request starts inside a reactive owner (a
/// resource of a page), the owner's cleanup aborts it: navigating away, or a new search that
/// re-runs the resource, stops the browser from finishing work nobody will read. Requests made
/// from event handlers (saving, deleting) run without an owner and are never cancelled, so a
/// mutation the admin started always completes.
pub(super) struct Abort(Option<web_sys::AbortController>);

impl Abort {
    pub(super) fn for_current_owner() -> Abort {
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

    pub(super) fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.0.as_ref().map(|c| c.signal())
    }

    pub(super) fn aborted(&self) -> bool {
        self.0.as_ref().is_some_and(|c| c.signal().aborted())
    }
}

/// Sends one request with the options every admin call shares.
pub(super) fn send(
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
pub(super) async fn fetch(
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
        request_id: header("x-request-id"),
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
