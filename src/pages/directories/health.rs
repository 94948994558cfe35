//! A directory's health as badges: recent errors, a key about to expire, no sync yet. The
//! directories list shows it per row, a directory's Overview tab next to its counts.
use leptos::prelude::*;
use roster_api_types::directory::Directory;

use crate::components::{Badge, Tone};
use crate::format::{days_until, plural};

/// Keys expiring within this many days are flagged.
pub const KEY_WARNING_DAYS: i64 = 30;

/// Badges for what needs attention: recent errors, a key about to expire, no sync yet.
pub fn health(d: &Directory) -> impl IntoView {
    let mut badges = Vec::new();
    if d.errors_last_24h > 0 {
        badges.push((
            Tone::Bad,
            format!("{} in 24 h", plural(d.errors_last_24h, "error", "errors")),
        ));
    }
    match days_until(&d.api_key.expires_at) {
        Some(days) if days < 0 => badges.push((Tone::Bad, "Key expired".to_owned())),
        Some(days) if days <= KEY_WARNING_DAYS => badges.push((
            Tone::Warning,
            format!("Key expires in {}", plural(days as u64, "day", "days")),
        )),
        _ => {}
    }
    if badges.is_empty() {
        badges.push(match d.last_request_at {
            Some(_) => (Tone::Good, "Healthy".to_owned()),
            None => (Tone::Neutral, "Waiting for first sync".to_owned()),
        });
    }
    view! {
        <span class="roster-badges">
            {badges.into_iter().map(|(tone, text)| view! { <Badge tone text/> }).collect_view()}
        </span>
    }
}
