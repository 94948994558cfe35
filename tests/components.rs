//! Browser tests of the shared components the directory pages are built from: the copy-once
//! secret (warning, confirmation, navigation blocked until confirmed), the confirmation dialog
//! (focus in, Tab trapped, Escape, focus returned), the pager, the ARIA tabs, the data table
//! and the error banner's retry. Each test mounts alone and tears down fully.
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use roster_console::components::{
    Column, ConfirmDialog, CopyOnceSecret, DataTable, ErrorBanner, Pager, PickOption, SearchPicker,
    Tab, Tabs,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

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

fn mount<F, N>(f: F) -> Mounted
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
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
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

async fn wait_for(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..200 {
        if cond() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

fn active_id() -> String {
    document()
        .active_element()
        .map(|e| e.id())
        .unwrap_or_default()
}

fn key(target: &web_sys::HtmlElement, key: &str, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn copy_once_secret_blocks_leaving_until_confirmed() {
    let confirmed = RwSignal::new(false);
    let mounted = mount(move || {
        view! {
            <a id="away" href="#left">"Elsewhere"</a>
            <CopyOnceSecret label="API key" value="roster_scim_<b>secret</b>" confirmed/>
        }
    });
    let root = mounted.root.clone();
    let input: web_sys::HtmlInputElement = find(&root, "#roster-secret-value")
        .unwrap()
        .unchecked_into();
    wait_for("the value", || input.value() == "roster_scim_<b>secret</b>").await;
    assert!(input.read_only());
    assert!(text(&root, ".roster-alert--warning").contains("This API key will not be shown again"));
    assert_eq!(text(&root, ".roster-copy__row button"), "Copy API key");
    let label = find(&root, "label[for=roster-secret-value]").unwrap();
    assert_eq!(label.text_content().as_deref(), Some("API key"));

    let hash = || web_sys::window().unwrap().location().hash().unwrap();
    let before = hash();
    find(&root, "#away").unwrap().click();
    wait_for("the nudge", || {
        text(&root, "[role=alert]").contains("before you leave")
    })
    .await;
    assert_eq!(hash(), before, "the link did not navigate");

    let check: web_sys::HtmlInputElement = find(&root, "input[type=checkbox]")
        .unwrap()
        .unchecked_into();
    check.click();
    assert!(confirmed.get_untracked());
    find(&root, "#away").unwrap().click();
    wait_for("navigation allowed", || hash() == "#left").await;
    web_sys::window().unwrap().location().set_hash("").unwrap();
    drop(mounted);
}

#[wasm_bindgen_test]
async fn confirmation_dialog_traps_focus_closes_on_escape_and_returns_focus() {
    let open = RwSignal::new(false);
    let confirmed = RwSignal::new(0);
    let mounted = mount(move || {
        view! {
            <button id="opener" on:click=move |_| open.set(true)>"Delete…"</button>
            <ConfirmDialog
                open
                title="Delete it?"
                confirm_label="Delete"
                busy_label="Deleting…"
                busy=Signal::derive(|| false)
                on_confirm=Callback::new(move |()| confirmed.update(|n| *n += 1))
            >
                <p>"This removes 3 users."</p>
            </ConfirmDialog>
        }
    });
    let root = mounted.root.clone();
    let opener = find(&root, "#opener").unwrap();
    opener.focus().unwrap();
    opener.click();
    wait_for("dialog open", || find(&root, "dialog[open]").is_some()).await;
    let dialog = find(&root, "dialog").unwrap();
    assert_eq!(
        document()
            .active_element()
            .and_then(|e| e.text_content())
            .as_deref(),
        Some("Cancel"),
        "the safe choice has focus"
    );
    assert_eq!(
        dialog.get_attribute("aria-labelledby").as_deref(),
        Some("roster-dialog-title")
    );
    // Tab from the last control wraps to the first; Shift+Tab from the first to the last.
    let buttons = dialog.query_selector_all("button").unwrap();
    let last: web_sys::HtmlElement = buttons.item(buttons.length() - 1).unwrap().unchecked_into();
    last.focus().unwrap();
    key(&last, "Tab", false);
    assert_eq!(
        document()
            .active_element()
            .and_then(|e| e.text_content())
            .as_deref(),
        Some("Cancel")
    );
    let first: web_sys::HtmlElement = document().active_element().unwrap().unchecked_into();
    key(&first, "Tab", true);
    assert_eq!(
        document()
            .active_element()
            .and_then(|e| e.text_content())
            .as_deref(),
        Some("Delete")
    );

    key(&dialog, "Escape", false);
    wait_for("dialog closed", || find(&root, "dialog").is_none()).await;
    assert!(!open.get_untracked());
    assert_eq!(active_id(), "opener", "focus went back to the opener");
    assert_eq!(confirmed.get_untracked(), 0);

    opener.click();
    wait_for("dialog open again", || {
        find(&root, "dialog[open]").is_some()
    })
    .await;
    find(&root, ".roster-button--danger").unwrap().click();
    assert_eq!(confirmed.get_untracked(), 1);
    drop(mounted);
}

#[wasm_bindgen_test]
fn pager_links_pages_and_disables_the_missing_ones() {
    let mounted = mount(|| {
        view! {
            <Pager prev_href=None next_href=Some("/x?cursor=abc".to_owned())
                summary=Some("1,234 users".to_owned()) label="Users pages"/>
        }
    });
    let root = mounted.root.clone();
    assert_eq!(
        find(&root, "nav")
            .unwrap()
            .get_attribute("aria-label")
            .as_deref(),
        Some("Users pages")
    );
    assert_eq!(text(&root, ".roster-pager__summary"), "1,234 users");
    let next = find(&root, "a[rel=next]").unwrap();
    assert_eq!(next.get_attribute("href").as_deref(), Some("/x?cursor=abc"));
    assert!(find(&root, "a[rel=prev]").is_none());
    assert_eq!(text(&root, "[aria-disabled=true]"), "← Previous");
    assert!(find(&root, ".roster-pager__first").is_none());
    drop(mounted);

    let mounted = mount(|| {
        view! {
            <Pager prev_href=None next_href=None
                summary=Some("12 users".to_owned()) label="Users pages"/>
        }
    });
    let root = mounted.root.clone();
    assert_eq!(text(&root, ".roster-pager__summary"), "12 users");
    assert!(
        find(&root, ".roster-pager__links").is_none(),
        "one page, no links"
    );
    drop(mounted);
}

#[wasm_bindgen_test]
fn tabs_with_a_panel_are_a_tablist_walked_with_the_arrow_keys() {
    let mounted = mount(|| {
        let tabs = [
            ("profile", "Profile"),
            ("groups", "Groups"),
            ("timeline", "Timeline"),
        ]
        .into_iter()
        .map(|(key, label)| Tab {
            key,
            label,
            href: format!("#{key}"),
        })
        .collect();
        view! { <Tabs tabs current="groups".to_owned() label="User profile sections" panel="p"/> }
    });
    let root = mounted.root.clone();
    let list = find(&root, "[role=tablist]").unwrap();
    assert_eq!(
        list.get_attribute("aria-label").as_deref(),
        Some("User profile sections")
    );
    let tab = |key: &str| find(&root, &format!("#p-tab-{key}")).unwrap();
    assert_eq!(tab("profile").get_attribute("role").as_deref(), Some("tab"));
    assert_eq!(
        tab("groups").get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert_eq!(
        tab("groups").get_attribute("aria-controls").as_deref(),
        Some("p")
    );
    assert_eq!(
        tab("profile").get_attribute("aria-selected").as_deref(),
        Some("false")
    );
    // Only the selected tab is in the Tab order.
    assert_eq!(
        tab("groups").get_attribute("tabindex").as_deref(),
        Some("0")
    );
    assert_eq!(
        tab("timeline").get_attribute("tabindex").as_deref(),
        Some("-1")
    );
    tab("groups").focus().unwrap();
    key(&tab("groups"), "ArrowRight", false);
    assert_eq!(active_id(), "p-tab-timeline");
    key(&tab("timeline"), "ArrowRight", false);
    assert_eq!(active_id(), "p-tab-profile", "the arrows wrap round");
    key(&tab("profile"), "End", false);
    assert_eq!(active_id(), "p-tab-timeline");
    key(&tab("timeline"), "Home", false);
    assert_eq!(active_id(), "p-tab-profile");
    drop(mounted);
}

#[derive(Clone)]
struct Row {
    name: String,
    count: u64,
}

#[wasm_bindgen_test]
fn data_table_renders_text_numbers_and_empty_state() {
    let mounted = mount(|| {
        let columns = || {
            vec![
                Column::text("Name", |r: &Row| r.name.clone()),
                Column::number("Members", |r: &Row| r.count),
            ]
        };
        let rows = vec![
            Row {
                name: "<img src=x onerror=alert(1)>".into(),
                count: 12_345,
            },
            Row {
                name: "Ops".into(),
                count: 0,
            },
        ];
        let none: Vec<Row> = Vec::new();
        view! {
            <div id="full"><DataTable caption="Groups" columns=columns() rows empty="No groups."/></div>
            <div id="none"><DataTable caption="Groups" columns=columns() rows=none empty="No groups."/></div>
        }
    });
    let root = mounted.root.clone();
    assert_eq!(text(&root, "#full caption"), "Groups");
    assert_eq!(
        root.query_selector_all("#full th[scope=col]")
            .unwrap()
            .length(),
        2
    );
    assert_eq!(
        root.query_selector_all("#full tbody tr").unwrap().length(),
        2
    );
    assert!(find(&root, "img").is_none(), "cells are text");
    assert_eq!(
        text(&root, "#full tbody td"),
        "<img src=x onerror=alert(1)>"
    );
    assert_eq!(text(&root, "#full tbody td.roster-table__num"), "12,345");
    assert_eq!(text(&root, "#none tbody td"), "No groups.");
    drop(mounted);
}

#[wasm_bindgen_test]
fn error_banner_offers_retry_only_when_asked() {
    let error = roster_console::api::ApiError::Network("Failed to fetch".into());
    let mounted = mount(move || {
        view! {
            <div id="plain"><ErrorBanner error=error.clone()/></div>
            <div id="retry"><ErrorBanner error on_retry=Callback::new(|()| {})/></div>
        }
    });
    let root = mounted.root.clone();
    assert!(find(&root, "#plain button").is_none());
    assert_eq!(text(&root, "#retry button"), "Try again");
    assert!(text(&root, "#plain [role=alert]").contains("Could not reach the Roster server"));
    drop(mounted);
}

#[wasm_bindgen_test]
async fn search_picker_shows_matches_as_radios_and_reports_the_pick() {
    let query = RwSignal::new(String::new());
    let selected = RwSignal::new(None::<PickOption>);
    let options = RwSignal::new(None::<Result<Vec<PickOption>, roster_console::api::ApiError>>);
    let mounted = mount(move || {
        view! {
            <SearchPicker label="Find a group" id="picker" query options=Signal::derive(move || options.get())
                selected empty="No group starts with this."/>
        }
    });
    let root = mounted.root.clone();
    assert_eq!(text(&root, "label[for=picker]"), "Find a group");
    assert_eq!(text(&root, "[role=status]"), "Searching…");
    let input = find(&root, "#picker").unwrap();
    let input: &web_sys::HtmlInputElement = input.unchecked_ref();
    input.set_value("eng");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    assert_eq!(query.get_untracked(), "eng");

    options.set(Some(Ok(Vec::new())));
    wait_for("the empty message", || {
        text(&root, ".roster-hint") == "No group starts with this."
    })
    .await;
    options.set(Some(Ok(vec![
        PickOption {
            id: "g1".into(),
            label: "Engineering".into(),
            detail: "Synced from Okta users · 2 members".into(),
        },
        PickOption {
            id: "g2".into(),
            label: "<b>Eng ops</b>".into(),
            detail: "Local group · 0 members".into(),
        },
    ])));
    wait_for("two radios", || {
        root.query_selector_all("input[type=radio]")
            .unwrap()
            .length()
            == 2
    })
    .await;
    assert!(find(&root, "b").is_none(), "labels are text");
    let second: web_sys::HtmlInputElement = root
        .query_selector_all("input[type=radio]")
        .unwrap()
        .item(1)
        .unwrap()
        .unchecked_into();
    second.click();
    assert_eq!(
        selected.get_untracked().map(|o| o.id).as_deref(),
        Some("g2")
    );
    assert!(text(&root, "fieldset").contains("Synced from Okta users · 2 members"));

    options.set(Some(Err(roster_console::api::ApiError::Network(
        "down".into(),
    ))));
    wait_for("the error", || find(&root, "[role=alert]").is_some()).await;
    drop(mounted);
}
