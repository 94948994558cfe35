//! Choose one item from a server-side search: a search box, then the matches as radio buttons
//! (native keyboard and screen-reader behaviour, no custom listbox). The caller owns the
//! search text and runs the search, so the same picker finds groups or users.
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::ErrorBanner;

/// One choice: what is picked (`id`), its name and a line saying what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickOption {
    pub id: String,
    pub label: String,
    /// E.g. "Synced from Okta users · 12 members".
    pub detail: String,
}

/// A search box with the matching items to pick from.
#[component]
pub fn SearchPicker(
    /// The search box's label, e.g. "Find a group".
    #[prop(into)]
    label: String,
    /// The search box's id; the radios' name derives from it.
    #[prop(into)]
    id: String,
    /// What the admin typed; the caller searches with it.
    query: RwSignal<String>,
    /// The matches: `None` while searching.
    #[prop(into)]
    options: Signal<Option<Result<Vec<PickOption>, ApiError>>>,
    /// The picked item.
    selected: RwSignal<Option<PickOption>>,
    /// Shown when nothing matches.
    #[prop(into)]
    empty: String,
    #[prop(optional, into)] placeholder: String,
) -> impl IntoView {
    let name = format!("{id}-choice");
    let legend = format!("{label}: matches");
    view! {
        <div class="roster-picker">
            <div class="roster-field">
                <label for=id.clone()>{label}</label>
                <input id=id type="search" autocomplete="off" placeholder=placeholder bind:value=query/>
            </div>
            <fieldset class="roster-picker__options">
                <legend class="roster-visually-hidden">{legend}</legend>
                {move || match options.get() {
                    None => view! { <p class="roster-loading" role="status">"Searching…"</p> }.into_any(),
                    Some(Err(ApiError::Cancelled)) => ().into_any(),
                    Some(Err(error)) => view! { <ErrorBanner error/> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => {
                        view! { <p class="roster-hint">{empty.clone()}</p> }.into_any()
                    }
                    Some(Ok(list)) => list
                        .into_iter()
                        .map(|option| {
                            let id = option.id.clone();
                            let checked = move || selected.with(|s| s.as_ref().map(|s| &s.id) == Some(&id));
                            let pick = option.clone();
                            view! {
                                <label class="roster-check roster-picker__option">
                                    <input
                                        type="radio"
                                        name=name.clone()
                                        prop:checked=checked
                                        on:change=move |_| selected.set(Some(pick.clone()))
                                    />
                                    <span>
                                        <strong>{option.label}</strong>
                                        " "
                                        <span class="roster-hint">{option.detail}</span>
                                    </span>
                                </label>
                            }
                        })
                        .collect_view()
                        .into_any(),
                }}
            </fieldset>
        </div>
    }
}
