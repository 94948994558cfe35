//! Values an admin copies into their identity provider: [`CopyField`] for anything (the base
//! URL), and [`CopyOnceSecret`] for a key the server shows only once — it warns, asks the
//! admin to confirm they stored it, and until then blocks leaving: in-console links do nothing
//! and the browser asks before closing or reloading the tab.
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::format::in_sentence;

/// What the copy button reports, announced through a live region.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    /// The browser refused clipboard access; the text is selected for Ctrl+C instead.
    Manual,
}

/// Writes `text` to the clipboard; `false` when the browser does not allow it.
async fn write_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = window.navigator().clipboard();
    // Older or locked-down browsers have no `navigator.clipboard`.
    if clipboard.is_undefined() || clipboard.is_null() {
        return false;
    }
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// A labelled, read-only text box with a copy button.
#[component]
pub fn CopyField(
    /// The label, e.g. "Directory base URL".
    #[prop(into)]
    label: String,
    /// The text to copy.
    #[prop(into)]
    value: String,
    /// The input's id; the label points at it.
    #[prop(into)]
    id: String,
    /// Monospace, for keys.
    #[prop(optional)]
    secret: bool,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let state = RwSignal::new(CopyState::Idle);
    let copy_value = value.clone();
    let copy = move |_| {
        let text = copy_value.clone();
        leptos::task::spawn_local(async move {
            if write_clipboard(&text).await {
                state.try_set(CopyState::Copied);
            } else {
                if let Some(input) = input.get_untracked() {
                    input.select();
                }
                state.try_set(CopyState::Manual);
            }
        });
    };
    let status_id = format!("{id}-status");
    view! {
        <div class="roster-field roster-copy">
            <label for=id.clone()>{label.clone()}</label>
            <div class="roster-copy__row">
                <input
                    id=id
                    node_ref=input
                    type="text"
                    readonly
                    class:roster-copy__secret=secret
                    spellcheck="false"
                    autocomplete="off"
                    prop:value=value
                    aria-describedby=status_id.clone()
                    on:focus=move |_| {
                        if let Some(input) = input.get_untracked() {
                            input.select();
                        }
                    }
                />
                <button type="button" class="roster-button" on:click=copy>
                    {format!("Copy {}", in_sentence(&label))}
                </button>
            </div>
            <span id=status_id class="roster-copy__status" role="status" aria-live="polite">
                {move || match state.get() {
                    CopyState::Idle => "",
                    CopyState::Copied => "Copied to the clipboard.",
                    CopyState::Manual => "Your browser blocked the clipboard: the text is selected, press Ctrl+C (⌘C on a Mac).",
                }}
            </span>
        </div>
    }
}

/// A secret shown once: the value with a copy button, the warning, and the confirmation the
/// admin must give before `confirmed` becomes `true`. While unconfirmed, navigation is blocked.
#[component]
pub fn CopyOnceSecret(
    /// The label, e.g. "API key".
    #[prop(into)]
    label: String,
    /// The secret.
    #[prop(into)]
    value: String,
    /// Set when the admin confirms they stored the secret.
    confirmed: RwSignal<bool>,
    /// Shown when the admin tries to leave before confirming.
    #[prop(optional, into)]
    blocked_message: Option<String>,
    /// Where to keep the secret and what losing it means, after the "will not be shown again"
    /// warning; by default, advice for a directory's API key.
    #[prop(optional, into)]
    advice: Option<String>,
) -> impl IntoView {
    let nudged = RwSignal::new(false);
    guard_navigation(Signal::derive(move || !confirmed.get()), move || {
        nudged.try_set(true);
    });
    let what = in_sentence(&label);
    let blocked_message = blocked_message.unwrap_or_else(|| {
        format!("Copy the {what} and tick the box below before you leave this page.")
    });
    let advice = advice.unwrap_or_else(|| {
        "Copy it now and keep it somewhere safe, such as your identity provider's \
         configuration or a password manager. If you lose it, you will have to generate a new \
         one."
            .to_owned()
    });
    view! {
        <div class="roster-secret">
            <div class="roster-alert roster-alert--warning">
                <p class="roster-alert__message">
                    <strong>{format!("This {what} will not be shown again.")}</strong>
                    " "
                    {advice}
                </p>
            </div>
            <CopyField label=label.clone() value id="roster-secret-value" secret=true/>
            {move || {
                (nudged.get() && !confirmed.get())
                    .then(|| {
                        view! {
                            <div class="roster-alert roster-alert--error" role="alert">
                                <p class="roster-alert__message">{blocked_message.clone()}</p>
                            </div>
                        }
                    })
            }}
            <label class="roster-check">
                <input type="checkbox" bind:checked=confirmed/>
                {format!("I have stored the {what} in a safe place")}
            </label>
        </div>
    }
}

/// While `active`, stops in-console navigation (link clicks, the router's way of moving) and
/// makes the browser ask before the tab is closed or reloaded; `on_blocked` runs for each
/// stopped click. Listeners are removed when the calling component goes away.
pub fn guard_navigation(active: Signal<bool>, on_blocked: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // Capture phase on the window runs before the router's own click handler, which ignores
    // clicks whose default was prevented.
    let click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if !active.try_get_untracked().unwrap_or(false) {
            return;
        }
        // Links, and controls that leave the page another way (Sign out, marked
        // `data-roster-leaves`).
        let on_link = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href], [data-roster-leaves]").ok().flatten())
            .is_some();
        if on_link {
            ev.prevent_default();
            ev.stop_propagation();
            on_blocked();
        }
    });
    let unload = Closure::<dyn Fn(web_sys::BeforeUnloadEvent)>::new(
        move |ev: web_sys::BeforeUnloadEvent| {
            if active.try_get_untracked().unwrap_or(false) {
                ev.prevent_default();
                ev.set_return_value("unsaved");
            }
        },
    );
    let _ = window.add_event_listener_with_callback_and_bool(
        "click",
        click.as_ref().unchecked_ref(),
        true,
    );
    let _ =
        window.add_event_listener_with_callback("beforeunload", unload.as_ref().unchecked_ref());
    let listeners = SendWrapper::new((window, click, unload));
    on_cleanup(move || {
        let (window, click, unload) = listeners.take();
        let _ = window.remove_event_listener_with_callback_and_bool(
            "click",
            click.as_ref().unchecked_ref(),
            true,
        );
        let _ = window
            .remove_event_listener_with_callback("beforeunload", unload.as_ref().unchecked_ref());
    });
}
