//! `target/bench/results.json`, typed: what a run measured, as the bench writes it and the report
//! reads it. Every struct denies unknown fields and no field has a default, so a key renamed in
//! `roster-loadgen`, in `e2e/bench-console.mjs` or here fails the load with its name instead of
//! turning into 0 in BENCHMARKS.md. The loadgen outputs that are stored (a sync, a hammer, a
//! probe) are read into these types as each command returns, so a renamed key stops the run at
//! the first command that prints it, not at the report twenty minutes later.
//!
//! An `Option` stands for `null`: the key is always written, and a missing one is an error
//! (`deserialize_with = "Option::deserialize"` turns off serde's missing-means-`None`). The one
//! key allowed to be absent is a scale step's `groups`, which the probe prints only when asked.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::{Deserialize, Serialize};

/// One run of `cargo xtask bench`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub quick: bool,
    pub machine: Machine,
    pub plan: PlanRecord,
    pub memory: Memory,
    /// Scenario 1: Roster's first sync and steady mix on SQLite.
    pub roster: SyncRun,
    /// Scenario 2: Roster's GET by id against the bare axum ceiling.
    pub ceiling: Ceiling,
    /// Scenario 2: the reference server.
    pub reference: Outcome<Reference>,
    /// Scenario 2: more first syncs of both servers in turn; `null` when the reference did not
    /// run.
    #[serde(deserialize_with = "Option::deserialize")]
    pub sync_rounds: Option<SyncRounds>,
    /// Scenario 3 on SQLite.
    pub scale: Scale,
    /// Scenario 5.
    pub postgres: Outcome<Postgres>,
    /// Scenario 6.
    pub console: Outcome<Console>,
    /// Scenario 8: a product following the first sync (absent in runs from before it).
    #[serde(default = "not_measured")]
    pub integration: Outcome<Integration>,
    /// Wall time per step.
    pub timings: Vec<Timing>,
    /// Wall time of the whole run.
    pub seconds: u64,
}

impl Results {
    /// Reads a results file; an error names the key that is missing or unknown.
    pub fn load(path: &Path) -> Result<Results> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("no results to report: {}", path.display()))?;
        Results::parse(&text).with_context(|| {
            format!(
                "{} does not have the shape this xtask writes (from an older run? run \
                 `cargo xtask bench` again)",
                path.display()
            )
        })
    }

    /// Reads a results document; see [`Results::load`].
    pub fn parse(text: &str) -> Result<Results> {
        Ok(serde_json::from_str(text)?)
    }

    /// Writes the document, pretty-printed, with every key (`null` for what did not run).
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, serde_json::to_string_pretty(self)?)
            .with_context(|| format!("could not write {}", path.display()))
    }
}

/// What the numbers were measured on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Machine {
    pub cpu: String,
    pub cores: u64,
    pub memory_gib: f64,
    pub kernel: String,
    pub rustc: String,
    pub commit: String,
}

/// The run's sizes (a part of [`super::Plan`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRecord {
    pub users: u64,
    pub groups: u64,
    pub concurrency: u64,
    pub steady_seconds: f64,
    pub hammer_seconds: f64,
    pub scale: Vec<u64>,
    pub group_sizes: Vec<u64>,
}

/// Roster's VmRSS in kB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Memory {
    pub idle_kb: u64,
    pub sync_peak_kb: u64,
    pub after_sync_kb: u64,
    /// The largest SQLite scale step, after its probes; `null` when scale had no steps.
    #[serde(deserialize_with = "Option::deserialize")]
    pub largest_scale_users: Option<u64>,
    #[serde(deserialize_with = "Option::deserialize")]
    pub largest_scale_kb: Option<u64>,
    #[serde(deserialize_with = "Option::deserialize")]
    pub largest_scale_peak_kb: Option<u64>,
}

/// `roster-loadgen sync`: a first sync, then the steady mix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRun {
    pub users: u64,
    pub groups: u64,
    pub concurrency: u64,
    pub sync: SyncTotals,
    pub phases: SyncPhases,
    pub page_walk_seen: u64,
    /// A user the sync created (`null` if it created none), for the GET by id.
    #[serde(deserialize_with = "Option::deserialize")]
    pub sample_user_id: Option<String>,
    /// `null` when the steady mix was not asked for.
    #[serde(deserialize_with = "Option::deserialize")]
    pub steady: Option<Phase>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncTotals {
    pub seconds: f64,
    pub requests: u64,
    pub rps: f64,
    pub users_per_second: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncPhases {
    pub users: Phase,
    pub groups: Phase,
    pub page_walk: Phase,
}

/// One phase of requests (also what `roster-loadgen hammer` prints).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub seconds: f64,
    pub requests: u64,
    pub rps: f64,
    pub kinds: BTreeMap<String, KindStats>,
}

/// The latencies of one kind of request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindStats {
    pub count: u64,
    pub errors: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// GET by id of Roster and of the ceiling, in rounds; the round with the median share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ceiling {
    pub roster_get: Phase,
    pub ceiling_get: Phase,
    /// Every round's Roster / ceiling rate, sorted.
    #[serde(deserialize_with = "nan_for_null::vec")]
    pub round_shares: Vec<f64>,
}

/// The reference server's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub version: String,
    pub result: SyncRun,
    pub get: Phase,
    pub idle_rss_kb: u64,
    pub after_rss_kb: u64,
}

/// First syncs of both servers, round by round (the first round is scenario 1's and 2's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRounds {
    pub roster_rps: Vec<f64>,
    pub reference_rps: Vec<f64>,
    #[serde(deserialize_with = "nan_for_null::vec")]
    pub ratios: Vec<f64>,
    #[serde(deserialize_with = "nan_for_null::one")]
    pub median_ratio: f64,
}

/// Scenario 3 on one backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub backend: String,
    pub steps: Vec<ScaleStep>,
    /// `null` with fewer than two steps.
    #[serde(deserialize_with = "Option::deserialize")]
    pub side_by_side: Option<SideBySide>,
}

/// Query latencies at one directory size (p50/p99 over the probe's seconds).
pub type Queries = BTreeMap<String, KindStats>;

/// What `roster-loadgen probe` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    pub users: u64,
    pub queries: Queries,
    /// By group size (members, as text): the group operations' latencies. Printed only with
    /// `--groups`, so the one key that may be absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<BTreeMap<String, Queries>>,
}

/// One step of a scale curve: the probe at that size and how the directory got there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleStep {
    pub users: u64,
    pub queries: Queries,
    /// As in [`Probe::groups`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<BTreeMap<String, Queries>>,
    pub load_seconds: f64,
    pub load_users_added: u64,
    pub group_load_seconds: f64,
    pub rss_kb: u64,
    pub peak_rss_kb: u64,
}

/// The smallest and the largest directory probed in the same seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SideBySide {
    pub small_users: u64,
    pub large_users: u64,
    pub rounds: u64,
    pub queries: BTreeMap<String, SidePair>,
}

/// Median p50s of one lookup over the rounds (`null` if no round measured it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SidePair {
    #[serde(deserialize_with = "Option::deserialize")]
    pub small_p50_ms: Option<f64>,
    #[serde(deserialize_with = "Option::deserialize")]
    pub large_p50_ms: Option<f64>,
}

/// Scenario 5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Postgres {
    pub sync: SyncRun,
    pub scale: Scale,
}

/// Scenario 6: what the browser downloads, and how long its pages take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Console {
    pub sizes: ConsoleSizes,
    pub timing: Outcome<BrowserTiming>,
}

/// The first download, file by file, and apart the chunks pages load on their first visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleSizes {
    pub files: Vec<FileSize>,
    pub total: SizeTotals,
    pub lazy: AssetSizes,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetSizes {
    pub files: Vec<FileSize>,
    pub total: SizeTotals,
}

/// Bytes of one file: raw, gzip -9 and brotli 11.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSize {
    pub file: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeTotals {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// What `e2e/bench-console.mjs` prints. The samples keep the browser's numbers as printed
/// (`213`, not `213.0`), since BENCHMARKS.md shows them as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrowserTiming {
    pub runs: u64,
    pub directories_ms: Vec<serde_json::Number>,
    pub users_table_ms: Vec<serde_json::Number>,
    pub users_table_rows: u64,
    pub median_directories_ms: f64,
    pub median_users_table_ms: f64,
    /// What a first visit of the directories page received, headers and bodies as sent
    /// (compressed), and in how many responses.
    pub first_visit_bytes: u64,
    pub first_visit_requests: u64,
    /// The same page visited again in the same browser: what its HTTP cache did not answer.
    pub repeat_visit_bytes: u64,
    pub repeat_visit_requests: u64,
    /// The directories page on a throttled link (10 Mbit/s, 40 ms per request), first visits.
    pub throttled_directories_ms: Vec<serde_json::Number>,
    pub median_throttled_directories_ms: f64,
}

/// Scenario 8: the first sync with a webhook endpoint receiving every event, then the feed
/// of the sync read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    /// The first sync's requests per second with the endpoint receiving.
    pub sync_rps: f64,
    /// Events the sync wrote (all of them reached the endpoint).
    pub events: u64,
    /// `GET /api/v1/events` read back at this rate (1,000 per page).
    pub feed_events_per_s: f64,
    /// From a SCIM write's commit (`occurredAt`) to its webhook arriving.
    pub webhook_p50_ms: f64,
    pub webhook_p99_ms: f64,
    /// How long after the sync's last request the last webhook arrived.
    pub drain_after_sync_s: f64,
}

fn not_measured<T>() -> Outcome<T> {
    Outcome::skipped("not measured in this run")
}

/// Wall time of one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    pub step: String,
    pub seconds: f64,
}

/// A scenario that may not have run: its result, `{"skipped": why}` or `{"error": what}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Outcome<T> {
    Ran(T),
    Skipped { skipped: String },
    Failed { error: String },
}

impl<T> Outcome<T> {
    pub fn ran(&self) -> Option<&T> {
        match self {
            Outcome::Ran(value) => Some(value),
            _ => None,
        }
    }

    pub fn skipped(why: impl Into<String>) -> Outcome<T> {
        Outcome::Skipped {
            skipped: why.into(),
        }
    }

    /// A failure, with the error's whole chain.
    pub fn failed(error: &anyhow::Error) -> Outcome<T> {
        Outcome::Failed {
            error: format!("{error:#}"),
        }
    }
}

/// By hand rather than `untagged`: an untagged enum answers a renamed key inside the result with
/// "did not match any variant", while this passes the result's own error on, which names it.
impl<'de, T: DeserializeOwned> Deserialize<'de> for Outcome<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if let Some(object) = value.as_object().filter(|object| object.len() == 1) {
            if let Some(why) = object.get("skipped").and_then(|v| v.as_str()) {
                return Ok(Outcome::skipped(why));
            }
            if let Some(what) = object.get("error").and_then(|v| v.as_str()) {
                return Ok(Outcome::Failed {
                    error: what.to_string(),
                });
            }
        }
        T::deserialize(value)
            .map(Outcome::Ran)
            .map_err(D::Error::custom)
    }
}

/// Ratios over a rate of 0 are not finite, and serde_json writes those as `null`; they read back
/// as NaN, which the report shows as it did before the round trip.
mod nan_for_null {
    use serde::{Deserialize, Deserializer};

    pub fn one<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
    }

    pub fn vec<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f64>, D::Error> {
        let values = Vec::<Option<f64>>::deserialize(deserializer)?;
        Ok(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    }
}

/// A document of the shape a full run writes, for tests. Its numbers are those BENCHMARKS.md
/// showed for the run at `7417463` (found again to the last digit the report prints: from it
/// the report rebuilt that page and its charts byte for byte); what the page does not show
/// (`max_ms`, the lazy chunks' names, ids) is made up.
#[cfg(test)]
pub const SAMPLE: &str = include_str!("sample-results.json");

#[cfg(test)]
pub fn sample() -> Results {
    Results::parse(SAMPLE).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_run_round_trips() {
        let results = sample();
        assert!(results.reference.ran().is_some() && results.console.ran().is_some());
        let dir = std::env::temp_dir().join(format!("xtask-results-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("results.json");
        results.save(&path).unwrap();
        let again = Results::load(&path);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(again.unwrap(), results);
    }

    #[test]
    fn skipped_and_failed_scenarios_round_trip() {
        let mut results = sample();
        results.reference = Outcome::failed(&anyhow::anyhow!("pip: no network"));
        results.sync_rounds = None;
        results.postgres = Outcome::skipped("ROSTER_TEST_DATABASE_URL is not set");
        results.scale.side_by_side = None;
        results.memory.largest_scale_kb = None;
        let text = serde_json::to_string(&results).unwrap();
        assert!(text.contains(r#""postgres":{"skipped":"ROSTER_TEST_DATABASE_URL is not set"}"#));
        assert!(text.contains(r#""reference":{"error":"pip: no network"}"#));
        assert_eq!(Results::parse(&text).unwrap(), results);
    }

    /// The error of loading `text`, which must fail.
    fn load_error(text: &str) -> String {
        match Results::parse(text) {
            Ok(_) => panic!("loaded a document that should not load"),
            Err(error) => format!("{error:#}"),
        }
    }

    #[test]
    fn a_renamed_key_fails_with_its_name() {
        // Top level, in a typed struct.
        let renamed = SAMPLE.replacen("\"median_ratio\"", "\"median_ratio_x\"", 1);
        let error = load_error(&renamed);
        assert!(error.contains("median_ratio_x"), "{error}");
        // Inside a scenario that may have been skipped: its own error still comes through.
        let renamed = SAMPLE.replacen("\"median_directories_ms\"", "\"median_dirs_ms\"", 1);
        let error = load_error(&renamed);
        assert!(error.contains("median_dirs_ms"), "{error}");
    }

    #[test]
    fn a_missing_key_fails_with_its_name() {
        let mut value: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
        let users = &mut value["postgres"]["sync"]["phases"]["users"];
        users.as_object_mut().unwrap().remove("rps");
        let error = load_error(&value.to_string());
        assert!(error.contains("missing field `rps`"), "{error}");
        // `null`-able keys are written always, so a missing one is an error too.
        let mut value: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
        value.as_object_mut().unwrap().remove("sync_rounds");
        let error = load_error(&value.to_string());
        assert!(error.contains("missing field `sync_rounds`"), "{error}");
    }

    #[test]
    fn a_ratio_over_zero_survives_the_round_trip() {
        let mut results = sample();
        let rounds = results.sync_rounds.as_mut().unwrap();
        rounds.median_ratio = f64::INFINITY;
        let text = serde_json::to_string(&results).unwrap();
        assert!(text.contains(r#""median_ratio":null"#));
        let again = Results::parse(&text).unwrap();
        assert!(again.sync_rounds.unwrap().median_ratio.is_nan());
    }
}
