//! Browser tests of the console's components and pages, run in headless Chromium by
//! wasm-bindgen-test. Each test mounts into a fresh element, drives the DOM like a user, and
//! unmounts at the end so routers from earlier tests do not react to later history changes.
//! Server answers come from a stubbed `window.fetch`, which also lets the tests check what the
//! console sends (credentials, CSRF header).
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos_router::components::Router;
use roster_api_types::problem::FieldError;
use roster_api_types::{Admin, Organization, Problem, Session};
use roster_console::api::{ApiError, Auth, SignedOutReason};
use roster_console::app::Shell;
use roster_console::components::ErrorBanner;
use roster_console::pages::SignInPage;
use roster_console::state::{provide_console_state, use_client, RuntimeConfig};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SESSION_JSON: &str = r#"{"admin":{"id":"a1","email":"ada@example.com"},"organization":{"id":"o1","name":"Acme <Corp>"},"csrfToken":"csrf-123","serverVersion":"9.8.7"}"#;

fn session() -> Session {
    Session {
        admin: Admin {
            id: "a1".into(),
            email: "ada@example.com".into(),
        },
        organization: Organization {
            id: "o1".into(),
            name: "Acme <Corp>".into(),
        },
        csrf_token: "csrf-123".into(),
        server_version: "9.8.7".into(),
    }
}

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

fn document() -> web_sys::Document {
    window().document().unwrap()
}

/// A fresh element in the body to mount into.
fn container() -> web_sys::HtmlElement {
    let el: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// A mounted view that is torn down completely when dropped: unmounted, its reactive owner
/// cleaned up (which removes the router's window listeners, so a router from an earlier test
/// cannot swallow this test's link clicks), and its element removed.
struct Mounted {
    root: web_sys::HtmlElement,
    owner: Owner,
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.owner.cleanup();
        self.root.remove();
    }
}

/// Mounts `f` into a fresh element in the body.
fn mount<F, N>(f: F) -> Mounted
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    let root = container();
    let owner = std::rc::Rc::new(std::cell::RefCell::new(None));
    let slot = owner.clone();
    let handle = mount_to(root.clone(), move || {
        *slot.borrow_mut() = Owner::current();
        f()
    });
    let owner = owner.borrow_mut().take().unwrap();
    Mounted {
        root,
        owner,
        _handle: Box::new(handle),
    }
}

fn go_to(path: &str) {
    window()
        .history()
        .unwrap()
        .push_state_with_url(&JsValue::NULL, "", Some(path))
        .unwrap();
}

fn pathname() -> String {
    window().location().pathname().unwrap()
}

fn find(root: &web_sys::HtmlElement, selector: &str) -> Option<web_sys::HtmlElement> {
    root.query_selector(selector)
        .unwrap()
        .map(|e| e.unchecked_into())
}

fn text(root: &web_sys::HtmlElement, selector: &str) -> String {
    find(root, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Polls until `cond` holds (reactive updates and fetches settle asynchronously).
async fn wait_for(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..200 {
        if cond() {
            return;
        }
        sleep(10).await;
    }
    panic!(
        "timed out waiting for {what} (at {}, page text: {:?})",
        pathname(),
        document().body().and_then(|b| b.text_content())
    );
}

/// Types into an input the way a user does, so `bind:value` sees it.
fn type_into(input: &web_sys::HtmlElement, value: &str) {
    let input: &web_sys::HtmlInputElement = input.unchecked_ref();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// Replaces `window.fetch` with a JS function `(url, init) => Promise<Response>` and puts the
/// real one back when dropped. Each call's url and init are kept in `window.__rosterCalls`.
struct FetchStub {
    original: JsValue,
}

impl FetchStub {
    fn install(body: &str) -> FetchStub {
        let original = js_sys::Reflect::get(&window(), &"fetch".into()).unwrap();
        let calls = js_sys::Array::new();
        js_sys::Reflect::set(&window(), &"__rosterCalls".into(), &calls).unwrap();
        let stub = js_sys::Function::new_with_args(
            "url, init",
            &format!(
                "window.__rosterCalls.push({{url, init}});\n\
                 const json = (status, body, headers) => Promise.resolve(new Response(\
                 body === null ? null : JSON.stringify(body), {{status, headers}}));\n{body}"
            ),
        );
        js_sys::Reflect::set(&window(), &"fetch".into(), &stub).unwrap();
        FetchStub { original }
    }

    /// `(url, init)` of every call so far.
    fn calls(&self) -> Vec<(String, JsValue)> {
        let calls: js_sys::Array = js_sys::Reflect::get(&window(), &"__rosterCalls".into())
            .unwrap()
            .unchecked_into();
        calls
            .iter()
            .map(|c| {
                let url = js_sys::Reflect::get(&c, &"url".into()).unwrap();
                let init = js_sys::Reflect::get(&c, &"init".into()).unwrap();
                (url.as_string().unwrap(), init)
            })
            .collect()
    }
}

impl Drop for FetchStub {
    fn drop(&mut self) {
        let _ = js_sys::Reflect::set(&window(), &"fetch".into(), &self.original);
    }
}

fn init_field(init: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(init, &name.into()).unwrap()
}

#[wasm_bindgen_test]
fn sign_in_form_has_labelled_fields() {
    let mounted = mount(|| {
        provide_console_state(
            RuntimeConfig::default(),
            Auth::SignedOut(SignedOutReason::None),
        );
        view! { <SignInPage/> }
    });
    let root = mounted.root.clone();
    for (label, kind, autocomplete) in [
        ("Email", "email", "username"),
        ("Password", "password", "current-password"),
    ] {
        let labels = root.query_selector_all("label").unwrap();
        let label_el: web_sys::HtmlLabelElement = (0..labels.length())
            .filter_map(|i| labels.item(i))
            .map(|n| n.unchecked_into::<web_sys::HtmlLabelElement>())
            .find(|l| l.text_content().as_deref() == Some(label))
            .unwrap_or_else(|| panic!("no label {label}"));
        let input: web_sys::HtmlInputElement = document()
            .get_element_by_id(&label_el.html_for())
            .unwrap_or_else(|| panic!("label {label} points at nothing"))
            .unchecked_into();
        assert_eq!(input.type_(), kind);
        assert!(input.required());
        assert_eq!(
            input.get_attribute("autocomplete").as_deref(),
            Some(autocomplete)
        );
    }
    let button = find(&root, "button[type=submit]").unwrap();
    assert_eq!(button.text_content().as_deref(), Some("Sign in"));
    drop(mounted);
}

#[wasm_bindgen_test]
fn error_banner_renders_server_text_literally_and_retries() {
    let attack = "<img src=x onerror=\"window.__pwned=1\">";
    let error = ApiError::Problem {
        problem: Box::new(Problem {
            type_: "about:blank".into(),
            title: "Invalid".into(),
            status: 422,
            detail: Some(attack.into()),
            instance: None,
            errors: vec![FieldError {
                field: "<b>name</b>".into(),
                message: "<script>bad()</script>".into(),
            }],
        }),
        retry_after: None,
        request_id: None,
    };
    let retries = RwSignal::new(0);
    let mounted = mount(move || {
        view! { <ErrorBanner error on_retry=Callback::new(move |()| retries.update(|n| *n += 1))/> }
    });
    let root = mounted.root.clone();
    assert!(find(&root, "img").is_none());
    assert!(find(&root, "b").is_none());
    assert!(find(&root, "script").is_none());
    assert_eq!(text(&root, ".roster-alert__message"), attack);
    assert!(text(&root, ".roster-alert__fields").contains("<b>name</b>"));
    assert_eq!(
        find(&root, "[role=alert]").map(|_| ()),
        Some(()),
        "errors are announced"
    );
    find(&root, "button").unwrap().click();
    assert_eq!(retries.get_untracked(), 1);
    drop(mounted);
}

#[wasm_bindgen_test]
async fn unknown_routes_show_not_found_and_history_works() {
    go_to("/no/such/%3Cb%3Epage");
    let mounted = mount(|| {
        provide_console_state(RuntimeConfig::default(), Auth::SignedIn(session()));
        view! { <Router><Shell/></Router> }
    });
    let root = mounted.root.clone();
    wait_for("not-found page", || text(&root, "h1") == "Page not found").await;
    assert_eq!(document().title(), "Page not found · Roster");
    // Decoded for reading, and still text: no <b> element appears.
    assert_eq!(text(&root, ".roster-path"), "/no/such/<b>page");
    assert!(find(&root, ".roster-path b").is_none());
    // The shell around it: organization as text, both versions in the footer.
    assert_eq!(text(&root, ".roster-org"), "Acme <Corp>");
    let footer = text(&root, ".roster-footer");
    assert!(footer.contains(roster_console::CONSOLE_VERSION), "{footer}");
    assert!(footer.contains("server 9.8.7"), "{footer}");

    find(&root, ".roster-nav a").unwrap().click();
    wait_for("home page", || text(&root, "h1") == "Getting started").await;
    assert_eq!(pathname(), "/");
    assert_eq!(document().title(), "Getting started · Roster");
    assert_eq!(
        find(&root, ".roster-nav a")
            .unwrap()
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );

    window().history().unwrap().back().unwrap();
    wait_for("back to not-found", || {
        text(&root, "h1") == "Page not found"
    })
    .await;
    window().history().unwrap().forward().unwrap();
    wait_for("forward to home", || text(&root, "h1") == "Getting started").await;
    drop(mounted);
}

#[wasm_bindgen_test]
async fn signing_in_keeps_the_requested_url() {
    go_to("/deep/link");
    let auth = RwSignal::new(None);
    let mounted = mount(move || {
        auth.set(Some(provide_console_state(
            RuntimeConfig::default(),
            Auth::SignedOut(SignedOutReason::None),
        )));
        view! { <Router><Shell/></Router> }
    });
    let root = mounted.root.clone();
    wait_for("sign-in form", || find(&root, "form").is_some()).await;
    assert_eq!(pathname(), "/deep/link");
    auth.get_untracked().unwrap().set(Auth::SignedIn(session()));
    wait_for("requested page", || {
        text(&root, ".roster-path") == "/deep/link"
    })
    .await;
    drop(mounted);
}

#[wasm_bindgen_test]
async fn sign_in_shows_server_messages_then_signs_in() {
    let fetch = FetchStub::install(&format!(
        r#"const pw = JSON.parse(init.body).password;
        if (pw === "right") return json(200, {SESSION_JSON}, {{"content-type": "application/json"}});
        if (pw === "many") return json(429,
            {{title: "Too many requests", status: 429,
              detail: "Too many failed sign-ins for this email. Try again in 90 s."}},
            {{"content-type": "application/problem+json", "retry-after": "90"}});
        if (pw === "bare") return json(429, {{title: "Too many requests", status: 429}},
            {{"content-type": "application/problem+json", "retry-after": "90"}});
        return json(401,
            {{title: "Unauthorized", status: 401, detail: "Email or password is incorrect."}},
            {{"content-type": "application/problem+json"}});"#
    ));
    let auth = RwSignal::new(None);
    let mounted = mount(move || {
        auth.set(Some(provide_console_state(
            RuntimeConfig::default(),
            Auth::SignedOut(SignedOutReason::None),
        )));
        view! { <SignInPage/> }
    });
    let root = mounted.root.clone();
    let auth = auth.get_untracked().unwrap();
    type_into(
        &find(&root, "input[type=email]").unwrap(),
        "ada@example.com",
    );
    type_into(&find(&root, "input[type=password]").unwrap(), "wrong");
    find(&root, "button[type=submit]").unwrap().click();
    wait_for("wrong-password message", || {
        text(&root, "[role=alert]") == "Email or password is incorrect."
    })
    .await;
    let button = find(&root, "button[type=submit]").unwrap();
    assert!(!button
        .unchecked_ref::<web_sys::HtmlButtonElement>()
        .disabled());

    type_into(&find(&root, "input[type=password]").unwrap(), "many");
    find(&root, "button[type=submit]").unwrap().click();
    wait_for("rate-limit message", || {
        text(&root, "[role=alert]") == "Too many failed sign-ins for this email. Try again in 90 s."
    })
    .await;
    assert!(
        find(&root, ".roster-hint").is_none(),
        "the detail already names the wait"
    );

    type_into(&find(&root, "input[type=password]").unwrap(), "bare");
    find(&root, "button[type=submit]").unwrap().click();
    wait_for("rate-limit hint from Retry-After", || {
        text(&root, "[role=alert]") == "Too many requests"
            && text(&root, ".roster-hint") == "You can try again in 2 minutes."
    })
    .await;

    type_into(&find(&root, "input[type=password]").unwrap(), "right");
    find(&root, "button[type=submit]").unwrap().click();
    wait_for(
        "signed in",
        || matches!(auth.get_untracked(), Auth::SignedIn(ref s) if s.csrf_token == "csrf-123"),
    )
    .await;

    let calls = fetch.calls();
    assert_eq!(calls.len(), 4);
    let (url, init) = &calls[0];
    assert_eq!(url, "/api/v1/session");
    assert_eq!(
        init_field(init, "method").as_string().as_deref(),
        Some("POST")
    );
    assert_eq!(
        init_field(init, "credentials").as_string().as_deref(),
        Some("include")
    );
    let body = init_field(init, "body").as_string().unwrap();
    assert_eq!(body, r#"{"email":"ada@example.com","password":"wrong"}"#);
    drop(mounted);
}

#[wasm_bindgen_test]
async fn sign_out_sends_the_csrf_token_and_shows_sign_in() {
    go_to("/");
    let fetch = FetchStub::install("return json(204, null, {});");
    let mounted = mount(|| {
        provide_console_state(RuntimeConfig::default(), Auth::SignedIn(session()));
        view! { <Router><Shell/></Router> }
    });
    let root = mounted.root.clone();
    wait_for("home page", || text(&root, "h1") == "Getting started").await;
    find(&root, ".roster-header button").unwrap().click();
    wait_for("sign-in page", || text(&root, "h1") == "Sign in").await;

    let calls = fetch.calls();
    assert_eq!(calls.len(), 1);
    let (_, init) = &calls[0];
    assert_eq!(
        init_field(init, "method").as_string().as_deref(),
        Some("DELETE")
    );
    let headers: web_sys::Headers = init_field(init, "headers").unchecked_into();
    assert_eq!(
        headers.get("x-csrf-token").unwrap().as_deref(),
        Some("csrf-123")
    );
    drop(mounted);
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_explained_with_a_retry() {
    let fetch = FetchStub::install(
        "if (window.__rosterCalls.length === 1) return Promise.reject(new TypeError('Failed to fetch'));\n\
         return json(401, {title: 'Unauthorized', status: 401}, {'content-type': 'application/problem+json'});",
    );
    let mounted = mount(|| {
        view! { <roster_console::app::Console config=RuntimeConfig::default()/> }
    });
    let root = mounted.root.clone();
    wait_for("network error", || {
        text(&root, "[role=alert]").contains("Could not reach the Roster server (Failed to fetch)")
    })
    .await;
    assert!(find(&root, "form").is_some(), "the form stays usable");
    find(&root, "[role=alert] button").unwrap().click();
    wait_for("plain sign-in after retry", || {
        find(&root, "[role=alert]").is_none() && find(&root, "form").is_some()
    })
    .await;
    assert_eq!(fetch.calls().len(), 2);
    drop(mounted);
}

#[wasm_bindgen_test]
async fn routes_live_under_the_configured_base_path() {
    go_to("/admin/roster/nope");
    let mounted = mount(|| {
        let config = RuntimeConfig {
            base_path: "/admin/roster/".into(),
            ..RuntimeConfig::default()
        };
        let base = config.router_base();
        provide_console_state(config, Auth::SignedIn(session()));
        view! { <Router base><Shell/></Router> }
    });
    let root = mounted.root.clone();
    wait_for("not-found page", || text(&root, "h1") == "Page not found").await;
    find(&root, ".roster-nav a").unwrap().click();
    wait_for("home page", || text(&root, "h1") == "Getting started").await;
    assert_eq!(pathname(), "/admin/roster/");
    drop(mounted);
}

#[wasm_bindgen_test]
async fn a_401_while_signed_in_says_the_session_ended() {
    go_to("/");
    let _fetch = FetchStub::install(
        "return json(401, {title: 'Unauthorized', status: 401, detail: 'Not signed in.'}, \
         {'content-type': 'application/problem+json'});",
    );
    let client = RwSignal::new_local(None);
    let mounted = mount(move || {
        provide_console_state(RuntimeConfig::default(), Auth::SignedIn(session()));
        client.set(Some(use_client()));
        view! { <Router><Shell/></Router> }
    });
    let root = mounted.root.clone();
    wait_for("home page", || text(&root, "h1") == "Getting started").await;
    // Any page's request that finds the session gone sends the admin back to sign in.
    let client = client.get_untracked().unwrap();
    let answer = roster_console::api::get_session(&client).await;
    assert_eq!(answer.map_err(|e| e.status()), Err(Some(401)));
    wait_for("session-ended notice", || {
        text(&root, "[role=status]") == "Your session has ended. Sign in again to continue."
            && find(&root, "form").is_some()
    })
    .await;
    assert_eq!(document().title(), "Sign in · Roster");
    drop(mounted);
}

#[wasm_bindgen_test]
async fn the_sign_in_button_is_busy_while_the_request_runs() {
    // A server that never answers: the form must show it is waiting and refuse a second submit.
    let fetch = FetchStub::install("return new Promise(() => {});");
    let mounted = mount(|| {
        provide_console_state(
            RuntimeConfig::default(),
            Auth::SignedOut(SignedOutReason::None),
        );
        view! { <SignInPage/> }
    });
    let root = mounted.root.clone();
    type_into(
        &find(&root, "input[type=email]").unwrap(),
        "ada@example.com",
    );
    type_into(&find(&root, "input[type=password]").unwrap(), "pw");
    let button = find(&root, "button[type=submit]").unwrap();
    button.click();
    wait_for("busy button", || {
        button.get_attribute("aria-busy").as_deref() == Some("true")
            && button.text_content().as_deref() == Some("Signing in…")
            && button
                .unchecked_ref::<web_sys::HtmlButtonElement>()
                .disabled()
    })
    .await;
    let form: web_sys::HtmlFormElement = find(&root, "form").unwrap().unchecked_into();
    form.request_submit().unwrap();
    sleep(20).await;
    assert_eq!(
        fetch.calls().len(),
        1,
        "no second request while the first runs"
    );
    drop(mounted);
}

#[wasm_bindgen_test]
async fn embedded_console_keeps_the_host_title_and_applies_its_theme() {
    let _fetch = FetchStub::install(
        "return json(401, {title: 'Unauthorized', status: 401}, {'content-type': 'application/problem+json'});",
    );
    document().set_title("Host portal");
    let root = container();
    let options = js_sys::JSON::parse(r#"{"basePath":"/portal/roster","theme":"dark"}"#).unwrap();
    let mut mounted = roster_console::mount::mount(root.clone(), options);
    wait_for("sign-in form", || find(&root, "form").is_some()).await;
    let console = find(&root, ".roster").unwrap();
    assert_eq!(console.get_attribute("data-theme").as_deref(), Some("dark"));
    assert!(console.class_list().contains("roster--embedded"));
    assert!(!console.class_list().contains("roster--page"));
    assert!(
        text(&root, "style").contains(".roster"),
        "the stylesheet comes with the console"
    );
    assert_eq!(document().title(), "Host portal", "the host owns the title");
    mounted.unmount();
    assert_eq!(root.child_element_count(), 0, "unmount empties the element");
    root.remove();
    roster_console::dom::set_mount(&document().body().unwrap().into(), true);
}

#[wasm_bindgen_test]
async fn wrong_mount_options_are_shown_naming_the_setting() {
    let root = container();
    let mut mounted =
        roster_console::mount::mount(root.clone(), JsValue::from_str(r#"{"apiBaseURL":"x"}"#));
    assert!(text(&root, "h1").contains("misconfigured"));
    assert!(text(&root, "[role=alert]").contains("apiBaseURL"));
    assert!(text(&root, "main").contains("mount"));
    mounted.unmount();
    root.remove();
    roster_console::dom::set_mount(&document().body().unwrap().into(), true);
}
