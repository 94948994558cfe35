//! Failed sign-in counting, shared by every replica. A failure counts against three keys, each
//! with its own allowance before attempts wait an exponentially growing delay:
//! - the email from this client address (5): someone mistyping, or guessing from one place;
//! - the email from any address (100): guessing one admin's password from many places;
//! - the address for any email (50): one place trying many admins' passwords.
//!
//! So whoever knows an admin's email cannot lock them out from elsewhere: the owner's own
//! address keeps its allowance until a guessing campaign from many addresses reaches the
//! email's ceiling.
use sqlx::Row;

use crate::store::{db::tx::InTx, now_millis, Store};

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

/// Who is trying to sign in as whom.
#[derive(Debug, Clone, Copy)]
pub struct SignInAttempt<'a> {
    /// Lower-cased.
    pub email: &'a str,
    /// The client's address, as [`crate::http::client`] determines it.
    pub address: &'a str,
}

impl SignInAttempt<'_> {
    /// The keys a failure counts against, with the failures each allows without delay.
    fn keys(&self) -> [(String, i64); 3] {
        [
            (format!("pair:{}|{}", self.email, self.address), 5),
            (format!("email:{}", self.email), 100),
            (format!("address:{}", self.address), 50),
        ]
    }
}

/// The delay after `failures` failures within the window, when `free` are allowed.
fn delay_millis(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let exp = (failures - free).min(20) as u32;
    (1000_i64 << exp).min(MAX_DELAY_MILLIS)
}

fn state(locked_until: i64, now: i64) -> ThrottleState {
    if locked_until > now {
        ThrottleState::Locked(((locked_until - now + 999) / 1000) as u64)
    } else {
        ThrottleState::Allowed
    }
}

impl Store {
    /// Whether `attempt` must wait: the longest lock of its keys.
    pub async fn sign_in_throttle(
        &self,
        attempt: SignInAttempt<'_>,
    ) -> Result<ThrottleState, sqlx::Error> {
        let [(pair, _), (email, _), (address, _)] = attempt.keys();
        let locked_until: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(locked_until) FROM sign_in_failures WHERE throttle_key IN ($1, $2, $3)",
        )
        .bind(pair)
        .bind(email)
        .bind(address)
        .fetch_one(&self.read)
        .await?;
        Ok(state(locked_until.unwrap_or(0), now_millis()))
    }

    /// Counts a failure against each key of `attempt` and returns the resulting lock, if any.
    pub async fn record_sign_in_failure(
        &self,
        attempt: SignInAttempt<'_>,
    ) -> Result<ThrottleState, sqlx::Error> {
        let now = now_millis();
        let mut tx = self.begin().await?;
        let mut locked_until = 0;
        for (key, free) in attempt.keys() {
            let row = sqlx::query(
                "SELECT failures, first_failed_at FROM sign_in_failures WHERE throttle_key = $1",
            )
            .bind(&key)
            .fetch_optional_in(&mut tx)
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
            let until = now + delay_millis(failures, free);
            locked_until = locked_until.max(until);
            sqlx::query(
                "INSERT INTO sign_in_failures (throttle_key, failures, first_failed_at, locked_until) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (throttle_key) DO UPDATE SET failures = $2, first_failed_at = $3, \
                 locked_until = $4",
            )
            .bind(&key)
            .bind(failures)
            .bind(first)
            .bind(until)
            .execute_in(&mut tx)
            .await?;
        }
        tx.commit().await?;
        Ok(state(locked_until, now))
    }

    /// A successful sign-in forgets the failures of its email from its address; the email's
    /// and the address's own counts stay, so a success does not reset a guessing campaign.
    pub async fn clear_sign_in_failures(
        &self,
        attempt: SignInAttempt<'_>,
    ) -> Result<(), sqlx::Error> {
        let [(pair, _), ..] = attempt.keys();
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE throttle_key = $1")
            .bind(pair)
            .execute_in(&mut tx)
            .await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_and_are_capped() {
        assert_eq!(delay_millis(1, 5), 0);
        assert_eq!(delay_millis(4, 5), 0);
        assert_eq!(delay_millis(5, 5), 1000);
        assert_eq!(delay_millis(6, 5), 2000);
        assert_eq!(delay_millis(100, 5), MAX_DELAY_MILLIS);
        assert_eq!(delay_millis(99, 100), 0);
    }
}
