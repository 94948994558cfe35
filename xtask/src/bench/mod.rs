//! `cargo xtask bench [--quick]`: builds release binaries, starts Roster (temporary SQLite, no
//! rate limit, loopback port 0), the Python reference server `scim2-server` and a bare axum
//! ceiling, drives them with `roster-loadgen`, and writes `target/bench/results.json`, the SVG
//! charts under `bench/` and `BENCHMARKS.md`. Targets are marked pass/fail; nothing here fails
//! the test suite. Every step is bounded in time; every server is stopped on the way out.
//!
//! Reading order: [`scenarios`] (what is measured, in run order), [`servers`] and [`loadgen`]
//! (what it is measured on and with), [`results`] (what is kept), [`report`] (what is shown;
//! `method.md` is the page's fixed opening). [`child`] runs every process; [`chart`] draws.

mod chart;
mod child;
mod loadgen;
mod report;
mod results;
mod scenarios;
mod servers;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::Result;

use crate::process::{self, banner, run};
use results::{Machine, Memory, Outcome, PlanRecord, Results, Timing};

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

    /// The sizes results.json records.
    fn record(&self) -> PlanRecord {
        PlanRecord {
            users: self.users as u64,
            groups: self.groups as u64,
            concurrency: self.concurrency as u64,
            steady_seconds: self.steady_seconds,
            hammer_seconds: self.hammer_seconds,
            scale: self.scale.clone(),
            group_sizes: self.group_sizes.clone(),
        }
    }
}

pub fn run_bench(options: Options) -> Result<()> {
    let started = Instant::now();
    let out_dir = process::target_dir().join("bench");
    let json_path = out_dir.join("results.json");
    if options.report {
        let results = Results::load(&json_path)?;
        println!("{}", report::table(&results));
        report::write_docs(process::root(), &results)?;
        println!(
            "Wrote BENCHMARKS.md and bench/*.svg from {}.",
            json_path.display()
        );
        return Ok(());
    }
    std::fs::create_dir_all(&out_dir)?;
    let results = measure(&Plan::new(options.quick), &options, &out_dir, started)?;
    results.save(&json_path)?;
    // The page is written from the file, as `--report` writes it, so both give the same page.
    let results = Results::load(&json_path)?;
    println!("\n{}", report::table(&results));
    report::write_docs(process::root(), &results)?;
    println!(
        "Wrote {}, BENCHMARKS.md and bench/*.svg in {} s.",
        json_path.display(),
        started.elapsed().as_secs()
    );
    Ok(())
}

/// Every scenario in turn.
fn measure(plan: &Plan, options: &Options, out_dir: &Path, started: Instant) -> Result<Results> {
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
    let machine = machine();

    // 1, 4, 7: Roster on SQLite, the ceiling, memory.
    banner("Scenario 1: IdP first sync and steady mix against Roster (SQLite)");
    let roster = scenarios::roster_and_ceiling(plan, out_dir, &mut timings)?;

    let (reference, sync_rounds) = if options.no_reference {
        (Outcome::skipped("--no-reference"), None)
    } else {
        banner(&format!(
            "Scenario 2: the reference server scim2-server {}",
            servers::REFERENCE_VERSION
        ));
        let reference = match scenarios::reference(plan, out_dir) {
            Ok(measured) => Outcome::Ran(measured),
            Err(error) => {
                eprintln!("the reference run failed: {error:#}");
                Outcome::failed(&error)
            }
        };
        timings.lap("reference server");
        let rounds = match reference.ran() {
            Some(measured) => {
                banner("Scenario 2: more first syncs, Roster's and the reference's in turn");
                let first = (roster.sync.sync.rps, measured.result.sync.rps);
                let rounds = scenarios::sync_rounds(plan, out_dir, first)?;
                timings.lap("more first syncs");
                Some(rounds)
            }
            None => None,
        };
        (reference, rounds)
    };

    banner("Scenario 3: scale curves (SQLite)");
    let scale = scenarios::scale(plan, "sqlite", None, out_dir)?;
    timings.lap("scale curves (SQLite)");

    let postgres = match std::env::var("ROSTER_TEST_DATABASE_URL") {
        Ok(base) => {
            banner("Scenario 5: PostgreSQL");
            match scenarios::postgres(plan, &base, out_dir) {
                Ok(measured) => Outcome::Ran(measured),
                Err(error) => Outcome::failed(&error),
            }
        }
        Err(_) => Outcome::skipped("ROSTER_TEST_DATABASE_URL is not set"),
    };
    timings.lap("PostgreSQL");

    banner("Scenario 8: a product following the first sync (feed and webhook)");
    let integration = match scenarios::integration(plan, out_dir) {
        Ok(measured) => Outcome::Ran(measured),
        Err(error) => {
            eprintln!("the integration run failed: {error:#}");
            Outcome::failed(&error)
        }
    };
    timings.lap("feed and webhook");

    banner("Scenario 6: the console");
    let console = scenarios::console(options.no_console)?;
    timings.lap("console");

    let largest = scale.steps.last();
    let memory = Memory {
        largest_scale_users: largest.map(|step| step.users),
        largest_scale_kb: largest.map(|step| step.rss_kb),
        largest_scale_peak_kb: largest.map(|step| step.peak_rss_kb),
        ..roster.memory
    };
    Ok(Results {
        quick: plan.quick,
        machine,
        plan: plan.record(),
        memory,
        roster: roster.sync,
        ceiling: roster.ceiling,
        reference,
        sync_rounds,
        scale,
        postgres,
        console,
        integration,
        timings: timings.steps,
        seconds: started.elapsed().as_secs(),
    })
}

/// Wall time per step, so a slow run shows where its minutes went.
pub struct Timings {
    last: Instant,
    steps: Vec<Timing>,
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
    pub fn lap(&mut self, name: &str) {
        let now = Instant::now();
        let secs = (now - self.last).as_secs_f64();
        self.steps.push(Timing {
            step: name.to_string(),
            seconds: (secs * 10.0).round() / 10.0,
        });
        self.last = now;
        println!("[bench] {name}: {secs:.1} s");
    }
}

/// What the numbers were measured on.
fn machine() -> Machine {
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
    let probe = |cmd: &mut Command| process::probe(cmd).unwrap_or_default();
    Machine {
        cpu,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get() as u64),
        memory_gib: (mem_kb as f64 / 1024.0 / 1024.0).round(),
        kernel: probe(Command::new("uname").arg("-r")),
        rustc: probe(Command::new("rustc").arg("--version")),
        commit: probe(
            Command::new("git")
                .args(["rev-parse", "--short", "HEAD"])
                .current_dir(process::root()),
        ),
    }
}
