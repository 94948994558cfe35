//! The scenarios, each against servers it starts and stops itself: 1, an IdP's first sync and
//! steady mix on Roster (with its memory), 2, GET by id against the HTTP ceiling and the sync
//! against the reference server, 3, scale curves up to 1M users, 5, PostgreSQL, 6, the
//! console's download and page timings. (4, the durability cost, is read off scenario 1.)
//! `method.md` says what each measures, and why that way.

use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};

use super::child;
use super::loadgen::{self, Directory, Loaded, LookupProbe};
use super::results::{
    AssetSizes, BrowserTiming, Ceiling, Console, ConsoleSizes, FileSize, Integration, Memory,
    Outcome, Postgres, Probe, Queries, Reference, Scale, ScaleStep, SideBySide, SidePair,
    SizeTotals, SyncRounds, SyncRun,
};
use super::servers::{self, Server, TempDir, REFERENCE_TOKEN, REFERENCE_VERSION};
use super::{Plan, Timings};
use crate::{budget, process};

/// What scenario 1 and the ceiling part of 2 measure on Roster (SQLite).
pub struct RosterRun {
    pub sync: SyncRun,
    /// Idle, peak and after the sync; the scale fields are filled by scenario 3.
    pub memory: Memory,
    pub ceiling: Ceiling,
}

/// Scenario 8: the first sync with a webhook endpoint receiving every event (on loopback,
/// in the load generator), then the sync's feed read back.
pub fn integration(plan: &Plan, out_dir: &Path) -> Result<Integration> {
    let tmp = TempDir::new("roster-bench-feed")?;
    let roster = Server::roster_with(
        &tmp.sqlite_url(),
        &out_dir.join("roster-integration.log"),
        &["--webhook-allow-private"],
    )?;
    let run = loadgen::integration(
        plan,
        &roster.url,
        servers::ADMIN_EMAIL,
        servers::ADMIN_PASSWORD,
    )?;
    Ok(Integration {
        sync_rps: run.sync.rps,
        events: run.events,
        feed_events_per_s: run.feed_events_per_s,
        webhook_p50_ms: run.webhook.p50_ms,
        webhook_p99_ms: run.webhook.p99_ms,
        drain_after_sync_s: run.webhook.drain_after_sync_s,
    })
}

/// Scenario 1, then GET by id against the ceiling on the same Roster.
pub fn roster_and_ceiling(plan: &Plan, out_dir: &Path, timings: &mut Timings) -> Result<RosterRun> {
    let tmp = TempDir::new("roster-bench")?;
    let roster = Server::roster(&tmp.sqlite_url(), &out_dir.join("roster-sqlite.log"))?;
    let idle = roster.rss();
    let dir = new_directory(&roster)?;
    let (sync, sync_peak) = sync_with_rss(plan, &roster, &dir, "roster")?;
    let get_url = format!(
        "{}/Users/{}",
        dir.base_url,
        sync.sample_user_id.as_deref().unwrap_or_default()
    );
    let memory = Memory {
        idle_kb: idle,
        sync_peak_kb: sync_peak,
        after_sync_kb: roster.rss(),
        largest_scale_users: None,
        largest_scale_kb: None,
        largest_scale_peak_kb: None,
    };
    timings.lap("roster sync, steady mix");

    process::banner(
        "Scenario 2: GET by id against the HTTP ceiling (bare axum, fixed JSON), in turn",
    );
    let ceiling_server = Server::ceiling(&out_dir.join("ceiling.log"))?;
    let ceiling = get_against_ceiling(
        plan,
        &get_url,
        &dir.api_key,
        &format!("{}/Users/x", ceiling_server.url),
    )?;
    drop(ceiling_server);
    drop(roster);
    timings.lap("GET by id and the ceiling");
    Ok(RosterRun {
        sync,
        memory,
        ceiling,
    })
}

/// A new directory on a Roster server, created through the admin API as the console does.
fn new_directory(server: &Server) -> Result<Directory> {
    loadgen::directory(&server.url, servers::ADMIN_EMAIL, servers::ADMIN_PASSWORD)
}

/// Scenario 1 against a server, sampling its RSS while the sync runs: the sync and the peak kB.
fn sync_with_rss(
    plan: &Plan,
    server: &Server,
    dir: &Directory,
    prefix: &str,
) -> Result<(SyncRun, u64)> {
    let pid = server.pid();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let sampler = std::thread::spawn(move || {
        let mut peak = 0;
        // At most 20 minutes of samples, every 100 ms.
        for _ in 0..12_000 {
            peak = peak.max(servers::rss_kb(pid).unwrap_or(0));
            if stop_rx.recv_timeout(Duration::from_millis(100)).is_ok() {
                break;
            }
        }
        peak
    });
    let result = loadgen::sync(
        plan,
        &dir.base_url,
        Some(&dir.api_key),
        prefix,
        600.0,
        plan.steady_seconds,
    );
    let _ = stop_tx.send(());
    let peak = sampler.join().unwrap_or(0);
    Ok((result?, peak))
}

/// Roster's GET by id and the ceiling, hammered in turn: `ROUNDS` rounds sharing the hammer
/// time, so a busy minute on a shared machine falls on both rather than on one. The round
/// with the median Roster / ceiling ratio is reported; every round's ratio is kept.
fn get_against_ceiling(
    plan: &Plan,
    get_url: &str,
    token: &str,
    ceiling_url: &str,
) -> Result<Ceiling> {
    const ROUNDS: usize = 3;
    let seconds = plan.hammer_seconds / ROUNDS as f64;
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let roster = loadgen::hammer(plan, get_url, Some(token), seconds)?;
        let ceiling = loadgen::hammer(plan, ceiling_url, None, seconds)?;
        let share = roster.rps / ceiling.rps;
        rounds.push((share, roster, ceiling));
    }
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    let round_shares: Vec<f64> = rounds.iter().map(|r| r.0).collect();
    let (_, roster_get, ceiling_get) = rounds.swap_remove(ROUNDS / 2);
    Ok(Ceiling {
        roster_get,
        ceiling_get,
        round_shares,
    })
}

/// Scenario 2 on the reference server (installed into target/bench-venv first): its sync,
/// steady mix and GET by id, on a fresh server on a free loopback port.
pub fn reference(plan: &Plan, out_dir: &Path) -> Result<Reference> {
    servers::install_reference()?;
    let server = Server::reference(&out_dir.join("reference.log"))?;
    let idle = server.rss();
    let result = loadgen::sync(
        plan,
        &server.url,
        Some(REFERENCE_TOKEN),
        "reference",
        plan.reference_max_seconds,
        plan.steady_seconds,
    )?;
    let get_url = format!(
        "{}/Users/{}",
        server.url,
        result.sample_user_id.as_deref().unwrap_or_default()
    );
    let get = loadgen::hammer(plan, &get_url, Some(REFERENCE_TOKEN), plan.hammer_seconds)?;
    Ok(Reference {
        version: REFERENCE_VERSION.to_string(),
        result,
        get,
        idle_rss_kb: idle,
        after_rss_kb: server.rss(),
    })
}

/// First syncs of each server compared (see [`sync_rounds`]).
const SYNC_ROUNDS: usize = 3;

/// More first syncs, each on a fresh server, Roster's and the reference's in turn
/// ([`SYNC_ROUNDS`] in all with the scenario's own, `first`). A first sync of Roster lasts well
/// under a second, shorter than the swings of a shared machine's speed; the reference's lasts
/// seconds. Pairing the servers round by round and taking the median round's ratio keeps a
/// slow second from deciding the comparison, as the GET rounds do.
pub fn sync_rounds(plan: &Plan, out_dir: &Path, first: (f64, f64)) -> Result<SyncRounds> {
    let mut roster = vec![first.0];
    let mut reference = vec![first.1];
    for _ in 1..SYNC_ROUNDS {
        let tmp = TempDir::new("roster-bench-round")?;
        let server = Server::roster(&tmp.sqlite_url(), &out_dir.join("roster-rounds.log"))?;
        let dir = new_directory(&server)?;
        let token = Some(dir.api_key.as_str());
        let result = loadgen::sync(plan, &dir.base_url, token, "roster", 600.0, 0.0)?;
        roster.push(result.sync.rps);
        drop(server);

        let server = Server::reference(&out_dir.join("reference.log"))?;
        let result = loadgen::sync(
            plan,
            &server.url,
            Some(REFERENCE_TOKEN),
            "reference",
            plan.reference_max_seconds,
            0.0,
        )?;
        reference.push(result.sync.rps);
        drop(server);
    }
    let ratios: Vec<f64> = roster.iter().zip(&reference).map(|(a, b)| a / b).collect();
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    Ok(SyncRounds {
        roster_rps: roster,
        reference_rps: reference,
        median_ratio: sorted[sorted.len() / 2],
        ratios,
    })
}

/// Scenario 3 on one backend: grow one directory through the sizes, probing at each.
pub fn scale(
    plan: &Plan,
    backend: &str,
    database_url: Option<&str>,
    out_dir: &Path,
) -> Result<Scale> {
    let tmp = TempDir::new("roster-scale")?;
    let db = match database_url {
        Some(url) => url.to_string(),
        None => tmp.sqlite_url(),
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
        println!(
            "loading {size} users{}",
            if load_groups { " and the groups" } else { "" }
        );
        let loaded = loadgen::load(
            &db,
            size,
            directory.as_ref().map(|(id, _)| id.as_str()),
            load_groups.then_some(plan.group_sizes.as_slice()),
        )?;
        let known = match directory.take() {
            Some(known) => known,
            None => (loaded.directory_id.clone(), new_key(&loaded)?.to_owned()),
        };
        let (id, key) = &*directory.insert(known);
        let load_json = last_load_json.insert(out_dir.join(format!("load-{backend}-{size}.json")));
        write_loaded(load_json, &loaded)?;
        let target = Probed {
            id,
            key,
            load_json,
            users: size,
        };
        let extra: &[&str] = if load_groups { &["--groups"] } else { &[] };
        let probe: Probe = target.probe(plan, &server, extra)?;
        steps.push(ScaleStep {
            users: probe.users,
            queries: probe.queries,
            groups: probe.groups,
            load_seconds: loaded.users_seconds,
            load_users_added: loaded.users_added,
            group_load_seconds: loaded.groups_seconds,
            rss_kb: server.rss(),
            peak_rss_kb: server.hwm(),
        });
    }
    let side_by_side = match (&directory, &last_load_json, steps.first(), steps.last()) {
        (Some((id, key)), Some(load_json), Some(first), Some(last)) if steps.len() > 1 => {
            let large = Probed {
                id,
                key,
                load_json,
                users: last.users,
            };
            Some(side_by_side(
                plan,
                &server,
                &db,
                &large,
                first.users,
                out_dir,
                backend,
            )?)
        }
        _ => None,
    };
    Ok(Scale {
        backend: backend.to_string(),
        steps,
        side_by_side,
    })
}

/// The loader's output, for `probe --load-json`.
fn write_loaded(path: &Path, loaded: &Loaded) -> Result<()> {
    std::fs::write(path, serde_json::to_string(loaded)?)?;
    Ok(())
}

/// A loaded directory to probe: its id and key, the loader's output and its size.
/// The key of the directory a load created.
fn new_key(loaded: &Loaded) -> Result<&str> {
    loaded
        .api_key
        .as_deref()
        .context("roster-loadgen load printed no key for the directory it created")
}

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
    fn probe<T: serde::de::DeserializeOwned>(
        &self,
        plan: &Plan,
        server: &Server,
        extra: &[&str],
    ) -> Result<T> {
        let base_url = self.base_url(server);
        loadgen::probe(plan, &base_url, self.key, self.load_json, self.users, extra)
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
) -> Result<SideBySide> {
    const ROUNDS: u64 = 3;
    println!(
        "loading a second directory of {small_users} users beside the {}",
        large.users
    );
    let loaded = loadgen::load(db, small_users, None, None)?;
    let small_json = out_dir.join(format!("load-{backend}-side-{small_users}.json"));
    write_loaded(&small_json, &loaded)?;
    let small = Probed {
        id: &loaded.directory_id,
        key: new_key(&loaded)?,
        load_json: &small_json,
        users: small_users,
    };
    let (mut smalls, mut larges): (Vec<Queries>, Vec<Queries>) = (Vec::new(), Vec::new());
    let small_url = small.base_url(server);
    let small_count = small.users.to_string();
    for _ in 0..ROUNDS {
        let both: LookupProbe = large.probe(
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
        smalls.extend(both.beside.map(|beside| beside.queries));
        larges.push(both.queries);
    }
    let median = |runs: &[Queries], query: &str| {
        let mut p50s: Vec<f64> = runs
            .iter()
            .filter_map(|r| r.get(query).map(|k| k.p50_ms))
            .collect();
        p50s.sort_by(f64::total_cmp);
        p50s.get(p50s.len() / 2).copied()
    };
    let queries = ["userName_eq", "externalId_eq", "work_email_eq"]
        .into_iter()
        .map(|query| {
            let pair = SidePair {
                small_p50_ms: median(&smalls, query),
                large_p50_ms: median(&larges, query),
            };
            (query.to_string(), pair)
        })
        .collect();
    Ok(SideBySide {
        small_users,
        large_users: large.users,
        rounds: ROUNDS,
        queries,
    })
}

/// Scenario 5: scenario 1 and the scale curves up to [`Plan::postgres_max`], each in a fresh
/// schema of the database at `base`.
pub fn postgres(plan: &Plan, base: &str, out_dir: &Path) -> Result<Postgres> {
    let schema = loadgen::pg_schema(base)?;
    let server = Server::roster(&schema.url, &out_dir.join("roster-postgres.log"))?;
    let dir = new_directory(&server)?;
    let (sync, _) = sync_with_rss(plan, &server, &dir, "pg")?;
    drop(server);
    drop_schema(base, &schema.schema);
    let schema = loadgen::pg_schema(base)?;
    let scale = scale(plan, "postgres", Some(&schema.url), out_dir);
    // The scale step's server has stopped by now (dropped inside `scale`).
    drop_schema(base, &schema.schema);
    Ok(Postgres {
        sync,
        scale: scale?,
    })
}

/// Drops a bench schema: left behind, each run's 100k users stay in the test database and
/// slow the next runs' PostgreSQL numbers. A failure is only reported.
fn drop_schema(base: &str, name: &str) {
    if let Err(err) = loadgen::pg_drop_schema(base, name) {
        println!("could not drop the bench schema {name}: {err:#}");
    }
}

/// Scenario 6: sizes of dist/ and the browser timings (Chromium and e2e's node_modules needed).
pub fn console(no_browser: bool) -> Result<Outcome<Console>> {
    let dist = process::dist_dir();
    if !dist.join("index.html").exists() {
        return Ok(Outcome::skipped("dist/ is not built (cargo xtask dist)"));
    }
    let sizes = console_sizes(&dist)?;
    let chromium = Path::new(crate::tools::CHROMIUM);
    let modules = process::root().join("e2e/node_modules/playwright-core");
    let timing = if no_browser {
        Outcome::skipped("--no-console")
    } else if !chromium.exists() || !modules.exists() {
        Outcome::skipped(
            "needs /usr/bin/chromium and e2e/node_modules (cargo xtask tools --browser; npm ci in e2e)",
        )
    } else {
        let mut cmd = Command::new("node");
        cmd.current_dir(process::root())
            .arg("e2e/bench-console.mjs")
            .env("ROSTER_BIN", process::target_dir().join("release/roster"))
            .env("ROSTER_DIST", &dist)
            .env("RUST_LOG", "warn");
        match child::last_json_line::<BrowserTiming>(&mut cmd, Duration::from_secs(180)) {
            Ok(timing) => Outcome::Ran(timing),
            Err(error) => Outcome::failed(&error),
        }
    };
    Ok(Outcome::Ran(Console { sizes, timing }))
}

/// Scenario 6's sizes: the files of the console's first download, as the budget counts them
/// ([`budget::initial_transfer`]), and apart the chunks pages fetch on their first visit
/// ([`budget::lazy_chunks`]), each raw, gzip -9 and brotli 11.
fn console_sizes(dist: &Path) -> Result<ConsoleSizes> {
    let sizes = |assets: Vec<budget::Asset>| -> Result<AssetSizes> {
        let mut files = Vec::new();
        let mut total = SizeTotals {
            raw: 0,
            gzip: 0,
            brotli: 0,
        };
        for asset in assets {
            let brotli = brotli_len(&std::fs::read(dist.join(&asset.name))?)?;
            total.raw += asset.raw;
            total.gzip += asset.gzip;
            total.brotli += brotli;
            files.push(FileSize {
                file: asset.name,
                raw: asset.raw,
                gzip: asset.gzip,
                brotli,
            });
        }
        Ok(AssetSizes { files, total })
    };
    let initial = sizes(budget::initial_transfer(dist)?)?;
    Ok(ConsoleSizes {
        files: initial.files,
        total: initial.total,
        lazy: sizes(budget::lazy_chunks(dist)?)?,
    })
}

fn brotli_len(bytes: &[u8]) -> Result<u64> {
    Ok(crate::precompress::brotli(bytes)?.len() as u64)
}
