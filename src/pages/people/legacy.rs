//! The directory-scoped addresses of a user and a group (`/directories/{id}/users/{userId}`,
//! `/directories/{id}/groups/{groupId}`), from before a user or group had one profile: they
//! keep bookmarks working by replacing themselves with the profile's address.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::NavigateOptions;

use crate::state::use_href;
use crate::url::{encode, use_navigate};

/// `/directories/:id/users/:user_id`: to `/users/:user_id`.
#[component]
pub fn DirectoryUserRedirect() -> impl IntoView {
    redirect("/users/", "user_id")
}

/// `/directories/:id/groups/:group_id`: to `/groups/:group_id`.
#[component]
pub fn DirectoryGroupRedirect() -> impl IntoView {
    redirect("/groups/", "group_id")
}

/// Replaces the current history entry with `route` followed by the `param` of this URL, once
/// the route has rendered (navigating while the router renders would be overtaken by it).
fn redirect(route: &'static str, param: &'static str) -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get(param))
        .unwrap_or_default();
    let target = format!("{}{}", use_href(route), encode(&id));
    let navigate = use_navigate();
    request_animation_frame(move || {
        navigate(
            &target,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    });
    view! { <p class="roster-loading" role="status">"Opening the profile…"</p> }
}
