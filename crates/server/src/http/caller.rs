//! Who calls the admin API and what they may do. A handler names the permission it needs in
//! its arguments (`Can<WriteAccess>`), so it cannot run for a caller without it: a signed-in
//! admin (session cookie, and `X-CSRF-Token` on mutations), or a service token
//! (`Authorization: Bearer roster_svc_…`, no CSRF: a browser never sends one by itself) whose
//! scopes include the permission's. A directory's SCIM key never opens the admin API.
use std::{marker::PhantomData, ops::Deref};

use axum::{extract::FromRequestParts, http::request::Parts};
use roster_api_types::token::Scope;

use super::session::AdminSession;
use crate::{
    auth::{self, api_key},
    error::AppError,
    state::AppState,
    store::{audit::Actor, now_millis, org::service_tokens::TokenRecord},
};

/// A token's last use is written at most this often, so reads stay reads.
const TOUCH_EVERY_MILLIS: i64 = 60_000;

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    Session(AdminSession),
    Token(TokenRecord),
}

/// An authenticated caller of the admin API.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The organization everything the caller sees belongs to.
    pub org_id: String,
    pub credential: Credential,
}

impl Caller {
    /// The caller as the actor of what it changes: the admin, or the token (not the person
    /// who created it).
    pub fn actor(&self) -> Actor {
        match &self.credential {
            Credential::Session(s) => s.actor(),
            Credential::Token(t) => t.actor(),
        }
    }

    /// Whether the caller may do what `scope` covers. Admins may do everything today.
    pub fn allows(&self, scope: Scope) -> bool {
        match &self.credential {
            Credential::Session(_) => true,
            Credential::Token(t) => t.scopes.iter().any(|s| *s == scope || *s == Scope::Admin),
        }
    }

    async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<Caller, AppError> {
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(api_key::bearer);
        let Some(secret) = bearer else {
            let session = AdminSession::from_request_parts(parts, state).await?;
            return Ok(Caller {
                org_id: session.0.org_id.clone(),
                credential: Credential::Session(session),
            });
        };
        if secret.starts_with(api_key::KEY_PREFIX) {
            return Err(AppError::Unauthorized(
                "A directory's SCIM key opens only the SCIM API; send an API token.".into(),
            ));
        }
        let token = state
            .store
            .service_token(&auth::hash_token(secret))
            .await?
            .ok_or_else(|| {
                AppError::Unauthorized("The API token is unknown, expired or revoked.".into())
            })?;
        if token
            .last_used_at
            .is_none_or(|at| now_millis() - at > TOUCH_EVERY_MILLIS)
        {
            state.store.touch_service_token(&token.id).await?;
        }
        Ok(Caller {
            org_id: token.org_id.clone(),
            credential: Credential::Token(token),
        })
    }
}

/// What a handler needs its caller to be allowed.
pub trait Permission: Send + Sync + 'static {
    /// The service-token scope that grants it.
    const SCOPE: Scope;
}

macro_rules! permissions {
    ($($(#[$doc:meta])* $name:ident => $scope:ident,)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl Permission for $name {
            const SCOPE: Scope = Scope::$scope;
        }
    )*};
}

permissions! {
    /// See directories, their users, groups and sync log.
    ReadDirectories => DirectoriesRead,
    /// See sites, products, groups, grants, users and who has access.
    ReadAccess => AccessRead,
    /// Change sites, products, local groups, grants and default groups.
    WriteAccess => AccessWrite,
    /// Read the change feed and users' timelines.
    ReadEvents => EventsRead,
    /// Manage webhook endpoints.
    ManageWebhooks => WebhooksManage,
    /// Everything else: directories and their keys, domains, the audit log, API tokens.
    Administer => Admin,
}

/// A caller allowed `P`; a token without its scope is refused with a 403 naming the scope.
#[derive(Debug, Clone)]
pub struct Can<P>(pub Caller, PhantomData<P>);

impl<P> Deref for Can<P> {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.0
    }
}

impl<P: Permission> FromRequestParts<AppState> for Can<P> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let caller = Caller::authenticate(parts, state).await?;
        if !caller.allows(P::SCOPE) {
            return Err(AppError::Forbidden(format!(
                "This API token lacks the scope `{}`.",
                P::SCOPE.as_str()
            )));
        }
        Ok(Can(caller, PhantomData))
    }
}
