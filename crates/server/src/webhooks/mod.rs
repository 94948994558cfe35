//! Webhook delivery, driven by the change feed. Each replica runs one worker: it leases due
//! endpoints (one replica per endpoint at a time), sends each its next events in feed order,
//! and moves the endpoint's cursor past an event only once the receiver answered 2xx. Delivery
//! is at least once: a crash between the answer and the cursor's move sends the event again,
//! with the same `webhook-id`, so a receiver can skip what it has seen.
pub mod schedule;
pub mod send;

use std::{sync::Arc, time::Duration};

use roster_api_types::event::Event;
use tokio::sync::Semaphore;

use crate::store::{
    db::commits,
    events::feed::{FeedError, Types},
    now_millis,
    webhooks::deliveries::{Attempt, Lease},
    Store,
};

/// How long a replica holds an endpoint without renewing: longer than any one send.
const LEASE: Duration = Duration::from_secs(60);
/// Events sent per lease before the endpoint is given back (fairness between endpoints).
const BATCH: u32 = 50;
/// Endpoints sent to at once per replica.
const PARALLEL: usize = 16;
/// An idle worker looks again at least this often; a commit (on PostgreSQL, one on another
/// replica too) wakes it sooner.
const IDLE: Duration = Duration::from_secs(1);

/// The delivery worker's settings.
#[derive(Clone)]
pub struct Worker {
    pub store: Store,
    pub sender: send::Sender,
    /// The first retry's wait; later ones are multiples ([`schedule`]).
    pub retry_unit: Duration,
    /// This replica, as the lease owner.
    pub owner: String,
}

/// The event types an endpoint wants, as the feed filters them.
pub fn types_of(event_types: &[String]) -> Types {
    let mut types = Types::default();
    for t in event_types {
        match t.strip_suffix(".*") {
            Some(family) => types.families.push(family.to_owned()),
            None => types.exact.push(t.clone()),
        }
    }
    types
}

impl Worker {
    /// Runs until the process ends.
    pub fn spawn(self) {
        tokio::spawn(async move {
            let slots = Arc::new(Semaphore::new(PARALLEL));
            loop {
                match self.round(&slots).await {
                    Ok(()) => {}
                    Err(err) => tracing::warn!(error = %err, "webhook delivery round failed"),
                }
                commits::next_commit(IDLE).await;
            }
        });
    }

    /// Leases every due endpoint and delivers to each on its own task.
    async fn round(&self, slots: &Arc<Semaphore>) -> Result<(), sqlx::Error> {
        if !self.store.has_enabled_webhooks().await? {
            return Ok(());
        }
        self.store.wake_webhooks().await?;
        loop {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return Ok(());
            };
            let Some(lease) = self
                .store
                .lease_webhook(&self.owner, LEASE.as_millis() as i64)
                .await?
            else {
                return Ok(());
            };
            let worker = self.clone();
            tokio::spawn(async move {
                if let Err(err) = worker.deliver(&lease).await {
                    tracing::warn!(error = %err, endpoint = %lease.endpoint_id, "webhook delivery failed");
                    let _ = worker
                        .store
                        .release_webhook(&lease, &worker.owner, now_millis() + 5_000, None)
                        .await;
                }
                drop(permit);
            });
        }
    }

    /// Sends the endpoint's next events in order until one fails or none is left.
    async fn deliver(&self, lease: &Lease) -> Result<(), sqlx::Error> {
        let types = types_of(&lease.event_types);
        let (events, next) = match self
            .store
            .events_after(&lease.org_id, Some(lease.cursor), &types, BATCH)
            .await
        {
            Ok(read) => read,
            // Events past retention are gone: go on from the oldest kept.
            Err(FeedError::Gone) => {
                let horizon = self.store.feed_horizon().await?.unwrap_or_default();
                self.store
                    .advance_webhook(lease, &self.owner, horizon)
                    .await?;
                return self.release_idle(lease).await;
            }
            Err(FeedError::Db(e)) => return Err(e),
        };
        let mut attempt = lease.attempt;
        for event in &events {
            attempt += 1;
            let outcome = self.send(lease, event, attempt).await?;
            if !outcome {
                return self.fail(lease, attempt).await;
            }
            let at = crate::store::events::feed::Position::parse(&event.cursor).unwrap_or(next);
            if !self.store.advance_webhook(lease, &self.owner, at).await? {
                // The lease was lost (expired and taken): the other replica goes on.
                return Ok(());
            }
            attempt = 0;
        }
        // Filtered-out events move the cursor too, so they are not read again.
        if events.len() < BATCH as usize {
            self.store.advance_webhook(lease, &self.owner, next).await?;
            self.release_idle(lease).await
        } else {
            // More to send: due again at once.
            self.store
                .release_webhook(lease, &self.owner, now_millis(), None)
                .await
        }
    }

    async fn release_idle(&self, lease: &Lease) -> Result<(), sqlx::Error> {
        let next = now_millis() + IDLE.as_millis() as i64;
        self.store
            .release_webhook(lease, &self.owner, next, None)
            .await
    }

    /// One attempt, logged. Returns whether the receiver accepted the event.
    async fn send(&self, lease: &Lease, event: &Event, attempt: i64) -> Result<bool, sqlx::Error> {
        let payload = serde_json::to_string(event).unwrap_or_default();
        let outcome = self
            .sender
            .send(&lease.url, &event.id, &payload, &lease.secrets)
            .await;
        let ok = outcome.succeeded();
        self.store
            .log_delivery(
                &lease.endpoint_id,
                &Attempt {
                    event_id: &event.id,
                    event_type: &event.type_,
                    attempt,
                    succeeded: ok,
                    status: outcome.status,
                    latency_ms: outcome.latency_ms,
                    error: outcome.error,
                    response_excerpt: outcome.excerpt,
                },
            )
            .await?;
        Ok(ok)
    }

    /// A failed attempt: try again later, or disable an endpoint failing for 5 days.
    async fn fail(&self, lease: &Lease, attempt: i64) -> Result<(), sqlx::Error> {
        let now = now_millis();
        let since = lease.failing_since.unwrap_or(now);
        if now - since >= schedule::GIVE_UP_AFTER.as_millis() as i64 {
            let reason = "Deliveries failed for 5 days; fix the receiver, then enable it again.";
            return self.store.disable_failing_webhook(lease, reason).await;
        }
        let wait = schedule::retry_after(attempt, self.retry_unit);
        self.store
            .release_webhook(
                lease,
                &self.owner,
                now + wait.as_millis() as i64,
                Some((attempt, since)),
            )
            .await
    }
}
