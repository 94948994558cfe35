//! The three states of anything a page loads: "Loading…", the server's error with a retry,
//! or the data.
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::ErrorBanner;

/// Shows `resource` as loading, failed (with a retry that refetches) or loaded via `show`.
pub fn loaded<T, V>(
    resource: LocalResource<Result<T, ApiError>>,
    what: &'static str,
    show: impl Fn(T) -> V + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    // Pages are single-threaded wasm; the view closure must still be `Send`.
    let show = send_wrapper::SendWrapper::new(show);
    move || match resource.get() {
        None => view! { <p class="roster-loading" role="status">{format!("Loading {what}…")}</p> }
            .into_any(),
        // Leaving the page cancelled it; nothing to say.
        Some(Err(ApiError::Cancelled)) => ().into_any(),
        Some(Err(error)) => {
            let retry = Callback::new(move |()| resource.refetch());
            view! { <ErrorBanner error on_retry=retry/> }.into_any()
        }
        Some(Ok(value)) => show(value).into_any(),
    }
}
