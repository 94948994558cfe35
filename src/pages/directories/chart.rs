//! The overview's activity chart: requests and errors per hour as inline SVG bars, with a
//! text summary that says the same for screen readers and anyone who prefers words. No chart
//! library: a week is 168 bars.
use leptos::prelude::*;
use roster_api_types::directory::HourlyActivity;

use crate::format::{count, datetime, plural};

// Whole numbers only: formatting floats would pull Rust's float printing (~10 KB) into the
// wasm. The view box is in tenths of a unit, so bars still divide it finely.
const WIDTH: u64 = 8400;
const HEIGHT: u64 = 1600;

/// The summary sentence for `hours` of activity.
pub fn summary(hours: &[HourlyActivity]) -> String {
    let requests: u64 = hours.iter().map(|h| h.requests).sum();
    let errors: u64 = hours.iter().map(|h| h.errors).sum();
    let days = hours.len().div_ceil(24);
    if requests == 0 {
        return format!(
            "No requests from the identity provider in the last {}.",
            plural(days as u64, "day", "days")
        );
    }
    let busiest = hours.iter().max_by_key(|h| h.requests);
    let mut text = format!(
        "{} and {} in the last {}.",
        plural(requests, "request", "requests"),
        plural(errors, "error", "errors"),
        plural(days as u64, "day", "days"),
    );
    if let Some(b) = busiest {
        text.push_str(&format!(
            " Busiest hour: {} ({}).",
            datetime(&b.hour),
            plural(b.requests, "request", "requests")
        ));
    }
    text
}

/// Bars for requests, with the errors of the same hour drawn over them.
#[component]
pub fn ActivityChart(hours: Vec<HourlyActivity>) -> impl IntoView {
    let max = hours.iter().map(|h| h.requests).max().unwrap_or(0).max(1);
    let n = (hours.len() as u64).max(1);
    let bar = WIDTH / n;
    let scale = |v: u64| v * (HEIGHT - 40) / max;
    let bars = hours
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let x = i as u64 * bar;
            let rh = scale(h.requests);
            let eh = scale(h.errors);
            let tip = format!(
                "{}: {}, {}",
                datetime(&h.hour),
                plural(h.requests, "request", "requests"),
                plural(h.errors, "error", "errors")
            );
            view! {
                <g>
                    <title>{tip}</title>
                    <rect class="roster-chart__requests" x=x y=HEIGHT - rh width=bar * 4 / 5 height=rh/>
                    <rect class="roster-chart__errors" x=x y=HEIGHT - eh width=bar * 4 / 5 height=eh/>
                </g>
            }
        })
        .collect_view();
    let text = summary(&hours);
    let first = hours.first().map(|h| datetime(&h.hour)).unwrap_or_default();
    view! {
        <figure class="roster-chart">
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                preserveAspectRatio="none"
                role="img"
                aria-labelledby="roster-chart-title roster-chart-desc"
            >
                <title id="roster-chart-title">"Requests and errors per hour"</title>
                <desc id="roster-chart-desc">{text.clone()}</desc>
                <line class="roster-chart__axis" x1="0" y1=HEIGHT x2=WIDTH y2=HEIGHT/>
                {bars}
            </svg>
            <div class="roster-chart__legend" aria-hidden="true">
                <span><span class="roster-chart__key roster-chart__key--requests"></span>"Requests"</span>
                <span><span class="roster-chart__key roster-chart__key--errors"></span>"Errors"</span>
                <span class="roster-chart__scale">{format!("Peak {} per hour · from {first} to now", count(max))}</span>
            </div>
            <figcaption>{text}</figcaption>
        </figure>
    }
}
