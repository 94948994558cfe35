//! What the whole console shares through context: the runtime configuration read from
//! `config.json` at startup ([`RuntimeConfig`]), and the admin's session ([`Auth`]). The
//! config is read at run time, not compiled in, so one built `dist/` serves every environment.
use leptos::prelude::*;
use roster_api_types::Session;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError, Client};

/// How admins sign in. Only passwords today; the field exists so deployments can state it
/// and a later mode (single sign-on) is a config change, not a rebuild.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignInMode {
    #[default]
    Password,
}

/// The console's runtime settings, from `config.json` next to `index.html`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeConfig {
    /// Where the admin API lives, without the `/api/v1` prefix; empty means the console's own
    /// origin.
    pub api_base_url: String,
    /// The path the console is served under, e.g. `/` or `/admin/roster`.
    pub base_path: String,
    pub sign_in_mode: SignInMode,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            api_base_url: String::new(),
            base_path: "/".to_owned(),
            sign_in_mode: SignInMode::Password,
        }
    }
}

/// The file as written by an operator. Unknown keys are rejected: a typo such as `apiBaseURL`
/// would otherwise be ignored silently and the console would talk to the wrong server.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigFile {
    api_base_url: Option<String>,
    base_path: Option<String>,
    sign_in_mode: Option<String>,
}

impl RuntimeConfig {
    /// Parses and checks `config.json`; the error names the offending setting.
    pub fn parse(json: &str) -> Result<RuntimeConfig, String> {
        let file: ConfigFile =
            serde_json::from_str(json).map_err(|e| format!("config.json is not valid: {e}"))?;
        let mut config = RuntimeConfig::default();
        if let Some(url) = file.api_base_url {
            let url = url.trim().trim_end_matches('/').to_owned();
            let absolute = url.starts_with("https://") || url.starts_with("http://");
            if !(url.is_empty() || absolute || url.starts_with('/')) {
                return Err(format!(
                    "config.json: apiBaseUrl \"{url}\" must be empty, an absolute http(s) URL \
                     or a path starting with /"
                ));
            }
            config.api_base_url = url;
        }
        if let Some(path) = file.base_path {
            if !path.starts_with('/') {
                return Err(format!(
                    "config.json: basePath \"{path}\" must start with /"
                ));
            }
            config.base_path = path;
        }
        if let Some(mode) = file.sign_in_mode {
            config.sign_in_mode = match mode.as_str() {
                "password" => SignInMode::Password,
                other => {
                    return Err(format!(
                        "config.json: signInMode \"{other}\" is not supported (use \"password\")"
                    ))
                }
            };
        }
        Ok(config)
    }

    /// The base for leptos_router: no trailing slash, and empty for the root.
    pub fn router_base(&self) -> String {
        self.base_path.trim_end_matches('/').to_owned()
    }

    /// The URL of a console route such as `/` or `/directories`. leptos_router matches routes
    /// under its base but leaves absolute link targets alone, so every internal link and
    /// navigation goes through here.
    pub fn href(&self, route: &str) -> String {
        format!("{}{}", self.router_base(), route)
    }
}

/// Fetches `config.json` relative to the document's base URL (the `<base href>` Trunk writes),
/// so a deep link such as `/directories/7` still finds the file at the console's root.
///
/// No file means defaults: a static host answers 404 (or 403 on some object stores) and the
/// Roster server's client-route fallback answers `index.html`, which is not JSON. A file that
/// is JSON but wrong is an error, shown to the operator instead of guessed around.
pub async fn load_config() -> Result<RuntimeConfig, String> {
    let Some(window) = web_sys::window() else {
        return Ok(RuntimeConfig::default());
    };
    let base = window
        .document()
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    let url = web_sys::Url::new_with_base("config.json", &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| "config.json".to_owned());
    let Ok(response) = JsFuture::from(window.fetch_with_str(&url)).await else {
        return Ok(RuntimeConfig::default());
    };
    let Ok(response) = response.dyn_into::<web_sys::Response>() else {
        return Ok(RuntimeConfig::default());
    };
    let is_json = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    if !response.ok() || !is_json {
        return Ok(RuntimeConfig::default());
    }
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|e| format!("config.json could not be read: {}", api::js_error_text(&e)))?,
        Err(e) => {
            return Err(format!(
                "config.json could not be read: {}",
                api::js_error_text(&e)
            ))
        }
    };
    RuntimeConfig::parse(&text.as_string().unwrap_or_default())
}

/// Why the sign-in form is showing, when there is more to say than "please sign in".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignedOutReason {
    /// Fresh visit, or the admin signed out.
    None,
    /// A request answered 401 while signed in: the session expired or was revoked.
    Expired,
    /// The session check itself failed (server down, wrong `apiBaseUrl`).
    CheckFailed(ApiError),
}

/// The admin's session as the console knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// Asking the server whether the session cookie is still good.
    Checking,
    SignedOut(SignedOutReason),
    SignedIn(Session),
}

impl Auth {
    /// The session, when signed in.
    pub fn session(&self) -> Option<&Session> {
        match self {
            Auth::SignedIn(session) => Some(session),
            _ => None,
        }
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

/// Credentials the server just issued and will never show again: a new directory's, or a
/// regenerated key. While one is pending the shell shows it in place of every page and keeps
/// the admin from navigating away until they confirm they stored it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownOnce {
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
pub fn check_session(client: Client, auth: RwSignal<Auth>) {
    auth.set(Auth::Checking);
    leptos::task::spawn_local(async move {
        let next = match api::get_session(&client).await {
            Ok(session) => Auth::SignedIn(session),
            Err(e) if e.status() == Some(401) => Auth::SignedOut(SignedOutReason::None),
            Err(e) => Auth::SignedOut(SignedOutReason::CheckFailed(e)),
        };
        auth.try_set(next);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_example_spells_out_the_defaults() {
        let example = include_str!("../public/config.json.example");
        assert_eq!(RuntimeConfig::parse(example), Ok(RuntimeConfig::default()));
    }

    #[test]
    fn empty_object_means_defaults() {
        assert_eq!(RuntimeConfig::parse("{}"), Ok(RuntimeConfig::default()));
        assert_eq!(RuntimeConfig::default().router_base(), "");
    }

    #[test]
    fn full_config_is_read_and_normalised() {
        let c = RuntimeConfig::parse(
            r#"{"apiBaseUrl":"https://api.example.com/","basePath":"/admin/roster/","signInMode":"password"}"#,
        )
        .unwrap();
        assert_eq!(c.api_base_url, "https://api.example.com");
        assert_eq!(c.router_base(), "/admin/roster");
        assert_eq!(c.href("/"), "/admin/roster/");
        assert_eq!(RuntimeConfig::default().href("/"), "/");
        assert_eq!(c.sign_in_mode, SignInMode::Password);
    }

    #[test]
    fn mistakes_are_errors_that_name_the_setting() {
        let typo = RuntimeConfig::parse(r#"{"apiBaseURL":"https://x"}"#).unwrap_err();
        assert!(typo.contains("apiBaseURL"), "{typo}");
        let url = RuntimeConfig::parse(r#"{"apiBaseUrl":"api.example.com"}"#).unwrap_err();
        assert!(url.contains("apiBaseUrl"), "{url}");
        let path = RuntimeConfig::parse(r#"{"basePath":"admin"}"#).unwrap_err();
        assert!(path.contains("basePath"), "{path}");
        let mode = RuntimeConfig::parse(r#"{"signInMode":"saml"}"#).unwrap_err();
        assert!(mode.contains("saml"), "{mode}");
        assert!(RuntimeConfig::parse("not json").is_err());
    }
}
