//! An endpoint's health as a badge: Healthy, Failing since … (with the next attempt), Paused,
//! or Disabled with Roster's reason. Which one applies is plain Rust, tested natively.
use leptos::prelude::*;
use roster_api_types::webhook::Webhook;

use crate::components::{Badge, Tone};
use crate::format::{datetime, relative};

/// Where an endpoint stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Health {
    Healthy,
    /// Deliveries fail since this time (RFC 3339); the next attempt, when one is planned.
    Failing {
        since: String,
        next_attempt: Option<String>,
    },
    /// An admin paused deliveries.
    Paused,
    /// Roster stopped deliveries after failing too long, for this reason.
    Disabled(String),
}

impl Health {
    pub fn of(webhook: &Webhook) -> Health {
        if !webhook.enabled {
            return match &webhook.disabled_reason {
                Some(reason) => Health::Disabled(reason.clone()),
                None => Health::Paused,
            };
        }
        match &webhook.failing_since {
            Some(since) => Health::Failing {
                since: since.clone(),
                next_attempt: webhook.next_attempt_at.clone(),
            },
            None => Health::Healthy,
        }
    }
}

/// The badge, with the next attempt or the reason beside it.
pub fn health_badge(webhook: &Webhook) -> AnyView {
    match Health::of(webhook) {
        Health::Healthy => view! { <Badge tone=Tone::Good text="Healthy"/> }.into_any(),
        Health::Paused => view! { <Badge tone=Tone::Neutral text="Paused"/> }.into_any(),
        Health::Failing {
            since,
            next_attempt,
        } => {
            let text = format!("Failing since {}", datetime(&since));
            let next = next_attempt.map(|at| {
                view! {
                    <span class="roster-cell-note" title=datetime(&at)>
                        {format!("Next attempt {}", relative(&at))}
                    </span>
                }
            });
            view! { <Badge tone=Tone::Bad text/> {next} }.into_any()
        }
        Health::Disabled(reason) => view! {
            <Badge tone=Tone::Bad text="Disabled"/>
            <span class="roster-cell-note">{reason}</span>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook() -> Webhook {
        Webhook {
            id: "w".into(),
            url: "https://example.com/hook".into(),
            event_types: vec![],
            description: String::new(),
            enabled: true,
            disabled_reason: None,
            created_at: "2026-01-01T00:00:00Z".into(),
            failing_since: None,
            next_attempt_at: None,
            succeeded_24h: 0,
            failed_24h: 0,
            previous_secret_valid_until: None,
        }
    }

    #[test]
    fn pausing_and_disabling_come_before_failing() {
        assert_eq!(Health::of(&hook()), Health::Healthy);
        let failing = Webhook {
            failing_since: Some("2026-01-01T01:00:00Z".into()),
            next_attempt_at: Some("2026-01-01T01:05:00Z".into()),
            ..hook()
        };
        assert!(matches!(
            Health::of(&failing),
            Health::Failing {
                next_attempt: Some(_),
                ..
            }
        ));
        let paused = Webhook {
            enabled: false,
            ..failing.clone()
        };
        assert_eq!(Health::of(&paused), Health::Paused);
        let disabled = Webhook {
            enabled: false,
            disabled_reason: Some("Failing for 5 days.".into()),
            ..failing
        };
        assert_eq!(
            Health::of(&disabled),
            Health::Disabled("Failing for 5 days.".into())
        );
    }
}
