//! Above the delivery log: successes and failures per hour for the last 24 hours, counted from
//! the log itself, as inline SVG bars with a text summary that says the same for screen
//! readers. The counting is plain Rust, tested natively.
use leptos::prelude::*;
use roster_api_types::webhook::WebhookDelivery;

use crate::format::{now_millis, parse_millis, plural};

const HOUR_MS: i64 = 3_600_000;
const HOURS: usize = 24;
// Whole numbers in a view box of tenths, as in the directory chart: no float printing.
const WIDTH: u64 = 2400;
const HEIGHT: u64 = 800;

/// One hour's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HourCount {
    pub succeeded: u64,
    pub failed: u64,
}

/// The last [`HOURS`] hours up to `now_ms`, oldest first, the last being the current hour:
/// attempts at `(at_ms, succeeded)` counted into the hour they fall in; older ones and ones in
/// the future are left out.
pub fn per_hour(attempts: &[(i64, bool)], now_ms: i64) -> Vec<HourCount> {
    let current = now_ms.div_euclid(HOUR_MS);
    let first = current - (HOURS as i64 - 1);
    let mut hours = vec![HourCount::default(); HOURS];
    for (at, succeeded) in attempts {
        let hour = at.div_euclid(HOUR_MS);
        if hour < first || hour > current {
            continue;
        }
        let slot = &mut hours[(hour - first) as usize];
        if *succeeded {
            slot.succeeded += 1;
        } else {
            slot.failed += 1;
        }
    }
    hours
}

/// The sentence the chart says.
pub fn summary(hours: &[HourCount]) -> String {
    let ok: u64 = hours.iter().map(|h| h.succeeded).sum();
    let failed: u64 = hours.iter().map(|h| h.failed).sum();
    if ok + failed == 0 {
        return "No deliveries in the last 24 hours.".to_owned();
    }
    format!(
        "{} and {} in the last 24 hours.",
        plural(ok, "delivery succeeded", "deliveries succeeded"),
        plural(failed, "failed", "failed"),
    )
}

/// The chart for `log`, newest first as the server sends it.
#[component]
pub fn DeliveryChart(log: Vec<WebhookDelivery>) -> impl IntoView {
    let attempts: Vec<(i64, bool)> = log
        .iter()
        .filter_map(|d| parse_millis(&d.at).map(|ms| (ms as i64, d.succeeded)))
        .collect();
    let hours = per_hour(&attempts, now_millis() as i64);
    let max = hours
        .iter()
        .map(|h| h.succeeded + h.failed)
        .max()
        .unwrap_or(0)
        .max(1);
    let bar = WIDTH / HOURS as u64;
    let scale = |v: u64| v * (HEIGHT - 20) / max;
    let bars = hours
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let x = i as u64 * bar;
            let ok = scale(h.succeeded);
            let bad = scale(h.failed);
            let ago = HOURS - 1 - i;
            let when = match ago {
                0 => "This hour".to_owned(),
                1 => "1 hour ago".to_owned(),
                n => format!("{n} hours ago"),
            };
            let tip = format!("{when}: {} succeeded, {} failed", h.succeeded, h.failed);
            view! {
                <g>
                    <title>{tip}</title>
                    <rect class="roster-chart__requests" x=x y=HEIGHT - ok width=bar * 4 / 5 height=ok/>
                    <rect class="roster-chart__errors" x=x y=HEIGHT - ok - bad width=bar * 4 / 5 height=bad/>
                </g>
            }
        })
        .collect_view();
    let text = summary(&hours);
    view! {
        <figure class="roster-chart roster-chart--small">
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                preserveAspectRatio="none"
                role="img"
                aria-labelledby="roster-deliveries-chart-title roster-deliveries-chart-desc"
            >
                <title id="roster-deliveries-chart-title">"Deliveries per hour, last 24 hours"</title>
                <desc id="roster-deliveries-chart-desc">{text.clone()}</desc>
                <line class="roster-chart__axis" x1="0" y1=HEIGHT x2=WIDTH y2=HEIGHT/>
                {bars}
            </svg>
            <div class="roster-chart__legend" aria-hidden="true">
                <span><span class="roster-chart__key roster-chart__key--requests"></span>"Succeeded"</span>
                <span><span class="roster-chart__key roster-chart__key--errors"></span>"Failed"</span>
                <span class="roster-chart__scale">{format!("Peak {max} per hour · 24 hours ago to now")}</span>
            </div>
            <figcaption>{text}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_fall_into_their_hour() {
        let now = 100 * HOUR_MS + 30 * 60_000;
        let attempts = [
            (now, true),
            (now - 60_000, false),
            (100 * HOUR_MS, true),
            (99 * HOUR_MS + 1, false),
            (77 * HOUR_MS, true),
            (76 * HOUR_MS + 59 * 60_000, true),
            (now + HOUR_MS, true),
        ];
        let hours = per_hour(&attempts, now);
        assert_eq!(hours.len(), 24);
        assert_eq!(
            hours[23],
            HourCount {
                succeeded: 2,
                failed: 1
            }
        );
        assert_eq!(
            hours[22],
            HourCount {
                succeeded: 0,
                failed: 1
            }
        );
        assert_eq!(
            hours[0],
            HourCount {
                succeeded: 1,
                failed: 0
            }
        );
        let total: u64 = hours.iter().map(|h| h.succeeded + h.failed).sum();
        assert_eq!(
            total, 5,
            "the one before the window and the one after are left out"
        );
    }

    #[test]
    fn the_summary_reads_naturally() {
        assert_eq!(summary(&[]), "No deliveries in the last 24 hours.");
        let hours = [
            HourCount {
                succeeded: 1,
                failed: 0,
            },
            HourCount {
                succeeded: 2,
                failed: 1,
            },
        ];
        assert_eq!(
            summary(&hours),
            "3 deliveries succeeded and 1 failed in the last 24 hours."
        );
    }
}
