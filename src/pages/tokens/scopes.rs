//! How the pages name a token's scopes and status: each [`Scope`] in words with what it
//! allows, and the status badge (Active, Expires in N days, Expired, Revoked), whose rules are
//! plain Rust so they are tested natively.
use leptos::prelude::*;
use roster_api_types::token::{Scope, ServiceToken};

use crate::components::{Badge, Tone};
use crate::format::{now_millis, parse_millis};

/// Tokens that expire within this many days are flagged.
const WARN_DAYS: i64 = 30;

/// A scope's name in words and one line on what it allows.
pub fn scope_words(scope: Scope) -> (&'static str, &'static str) {
    match scope {
        Scope::DirectoriesRead => (
            "Read directories",
            "Directories with their users, groups and sync log; never their API keys.",
        ),
        Scope::AccessRead => (
            "Read access",
            "Sites, products, groups, grants and who has access to what.",
        ),
        Scope::AccessWrite => (
            "Change access",
            "Change sites, products, local groups, grants and default groups.",
        ),
        Scope::EventsRead => ("Read events", "The change feed and each user's timeline."),
        Scope::WebhooksManage => ("Manage webhooks", "Webhook endpoints and their deliveries."),
        Scope::Admin => (
            "Full admin",
            "Everything an admin can do, including directory keys, domains, the audit log and \
             API tokens. Covers every other scope.",
        ),
    }
}

/// The scopes as a list of their wire names.
pub fn scope_list(scopes: &[Scope]) -> impl IntoView {
    let items = scopes
        .iter()
        .map(|s| view! { <li><code>{s.as_str()}</code></li> })
        .collect_view();
    view! { <ul class="roster-inline-list">{items}</ul> }
}

/// Where a token stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenStatus {
    Active,
    /// Works, and expires within [`WARN_DAYS`]: in this many days (at least 1).
    ExpiresSoon(i64),
    Expired,
    Revoked,
}

impl TokenStatus {
    /// The status of a token, revoked or not, with `ms_left` until it expires (`None` when the
    /// expiry could not be read, which the server never sends).
    pub fn of(revoked: bool, ms_left: Option<f64>) -> TokenStatus {
        if revoked {
            return TokenStatus::Revoked;
        }
        let Some(ms) = ms_left else {
            return TokenStatus::Active;
        };
        if ms <= 0.0 {
            return TokenStatus::Expired;
        }
        // A part of a day counts as a day: a token made for 30 days says 30 days, not 29.
        let days = (ms / 86_400_000.0).ceil() as i64;
        if days <= WARN_DAYS {
            TokenStatus::ExpiresSoon(days)
        } else {
            TokenStatus::Active
        }
    }

    /// The status of `token` now.
    pub fn now(token: &ServiceToken) -> TokenStatus {
        let left = parse_millis(&token.expires_at).map(|at| at - now_millis());
        TokenStatus::of(token.revoked_at.is_some(), left)
    }

    /// Whether the token still opens the API, so it can be revoked.
    pub fn works(self) -> bool {
        matches!(self, TokenStatus::Active | TokenStatus::ExpiresSoon(_))
    }

    /// The badge's text and tone.
    pub fn label(self) -> (String, Tone) {
        match self {
            TokenStatus::Active => ("Active".to_owned(), Tone::Good),
            TokenStatus::ExpiresSoon(1) => ("Expires in 1 day".to_owned(), Tone::Warning),
            TokenStatus::ExpiresSoon(n) => (format!("Expires in {n} days"), Tone::Warning),
            TokenStatus::Expired => ("Expired".to_owned(), Tone::Bad),
            TokenStatus::Revoked => ("Revoked".to_owned(), Tone::Neutral),
        }
    }
}

/// The status badge.
pub fn status_badge(status: TokenStatus) -> impl IntoView {
    let (text, tone) = status.label();
    view! { <Badge tone text/> }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: f64 = 86_400_000.0;

    #[test]
    fn statuses_follow_revocation_then_expiry() {
        assert_eq!(
            TokenStatus::of(true, Some(100.0 * DAY)),
            TokenStatus::Revoked
        );
        assert_eq!(TokenStatus::of(true, Some(-DAY)), TokenStatus::Revoked);
        assert_eq!(TokenStatus::of(false, Some(-1.0)), TokenStatus::Expired);
        assert_eq!(TokenStatus::of(false, Some(0.0)), TokenStatus::Expired);
        assert_eq!(
            TokenStatus::of(false, Some(365.0 * DAY)),
            TokenStatus::Active
        );
        assert_eq!(
            TokenStatus::of(false, Some(30.5 * DAY)),
            TokenStatus::Active
        );
        assert_eq!(
            TokenStatus::of(false, Some(30.0 * DAY - 5.0)),
            TokenStatus::ExpiresSoon(30)
        );
        assert_eq!(
            TokenStatus::of(false, Some(3_600_000.0)),
            TokenStatus::ExpiresSoon(1)
        );
        assert_eq!(TokenStatus::of(false, None), TokenStatus::Active);
    }

    #[test]
    fn only_working_tokens_can_be_revoked_and_labels_read_naturally() {
        assert!(TokenStatus::Active.works());
        assert!(TokenStatus::ExpiresSoon(3).works());
        assert!(!TokenStatus::Expired.works());
        assert!(!TokenStatus::Revoked.works());
        assert_eq!(TokenStatus::ExpiresSoon(1).label().0, "Expires in 1 day");
        assert_eq!(
            TokenStatus::ExpiresSoon(12).label(),
            ("Expires in 12 days".to_owned(), Tone::Warning)
        );
        assert_eq!(TokenStatus::Expired.label().1, Tone::Bad);
    }

    #[test]
    fn every_scope_is_explained() {
        for scope in Scope::ALL {
            let (name, line) = scope_words(scope);
            assert!(!name.is_empty() && line.ends_with('.'), "{scope:?}");
        }
    }
}
