//! What the whole console shares through context: the runtime configuration ([`RuntimeConfig`],
//! from `config.json` or the embedding page, see [`crate::mount`]), the admin's session
//! ([`Auth`]), the API client and the secrets shown once. The config is read at run time,
//! not compiled in, so one built `dist/` serves every environment.
use leptos::prelude::*;
use roster_api_types::token::IssuedServiceToken;
use roster_api_types::webhook::IssuedWebhookSecret;
use serde::Deserialize;

use crate::api::{self, Auth, Client, SignedOutReason};
use crate::url;

/// How admins sign in. Only passwords today; the field exists so deployments can state it
/// and a later mode (single sign-on) is a config change, not a rebuild.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignInMode {
    #[default]
    Password,
}

/// Light or dark colours: `Auto` follows the system setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    /// The value of the `data-theme` attribute the stylesheet reads; none for `Auto`.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::Auto => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }
}

/// The console's runtime settings: from `config.json` next to `index.html` when the console is
/// the page, from the mount options or the `<roster-console>` attributes when it is embedded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeConfig {
    /// Where the admin API lives, without the `/api/v1` prefix; empty means the console's own
    /// origin.
    pub api_base_url: String,
    /// The path the console's routes live under, e.g. `/` or `/admin/roster`.
    pub base_path: String,
    pub sign_in_mode: SignInMode,
    pub theme: Theme,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            api_base_url: String::new(),
            base_path: "/".to_owned(),
            sign_in_mode: SignInMode::Password,
            theme: Theme::Auto,
        }
    }
}

/// The settings as an operator writes them. Unknown keys are rejected: a typo such as
/// `apiBaseURL` would otherwise be ignored silently and the console would talk to the wrong
/// server.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigFile {
    api_base_url: Option<String>,
    base_path: Option<String>,
    sign_in_mode: Option<String>,
    theme: Option<String>,
}

impl RuntimeConfig {
    /// Parses and checks settings written as `config.json` (`source` names where they came
    /// from in errors). Without `basePath` the routes live under `default_base`: where
    /// `config.json` was found, or `/` when embedded.
    pub fn parse(json: &str, source: &str, default_base: &str) -> Result<RuntimeConfig, String> {
        let file: ConfigFile =
            serde_json::from_str(json).map_err(|e| format!("{source} is not valid: {e}"))?;
        let mut config = RuntimeConfig {
            base_path: default_base.to_owned(),
            ..RuntimeConfig::default()
        };
        if let Some(url) = file.api_base_url {
            let url = url.trim().trim_end_matches('/').to_owned();
            let absolute = url.starts_with("https://") || url.starts_with("http://");
            if !(url.is_empty() || absolute || url.starts_with('/')) {
                return Err(format!(
                    "{source}: apiBaseUrl \"{url}\" must be empty, an absolute http(s) URL \
                     or a path starting with /"
                ));
            }
            config.api_base_url = url;
        }
        if let Some(path) = file.base_path {
            config.base_path = path;
        }
        if !config.base_path.starts_with('/') {
            return Err(format!(
                "{source}: basePath \"{}\" must start with /",
                config.base_path
            ));
        }
        if let Some(mode) = file.sign_in_mode {
            config.sign_in_mode = match mode.as_str() {
                "password" => SignInMode::Password,
                other => {
                    return Err(format!(
                        "{source}: signInMode \"{other}\" is not supported (use \"password\")"
                    ))
                }
            };
        }
        if let Some(theme) = file.theme {
            config.theme = match theme.as_str() {
                "auto" => Theme::Auto,
                "light" => Theme::Light,
                "dark" => Theme::Dark,
                other => {
                    return Err(format!(
                        "{source}: theme \"{other}\" is not one of \"auto\", \"light\", \"dark\""
                    ))
                }
            };
        }
        Ok(config)
    }

    /// The base for leptos_router ([`url::router_base`]): no trailing slash, and empty for the
    /// root.
    pub fn router_base(&self) -> String {
        url::router_base(&self.base_path)
    }

    /// The URL of a console route such as `/` or `/directories` ([`url::href`]). leptos_router
    /// matches routes under its base but leaves absolute link targets alone, so every internal
    /// link and navigation goes through here.
    pub fn href(&self, route: &str) -> String {
        url::href(&self.base_path, route)
    }
}

/// Puts the config, session state and API client in context for everything below; returns the
/// session signal. Tests call this with a ready state to mount pages without a server.
pub fn provide_console_state(config: RuntimeConfig, auth: Auth) -> RwSignal<Auth> {
    let auth = RwSignal::new(auth);
    provide_context(Client::new(&config.api_base_url, auth));
    provide_context(config);
    provide_context(auth);
    provide_context(RwSignal::new(None::<ShownOnce>));
    auth
}

/// A secret the server just issued and will never show again: a new directory's credentials or
/// a regenerated key, a new API token, or a webhook's signing secret. While one is pending the shell shows it in place of
/// every page and keeps the admin from navigating away until they confirm they stored it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShownOnce {
    Directory(DirectoryCredentials),
    ServiceToken(IssuedServiceToken),
    /// A webhook's signing secret: of a new endpoint, or a rotated one (`rotated`).
    WebhookSecret {
        issued: IssuedWebhookSecret,
        rotated: bool,
    },
}

/// A directory's base URL and newly issued API key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryCredentials {
    pub directory_id: String,
    pub directory_name: String,
    pub base_url: String,
    pub api_key: String,
    /// RFC 3339.
    pub expires_at: String,
    /// When the key replaced another that keeps working for a while: until when.
    pub previous_key_valid_until: Option<String>,
    /// `true` for a regenerated key, `false` for a new directory.
    pub regenerated: bool,
}

/// The pending [`ShownOnce`] credentials, provided by [`provide_console_state`].
pub fn use_shown_once() -> RwSignal<Option<ShownOnce>> {
    expect_context::<RwSignal<Option<ShownOnce>>>()
}

/// The session signal provided by [`provide_console_state`].
pub fn use_auth() -> RwSignal<Auth> {
    expect_context::<RwSignal<Auth>>()
}

/// The API client provided by [`provide_console_state`].
pub fn use_client() -> Client {
    expect_context::<Client>()
}

/// The runtime config provided by [`provide_console_state`].
pub fn use_config() -> RuntimeConfig {
    expect_context::<RuntimeConfig>()
}

/// [`RuntimeConfig::href`] from context: the link target of a console route.
pub fn use_href(route: &str) -> String {
    use_config().href(route)
}

/// Asks the server for the current session and records the answer. A 401 is the ordinary
/// "not signed in"; anything else that fails is shown on the sign-in page with a retry.
/// Where this browser keeps whether it was signed in when the console last knew. Not a secret
/// (the session is an HttpOnly cookie the console never sees): only whether asking for a
/// signed-in page's data before the session answers is likely to be answered rather than
/// refused.
const SIGNED_IN_HINT: &str = "roster.signed-in";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Whether the browser was signed in when the console last knew (false without storage).
pub fn was_signed_in() -> bool {
    local_storage().is_some_and(|s| s.get_item(SIGNED_IN_HINT).ok().flatten().is_some())
}

/// Keeps [`was_signed_in`] true while `auth` is signed in and false once it is not.
pub fn remember_sign_in(auth: RwSignal<Auth>) {
    Effect::new(move |_| {
        let Some(storage) = local_storage() else {
            return;
        };
        match auth.get() {
            Auth::Checking => {}
            Auth::SignedIn(_) => {
                let _ = storage.set_item(SIGNED_IN_HINT, "1");
            }
            Auth::SignedOut(_) => {
                let _ = storage.remove_item(SIGNED_IN_HINT);
            }
        }
    });
}

pub fn check_session(client: Client, auth: RwSignal<Auth>) {
    auth.set(Auth::Checking);
    leptos::task::spawn_local(async move {
        let next = match api::get_session(&client).await {
            Ok(session) => Auth::SignedIn(session),
            Err(e) if e.status() == Some(401) => Auth::SignedOut(SignedOutReason::None),
            Err(e) => Auth::SignedOut(SignedOutReason::CheckFailed(e)),
        };
        if !matches!(next, Auth::SignedIn(_)) {
            api::early::forget();
        }
        auth.try_set(next);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<RuntimeConfig, String> {
        RuntimeConfig::parse(json, "config.json", "/")
    }

    #[test]
    fn the_shipped_files_spell_out_the_defaults() {
        let example = include_str!("../public/config.json.example");
        assert_eq!(parse(example), Ok(RuntimeConfig::default()));
        let shipped = include_str!("../public/config.json");
        assert_eq!(parse(shipped), Ok(RuntimeConfig::default()));
    }

    #[test]
    fn empty_object_means_defaults() {
        assert_eq!(parse("{}"), Ok(RuntimeConfig::default()));
        assert_eq!(RuntimeConfig::default().router_base(), "");
    }

    #[test]
    fn without_base_path_the_routes_live_where_the_file_was_found() {
        let c = RuntimeConfig::parse("{}", "config.json", "/admin/roster/").unwrap();
        assert_eq!(c.router_base(), "/admin/roster");
        assert_eq!(c.href("/directories"), "/admin/roster/directories");
        let set = RuntimeConfig::parse(r#"{"basePath":"/x"}"#, "config.json", "/admin/").unwrap();
        assert_eq!(set.router_base(), "/x");
    }

    #[test]
    fn full_config_is_read_and_normalised() {
        let c = parse(
            r#"{"apiBaseUrl":"https://api.example.com/","basePath":"/admin/roster/","signInMode":"password","theme":"dark"}"#,
        )
        .unwrap();
        assert_eq!(c.api_base_url, "https://api.example.com");
        assert_eq!(c.router_base(), "/admin/roster");
        assert_eq!(c.href("/"), "/admin/roster/");
        assert_eq!(RuntimeConfig::default().href("/"), "/");
        assert_eq!(c.sign_in_mode, SignInMode::Password);
        assert_eq!(c.theme, Theme::Dark);
        assert_eq!(c.theme.attribute(), Some("dark"));
        assert_eq!(Theme::Auto.attribute(), None);
    }

    #[test]
    fn mistakes_are_errors_that_name_the_setting_and_the_source() {
        let typo = parse(r#"{"apiBaseURL":"https://x"}"#).unwrap_err();
        assert!(typo.contains("apiBaseURL"), "{typo}");
        let url = parse(r#"{"apiBaseUrl":"api.example.com"}"#).unwrap_err();
        assert!(url.contains("apiBaseUrl"), "{url}");
        let path = parse(r#"{"basePath":"admin"}"#).unwrap_err();
        assert!(path.contains("basePath"), "{path}");
        let mode = parse(r#"{"signInMode":"saml"}"#).unwrap_err();
        assert!(mode.contains("saml"), "{mode}");
        let theme = RuntimeConfig::parse(r#"{"theme":"blue"}"#, "mount options", "/").unwrap_err();
        assert!(
            theme.contains("blue") && theme.starts_with("mount options"),
            "{theme}"
        );
        assert!(parse("not json").is_err());
    }
}
