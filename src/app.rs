//! The console's top level: [`App`] carries the stylesheet and the config, [`Console`] provides the shared
//! state and the router, [`Shell`] picks sign-in or the signed-in layout, and [`AppRoutes`] is
//! the whole route table. A section is added to the navigation and the routes together, only
//! once it works.
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use roster_api_types::Session;

use crate::api::{self, Auth, SignedOutReason};
use crate::components::{set_page_title, BusyButton, ErrorBanner};
use crate::lazy::lazy_page;
use crate::pages::directories::DirectoriesPage;
use crate::pages::{HomePage, NotFoundPage, SignInPage};
use crate::state::{
    check_session, provide_console_state, remember_sign_in, use_auth, use_client, use_config,
    use_href, use_shown_once, was_signed_in, RuntimeConfig, ShownOnce,
};
use crate::url::{self, use_navigate};
use crate::CONSOLE_VERSION;

/// The console's stylesheet. It travels inside the wasm and is rendered with the console, so it
/// applies wherever the console is mounted, inside a shadow root too, and never depends on a
/// stylesheet URL resolving on the host page. Every rule is scoped under `.roster`.
const STYLESHEET: &str = include_str!(concat!(env!("OUT_DIR"), "/roster.min.css"));

/// The whole console, given its settings (or why they are wrong). Everything it renders sits
/// inside one `.roster` element, so its styles stay scoped when the console is embedded; `page`
/// says whether it is the whole page (see [`crate::mount`]).
#[component]
pub fn App(config: Result<RuntimeConfig, String>, page: bool) -> impl IntoView {
    let theme = config.as_ref().ok().and_then(|c| c.theme.attribute());
    let class = if page {
        "roster roster--page"
    } else {
        "roster roster--embedded"
    };
    view! {
        <div class=class data-theme=theme>
            <style>{STYLESHEET}</style>
            {match config {
                Err(message) => view! { <ConfigError message/> }.into_any(),
                Ok(config) => view! { <Console config/> }.into_any(),
            }}
        </div>
    }
}

/// Shown when the settings are wrong: the operator must fix `config.json` or the mount options.
#[component]
fn ConfigError(message: String) -> impl IntoView {
    set_page_title("Misconfigured");
    let fix = if message.starts_with("config.json") {
        "Fix config.json next to index.html (see config.json.example), then reload."
    } else {
        "Fix the options the page mounts the console with, then reload."
    };
    view! {
        <main class="roster-card">
            <h1>"The console is misconfigured"</h1>
            <div class="roster-alert roster-alert--error" role="alert">
                <p class="roster-alert__message">{message}</p>
            </div>
            <p>{fix}</p>
        </main>
    }
}

/// The console once its config is known: state in context, the session check, the router.
#[component]
pub fn Console(config: RuntimeConfig) -> impl IntoView {
    let base = config.router_base();
    let auth = provide_console_state(config, Auth::Checking);
    check_session(use_client(), auth);
    remember_sign_in(auth);
    start_landing_data(&base);
    view! {
        <Router base>
            <Shell/>
        </Router>
    }
}

/// When the console opens on the directories list, where a signed-in admin lands, asks for the
/// list while the session is checked, rather than after (see [`api::early`]); only in a browser
/// that was signed in last time, so a visitor who must sign in first sends nothing to be
/// refused.
fn start_landing_data(router_base: &str) {
    if !was_signed_in() {
        return;
    }
    let path = url::location_path();
    let route = path
        .as_deref()
        .and_then(|p| url::route_below(p, router_base));
    if matches!(route, Some("/directories" | "/directories/")) {
        use_client().start_early("/directories");
    }
}

/// Sign-in page or signed-in layout, from the session state. Must sit inside a `Router`.
#[component]
pub fn Shell() -> impl IntoView {
    let auth = use_auth();
    move || match auth.get() {
        Auth::Checking => {
            view! { <p class="roster-loading" role="status">"Checking your session…"</p> }
                .into_any()
        }
        Auth::SignedOut(reason) => view! { <SignInPage reason/> }.into_any(),
        Auth::SignedIn(session) => view! { <Layout session/> }.into_any(),
    }
}

/// The signed-in frame: organization, navigation, main area, versions.
#[component]
fn Layout(session: Session) -> impl IntoView {
    let sign_out_error = RwSignal::new(None::<api::ApiError>);
    let base = use_config().router_base();
    let base_on_focus = base.clone();
    view! {
        <div
            class="roster-shell"
            on:pointerover=move |ev| prefetch_link(&ev, &base)
            on:focusin=move |ev| prefetch_link(&ev, &base_on_focus)
        >
            // The first stop of the keyboard: past the header and the navigation. Focus is
            // moved by hand, as a fragment link does not reach into an embedding's shadow root.
            <a class="roster-skip" href="#roster-main" on:click=skip_to_main>"Skip to content"</a>
            <header class="roster-header">
                <span class="roster-brand">"Roster"</span>
                <span class="roster-org">{session.organization.name.clone()}</span>
                <span class="roster-header__spacer"></span>
                <span class="roster-admin">{session.admin.email.clone()}</span>
                <SignOutButton error=sign_out_error/>
            </header>
            <nav class="roster-nav" aria-label="Sections">
                <ul>
                    <li>
                        <A href=use_href("/") exact=true>"Getting started"</A>
                    </li>
                    <li>
                        <A href=use_href("/directories")>"Directories"</A>
                    </li>
                    <li>
                        <A href=use_href("/sites")>"Sites"</A>
                    </li>
                    <li>
                        <A href=use_href("/users")>"Users"</A>
                    </li>
                    <li>
                        <A href=use_href("/groups")>"Groups"</A>
                    </li>
                    <li>
                        <A href=use_href("/domains")>"Domains"</A>
                    </li>
                    <li>
                        <A href=use_href("/api-tokens")>"API tokens"</A>
                    </li>
                    <li>
                        <A href=use_href("/webhooks")>"Webhooks"</A>
                    </li>
                    <li>
                        <A href=use_href("/audit")>"Audit"</A>
                    </li>
                </ul>
            </nav>
            <main class="roster-main" id="roster-main" tabindex="-1">
                {move || {
                    sign_out_error
                        .get()
                        .map(|error| view! { <ErrorBanner error/> })
                }}
                <MainContent/>
            </main>
            <footer class="roster-footer">
                "Roster console " {CONSOLE_VERSION} " · server " {session.server_version.clone()}
            </footer>
        </div>
    }
}

/// The routes, or the shown-once secret while one is pending: it exists only in this tab's
/// memory, so no page replaces it until the admin confirms they stored it.
#[component]
fn MainContent() -> impl IntoView {
    let shown_once = use_shown_once();
    focus_heading_on_navigation();
    move || match shown_once.get() {
        Some(_) => shown_once_page(),
        None => view! { <AppRoutes/> }.into_any(),
    }
}

/// The shown-once screen for the pending secret. Directory credentials come from the directory
/// pages, a new API token from the tokens pages and a signing secret from the webhooks pages, so in split builds each screen's code is
/// in the chunk of the pages that issue it (`crate::lazy`), which has always arrived by the
/// time it shows.
#[cfg(not(roster_split))]
fn shown_once_page() -> AnyView {
    match use_shown_once().get_untracked() {
        Some(ShownOnce::Directory(_)) => directory_shown_once_view(),
        Some(ShownOnce::ServiceToken(_)) => token_shown_once_view(),
        Some(ShownOnce::WebhookSecret { .. }) => webhook_shown_once_view(),
        None => ().into_any(),
    }
}

#[cfg(roster_split)]
fn shown_once_page() -> AnyView {
    let pending = use_shown_once().get_untracked();
    Suspend::new(async move {
        let view = match pending {
            Some(ShownOnce::ServiceToken(_)) => shown_once_chunk::token_shown_once_chunk().await,
            Some(ShownOnce::WebhookSecret { .. }) => {
                shown_once_chunk::webhook_shown_once_chunk().await
            }
            _ => shown_once_chunk::shown_once_chunk().await,
        };
        view.unwrap_or_else(|_| view! { <crate::lazy::PageLoadError/> }.into_any())
    })
    .into_any()
}

/// A split point passes nothing across the chunk boundary: the page reads the secret from
/// context, where it stays until the admin confirms.
#[cfg(roster_split)]
mod shown_once_chunk {
    use leptos::prelude::*;
    use leptos::wasm_split::{wasm_split, SplitLoaderError};

    #[wasm_split(directory, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub(crate) fn shown_once_chunk() -> Result<AnyView, SplitLoaderError> {
        Ok(super::directory_shown_once_view())
    }

    #[wasm_split(tokens, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub(crate) fn token_shown_once_chunk() -> Result<AnyView, SplitLoaderError> {
        Ok(super::token_shown_once_view())
    }

    #[wasm_split(webhooks, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub(crate) fn webhook_shown_once_chunk() -> Result<AnyView, SplitLoaderError> {
        Ok(super::webhook_shown_once_view())
    }
}

fn directory_shown_once_view() -> AnyView {
    match use_shown_once().get_untracked() {
        Some(ShownOnce::Directory(creds)) => {
            view! { <crate::pages::directories::ShownOncePage creds/> }.into_any()
        }
        _ => ().into_any(),
    }
}

fn token_shown_once_view() -> AnyView {
    match use_shown_once().get_untracked() {
        Some(ShownOnce::ServiceToken(issued)) => {
            view! { <crate::pages::tokens::TokenShownOncePage issued/> }.into_any()
        }
        _ => ().into_any(),
    }
}

fn webhook_shown_once_view() -> AnyView {
    match use_shown_once().get_untracked() {
        Some(ShownOnce::WebhookSecret { issued, rotated }) => {
            view! { <crate::pages::webhooks::WebhookSecretShownOncePage issued rotated/> }
                .into_any()
        }
        _ => ().into_any(),
    }
}

/// Whether the focus is where a navigation leaves it: on nothing (the body, or an element the
/// old page took with it) or on a link to the page now shown.
fn focus_left_behind() -> bool {
    let Some(active) = crate::dom::active_element() else {
        return true;
    };
    if active.tag_name() == "BODY" || !active.is_connected() {
        return true;
    }
    let here = web_sys::window().and_then(|w| w.location().pathname().ok());
    active
        .closest("a[href]")
        .ok()
        .flatten()
        .and_then(|a| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlAnchorElement>(a).ok())
        .is_some_and(|a| Some(a.pathname()) == here)
}

/// "Skip to content": focus to the page's heading, or the main area.
fn skip_to_main(ev: web_sys::MouseEvent) {
    ev.prevent_default();
    ev.stop_propagation();
    let Some(main) = crate::dom::query("#roster-main") else {
        return;
    };
    let target = main
        .query_selector("h1[tabindex]")
        .ok()
        .flatten()
        .unwrap_or(main);
    if let Ok(target) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(target) {
        let _ = target.focus();
    }
}

/// After moving to another page, focus goes to its heading, so keyboard and screen-reader
/// users start at the new content instead of the link they left. Changes of the query only
/// (a search, the next page) keep focus where it is.
fn focus_heading_on_navigation() {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.as_ref().is_some_and(|p| p != &path) {
            // The new page renders first; its heading may wait for data, so look twice.
            for delay in [0, 400] {
                leptos::prelude::set_timeout(
                    move || {
                        // Only focus that the navigation left behind moves: on the link just
                        // followed, or nowhere. An admin who has tabbed on keeps their place.
                        if !focus_left_behind() {
                            return;
                        }
                        let main = crate::dom::query("#roster-main");
                        let inside = crate::dom::active_element()
                            .zip(main.clone())
                            .is_some_and(|(a, m)| m.contains(Some(&a)) && a.tag_name() != "BODY");
                        if inside {
                            return;
                        }
                        if let Some(h1) = main
                            .and_then(|m| m.query_selector("h1[tabindex]").ok().flatten())
                            .and_then(|h| {
                                wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h).ok()
                            })
                        {
                            let _ = h1.focus();
                        }
                    },
                    std::time::Duration::from_millis(delay),
                );
            }
        }
        path
    });
}

// Pages outside the initial download (see `crate::lazy`): everything but sign-in, the shell,
// getting started and the directories list, where a signed-in admin lands. Pages that are
// usually visited together share a chunk.
lazy_page!(
    directory,
    create_directory_page,
    crate::pages::directories::CreateDirectoryPage
);
lazy_page!(
    directory,
    directory_page,
    crate::pages::directories::DirectoryPage
);
lazy_page!(sites, sites_page, crate::pages::sites::SitesPage);
lazy_page!(sites, create_site_page, crate::pages::sites::CreateSitePage);
lazy_page!(sites, site_page, crate::pages::sites::SitePage);
lazy_page!(
    sites,
    site_product_page,
    crate::pages::sites::SiteProductPage
);
lazy_page!(people, users_page, crate::pages::people::UsersPage);
lazy_page!(
    people,
    user_profile_page,
    crate::pages::people::UserProfilePage
);
lazy_page!(people, groups_page, crate::pages::people::GroupsPage);
lazy_page!(
    people,
    group_profile_page,
    crate::pages::people::GroupProfilePage
);
lazy_page!(
    people,
    directory_user_redirect,
    crate::pages::people::DirectoryUserRedirect
);
lazy_page!(
    people,
    directory_group_redirect,
    crate::pages::people::DirectoryGroupRedirect
);
lazy_page!(
    organization,
    domains_page,
    crate::pages::organization::DomainsPage
);
lazy_page!(
    organization,
    audit_page,
    crate::pages::organization::AuditPage
);
lazy_page!(tokens, tokens_page, crate::pages::tokens::TokensPage);
lazy_page!(
    tokens,
    create_token_page,
    crate::pages::tokens::CreateTokenPage
);
lazy_page!(
    webhooks,
    webhooks_page,
    crate::pages::webhooks::WebhooksPage
);
lazy_page!(
    webhooks,
    create_webhook_page,
    crate::pages::webhooks::CreateWebhookPage
);
lazy_page!(webhooks, webhook_page, crate::pages::webhooks::WebhookPage);

/// Starts fetching the code of the page a link leads to when the admin points at or focuses
/// the link, so that by the click it has usually arrived. Split builds only (`crate::lazy`):
/// elsewhere every page is already loaded.
fn prefetch_link(ev: &web_sys::Event, router_base: &str) {
    #[cfg(roster_split)]
    {
        use leptos::task::spawn_local;
        use wasm_bindgen::JsCast;
        let Some(href) = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
            .and_then(|anchor| anchor.get_attribute("href"))
        else {
            return;
        };
        // One page per chunk fetches the whole chunk; a failure is retried by the click.
        let preload: std::pin::Pin<Box<dyn std::future::Future<Output = _>>> =
            match url::section_of(&href, router_base) {
                Some("directories") => Box::pin(directory_page::preload()),
                Some("sites") => Box::pin(sites_page::preload()),
                Some("users" | "groups") => Box::pin(users_page::preload()),
                Some("domains" | "audit") => Box::pin(audit_page::preload()),
                Some("api-tokens") => Box::pin(tokens_page::preload()),
                Some("webhooks") => Box::pin(webhooks_page::preload()),
                _ => return,
            };
        spawn_local(async move {
            let _ = preload.await;
        });
    }
    #[cfg(not(roster_split))]
    let _ = (ev, router_base);
}

/// The route table: every page of the console, in one place.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=NotFoundPage>
            <Route path=path!("/") view=HomePage/>
            <Route path=path!("/directories") view=DirectoriesPage/>
            <Route path=path!("/directories/new") view=create_directory_page()/>
            <Route path=path!("/directories/:id") view=directory_page()/>
            // A directory's user or group is the organization's: one profile, at its own URL.
            <Route path=path!("/directories/:id/users/:user_id") view=directory_user_redirect()/>
            <Route path=path!("/directories/:id/groups/:group_id") view=directory_group_redirect()/>
            <Route path=path!("/directories/:id/:tab") view=directory_page()/>
            <Route path=path!("/sites") view=sites_page()/>
            <Route path=path!("/sites/new") view=create_site_page()/>
            <Route path=path!("/sites/:site_id") view=site_page()/>
            <Route path=path!("/sites/:site_id/products/:product_id") view=site_product_page()/>
            <Route path=path!("/users") view=users_page()/>
            <Route path=path!("/users/:user_id/:tab?") view=user_profile_page()/>
            <Route path=path!("/groups") view=groups_page()/>
            <Route path=path!("/groups/:group_id/:tab?") view=group_profile_page()/>
            <Route path=path!("/domains") view=domains_page()/>
            <Route path=path!("/audit") view=audit_page()/>
            <Route path=path!("/api-tokens") view=tokens_page()/>
            <Route path=path!("/api-tokens/new") view=create_token_page()/>
            <Route path=path!("/webhooks") view=webhooks_page()/>
            <Route path=path!("/webhooks/new") view=create_webhook_page()/>
            <Route path=path!("/webhooks/:id") view=webhook_page()/>
        </Routes>
    }
}

/// Ends the session on the server, then shows the sign-in page at the home URL so the next
/// admin does not start on someone else's deep link.
#[component]
fn SignOutButton(error: RwSignal<Option<api::ApiError>>) -> impl IntoView {
    let auth = use_auth();
    let client = use_client();
    let navigate = use_navigate();
    let home = use_href("/");
    let busy = RwSignal::new(false);
    let sign_out = Callback::new(move |()| {
        busy.set(true);
        error.set(None);
        let client = client.clone();
        let navigate = navigate.clone();
        let home = home.clone();
        leptos::task::spawn_local(async move {
            match api::delete_session(&client).await {
                // 401: the session was already gone, which is what signing out wanted.
                Ok(()) => {}
                Err(e) if e.status() == Some(401) => {}
                Err(e) => {
                    busy.try_set(false);
                    error.try_set(Some(e));
                    return;
                }
            }
            navigate(&home, Default::default());
            auth.set(Auth::SignedOut(SignedOutReason::None));
        });
    });
    // Signing out leaves the page: a key shown once and not yet stored blocks it as it blocks
    // links (see `guard_navigation`).
    view! {
        <span data-roster-leaves="">
            <BusyButton label="Sign out" busy_label="Signing out…" busy on_click=sign_out/>
        </span>
    }
}
