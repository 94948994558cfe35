//! The console's URLs, in one place. The console's routes live under a base path (`basePath`:
//! `/`, a prefix such as `/admin/roster`, or the folder a static host serves `index.html`
//! from), and the admin API may live on another origin (`apiBaseUrl`). Every link, navigation
//! and API URL is built here: console routes below the base, percent-encoded path segments and
//! query strings, the current URL's query parameters, and admin API URLs. Nothing here reads
//! the console's own context (config, session), so `state` and `api` can both build on it.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::NavigateOptions;

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The base for leptos_router, from the configured base path: no trailing slash, and empty for
/// the root.
pub fn router_base(base_path: &str) -> String {
    base_path.trim_end_matches('/').to_owned()
}

/// The URL of a console route such as `/` or `/directories` when the routes live under
/// `base_path`. leptos_router matches routes under its base but leaves absolute link targets
/// alone, so every internal link and navigation is built this way (through
/// [`crate::state::RuntimeConfig::href`]).
pub fn href(base_path: &str, route: &str) -> String {
    format!("{}{}", router_base(base_path), route)
}

/// The route of `path` below the router's base (`/directories` for `/admin/roster/directories`
/// under `/admin/roster`), or `None` for a path elsewhere.
pub fn route_below<'a>(path: &'a str, router_base: &str) -> Option<&'a str> {
    path.strip_prefix(router_base)
}

#[cfg(any(roster_split, test))]
/// The first path segment of a console link below the router's base (`href` as the console
/// writes it, base included), or `None` for links elsewhere.
pub fn section_of<'a>(href: &'a str, router_base: &str) -> Option<&'a str> {
    let route = route_below(href, router_base)?;
    let route = route.strip_prefix('/')?;
    Some(route.split(['/', '?', '#']).next().unwrap_or(""))
}

/// `path` with the non-empty `params` as its query string.
pub fn with_query(path: &str, params: &[(&str, Option<String>)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", encode(v)))
        })
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// A query parameter of the current URL, `None` when absent or empty.
pub fn query_param(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(name)).filter(|v| !v.is_empty()))
}

/// leptos_router's `use_navigate` for the console's URLs. Every URL the console makes already
/// carries the base path ([`crate::state::use_href`], the current location), but the router
/// would put the base in front once more; this navigates to the URL as given.
pub fn use_navigate() -> impl Fn(&str, NavigateOptions) + Clone {
    let navigate = leptos_router::hooks::use_navigate();
    move |href: &str, options: NavigateOptions| {
        navigate(
            href,
            NavigateOptions {
                resolve: false,
                ..options
            },
        )
    }
}

/// Joins the configured API base URL and an admin API path: `("", "/session")` gives
/// `/api/v1/session` on the console's own origin.
pub fn endpoint(base_url: &str, path: &str) -> String {
    format!(
        "{}{}{}",
        base_url.trim_end_matches('/'),
        roster_api_types::API_PREFIX,
        path
    )
}

/// The path of the folder holding `index.html`, from the `<base href>` the loader set: where
/// the routes of a console that is the whole page live unless `config.json` says otherwise.
pub fn document_folder() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|base| web_sys::Url::new(&base).ok())
        .map(|url| url.pathname())
        .unwrap_or_else(|| "/".to_owned())
}

/// The path of the page's current URL.
pub fn location_path() -> Option<String> {
    web_sys::window().and_then(|w| w.location().pathname().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_live_below_the_base() {
        assert_eq!(router_base("/"), "");
        assert_eq!(router_base("/admin/roster/"), "/admin/roster");
        assert_eq!(href("/", "/"), "/");
        assert_eq!(
            href("/admin/roster/", "/directories"),
            "/admin/roster/directories"
        );
        assert_eq!(
            route_below("/admin/roster/sites", "/admin/roster"),
            Some("/sites")
        );
        assert_eq!(route_below("/elsewhere", "/admin/roster"), None);
    }

    #[test]
    fn links_name_their_section_below_the_base() {
        assert_eq!(
            section_of("/admin/roster/sites", "/admin/roster"),
            Some("sites")
        );
        assert_eq!(
            section_of("/admin/roster/sites/7/products/2", "/admin/roster"),
            Some("sites")
        );
        assert_eq!(section_of("/users?q=ann", ""), Some("users"));
        assert_eq!(section_of("/audit#top", ""), Some("audit"));
        assert_eq!(section_of("/admin/roster", "/admin/roster"), None);
        assert_eq!(section_of("/elsewhere/sites", "/admin/roster"), None);
        assert_eq!(section_of("https://example.com/sites", ""), None);
    }

    #[test]
    fn queries_keep_only_set_parameters_encoded() {
        assert_eq!(encode("ada l&co/é"), "ada%20l%26co%2F%C3%A9");
        assert_eq!(
            with_query(
                "/users",
                &[
                    ("search", Some("a b".into())),
                    ("cursor", None),
                    ("kind", Some(String::new()))
                ]
            ),
            "/users?search=a%20b"
        );
        assert_eq!(with_query("/users", &[("cursor", None)]), "/users");
    }

    #[test]
    fn endpoint_joins_base_prefix_and_path() {
        assert_eq!(endpoint("", "/session"), "/api/v1/session");
        assert_eq!(
            endpoint("https://api.example.com/", "/session"),
            "https://api.example.com/api/v1/session"
        );
        assert_eq!(endpoint("/roster", "/session"), "/roster/api/v1/session");
    }
}
