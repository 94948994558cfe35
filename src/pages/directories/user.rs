//! The page of one of a directory's users: its status, when it was created and changed, and
//! every attribute the identity provider sent.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::attributes::UserAttributes;
use super::context::dir_href;
use super::user_columns::status_badge;
use crate::api;
use crate::components::{loaded, set_page_title, ApiResource};
use crate::format::datetime;
use crate::state::{use_client, use_config};

/// `/directories/:id/users/:user_id`.
#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let ids = Memo::new(move |_| {
        params.with(|p| {
            (
                p.get("id").unwrap_or_default(),
                p.get("user_id").unwrap_or_default(),
            )
        })
    });
    let client = use_client();
    let user = ApiResource::request(move || {
        let (id, user_id) = ids.get();
        api::get_user(&client, &id, &user_id)
    });
    set_page_title("User");
    let back = move || dir_href(&ids.get().0, "users");
    let _ = use_config();
    view! {
        <section class="roster-page" aria-labelledby="roster-user-title">
            <p class="roster-breadcrumb"><a href=back>"Users"</a></p>
            {loaded(user, "the user", move |detail| {
                set_page_title(&detail.user.user_name);
                let directory_id = ids.get_untracked().0;
                view! {
                    <div class="roster-page__header">
                        <h1 id="roster-user-title" tabindex="-1">{detail.user.user_name.clone()}</h1>
                        {status_badge(detail.user.active)}
                    </div>
                    <p class="roster-hint">
                        {format!("Created {} · last changed {}", datetime(&detail.user.created_at), datetime(&detail.user.updated_at))}
                    </p>
                    <UserAttributes detail directory_id/>
                }
            })}
        </section>
    }
}
