//! `/api-tokens`: every API token with its scopes, who made it, when it expires and was last
//! used, and its status; revoking one behind a confirmation that says what stops working. An
//! organization without tokens gets an explanation of what they are for.
use leptos::prelude::*;
use roster_api_types::token::ServiceToken;

use super::scopes::{scope_list, status_badge, TokenStatus};
use crate::api;
use crate::components::{
    loaded, set_page_title, ApiResource, Column, ConfirmDialog, DataTable, PendingConfirm,
};
use crate::format::{date, datetime, relative};
use crate::state::{use_client, use_href};

/// `/api-tokens`.
#[component]
pub fn TokensPage() -> impl IntoView {
    set_page_title("API tokens");
    let client = use_client();
    let tokens = ApiResource::request(move || api::list_service_tokens(&client));
    let create = use_href("/api-tokens/new");
    let revoking = RwSignal::new(None::<ServiceToken>);
    view! {
        <section class="roster-page" aria-labelledby="roster-tokens-title">
            <div class="roster-page__header">
                <h1 id="roster-tokens-title" tabindex="-1">"API tokens"</h1>
                <a class="roster-button roster-button--primary" href=create.clone()>"Create token"</a>
            </div>
            <p class="roster-lead">
                "API tokens let your products, portals and scripts call Roster's admin API "
                "without an admin's session. Each token can do only what its scopes allow."
            </p>
            {loaded(tokens, "API tokens", move |list| {
                if list.is_empty() {
                    view! { <EmptyTokens create=create.clone()/> }.into_any()
                } else {
                    view! { <TokenTable list revoking/> }.into_any()
                }
            })}
            <RevokeToken revoking on_revoked=Callback::new(move |()| tokens.refetch())/>
        </section>
    }
}

#[component]
fn EmptyTokens(create: String) -> impl IntoView {
    view! {
        <div class="roster-empty">
            <h2>"No API tokens yet"</h2>
            <p>
                "An API token is a credential for a machine rather than a person: a product that "
                "reads who is in which directory, a portal that grants product access, a script "
                "that follows the change feed. Give each product its own token with only the "
                "scopes it needs, so you can revoke one without breaking the others."
            </p>
            <a class="roster-button roster-button--primary" href=create>"Create your first token"</a>
        </div>
    }
}

#[component]
fn TokenTable(list: Vec<ServiceToken>, revoking: RwSignal<Option<ServiceToken>>) -> impl IntoView {
    // Nine facts in a table that must fit beside the navigation: the prefix goes under the
    // name it belongs to, and who created the token under when.
    let columns = vec![
        Column::view("Name", |t: &ServiceToken| {
            view! {
                <strong>{t.name.clone()}</strong>
                <span class="roster-cell-note">
                    <span class="roster-visually-hidden">"Starts with "</span>
                    <code>{format!("{}…", t.prefix)}</code>
                </span>
            }
            .into_any()
        }),
        Column::view("Scopes", |t: &ServiceToken| {
            scope_list(&t.scopes).into_any()
        }),
        Column::view("Created", |t: &ServiceToken| {
            view! {
                <span class="roster-date" title=datetime(&t.created_at)>{date(&t.created_at)}</span>
                <span class="roster-cell-note">{format!("by {}", t.created_by)}</span>
            }
            .into_any()
        }),
        Column::view("Expires", |t: &ServiceToken| {
            view! { <span class="roster-date" title=datetime(&t.expires_at)>{date(&t.expires_at)}</span> }.into_any()
        }),
        Column::view("Last used", |t: &ServiceToken| {
            match t.last_used_at.as_deref() {
                Some(at) => view! { <span title=datetime(at)>{relative(at)}</span> }.into_any(),
                None => "Never".into_any(),
            }
        }),
        Column::view("Status", |t: &ServiceToken| {
            status_badge(TokenStatus::now(t)).into_any()
        }),
        Column::view("", move |t: &ServiceToken| {
            if !TokenStatus::now(t).works() {
                return ().into_any();
            }
            let token = t.clone();
            let label = format!("Revoke {}", t.name);
            view! {
                <button type="button" class="roster-button" aria-label=label
                    on:click=move |_| revoking.set(Some(token.clone()))>
                    "Revoke"
                </button>
            }
            .into_any()
        }),
    ];
    view! {
        <div class="roster-tokens">
            <DataTable caption="API tokens" columns rows=list empty="No API tokens."/>
        </div>
    }
}

/// The confirmation for revoking the token in `revoking`.
#[component]
fn RevokeToken(
    revoking: RwSignal<Option<ServiceToken>>,
    on_revoked: Callback<()>,
) -> impl IntoView {
    let client = use_client();
    let confirm = PendingConfirm::new(revoking);
    let PendingConfirm { open, busy, error } = confirm;
    let revoke = Callback::new(move |()| {
        let Some(token) = revoking.get_untracked() else {
            return;
        };
        confirm.start();
        api::revoke_service_token(&client, &token.id)
            .spawn(move |answer| confirm.finish(answer, || on_revoked.run(())));
    });
    view! {
        {move || {
            let (title, prefix) = revoking
                .with(|t| t.as_ref().map(|t| (format!("Revoke {}?", t.name), t.prefix.clone())))
                .unwrap_or_default();
            view! {
                <ConfirmDialog open title confirm_label="Revoke token" busy_label="Revoking…"
                    on_confirm=revoke busy error>
                    <p>
                        <strong>"Everything that uses this token stops working at once."</strong>
                        " Every request sent with the token starting "
                        <code>{format!("{prefix}…")}</code>
                        " is refused from now on, so the products, portals and scripts that "
                        "call Roster with it fail until they are given a new token."
                    </p>
                    <p>"A revoked token cannot be restored. It stays in the list, marked Revoked."</p>
                </ConfirmDialog>
            }
        }}
    }
}
