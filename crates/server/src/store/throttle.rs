//! Failed sign-in counting, shared by every replica: after a few failures for one email,
//! further attempts wait an exponentially growing delay.
use sqlx::Row;

use super::{now_millis, Store};

/// Failures allowed before delays start.
const FREE_FAILURES: i64 = 5;
/// Failures older than this are forgotten.
const WINDOW_MILLIS: i64 = 15 * 60 * 1000;
/// Longest delay between attempts.
const MAX_DELAY_MILLIS: i64 = 15 * 60 * 1000;

/// Whether an attempt may proceed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleState {
    Allowed,
    /// Locked; retry after this many seconds.
    Locked(u64),
}

/// The delay after `failures` failures within the window.
fn delay_millis(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let exp = (failures - FREE_FAILURES).min(20) as u32;
    (1000_i64 << exp).min(MAX_DELAY_MILLIS)
}

impl Store {
    pub async fn sign_in_throttle(&self, key: &str) -> Result<ThrottleState, sqlx::Error> {
        let locked_until: Option<i64> =
            sqlx::query_scalar("SELECT locked_until FROM sign_in_failures WHERE throttle_key = $1")
                .bind(key)
                .fetch_optional(&self.read)
                .await?;
        let now = now_millis();
        Ok(match locked_until {
            Some(until) if until > now => {
                ThrottleState::Locked(((until - now + 999) / 1000) as u64)
            }
            _ => ThrottleState::Allowed,
        })
    }

    /// Counts a failure and returns the resulting lock, if any.
    pub async fn record_sign_in_failure(&self, key: &str) -> Result<ThrottleState, sqlx::Error> {
        let now = now_millis();
        let mut tx = self.write.begin().await?;
        let row = sqlx::query(
            "SELECT failures, first_failed_at FROM sign_in_failures WHERE throttle_key = $1",
        )
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        let (failures, first) = match row {
            Some(r) => {
                let failures: i64 = r.try_get("failures")?;
                let first: i64 = r.try_get("first_failed_at")?;
                if now - first > WINDOW_MILLIS {
                    (1, now)
                } else {
                    (failures + 1, first)
                }
            }
            None => (1, now),
        };
        let delay = delay_millis(failures);
        sqlx::query(
            "INSERT INTO sign_in_failures (throttle_key, failures, first_failed_at, locked_until) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (throttle_key) DO UPDATE SET failures = $2, first_failed_at = $3, \
             locked_until = $4",
        )
        .bind(key)
        .bind(failures)
        .bind(first)
        .bind(now + delay)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(if delay > 0 {
            ThrottleState::Locked(((delay + 999) / 1000) as u64)
        } else {
            ThrottleState::Allowed
        })
    }

    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<(), sqlx::Error> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE throttle_key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_and_are_capped() {
        assert_eq!(delay_millis(1), 0);
        assert_eq!(delay_millis(4), 0);
        assert_eq!(delay_millis(5), 1000);
        assert_eq!(delay_millis(6), 2000);
        assert_eq!(delay_millis(100), MAX_DELAY_MILLIS);
    }
}
