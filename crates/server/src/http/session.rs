//! `POST | GET | DELETE /api/v1/session`: admin sign-in and sign-out.
use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use roster_api_types::{Session, SignIn};

use super::{client::ClientAddress, extract::Json};
use crate::{
    auth::{
        self, password,
        session::{session_cookie, AdminSession},
    },
    error::{AppError, AppResult},
    state::AppState,
    store::{SignInAttempt, ThrottleState},
};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/session",
        get(get_session).post(create_session).delete(delete_session),
    )
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
