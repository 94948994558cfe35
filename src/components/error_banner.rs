//! The one way pages show a failed API call: the server's own words (problem `detail`, or the
//! title), any per-field messages, and a retry button when retrying makes sense. Everything
//! from the server is rendered as text, never markup.
use leptos::prelude::*;

use crate::api::ApiError;

/// An alert box for an [`ApiError`].
#[component]
pub fn ErrorBanner(
    /// The error to show.
    error: ApiError,
    /// When given, a "Try again" button calls it.
    #[prop(optional, into)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let fields = error
        .problem()
        .map(|p| p.errors.clone())
        .unwrap_or_default();
    view! {
        <div class="roster-alert roster-alert--error" role="alert">
            <p class="roster-alert__message">{error.message()}</p>
            {(!fields.is_empty())
                .then(|| {
                    view! {
                        <ul class="roster-alert__fields">
                            {fields
                                .into_iter()
                                .map(|f| view! { <li><strong>{f.field}</strong>": "{f.message}</li> })
                                .collect_view()}
                        </ul>
                    }
                })}
            {on_retry
                .map(|retry| {
                    view! {
                        <button
                            type="button"
                            class="roster-button"
                            on:click=move |_| retry.run(())
                        >
                            "Try again"
                        </button>
                    }
                })}
        </div>
    }
}
