//! How a directory's users show in a table: the Users tab's columns, whose names link to the
//! user's profile, and the Active / Deactivated badge that their Status column and the profile
//! show.
use leptos::prelude::*;
use roster_api_types::directory::UserSummary;

use crate::components::{Badge, Column, Tone};
use crate::state::use_href;
use crate::url::encode;

/// The Active / Deactivated badge.
pub fn status_badge(active: bool) -> impl IntoView {
    if active {
        view! { <Badge tone=Tone::Good text="Active"/> }
    } else {
        view! { <Badge tone=Tone::Neutral text="Deactivated"/> }
    }
}

/// Columns of a user table whose names link to the user's profile.
pub fn user_columns() -> Vec<Column<UserSummary>> {
    let base = use_href("/users/");
    vec![
        Column::view("Username", move |u: &UserSummary| {
            let href = format!("{base}{}", encode(&u.id));
            view! { <a href=href>{u.user_name.clone()}</a> }.into_any()
        }),
        Column::text("Name", |u: &UserSummary| {
            u.display_name.clone().unwrap_or_else(|| {
                [u.given_name.as_deref(), u.family_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        }),
        Column::text("Email", |u: &UserSummary| {
            u.email.clone().unwrap_or_default()
        }),
        Column::view("Status", |u: &UserSummary| {
            status_badge(u.active).into_any()
        }),
    ]
}
