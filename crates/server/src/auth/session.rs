//! The admin session extractor. Handlers that take an [`AdminSession`] cannot run without a
//! signed-in admin, and on mutating methods without a matching `X-CSRF-Token` header.
use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, HeaderValue, Method},
};
use roster_api_types::{Admin, Organization, Session, CSRF_HEADER};

use crate::{
    error::AppError,
    state::AppState,
    store::{now_millis, SessionRecord},
};

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "roster_session";

/// Sessions are slid forward at most this often, so reads stay reads.
const TOUCH_EVERY_MILLIS: i64 = 60_000;

/// A signed-in admin, established from the session cookie.
#[derive(Debug, Clone)]
pub struct AdminSession(pub SessionRecord);

impl AdminSession {
    /// The wire form of this session.
    pub fn to_wire(&self) -> Session {
        let s = &self.0;
        Session {
            admin: Admin {
                id: s.admin_id.clone(),
                email: s.admin_email.clone(),
            },
            organization: Organization {
                id: s.org_id.clone(),
                name: s.org_name.clone(),
            },
            csrf_token: s.csrf_token.clone(),
            server_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let unauthorized = || AppError::Unauthorized("Sign in to continue.".into());
        let token = cookie_value(parts, COOKIE_NAME).ok_or_else(unauthorized)?;
        let token_hash = super::hash_token(token);
        let record = state
            .store
            .session(&token_hash)
            .await?
            .ok_or_else(unauthorized)?;

        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !super::constant_time_eq(sent, &record.csrf_token) {
                return Err(AppError::Forbidden(format!(
                    "Missing or invalid {CSRF_HEADER} header; send the csrfToken of the session."
                )));
            }
        }
        if now_millis() - record.last_seen_at > TOUCH_EVERY_MILLIS {
            let idle = state.config.session_idle.as_millis() as i64;
            state.store.touch_session(&token_hash, idle).await?;
        }
        Ok(AdminSession(record))
    }
}

/// `Set-Cookie` value that stores `token`, or clears the cookie when `token` is `None`.
pub fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let same_site = match state.config.cookie_same_site {
        crate::config::SameSite::Strict => "Strict",
        crate::config::SameSite::Lax => "Lax",
        crate::config::SameSite::None => "None",
    };
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    // A browser-session cookie: the expiry that matters slides in the database.
    let (value, max_age) = match token {
        Some(t) => (t, ""),
        None => ("", "; Max-Age=0"),
    };
    let cookie =
        format!("{COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite={same_site}{max_age}{secure}");
    // Tokens are base64url, so the value is always a valid header.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}
