//! The badges a list and its detail page both show: Managed / External for the
//! organization's users, Synced / Local for its groups.
use leptos::prelude::*;
use roster_api_types::org::{Group, GroupKind};

use crate::components::{Badge, Tone};

/// The Managed / External badge.
pub fn managed_badge(managed: bool) -> AnyView {
    if managed {
        view! { <Badge tone=Tone::Good text="Managed"/> }.into_any()
    } else {
        view! { <Badge tone=Tone::Warning text="External"/> }.into_any()
    }
}

/// The Synced / Local badge.
pub fn kind_badge(g: &Group) -> AnyView {
    match g.kind {
        GroupKind::Synced => view! { <Badge tone=Tone::Neutral text="Synced"/> }.into_any(),
        GroupKind::Local => view! { <Badge tone=Tone::Good text="Local"/> }.into_any(),
    }
}
