//! What a page loads from the API, and its three states on screen: "Loading…", the server's
//! error with a retry, or the data.
//!
//! [`ApiResource`] is a `LocalResource` whose value is type-erased (`Rc<dyn Any>`) behind a typed
//! handle. Leptos compiles its resource machinery once per future type, several KB of wasm for
//! every `LocalResource::new` in the console; erased, every page shares one copy and a new page
//! costs only its own code. [`loaded`] likewise renders through one non-generic function.
use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::api::{ApiError, Request};
use crate::components::ErrorBanner;

type AnyValue = Rc<dyn Any>;
type AnyResult = Result<AnyValue, ApiError>;
type AnyFuture = Pin<Box<dyn Future<Output = AnyResult>>>;

/// Data a page loads from the API: loading (`None`), failed, or loaded. Cheap to copy, like
/// the `LocalResource` it wraps; it refetches when signals read by its fetcher change.
pub struct ApiResource<T> {
    inner: LocalResource<AnyResult>,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for ApiResource<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ApiResource<T> {}

impl<T: Clone + 'static> ApiResource<T> {
    /// Runs `fetcher` now and again whenever a signal it read changes; the requests of a
    /// previous run are cancelled (see [`crate::api::Client::request`]).
    pub fn new<Fut>(fetcher: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let fetcher = move || -> AnyFuture {
            let future = fetcher();
            Box::pin(async move { future.await.map(|value| Rc::new(value) as AnyValue) })
        };
        ApiResource {
            inner: erased_resource(Rc::new(fetcher)),
            value: PhantomData,
        }
    }

    /// Like [`ApiResource::new`] for the common case of one API call: `fetcher` reads its
    /// signals and returns the [`Request`], and every such resource shares one future type.
    pub fn request(fetcher: impl Fn() -> Request<T> + 'static) -> Self {
        ApiResource {
            inner: erased_resource(Rc::new(move || fetcher().into_any())),
            value: PhantomData,
        }
    }

    /// For data loaded only sometimes (the impact of a dialog that is open): when `fetcher`'s
    /// future gives `None`, [`ApiResource::get`] answers `None` as while loading.
    pub fn new_optional<Fut>(fetcher: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = Option<Result<T, ApiError>>> + 'static,
    {
        let fetcher = move || -> AnyFuture {
            let future = fetcher();
            Box::pin(async move {
                match future.await {
                    Some(result) => result.map(|value| Rc::new(value) as AnyValue),
                    None => Ok(Rc::new(NotAsked) as AnyValue),
                }
            })
        };
        ApiResource {
            inner: erased_resource(Rc::new(fetcher)),
            value: PhantomData,
        }
    }

    /// The current state, tracked: `None` while loading.
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        typed(self.inner.get())
    }

    /// The current state, untracked.
    pub fn get_untracked(&self) -> Option<Result<T, ApiError>> {
        typed(self.inner.get_untracked())
    }

    /// Loads again (after a change the page made itself).
    pub fn refetch(&self) {
        self.inner.refetch();
    }
}

/// The value of an [`ApiResource::new_optional`] that did not fetch: no `T`, so [`typed`] and
/// [`loaded`] treat it as nothing to show.
struct NotAsked;

fn typed<T: Clone + 'static>(state: Option<AnyResult>) -> Option<Result<T, ApiError>> {
    match state? {
        // The value was made from a `T` in `ApiResource::<T>::new`, or is `NotAsked`.
        Ok(value) => value.downcast_ref::<T>().cloned().map(Ok),
        Err(error) => Some(Err(error)),
    }
}

/// The one `LocalResource` instantiation every [`ApiResource`] shares.
fn erased_resource(fetcher: Rc<dyn Fn() -> AnyFuture>) -> LocalResource<AnyResult> {
    LocalResource::new(move || fetcher())
}

/// Shows `resource` as loading, failed (with a retry that refetches) or loaded via `show`.
pub fn loaded<T, V>(
    resource: ApiResource<T>,
    what: &'static str,
    show: impl Fn(T) -> V + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    let show = move |value: AnyValue| match value.downcast_ref::<T>() {
        Some(value) => show(value.clone()).into_any(),
        None => ().into_any(),
    };
    loaded_erased(resource.inner, what, Rc::new(show))
}

fn loaded_erased(
    resource: LocalResource<AnyResult>,
    what: &'static str,
    show: Rc<dyn Fn(AnyValue) -> AnyView>,
) -> AnyView {
    // Pages are single-threaded wasm; the view closure must still be `Send`.
    let show = SendWrapper::new(show);
    (move || match resource.get() {
        None => view! { <p class="roster-loading" role="status">{format!("Loading {what}…")}</p> }
            .into_any(),
        // Leaving the page cancelled it; nothing to say.
        Some(Err(ApiError::Cancelled)) => ().into_any(),
        Some(Err(error)) => {
            let retry = Callback::new(move |()| resource.refetch());
            view! { <ErrorBanner error on_retry=retry/> }.into_any()
        }
        Some(Ok(value)) => show(value),
    })
    .into_any()
}
