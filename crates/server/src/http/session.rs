//! `POST | GET | DELETE /api/v1/session`: admin sign-in and sign-out, and the
//! [`AdminSession`] extractor behind every other admin route. A handler that takes an
//! `AdminSession` cannot run without a signed-in admin, and on mutating methods without a
//! matching `X-CSRF-Token` header.
use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use roster_api_types::{Admin, Organization, Session, SignIn, CSRF_HEADER};

use super::{client::ClientAddress, extract::Json};
use crate::{
    auth::{self, password},
    config::SameSite,
    error::{AppError, AppResult},
    state::AppState,
    store::{audit::Actor, now_millis, SessionRecord, SignInAttempt, ThrottleState},
};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/session",
        get(get_session).post(create_session).delete(delete_session),
    )
}

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

    /// The signed-in admin as the actor of an audit entry.
    pub fn actor(&self) -> Actor {
        Actor::admin(&self.0.admin_id, &self.0.admin_email)
    }
}

/// The value of cookie `name` in a request's `Cookie` headers.
fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
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
        let token_hash = auth::hash_token(token);
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
            if !auth::constant_time_eq(sent, &record.csrf_token) {
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
fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let same_site = match state.config.cookie_same_site {
        SameSite::Strict => "Strict",
        SameSite::Lax => "Lax",
        SameSite::None => "None",
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

/// The same answer whichever key is locked, and whether or not the email is an admin's.
fn locked(retry_after_secs: u64) -> AppError {
    AppError::TooManyRequests {
        detail: format!("Too many failed sign-ins. Try again in {retry_after_secs} s."),
        retry_after_secs,
    }
}

/// Signs an admin in: checks the password and sets the session cookie.
async fn create_session(
    axum::extract::State(state): axum::extract::State<AppState>,
    ClientAddress(address): ClientAddress,
    Json(body): Json<SignIn>,
) -> AppResult<Response> {
    let email = body.email.trim().to_lowercase();
    if email.is_empty() || body.password.is_empty() {
        return Err(AppError::BadRequest(
            "Enter your email and password.".into(),
        ));
    }
    let attempt = SignInAttempt {
        email: &email,
        address: &address,
    };
    if let ThrottleState::Locked(secs) = state.store.sign_in_throttle(attempt).await? {
        return Err(locked(secs));
    }
    let admin = state.store.admin_by_email(&email).await?;
    // Unknown emails are checked against a decoy hash, so both paths take the same time.
    let phc = admin
        .as_ref()
        .map_or_else(|| state.decoy_hash.to_string(), |a| a.password_hash.clone());
    let ok = password::verify(body.password, phc).await?;
    let Some(admin) = admin.filter(|_| ok) else {
        if let ThrottleState::Locked(secs) = state.store.record_sign_in_failure(attempt).await? {
            tracing::warn!("sign-in throttled after repeated failures");
            return Err(locked(secs));
        }
        return Err(AppError::Unauthorized(
            "Email or password is incorrect.".into(),
        ));
    };
    state.store.clear_sign_in_failures(attempt).await?;

    let token = auth::random_token(32);
    let token_hash = auth::hash_token(&token);
    let csrf = auth::random_token(32);
    let idle = state.config.session_idle.as_millis() as i64;
    state
        .store
        .create_session(&token_hash, &admin.id, &csrf, idle)
        .await?;
    let record = state
        .store
        .session(&token_hash)
        .await?
        .ok_or_else(|| anyhow::anyhow!("session vanished right after creation"))?;
    tracing::info!(admin_id = %admin.id, "admin signed in");
    let session: Session = AdminSession(record).to_wire();
    Ok((
        [(header::SET_COOKIE, session_cookie(&state, Some(&token)))],
        Json(session),
    )
        .into_response())
}

/// The current session, or 401.
async fn get_session(session: AdminSession) -> Json<Session> {
    Json(session.to_wire())
}

/// Signs out: deletes the session and clears the cookie.
async fn delete_session(
    axum::extract::State(state): axum::extract::State<AppState>,
    session: AdminSession,
) -> AppResult<Response> {
    state.store.delete_session(&session.0.token_hash).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session_cookie(&state, None))],
    )
        .into_response())
}
