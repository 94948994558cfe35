//! State shared by every handler: the store and the resolved configuration.
use std::sync::Arc;

use crate::{config::Config, rate_limit::RateLimiter, store::Store, sync_log::SyncLog};

/// Cloned by every layer and extractor of every request: one reference count, not one per
/// field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub store: Store,
    pub config: Arc<Config>,
    /// A valid argon2 hash of a random password: sign-in verifies against it when the email
    /// is unknown, so response time does not reveal which emails are admins.
    pub decoy_hash: Arc<str>,
    /// The sync log's batching writer.
    pub sync_log: SyncLog,
    /// Per-directory SCIM rate limits.
    pub scim_limiter: RateLimiter,
    /// Webhooks' outbound client (the worker has its own clone).
    pub webhook_sender: crate::webhooks::send::Sender,
}

impl AppState {
    pub async fn new(store: Store, config: Config) -> anyhow::Result<AppState> {
        let decoy_hash = crate::auth::password::hash(crate::auth::random_token(24)).await?;
        let webhook_sender = crate::webhooks::send::Sender::new(config.webhook_allow_private)?;
        crate::webhooks::Worker {
            store: store.clone(),
            sender: webhook_sender.clone(),
            retry_unit: config.webhook_retry_unit,
            owner: crate::store::new_id(),
        }
        .spawn();
        Ok(AppState(Arc::new(Shared {
            webhook_sender,
            sync_log: SyncLog::start(store.clone()),
            scim_limiter: RateLimiter::new(config.scim_rate_limit, config.scim_rate_burst),
            store,
            config: Arc::new(config),
            decoy_hash: decoy_hash.into(),
        })))
    }

    /// The same state under another configuration (tests change settings read per request).
    pub fn with_config(&self, config: Config) -> AppState {
        AppState(Arc::new(Shared {
            store: self.store.clone(),
            config: Arc::new(config),
            decoy_hash: self.decoy_hash.clone(),
            sync_log: self.sync_log.clone(),
            scim_limiter: self.scim_limiter.clone(),
            webhook_sender: self.webhook_sender.clone(),
        }))
    }

    /// The URL clients reach this server at, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.config.public_url {
            Some(url) => url.clone(),
            None => format!("http://{}", self.config.listen),
        }
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
