//! Small status labels ("Active", "Deactivated", "3 errors in 24 h"). The colour only repeats
//! what the text says, so the meaning survives without colour.
use leptos::prelude::*;

/// The badge's colour, by meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Neutral,
    Good,
    Warning,
    Bad,
}

/// A status label.
#[component]
pub fn Badge(tone: Tone, #[prop(into)] text: String) -> impl IntoView {
    let class = match tone {
        Tone::Neutral => "roster-badge",
        Tone::Good => "roster-badge roster-badge--good",
        Tone::Warning => "roster-badge roster-badge--warning",
        Tone::Bad => "roster-badge roster-badge--bad",
    };
    view! { <span class=class>{text}</span> }
}
