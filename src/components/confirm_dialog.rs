//! A modal confirmation for actions that cannot be undone. It uses the native `<dialog>` in
//! modal mode (the rest of the page is inert), keeps Tab and Shift+Tab inside, closes on
//! Escape, puts focus on the safe choice when it opens and gives focus back to whatever had
//! it when it closes. The confirm button stays busy until the caller says the server answered:
//! nothing is shown as done before it is.
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::components::ErrorBanner;

const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// The state of a [`ConfirmDialog`] confirming an action on one item of a list (remove this
/// site, revoke that group's access): it opens when the page sets `pending` to the item and
/// clears `pending` when it closes, however it closes.
#[derive(Clone, Copy)]
pub struct PendingConfirm {
    pub open: RwSignal<bool>,
    pub busy: RwSignal<bool>,
    pub error: RwSignal<Option<ApiError>>,
}

impl PendingConfirm {
    pub fn new<T: Send + Sync + 'static>(pending: RwSignal<Option<T>>) -> Self {
        let state = PendingConfirm {
            open: RwSignal::new(false),
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
        };
        Effect::new(move |_| {
            if pending.with(Option::is_some) {
                state.error.set(None);
                state.open.set(true);
            }
        });
        Effect::new(move |_| {
            if !state.open.get() {
                pending.set(None);
            }
        });
        state
    }

    /// The action was sent: busy, no error yet.
    pub fn start(self) {
        self.busy.set(true);
        self.error.set(None);
    }

    /// The server answered: on success the dialog closes and `on_done` runs; a failure stays
    /// in the dialog.
    pub fn finish<R>(self, answer: Result<R, ApiError>, on_done: impl FnOnce()) {
        self.busy.try_set(false);
        match answer {
            Ok(_) => {
                self.open.try_set(false);
                on_done();
            }
            Err(e) => {
                self.error.try_set(Some(e));
            }
        }
    }
}

/// A confirmation dialog, rendered while `open` is true.
#[component]
pub fn ConfirmDialog(
    /// Whether the dialog is showing; the dialog sets it to false on cancel.
    open: RwSignal<bool>,
    /// The dialog's heading.
    #[prop(into)]
    title: String,
    /// The confirm button's label, e.g. "Delete directory".
    #[prop(into)]
    confirm_label: String,
    /// The confirm button's label while the request runs, e.g. "Deleting…".
    #[prop(into)]
    busy_label: String,
    /// Runs on confirm; the caller closes the dialog (sets `open` false) once the server agreed.
    on_confirm: Callback<()>,
    /// Whether the action is running.
    #[prop(into)]
    busy: Signal<bool>,
    /// When false, the confirm button is disabled (e.g. the name is not typed yet).
    #[prop(optional, into)]
    can_confirm: Option<Signal<bool>>,
    /// The server's answer when the action failed.
    #[prop(optional)]
    error: Option<RwSignal<Option<ApiError>>>,
    /// What will happen, and any inputs.
    children: ChildrenFn,
) -> impl IntoView {
    let children = StoredValue::new(children);
    let title = StoredValue::new(title);
    let confirm_label = StoredValue::new(confirm_label);
    let busy_label = StoredValue::new(busy_label);
    move || {
        open.get().then(|| {
            view! {
                <DialogBox
                    open
                    title=title.get_value()
                    confirm_label=confirm_label.get_value()
                    busy_label=busy_label.get_value()
                    on_confirm
                    busy
                    can_confirm=can_confirm.unwrap_or(Signal::derive(|| true))
                    error=Signal::derive(move || error.and_then(|e| e.get()))
                >
                    {children.with_value(|c| c())}
                </DialogBox>
            }
        })
    }
}

#[component]
fn DialogBox(
    open: RwSignal<bool>,
    title: String,
    confirm_label: String,
    busy_label: String,
    on_confirm: Callback<()>,
    busy: Signal<bool>,
    can_confirm: Signal<bool>,
    error: Signal<Option<ApiError>>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    // Focus goes back here when the dialog closes, however it closes.
    let opener = crate::dom::active_element();
    let opener = SendWrapper::new(opener);
    on_cleanup(move || {
        // A modal dialog makes the page inert; close it first or the focus call is ignored.
        if let Some(open_dialog) = crate::dom::query("dialog.roster-dialog[open]")
            .and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok())
        {
            open_dialog.close();
        }
        if let Some(el) = opener.take() {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
            // The safe choice has focus, unless the body asks for it (type-the-name input).
            let autofocus = dialog
                .query_selector("[data-autofocus]")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            match autofocus {
                Some(el) => {
                    let _ = el.focus();
                }
                None => {
                    if let Some(button) = cancel_button.get_untracked() {
                        let _ = button.focus();
                    }
                }
            }
        }
    });
    let cancel = move || {
        if !busy.get_untracked() {
            open.set(false);
        }
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            cancel();
        }
        "Tab" => {
            let Some(dialog) = dialog.get_untracked() else {
                return;
            };
            let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
                return;
            };
            let items: Vec<web_sys::HtmlElement> = (0..list.length())
                .filter_map(|i| list.item(i))
                .filter_map(|n| n.dyn_into().ok())
                .collect();
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = crate::dom::active_element();
            let at = |el: &web_sys::HtmlElement| {
                active
                    .as_ref()
                    .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
            };
            if ev.shift_key() && at(first) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && at(last) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
        _ => {}
    };
    let title_id = "roster-dialog-title";
    view! {
        <dialog
            node_ref=dialog
            class="roster-dialog"
            aria-labelledby=title_id
            on:keydown=on_keydown
            // The browser's own Escape handling: cancel our way instead.
            on:cancel=move |ev: web_sys::Event| {
                ev.prevent_default();
                cancel();
            }
        >
            <h2 id=title_id>{title}</h2>
            {move || error.get().map(|error| view! { <ErrorBanner error/> })}
            <div class="roster-dialog__body">{children()}</div>
            <div class="roster-dialog__actions">
                <button
                    type="button"
                    class="roster-button"
                    node_ref=cancel_button
                    disabled=move || busy.get()
                    on:click=move |_| cancel()
                >
                    "Cancel"
                </button>
                <ConfirmButton confirm_label busy_label busy can_confirm on_confirm/>
            </div>
        </dialog>
    }
}

/// The danger-styled confirm button: disabled until `can_confirm`, busy while running.
#[component]
fn ConfirmButton(
    confirm_label: String,
    busy_label: String,
    busy: Signal<bool>,
    can_confirm: Signal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="roster-button roster-button--danger"
            disabled=move || busy.get() || !can_confirm.get()
            aria-busy=move || if busy.get() { "true" } else { "false" }
            on:click=move |_| on_confirm.run(())
        >
            {move || if busy.get() { busy_label.clone() } else { confirm_label.clone() }}
        </button>
    }
}
