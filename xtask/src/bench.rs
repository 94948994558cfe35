//! `cargo xtask bench [--quick]`: builds release binaries, starts Roster (temporary SQLite, no
//! rate limit, loopback port 0), the Python reference server `scim2-server` and a bare axum
//! ceiling, drives them with `roster-loadgen`, and writes `target/bench/results.json`, the SVG
//! charts under `bench/` and `BENCHMARKS.md`. Targets are marked pass/fail; nothing here fails
//! the test suite. Every step is bounded in time; every server is stopped on the way out.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::process::{self, banner, run};
use crate::{bench_report, budget};

/// The reference server's version, pinned so the comparison is repeatable.
const REFERENCE_VERSION: &str = "0.8.3";
const ADMIN_EMAIL: &str = "bench-admin@roster.test";
const ADMIN_PASSWORD: &str = "bench-correct-horse-battery";

#[derive(clap::Args)]
pub struct Options {
    /// A smoke run of about two minutes: smaller N, no 1M-user step, fewer seconds per phase.
    #[arg(long)]
    quick: bool,
    /// Skip the Python reference server.
    #[arg(long)]
    no_reference: bool,
    /// Skip the console timings in Chromium.
    #[arg(long)]
    no_console: bool,
    /// Measure nothing: rewrite BENCHMARKS.md and the charts from the last run's
    /// `target/bench/results.json` (after editing `bench/profile.md`, say).
    #[arg(long)]
    report: bool,
}

/// The sizes of one run.
pub struct Plan {
    pub quick: bool,
    users: usize,
    groups: usize,
    concurrency: usize,
    steady_seconds: f64,
    hammer_seconds: f64,
    reference_max_seconds: f64,
    scale: Vec<u64>,
    group_sizes: Vec<u64>,
    /// Scale steps up to this size also run on PostgreSQL.
    postgres_max: u64,
    probe_seconds: f64,
}

impl Plan {
    fn new(quick: bool) -> Plan {
        if quick {
            // About two minutes once the binaries are built: small N, short phases, scale
            // curves at 1k and 10k users only (the 10x step is enough to see a slope).
            Plan {
                quick,
                users: 300,
                groups: 5,
                concurrency: 8,
                steady_seconds: 3.0,
                hammer_seconds: 3.0,
                reference_max_seconds: 20.0,
                scale: vec![1_000, 10_000],
                group_sizes: vec![10, 1_000],
                postgres_max: 10_000,
                probe_seconds: 0.5,
            }
        } else {
            Plan {
                quick,
                users: 2_000,
                groups: 50,
                concurrency: 8,
                steady_seconds: 15.0,
                hammer_seconds: 12.0,
                reference_max_seconds: 180.0,
                scale: vec![10_000, 100_000, 1_000_000],
                group_sizes: vec![10, 10_000, 100_000],
                postgres_max: 100_000,
                probe_seconds: 4.0,
            }
        }
    }
}

pub fn run_bench(options: Options) -> Result<()> {
    let started = Instant::now();
    let plan = Plan::new(options.quick);
    let out_dir = process::target_dir().join("bench");
    if options.report {
        let json_path = out_dir.join("results.json");
        let text = std::fs::read_to_string(&json_path)
            .with_context(|| format!("no results to report: {}", json_path.display()))?;
        let results: Value = serde_json::from_str(&text)?;
        println!("{}", bench_report::table(&results));
        bench_report::write_docs(process::root(), &results)?;
        println!(
            "Wrote BENCHMARKS.md and bench/*.svg from {}.",
            json_path.display()
        );
        return Ok(());
    }
    std::fs::create_dir_all(&out_dir)?;
    let mut timings = Timings::default();
    banner("Building Roster and the load generator (release)");
    run(process::cargo().args([
        "build",
        "--release",
        "--package",
        "roster-server",
        "--bin",
        "roster",
        "--package",
        "roster-loadgen",
        "--bin",
        "roster-loadgen",
    ]))?;
    timings.lap("build");
    let mut results = json!({
        "quick": plan.quick,
        "machine": machine(),
        "plan": {
            "users": plan.users, "groups": plan.groups, "concurrency": plan.concurrency,
            "steady_seconds": plan.steady_seconds,
            "hammer_seconds": plan.hammer_seconds, "scale": plan.scale,
            "group_sizes": plan.group_sizes,
        },
    });

    // 1, 4, 7: Roster on SQLite, the ceiling, memory.
    banner("Scenario 1: IdP first sync and steady mix against Roster (SQLite)");
    let tmp = TempDir::new("roster-bench")?;
    let db = format!("sqlite://{}/roster.db", tmp.0.display());
    let roster = Server::roster(&db, &out_dir.join("roster-sqlite.log"))?;
    let idle = roster.rss();
    let dir = new_directory(&roster)?;
    let sync = sync_with_rss(&plan, &roster, &dir, "roster")?;
    let get_url = format!(
        "{}/Users/{}",
        str_of(&dir["base_url"]),
        str_of(&sync["result"]["sample_user_id"])
    );
    results["memory"] = json!({"idle_kb": idle, "sync_peak_kb": sync["peak_rss_kb"], "after_sync_kb": roster.rss()});
    results["roster"] = sync["result"].clone();
    timings.lap("roster sync, steady mix");

    banner("Scenario 2: GET by id against the HTTP ceiling (bare axum, fixed JSON), in turn");
    let ceiling = Server::ceiling(&out_dir.join("ceiling.log"))?;
    results["ceiling"] = get_against_ceiling(
        &plan,
        &get_url,
        str_of(&dir["api_key"]),
        &format!("{}/Users/x", ceiling.url),
    )?;
    drop(ceiling);
    drop(roster);
    timings.lap("GET by id and the ceiling");

    if !options.no_reference {
        banner(&format!(
            "Scenario 2: the reference server scim2-server {REFERENCE_VERSION}"
        ));
        match reference(&plan, &out_dir) {
            Ok(value) => results["reference"] = value,
            Err(error) => {
                eprintln!("the reference run failed: {error:#}");
                results["reference"] = json!({"error": format!("{error:#}")});
            }
        }
        timings.lap("reference server");
        if results["reference"].get("error").is_none() {
            banner("Scenario 2: more first syncs, Roster's and the reference's in turn");
            let first = (
                f64_of(&results["roster"]["sync"]["rps"]),
                f64_of(&results["reference"]["result"]["sync"]["rps"]),
            );
            results["sync_rounds"] = sync_rounds(&plan, &out_dir, first)?;
            timings.lap("more first syncs");
        }
    }

    banner("Scenario 3: scale curves (SQLite)");
    results["scale"] = scale(&plan, "sqlite", None, &out_dir, &mut results)?;
    timings.lap("scale curves (SQLite)");

    if let Ok(base) = std::env::var("ROSTER_TEST_DATABASE_URL") {
        banner("Scenario 5: PostgreSQL");
        match postgres(&plan, &base, &out_dir, &mut results) {
            Ok(value) => results["postgres"] = value,
            Err(error) => results["postgres"] = json!({"error": format!("{error:#}")}),
        }
    } else {
        results["postgres"] = json!({"skipped": "ROSTER_TEST_DATABASE_URL is not set"});
    }
    timings.lap("PostgreSQL");

    banner("Scenario 6: the console");
    results["console"] = console(&options)?;
    timings.lap("console");
    results["timings"] = timings.json();

    results["seconds"] = json!(started.elapsed().as_secs());
    let json_path = out_dir.join("results.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&results)?)?;
    println!("\n{}", bench_report::table(&results));
    bench_report::write_docs(process::root(), &results)?;
    println!(
        "Wrote {}, BENCHMARKS.md and bench/*.svg in {} s.",
        json_path.display(),
        started.elapsed().as_secs()
    );
    Ok(())
}

/// Wall time per step, so a slow run shows where its minutes went.
struct Timings {
    last: Instant,
    steps: Vec<(&'static str, f64)>,
}

impl Default for Timings {
    fn default() -> Timings {
        Timings {
            last: Instant::now(),
            steps: Vec::new(),
        }
    }
}

impl Timings {
    /// Ends the step `name` now.
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        let secs = (now - self.last).as_secs_f64();
        self.steps.push((name, (secs * 10.0).round() / 10.0));
        self.last = now;
        println!("[bench] {name}: {secs:.1} s");
    }

    fn json(&self) -> Value {
        Value::Array(
            self.steps
                .iter()
                .map(|(step, seconds)| json!({"step": step, "seconds": seconds}))
                .collect(),
        )
    }
}

/// Scenario 1 against a server, sampling its RSS while the sync runs.
fn sync_with_rss(plan: &Plan, server: &Server, dir: &Value, prefix: &str) -> Result<Value> {
    let args = sync_args(
        plan,
        str_of(&dir["base_url"]),
        Some(str_of(&dir["api_key"])),
        prefix,
        600.0,
        plan.steady_seconds,
    );
    let pid = server.child.id();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let sampler = std::thread::spawn(move || {
        let mut peak = 0;
        // At most 20 minutes of samples, every 100 ms.
        for _ in 0..12_000 {
            peak = peak.max(rss_kb(pid).unwrap_or(0));
            if stop_rx.recv_timeout(Duration::from_millis(100)).is_ok() {
                break;
            }
        }
        peak
    });
    let result = loadgen_owned(&args);
    let _ = stop_tx.send(());
    let peak = sampler.join().unwrap_or(0);
    Ok(json!({"result": result?, "peak_rss_kb": peak}))
}

fn sync_args(
    plan: &Plan,
    base: &str,
    token: Option<&str>,
    prefix: &str,
    max_seconds: f64,
    steady_seconds: f64,
) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "sync".into(),
        "--base-url".into(),
        base.into(),
        "--users".into(),
        plan.users.to_string(),
        "--groups".into(),
        plan.groups.to_string(),
        "--concurrency".into(),
        plan.concurrency.to_string(),
        "--steady-seconds".into(),
        steady_seconds.to_string(),
        "--max-seconds".into(),
        max_seconds.to_string(),
        "--prefix".into(),
        prefix.into(),
    ];
    if let Some(token) = token {
        args.extend(["--token".into(), token.into()]);
    }
    args
}

/// Roster's GET by id and the ceiling, hammered in turn: `ROUNDS` rounds sharing the hammer
/// time, so a busy minute on a shared machine falls on both rather than on one. The round
/// with the median Roster / ceiling ratio is reported; every round's ratio is kept.
fn get_against_ceiling(
    plan: &Plan,
    get_url: &str,
    token: &str,
    ceiling_url: &str,
) -> Result<Value> {
    const ROUNDS: usize = 3;
    let seconds = plan.hammer_seconds / ROUNDS as f64;
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let roster = hammer(plan, get_url, Some(token), seconds)?;
        let ceiling = hammer(plan, ceiling_url, None, seconds)?;
        let rps = |v: &Value| v["rps"].as_f64().unwrap_or(0.0);
        let share = rps(&roster) / rps(&ceiling);
        rounds.push((share, roster, ceiling));
    }
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    let shares: Vec<f64> = rounds.iter().map(|r| r.0).collect();
    let (_, roster_get, ceiling_get) = rounds.swap_remove(ROUNDS / 2);
    Ok(json!({"roster_get": roster_get, "ceiling_get": ceiling_get, "round_shares": shares}))
}

fn hammer(plan: &Plan, url: &str, token: Option<&str>, seconds: f64) -> Result<Value> {
    let mut args = vec![
        "hammer".to_string(),
        "--url".into(),
        url.into(),
        "--concurrency".into(),
        plan.concurrency.to_string(),
        "--seconds".into(),
        seconds.to_string(),
    ];
    if let Some(token) = token {
        args.extend(["--token".into(), token.into()]);
    }
    loadgen_owned(&args)
}

/// Scenario 2 on the reference server (installed into target/bench-venv first): its sync,
/// steady mix and GET by id, on a fresh server on a free loopback port.
fn reference(plan: &Plan, out_dir: &Path) -> Result<Value> {
    let venv = reference_venv();
    let pip = venv.join("bin").join("pip");
    let installed =
        process::probe(Command::new(&pip).args(["show", "scim2-server"])).unwrap_or_default();
    if !installed.contains(&format!("Version: {REFERENCE_VERSION}")) {
        if !pip.exists() {
            run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
        }
        run(Command::new(&pip).args([
            "install",
            "--quiet",
            &format!("scim2-server=={REFERENCE_VERSION}"),
        ]))?;
    }
    let (server, base) = start_reference(out_dir)?;
    let idle = server.rss();
    let result = loadgen_owned(&sync_args(
        plan,
        &base,
        Some(REFERENCE_TOKEN),
        "reference",
        plan.reference_max_seconds,
        plan.steady_seconds,
    ))?;
    let get_url = format!("{base}/Users/{}", str_of(&result["sample_user_id"]));
    let get = hammer(plan, &get_url, Some(REFERENCE_TOKEN), plan.hammer_seconds)?;
    Ok(
        json!({"version": REFERENCE_VERSION, "result": result, "get": get, "idle_rss_kb": idle, "after_rss_kb": server.rss()}),
    )
}

const REFERENCE_TOKEN: &str = "bench-reference-token";

/// Where the reference server is installed.
fn reference_venv() -> PathBuf {
    process::target_dir().join("bench-venv")
}

/// Starts the reference server (installed by [`reference`]) with an empty store; returns it
/// and its SCIM base URL.
fn start_reference(out_dir: &Path) -> Result<(Server, String)> {
    let port = free_port()?;
    let mut cmd = Command::new(reference_venv().join("bin").join("scim2-server"));
    cmd.args([
        "--hostname",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--bearer-token",
        REFERENCE_TOKEN,
    ]);
    let server = Server::spawn_tcp(cmd, port, &out_dir.join("reference.log"))?;
    Ok((server, format!("http://127.0.0.1:{port}")))
}

/// More first syncs, each on a fresh server, Roster's and the reference's in turn
/// ([`SYNC_ROUNDS`] in all with the scenario's own). A first sync of Roster lasts well under
/// a second, shorter than the swings of a shared machine's speed; the reference's lasts
/// seconds. Pairing the servers round by round and taking the median round's ratio keeps a
/// slow second from deciding the comparison, as the GET rounds do.
fn sync_rounds(plan: &Plan, out_dir: &Path, first: (f64, f64)) -> Result<Value> {
    let mut roster = vec![first.0];
    let mut reference = vec![first.1];
    for _ in 1..SYNC_ROUNDS {
        let tmp = TempDir::new("roster-bench-round")?;
        let db = format!("sqlite://{}/roster.db", tmp.0.display());
        let server = Server::roster(&db, &out_dir.join("roster-rounds.log"))?;
        let dir = new_directory(&server)?;
        let base = str_of(&dir["base_url"]);
        let token = Some(str_of(&dir["api_key"]));
        let result = loadgen_owned(&sync_args(plan, base, token, "roster", 600.0, 0.0))?;
        roster.push(f64_of(&result["sync"]["rps"]));
        drop(server);

        let (server, base) = start_reference(out_dir)?;
        let args = sync_args(
            plan,
            &base,
            Some(REFERENCE_TOKEN),
            "reference",
            plan.reference_max_seconds,
            0.0,
        );
        reference.push(f64_of(&loadgen_owned(&args)?["sync"]["rps"]));
        drop(server);
    }
    let ratios: Vec<f64> = roster.iter().zip(&reference).map(|(a, b)| a / b).collect();
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    Ok(json!({
        "roster_rps": roster,
        "reference_rps": reference,
        "ratios": ratios,
        "median_ratio": sorted[sorted.len() / 2],
    }))
}

/// First syncs of each server compared (see [`sync_rounds`]).
const SYNC_ROUNDS: usize = 3;

/// Scenario 3 on one backend: grow one directory through the sizes, probing at each.
fn scale(
    plan: &Plan,
    backend: &str,
    database_url: Option<&str>,
    out_dir: &Path,
    results: &mut Value,
) -> Result<Value> {
    let tmp = TempDir::new("roster-scale")?;
    let db = match database_url {
        Some(url) => url.to_string(),
        None => format!("sqlite://{}/roster.db", tmp.0.display()),
    };
    let server = Server::roster(&db, &out_dir.join(format!("roster-scale-{backend}.log")))?;
    let max = if backend == "sqlite" {
        u64::MAX
    } else {
        plan.postgres_max
    };
    let largest_group = plan.group_sizes.iter().copied().max().unwrap_or(0);
    let mut steps = Vec::new();
    let mut directory: Option<(String, String)> = None;
    let mut groups_loaded = false;
    // The largest step's loader output, probed again side by side at the end.
    let mut last_load_json: Option<std::path::PathBuf> = None;
    for &size in plan.scale.iter().filter(|s| **s <= max) {
        // Groups go in at the first step with room for spare users beside the largest group.
        let load_groups = size > largest_group && !groups_loaded;
        groups_loaded |= load_groups;
        let mut args = vec![
            "load".to_string(),
            "--database-url".into(),
            db.clone(),
            "--users".into(),
            size.to_string(),
        ];
        if let Some((id, _)) = &directory {
            args.extend(["--directory-id".into(), id.clone()]);
        }
        if load_groups {
            let sizes: Vec<String> = plan.group_sizes.iter().map(u64::to_string).collect();
            args.extend(["--group-sizes".into(), sizes.join(",")]);
        }
        println!(
            "loading {size} users{}",
            if load_groups { " and the groups" } else { "" }
        );
        let loaded = loadgen_owned(&args)?;
        if directory.is_none() {
            directory = Some((
                str_of(&loaded["directory_id"]).to_string(),
                str_of(&loaded["api_key"]).to_string(),
            ));
        }
        let Some((id, key)) = &directory else {
            bail!("no directory")
        };
        let load_json = last_load_json.insert(out_dir.join(format!("load-{backend}-{size}.json")));
        std::fs::write(&*load_json, loaded.to_string())?;
        let target = Probed {
            id,
            key,
            load_json,
            users: size,
        };
        let extra: &[&str] = if load_groups { &["--groups"] } else { &[] };
        let mut measured = target.probe(plan, &server, extra)?;
        measured["load_seconds"] = loaded["users_seconds"].clone();
        measured["load_users_added"] = loaded["users_added"].clone();
        measured["group_load_seconds"] = loaded["groups_seconds"].clone();
        measured["rss_kb"] = json!(server.rss());
        measured["peak_rss_kb"] = json!(server.hwm());
        steps.push(measured);
    }
    let side_by_side = match (&directory, &last_load_json, steps.first(), steps.last()) {
        (Some((id, key)), Some(load_json), Some(first), Some(last)) if steps.len() > 1 => {
            let small_users = first["users"].as_u64().unwrap_or(0);
            let large = Probed {
                id,
                key,
                load_json,
                users: last["users"].as_u64().unwrap_or(0),
            };
            side_by_side(plan, &server, &db, &large, small_users, out_dir, backend)?
        }
        _ => Value::Null,
    };
    if backend == "sqlite" {
        if let Some(last) = steps.last() {
            results["memory"]["largest_scale_users"] = last["users"].clone();
            results["memory"]["largest_scale_kb"] = last["rss_kb"].clone();
            results["memory"]["largest_scale_peak_kb"] = last["peak_rss_kb"].clone();
        }
    }
    Ok(json!({"backend": backend, "steps": steps, "side_by_side": side_by_side}))
}

/// A loaded directory to probe: its id and key, the loader's output and its size.
struct Probed<'a> {
    id: &'a str,
    key: &'a str,
    load_json: &'a Path,
    users: u64,
}

impl Probed<'_> {
    /// The directory's SCIM base URL on `server`.
    fn base_url(&self, server: &Server) -> String {
        format!("{}/scim/directory/{}", server.url, self.id)
    }

    /// `roster-loadgen probe` against this directory, with `extra` flags.
    fn probe(&self, plan: &Plan, server: &Server, extra: &[&str]) -> Result<Value> {
        let mut args = vec![
            "probe".to_string(),
            "--base-url".into(),
            self.base_url(server),
            "--token".into(),
            self.key.into(),
            "--load-json".into(),
            self.load_json.display().to_string(),
            "--users".into(),
            self.users.to_string(),
            "--seconds".into(),
            plan.probe_seconds.to_string(),
        ];
        args.extend(extra.iter().map(|flag| flag.to_string()));
        loadgen_owned(&args)
    }
}

/// Flatness measured over the same seconds rather than across the run: a second directory
/// of `small_users` is loaded into the same database beside `large`, and the two
/// directories' indexed lookups alternate request by request, in three rounds. The curve's
/// ratio compares p50s taken minutes apart, between which a shared machine's speed moves by
/// more than the effect measured.
fn side_by_side(
    plan: &Plan,
    server: &Server,
    db: &str,
    large: &Probed<'_>,
    small_users: u64,
    out_dir: &Path,
    backend: &str,
) -> Result<Value> {
    println!(
        "loading a second directory of {small_users} users beside the {}",
        large.users
    );
    let loaded = loadgen_owned(&[
        "load".into(),
        "--database-url".into(),
        db.into(),
        "--users".into(),
        small_users.to_string(),
    ])?;
    let small_json = out_dir.join(format!("load-{backend}-side-{small_users}.json"));
    std::fs::write(&small_json, loaded.to_string())?;
    let small = Probed {
        id: str_of(&loaded["directory_id"]),
        key: str_of(&loaded["api_key"]),
        load_json: &small_json,
        users: small_users,
    };
    let (mut smalls, mut larges) = (Vec::new(), Vec::new());
    let small_url = small.base_url(server);
    let small_count = small.users.to_string();
    for _ in 0..3 {
        let both = large.probe(
            plan,
            server,
            &[
                "--lookups-only",
                "--beside-base-url",
                &small_url,
                "--beside-token",
                small.key,
                "--beside-users",
                &small_count,
            ],
        )?;
        smalls.push(both["beside"].clone());
        larges.push(both);
    }
    let median = |runs: &[Value], query: &str| {
        let mut p50s: Vec<f64> = runs
            .iter()
            .filter_map(|r| r["queries"][query]["p50_ms"].as_f64())
            .collect();
        p50s.sort_by(f64::total_cmp);
        p50s.get(p50s.len() / 2).copied()
    };
    let mut queries = serde_json::Map::new();
    for query in ["userName_eq", "externalId_eq", "work_email_eq"] {
        queries.insert(
            query.into(),
            json!({"small_p50_ms": median(&smalls, query), "large_p50_ms": median(&larges, query)}),
        );
    }
    Ok(json!({
        "small_users": small_users,
        "large_users": large.users,
        "rounds": 3,
        "queries": queries,
    }))
}

fn postgres(plan: &Plan, base: &str, out_dir: &Path, results: &mut Value) -> Result<Value> {
    let schema = loadgen(&["pg-schema", "--base", base])?;
    let url = str_of(&schema["url"]).to_string();
    let server = Server::roster(&url, &out_dir.join("roster-postgres.log"))?;
    let dir = new_directory(&server)?;
    let sync = sync_with_rss(plan, &server, &dir, "pg")?;
    drop(server);
    drop_schema(base, &schema);
    let schema2 = loadgen(&["pg-schema", "--base", base])?;
    let scale = scale(
        plan,
        "postgres",
        Some(str_of(&schema2["url"])),
        out_dir,
        results,
    );
    // The scale step's server has stopped by now (dropped inside `scale`).
    drop_schema(base, &schema2);
    Ok(json!({"sync": sync["result"], "scale": scale?}))
}

/// Drops a bench schema: left behind, each run's 100k users stay in the test database and
/// slow the next runs' PostgreSQL numbers. A failure is only reported.
fn drop_schema(base: &str, schema: &Value) {
    let name = str_of(&schema["schema"]);
    if let Err(err) = loadgen(&["pg-drop-schema", "--base", base, "--schema", name]) {
        println!("could not drop the bench schema {name}: {err:#}");
    }
}

/// Scenario 6's sizes: the files of the console's first download, as the budget counts them
/// ([`budget::initial_transfer`]), and apart the chunks pages fetch on their first visit
/// ([`budget::lazy_chunks`]), each raw, gzip -9 and brotli 11.
fn console_sizes(dist: &Path) -> Result<Value> {
    let sizes = |assets: Vec<budget::Asset>| -> Result<Value> {
        let mut files = Vec::new();
        let (mut raw, mut gzip, mut brotli) = (0, 0, 0);
        for asset in assets {
            let br = brotli_len(&std::fs::read(dist.join(&asset.name))?)?;
            raw += asset.raw;
            gzip += asset.gzip;
            brotli += br;
            files.push(
                json!({"file": asset.name, "raw": asset.raw, "gzip": asset.gzip, "brotli": br}),
            );
        }
        Ok(json!({"files": files, "total": {"raw": raw, "gzip": gzip, "brotli": brotli}}))
    };
    let mut result = sizes(budget::initial_transfer(dist)?)?;
    result["lazy"] = sizes(budget::lazy_chunks(dist)?)?;
    Ok(result)
}

fn brotli_len(bytes: &[u8]) -> Result<u64> {
    use std::io::Write;
    let mut out = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        encoder.write_all(bytes)?;
    }
    Ok(out.len() as u64)
}

/// Sizes of dist/ and the browser timings (Chromium and e2e's node_modules needed).
fn console(options: &Options) -> Result<Value> {
    let dist = process::root().join("dist");
    if !dist.join("index.html").exists() {
        return Ok(json!({"skipped": "dist/ is not built (cargo xtask dist)"}));
    }
    let sizes = console_sizes(&dist)?;
    let chromium = Path::new(crate::tools::CHROMIUM);
    let modules = process::root().join("e2e/node_modules/playwright-core");
    let timing = if options.no_console {
        json!({"skipped": "--no-console"})
    } else if !chromium.exists() || !modules.exists() {
        json!({"skipped": "needs /usr/bin/chromium and e2e/node_modules (cargo xtask tools --browser; npm ci in e2e)"})
    } else {
        let mut cmd = Command::new("node");
        cmd.current_dir(process::root())
            .arg("e2e/bench-console.mjs")
            .env("ROSTER_BIN", process::target_dir().join("release/roster"))
            .env("ROSTER_DIST", &dist)
            .env("RUST_LOG", "warn");
        match last_json_line(&mut cmd, Duration::from_secs(180)) {
            Ok(v) => v,
            Err(error) => json!({"error": format!("{error:#}")}),
        }
    };
    Ok(json!({"sizes": sizes, "timing": timing}))
}

/// Runs `roster-loadgen ARGS` and parses the JSON it prints.
fn loadgen(args: &[&str]) -> Result<Value> {
    let owned: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    loadgen_owned(&owned)
}

fn loadgen_owned(args: &[String]) -> Result<Value> {
    let mut cmd = Command::new(process::target_dir().join("release/roster-loadgen"));
    cmd.args(args);
    // The longest step (loading 900,000 users) takes a few minutes; nothing should take 20.
    last_json_line(&mut cmd, Duration::from_secs(1200))
}

/// Runs a command with stderr passed through, and returns the last stdout line as JSON.
fn last_json_line(cmd: &mut Command, limit: Duration) -> Result<Value> {
    let line = redact(&process::display(cmd));
    println!("$ {line}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{line}`"))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut last = String::new();
        for l in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !l.trim().is_empty() {
                last = l;
            }
        }
        let _ = tx.send(last);
    });
    let last = match rx.recv_timeout(limit) {
        Ok(last) => last,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            bail!("`{line}` took longer than {} s", limit.as_secs());
        }
    };
    let status = child.wait()?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    serde_json::from_str(&last).with_context(|| format!("`{line}` printed no JSON: {last}"))
}

/// Keys never reach the log.
fn redact(line: &str) -> String {
    let mut out = Vec::new();
    let mut hide = false;
    for part in line.split(' ') {
        let secret_env = part.starts_with("ROSTER_ADMIN_PASSWORD=");
        out.push(if hide || secret_env { "***" } else { part });
        hide = part == "--token" || part == "--password";
    }
    out.join(" ")
}

fn f64_of(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// A new directory on a Roster server, created through the admin API as the console does:
/// its SCIM base URL and API key.
fn new_directory(server: &Server) -> Result<Value> {
    loadgen(&[
        "directory",
        "--url",
        &server.url,
        "--email",
        ADMIN_EMAIL,
        "--password",
        ADMIN_PASSWORD,
    ])
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// A server child process, stopped (SIGTERM, then SIGKILL) when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn roster(database_url: &str, log: &Path) -> Result<Server> {
        let mut cmd = Command::new(process::target_dir().join("release/roster"));
        cmd.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
            "--scim-rate-limit",
            "0",
        ])
        .env("ROSTER_ORG_NAME", "Bench")
        .env("ROSTER_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("ROSTER_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("ROSTER_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn");
        Server::spawn_line(cmd, "Roster is listening on ", log)
    }

    fn ceiling(log: &Path) -> Result<Server> {
        let mut cmd = Command::new(process::target_dir().join("release/roster-loadgen"));
        cmd.args(["ceiling", "--listen", "127.0.0.1:0"]);
        Server::spawn_line(cmd, "Ceiling is listening on ", log)
    }

    /// Starts `cmd` and waits (30 s at most) for the stdout line `prefix` + URL.
    fn spawn_line(mut cmd: Command, prefix: &'static str, log: &Path) -> Result<Server> {
        let line = process::display(&cmd);
        println!("$ {}", redact(&line));
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log)?)
            .spawn()
            .with_context(|| format!("could not start `{line}`"))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, rx) = mpsc::channel();
        // Reads every line (so the pipe never fills) and reports the address once.
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = l.strip_prefix(prefix) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => Ok(Server { child, url }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "`{line}` did not say where it listens within 30 s (see {})",
                    log.display()
                )
            }
        }
    }

    /// Starts `cmd` and waits (30 s at most) until `port` accepts connections.
    fn spawn_tcp(mut cmd: Command, port: u16, log: &Path) -> Result<Server> {
        let line = process::display(&cmd);
        println!("$ {}", redact(&line));
        let file = std::fs::File::create(log)?;
        let mut child = cmd
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .with_context(|| format!("could not start `{line}`"))?;
        for _ in 0..300 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Server {
                    child,
                    url: format!("http://127.0.0.1:{port}"),
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        bail!(
            "`{line}` did not listen on {port} within 30 s (see {})",
            log.display()
        )
    }

    fn rss(&self) -> u64 {
        rss_kb(self.child.id()).unwrap_or(0)
    }

    fn hwm(&self) -> u64 {
        proc_status_kb(self.child.id(), "VmHWM:").unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rss_kb(pid: u32) -> Option<u64> {
    proc_status_kb(pid, "VmRSS:")
}

fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A temporary folder removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos();
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the numbers were measured on.
fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let mem_kb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0);
    json!({
        "cpu": cpu,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "memory_gib": (mem_kb as f64 / 1024.0 / 1024.0).round(),
        "kernel": process::probe(Command::new("uname").arg("-r")).unwrap_or_default(),
        "rustc": process::probe(Command::new("rustc").arg("--version")).unwrap_or_default(),
        "commit": process::probe(Command::new("git").args(["rev-parse", "--short", "HEAD"]).current_dir(process::root())).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn hides_secrets_in_echoed_commands() {
        assert_eq!(
            redact("x --token abc --users 5 --password p"),
            "x --token *** --users 5 --password ***"
        );
    }
}
