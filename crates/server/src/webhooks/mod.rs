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
    events::feed::{FeedError, Position, Types},
    now_millis,
    webhooks::deliveries::{Attempt, Lease},
    Store,
};

/// How long a replica holds an endpoint without renewing: twice the longest send, renewed
/// while it delivers; a replica that dies leaves it to expire, and another takes over.
const LEASE: Duration = Duration::from_secs(30);
/// Events sent per lease before the endpoint is given back (fairness between endpoints).
const BATCH: u32 = 50;
/// Endpoints sent to at once per replica.
const PARALLEL: usize = 16;
/// An idle worker looks again at least this often; with endpoints, a commit (on PostgreSQL,
/// one on another replica too) wakes it sooner. Without any, it only looks this often, so a
/// server without webhooks spends nothing on them.
const IDLE: Duration = Duration::from_secs(1);
/// Shortest time between two rounds.
const COALESCE: Duration = Duration::from_millis(20);

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
                let started = tokio::time::Instant::now();
                match self.round(&slots).await {
                    // No endpoint: commits do not matter until the next look.
                    Ok(false) => tokio::time::sleep(IDLE).await,
                    Ok(true) => {
                        commits::next_commit(IDLE).await;
                        // A sync commits thousands of times a second: one round per
                        // `COALESCE` takes them all, for a few milliseconds of latency.
                        tokio::time::sleep_until(started + COALESCE).await;
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "webhook delivery round failed");
                        tokio::time::sleep(IDLE).await;
                    }
                }
            }
        });
    }

    /// Leases every due endpoint and delivers to each on its own task; `false` when no
    /// endpoint is enabled.
    async fn round(&self, slots: &Arc<Semaphore>) -> Result<bool, sqlx::Error> {
        if !self.store.has_enabled_webhooks().await? {
            return Ok(false);
        }
        self.store.wake_webhooks().await?;
        loop {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return Ok(true);
            };
            let Some(lease) = self
                .store
                .lease_webhook(&self.owner, LEASE.as_millis() as i64)
                .await?
            else {
                return Ok(true);
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

    /// Sends the endpoint's next events in order until one fails or none is left, renewing
    /// the lease between batches.
    async fn deliver(&self, lease: &Lease) -> Result<(), sqlx::Error> {
        let types = types_of(&lease.event_types);
        let mut cursor = lease.cursor;
        let mut attempt = lease.attempt;
        let mut renewed = std::time::Instant::now();
        loop {
            let (events, next) = match self
                .store
                .events_after(&lease.org_id, Some(cursor), &types, BATCH)
                .await
            {
                Ok(read) => read,
                // Events past retention are gone: go on from the oldest kept.
                Err(FeedError::Gone) => {
                    let horizon = self.store.feed_horizon().await?.unwrap_or_default();
                    self.store
                        .advance_webhook(lease, &self.owner, horizon, &[])
                        .await?;
                    return self.release_idle(lease).await;
                }
                Err(FeedError::Db(e)) => return Err(e),
            };
            // The batch's accepted events move the cursor in one transaction with their log
            // entries: a crash before it sends them again, never skips one.
            let mut accepted = Vec::with_capacity(events.len());
            let mut reached = cursor;
            let mut failed = None;
            for event in &events {
                if renewed.elapsed() > LEASE / 3 {
                    if !self
                        .store
                        .renew_webhook_lease(lease, &self.owner, LEASE.as_millis() as i64)
                        .await?
                    {
                        return Ok(());
                    }
                    renewed = std::time::Instant::now();
                }
                attempt += 1;
                let (ok, logged) = self.send(lease, event, attempt).await;
                if !ok {
                    failed = Some(logged);
                    break;
                }
                accepted.push(logged);
                reached = Position::parse(&event.cursor).unwrap_or(next);
                attempt = 0;
            }
            if !accepted.is_empty()
                && !self
                    .store
                    .advance_webhook(lease, &self.owner, reached, &accepted)
                    .await?
            {
                // The lease was lost (expired and taken): the other replica goes on.
                return Ok(());
            }
            if let Some(logged) = failed {
                self.store.log_delivery(&lease.endpoint_id, &logged).await?;
                return self.fail(lease, attempt).await;
            }
            if events.len() < BATCH as usize {
                // Filtered-out events move the cursor too, so they are not read again.
                if next != reached {
                    self.store
                        .advance_webhook(lease, &self.owner, next, &[])
                        .await?;
                }
                return self.release_idle(lease).await;
            }
            cursor = next;
        }
    }

    async fn release_idle(&self, lease: &Lease) -> Result<(), sqlx::Error> {
        let next = now_millis() + IDLE.as_millis() as i64;
        self.store
            .release_webhook(lease, &self.owner, next, None)
            .await
    }

    /// One attempt: whether the receiver accepted the event, and the attempt to log.
    async fn send<'e>(&self, lease: &Lease, event: &'e Event, attempt: i64) -> (bool, Attempt<'e>) {
        let payload = serde_json::to_string(event).unwrap_or_default();
        let outcome = self
            .sender
            .send(&lease.url, &event.id, &payload, &lease.secrets)
            .await;
        let ok = outcome.succeeded();
        let logged = Attempt {
            event_id: &event.id,
            event_type: &event.type_,
            attempt,
            succeeded: ok,
            status: outcome.status,
            latency_ms: outcome.latency_ms,
            error: outcome.error,
            response_excerpt: outcome.excerpt,
        };
        (ok, logged)
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
