//! Per-directory rate limiting of SCIM requests: a token bucket per directory, per replica.
//! The default (100/s with bursts of 1,000) is far above what Okta or Entra send (about
//! 25/s), so it only stops a runaway client. The limiter is held in the shared state and
//! checked by [`crate::scim::middleware`].
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

/// Token buckets keyed by directory id.
#[derive(Clone)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Arc<Mutex<HashMap<String, (f64, Instant)>>>,
}

impl RateLimiter {
    /// `rate` requests per second with bursts of `burst`; a rate of 0 disables limiting.
    pub fn new(rate: u32, burst: u32) -> RateLimiter {
        RateLimiter {
            rate: f64::from(rate),
            burst: f64::from(burst.max(1)),
            buckets: Arc::default(),
        }
    }

    /// Takes a token for `directory_id`: `Ok` to proceed, or `Err(seconds)` to wait.
    pub fn check(&self, directory_id: &str) -> Result<(), u64> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = match self.buckets.lock() {
            Ok(b) => b,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (tokens, last) = buckets
            .entry(directory_id.to_owned())
            .or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_burst_then_refuses_with_a_wait() {
        let limiter = RateLimiter::new(1, 3);
        assert!(limiter.check("d").is_ok());
        assert!(limiter.check("d").is_ok());
        assert!(limiter.check("d").is_ok());
        assert_eq!(limiter.check("d"), Err(1));
        // Other directories have their own bucket.
        assert!(limiter.check("e").is_ok());
    }

    #[test]
    fn zero_rate_means_unlimited() {
        let limiter = RateLimiter::new(0, 0);
        for _ in 0..10_000 {
            assert!(limiter.check("d").is_ok());
        }
    }
}
