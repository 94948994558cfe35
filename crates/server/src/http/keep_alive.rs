//! Answers before the request body is read (a 401 for a wrong key, a 413 past the limit, a
//! rejection by an extractor) would otherwise leave the rest of the body unread. The server
//! then closes the connection with data still unread, which the kernel turns into a reset that
//! can destroy the answer on its way to a client reusing the connection. So the unread rest is
//! read and dropped after the answer is ready, within a budget; a body beyond that budget gets
//! its answer with `Connection: close`, so the client knows not to reuse the connection.
use std::{
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::Request,
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;

/// Most unread bytes read and dropped to keep a connection open (twice the largest body a
/// route accepts).
const DRAIN_BYTES: u64 = 32 * 1024 * 1024;
/// Longest time spent reading them.
const DRAIN_TIME: Duration = Duration::from_secs(5);

/// The middleware: requests without a body pass untouched.
pub async fn drain_unread_body(req: Request, next: Next) -> Response {
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let shared = Shared(Arc::new(Mutex::new(body)));
    let mut response = next
        .run(Request::from_parts(parts, Body::new(shared.clone())))
        .await;
    if !drain(shared).await {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Reads what the handler left of the body; whether it was all read within the budget.
async fn drain(mut shared: Shared) -> bool {
    let read_all = async {
        let mut left = DRAIN_BYTES;
        loop {
            match shared.frame().await {
                None => return true,
                Some(Err(_)) => return false,
                Some(Ok(frame)) => {
                    let size = frame.data_ref().map_or(0, |data| data.len() as u64);
                    match left.checked_sub(size) {
                        Some(rest) => left = rest,
                        None => return false,
                    }
                }
            }
        }
    };
    tokio::time::timeout(DRAIN_TIME, read_all)
        .await
        .unwrap_or(false)
}

/// The request body, shared between the handler and the drain that follows it.
#[derive(Clone)]
struct Shared(Arc<Mutex<Body>>);

impl HttpBody for Shared {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let mut body = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        Pin::new(&mut *body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .size_hint()
    }
}
