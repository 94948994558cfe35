//! Latency recording: one HDR histogram per request kind, merged across workers, reported as
//! JSON (count, errors, requests/s over the phase, p50/p99/max in milliseconds).
use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde_json::{json, Value};

/// Latencies of one request kind, in microseconds.
pub struct Kind {
    hist: Histogram<u64>,
    errors: u64,
}

impl Kind {
    fn new() -> Kind {
        Kind {
            // 1 µs .. 60 s at 3 significant digits; values outside are clamped.
            hist: Histogram::new_with_bounds(1, 60_000_000, 3).expect("constant, valid bounds"),
            errors: 0,
        }
    }
}

/// Per-kind latencies of one phase (or one worker's share of it).
#[derive(Default)]
pub struct Recorder {
    kinds: BTreeMap<&'static str, Kind>,
}

impl Recorder {
    /// Records one request of `kind` that took `took`; `ok` is false for a non-2xx answer.
    pub fn record(&mut self, kind: &'static str, took: Duration, ok: bool) {
        let entry = self.kinds.entry(kind).or_insert_with(Kind::new);
        let micros = (took.as_micros() as u64).clamp(1, 60_000_000);
        let _ = entry.hist.record(micros);
        if !ok {
            entry.errors += 1;
        }
    }

    /// Adds another recorder's samples (workers merge into the phase's recorder).
    pub fn merge(&mut self, other: Recorder) {
        for (name, kind) in other.kinds {
            let entry = self.kinds.entry(name).or_insert_with(Kind::new);
            let _ = entry.hist.add(&kind.hist);
            entry.errors += kind.errors;
        }
    }

    /// Requests recorded over all kinds.
    pub fn total(&self) -> u64 {
        self.kinds.values().map(|k| k.hist.len()).sum()
    }

    /// `{kind: {count, errors, rps, p50_ms, p99_ms, max_ms}}`; `rps` is the kind's count over
    /// the phase's wall time (kinds interleaved in one phase share it).
    pub fn to_json(&self, elapsed: Duration) -> Value {
        let secs = elapsed.as_secs_f64().max(1e-9);
        let mut out = serde_json::Map::new();
        for (name, kind) in &self.kinds {
            out.insert((*name).to_string(), summary(&kind.hist, kind.errors, secs));
        }
        Value::Object(out)
    }
}

fn ms(micros: u64) -> f64 {
    (micros as f64 / 1000.0 * 1000.0).round() / 1000.0
}

fn summary(hist: &Histogram<u64>, errors: u64, secs: f64) -> Value {
    json!({
        "count": hist.len(),
        "errors": errors,
        "rps": (hist.len() as f64 / secs * 10.0).round() / 10.0,
        "p50_ms": ms(hist.value_at_quantile(0.50)),
        "p99_ms": ms(hist.value_at_quantile(0.99)),
        "max_ms": ms(hist.max()),
    })
}

/// A phase's result: wall time, total rate and the per-kind table.
pub fn phase_json(recorder: &Recorder, elapsed: Duration) -> Value {
    let secs = elapsed.as_secs_f64().max(1e-9);
    json!({
        "seconds": (secs * 1000.0).round() / 1000.0,
        "requests": recorder.total(),
        "rps": (recorder.total() as f64 / secs * 10.0).round() / 10.0,
        "kinds": recorder.to_json(elapsed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_summarises() {
        let mut a = Recorder::default();
        a.record("get", Duration::from_millis(2), true);
        let mut b = Recorder::default();
        b.record("get", Duration::from_millis(4), false);
        b.record("post", Duration::from_micros(0), true);
        a.merge(b);
        assert_eq!(a.total(), 3);
        let v = phase_json(&a, Duration::from_secs(1));
        assert_eq!(v["kinds"]["get"]["count"], 2);
        assert_eq!(v["kinds"]["get"]["errors"], 1);
        assert_eq!(v["rps"], 3.0);
        assert!(v["kinds"]["get"]["p99_ms"].as_f64().unwrap_or(0.0) >= 3.9);
    }
}
