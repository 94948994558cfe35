//! When a failed delivery is tried again: exponential backoff with jitter, from a few
//! seconds to hours apart, for as long as the endpoint has not been failing for 5 days
//! (then it is disabled). The schedule, with the default unit of 5 seconds: 5 s, 30 s, 2 min,
//! 10 min, 30 min, 1 h, 2 h, 4 h, then every 8 h: the 11th attempt comes about 24 h after
//! the first, and attempts go on every 8 h until the endpoint is disabled.
use std::time::Duration;

use rand::Rng;

/// Multiples of the unit before attempt 2, 3, …; the last repeats.
const STEPS: [u64; 9] = [1, 6, 24, 120, 360, 720, 1440, 2880, 5760];

/// An endpoint failing this long is disabled.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(5 * 24 * 3600);

/// The wait before the next attempt after `failed` attempts (1 or more), ±20%.
pub fn retry_after(failed: i64, unit: Duration) -> Duration {
    let step = STEPS[usize::try_from(failed - 1)
        .unwrap_or(0)
        .min(STEPS.len() - 1)];
    let base = unit.as_millis() as f64 * step as f64;
    let jitter = rand::rng().random_range(0.8..1.2);
    Duration::from_millis((base * jitter) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_grow_and_cover_a_day() {
        let unit = Duration::from_secs(5);
        let mut total = Duration::ZERO;
        let mut last = Duration::ZERO;
        for failed in 1..=12 {
            let wait = retry_after(failed, unit);
            assert!(
                wait.as_secs_f64() >= last.as_secs_f64() * 0.6,
                "roughly growing"
            );
            last = wait;
            total += wait;
        }
        assert!(total > Duration::from_secs(20 * 3600), "{total:?}");
        let first = retry_after(1, unit);
        assert!(first >= Duration::from_secs(4) && first <= Duration::from_secs(6));
    }
}
