//! `roster-loadgen`, the measuring instrument (`crates/loadgen`): one function per subcommand
//! the bench runs, each returning what the command printed, typed. The outputs the bench keeps
//! are [`super::results`] types, which deny unknown keys so that results.json keeps all of them.
//! The ones it only acts on are here, and name only the keys it uses (a missing one is still an
//! error); the loader's output, which goes back to the probe as a file, is typed in full.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Result;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

use super::child;
use super::results::{Phase, Queries, SyncRun};
use super::Plan;
use crate::process;

/// `roster-loadgen directory`: a directory created through the admin API, as the console does.
#[derive(Debug, Deserialize)]
pub struct Directory {
    pub base_url: String,
    pub api_key: String,
}

/// `roster-loadgen load`: users (and groups) written straight through the server's store.
/// Written back to a file for `probe --load-json`, which reads `groups` and `spare_user_ids`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Loaded {
    pub directory_id: String,
    /// The new directory's key; `null` when the load grew an existing directory.
    pub api_key: Option<String>,
    pub users: u64,
    pub users_added: u64,
    pub users_seconds: f64,
    pub groups: Vec<LoadedGroup>,
    pub groups_seconds: f64,
    pub spare_user_ids: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadedGroup {
    pub size: u64,
    pub id: String,
}

/// `roster-loadgen probe --lookups-only`, with a second directory probed in turn.
#[derive(Debug, Deserialize)]
pub struct LookupProbe {
    pub queries: Queries,
    /// The second directory's lookups; `null` without `--beside-base-url`.
    #[serde(deserialize_with = "Option::deserialize")]
    pub beside: Option<Beside>,
}

#[derive(Debug, Deserialize)]
pub struct Beside {
    pub queries: Queries,
}

/// `roster-loadgen pg-schema`: a fresh schema and a database URL that uses it.
#[derive(Debug, Deserialize)]
pub struct PgSchema {
    pub schema: String,
    pub url: String,
}

/// Runs `roster-loadgen ARGS` and reads what it prints as a `T`.
/// What `roster-loadgen integration` prints.
#[derive(Debug, Deserialize)]
pub struct IntegrationRun {
    pub sync: SyncRate,
    pub events: u64,
    pub feed_events_per_s: f64,
    pub webhook: WebhookTimes,
}

#[derive(Debug, Deserialize)]
pub struct SyncRate {
    pub rps: f64,
}

#[derive(Debug, Deserialize)]
pub struct WebhookTimes {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub drain_after_sync_s: f64,
}

/// Scenario 8 against a Roster that allows a loopback webhook endpoint.
pub fn integration(plan: &Plan, url: &str, email: &str, password: &str) -> Result<IntegrationRun> {
    run(&owned(&[
        "integration",
        "--url",
        url,
        "--email",
        email,
        "--password",
        password,
        "--users",
        &plan.users.to_string(),
        "--groups",
        &plan.groups.to_string(),
        "--concurrency",
        &plan.concurrency.to_string(),
    ]))
}

fn run<T: DeserializeOwned>(args: &[String]) -> Result<T> {
    let mut cmd = Command::new(process::target_dir().join("release/roster-loadgen"));
    cmd.args(args);
    // The longest step (loading 900,000 users) takes a few minutes; nothing should take 20.
    child::last_json_line(&mut cmd, Duration::from_secs(1200))
}

fn owned(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Scenario 1 against the SCIM base URL `base`: a first sync, then `steady_seconds` of the
/// steady mix, all of it within `max_seconds`.
pub fn sync(
    plan: &Plan,
    base: &str,
    token: Option<&str>,
    prefix: &str,
    max_seconds: f64,
    steady_seconds: f64,
) -> Result<SyncRun> {
    let mut args = owned(&[
        "sync",
        "--base-url",
        base,
        "--users",
        &plan.users.to_string(),
        "--groups",
        &plan.groups.to_string(),
        "--concurrency",
        &plan.concurrency.to_string(),
        "--steady-seconds",
        &steady_seconds.to_string(),
        "--max-seconds",
        &max_seconds.to_string(),
        "--prefix",
        prefix,
    ]);
    if let Some(token) = token {
        args.extend(owned(&["--token", token]));
    }
    run(&args)
}

/// GETs `url` as fast as the plan's concurrency allows, for `seconds`.
pub fn hammer(plan: &Plan, url: &str, token: Option<&str>, seconds: f64) -> Result<Phase> {
    let mut args = owned(&[
        "hammer",
        "--url",
        url,
        "--concurrency",
        &plan.concurrency.to_string(),
        "--seconds",
        &seconds.to_string(),
    ]);
    if let Some(token) = token {
        args.extend(owned(&["--token", token]));
    }
    run(&args)
}

/// A new directory on the Roster server at `url`, signed in as its admin.
pub fn directory(url: &str, email: &str, password: &str) -> Result<Directory> {
    run(&owned(&[
        "directory",
        "--url",
        url,
        "--email",
        email,
        "--password",
        password,
    ]))
}

/// Loads the directory `directory_id` (a new one if `None`) up to `users` users, and the groups
/// of `group_sizes` if given.
pub fn load(
    database_url: &str,
    users: u64,
    directory_id: Option<&str>,
    group_sizes: Option<&[u64]>,
) -> Result<Loaded> {
    let mut args = owned(&[
        "load",
        "--database-url",
        database_url,
        "--users",
        &users.to_string(),
    ]);
    if let Some(id) = directory_id {
        args.extend(owned(&["--directory-id", id]));
    }
    if let Some(sizes) = group_sizes {
        let sizes: Vec<String> = sizes.iter().map(u64::to_string).collect();
        args.extend(["--group-sizes".to_string(), sizes.join(",")]);
    }
    run(&args)
}

/// Scenario 3's probe of a loaded directory at `base_url` (its loader output in `load_json`),
/// with `extra` flags; `T` is [`super::results::Probe`] or [`LookupProbe`].
pub fn probe<T: DeserializeOwned>(
    plan: &Plan,
    base_url: &str,
    token: &str,
    load_json: &Path,
    users: u64,
    extra: &[&str],
) -> Result<T> {
    let mut args = owned(&[
        "probe",
        "--base-url",
        base_url,
        "--token",
        token,
        "--load-json",
        &load_json.display().to_string(),
        "--users",
        &users.to_string(),
        "--seconds",
        &plan.probe_seconds.to_string(),
    ]);
    args.extend(owned(extra));
    run(&args)
}

/// A fresh PostgreSQL schema under the database at `base`.
pub fn pg_schema(base: &str) -> Result<PgSchema> {
    run(&owned(&["pg-schema", "--base", base]))
}

/// Drops a schema [`pg_schema`] made.
pub fn pg_drop_schema(base: &str, schema: &str) -> Result<()> {
    let _: IgnoredAny = run(&owned(&[
        "pg-drop-schema",
        "--base",
        base,
        "--schema",
        schema,
    ]))?;
    Ok(())
}
