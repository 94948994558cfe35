//! A button that says it is working: while `busy` it is disabled (so a double click cannot send
//! the request twice), marked `aria-busy` for screen readers, and shows `busy_label`.
use leptos::prelude::*;

/// A submit or plain button with a busy state.
#[component]
pub fn BusyButton(
    /// The label when idle, e.g. "Sign in".
    #[prop(into)]
    label: String,
    /// The label while busy, e.g. "Signing in…".
    #[prop(into)]
    busy_label: String,
    /// Whether the action is running.
    #[prop(into)]
    busy: Signal<bool>,
    /// `true` for the button that submits its form.
    #[prop(optional)]
    submit: bool,
    /// `true` for the accent style of the page's main action.
    #[prop(optional)]
    primary: bool,
    /// Called on click for plain (non-submit) buttons.
    #[prop(optional, into)]
    on_click: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <button
            type=if submit { "submit" } else { "button" }
            class="roster-button"
            class:roster-button--primary=primary
            disabled=move || busy.get()
            aria-busy=move || if busy.get() { "true" } else { "false" }
            on:click=move |_| {
                if let Some(on_click) = on_click {
                    on_click.run(());
                }
            }
        >
            {move || if busy.get() { busy_label.clone() } else { label.clone() }}
        </button>
    }
}
