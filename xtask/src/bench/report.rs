//! What `cargo xtask bench` prints and writes from its [`Results`]: the terminal table, the two
//! scale charts (`bench/*.svg`) and BENCHMARKS.md, which is `method.md`, then the latest
//! results, then `bench/profile.md` (written by hand, kept by every run).
//!
//! A number a scenario did not measure shows as `NaN` or `null`, as in the JSON, rather than
//! as 0: a gap in the page is visible, a zero would read as a measurement.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::chart;
use super::results::{KindStats, Phase, Queries, Results, Scale, SyncRun};

const QUERIES: [&str; 5] = [
    "userName_eq",
    "externalId_eq",
    "work_email_eq",
    "userName_co",
    "last_page",
];
const GROUP_OPS: [&str; 4] = [
    "add_member",
    "remove_member",
    "get_without_members",
    "get_with_members",
];

/// A value as the JSON has it (`12.0`, `null`, `[213,221.9]`).
fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn or_nan(value: Option<f64>) -> f64 {
    value.unwrap_or(f64::NAN)
}

/// The p50 of `name` in a table of kinds; NaN when it was not measured.
fn p50(kinds: &Queries, name: &str) -> f64 {
    or_nan(kinds.get(name).map(|k| k.p50_ms))
}

fn p99(kinds: &Queries, name: &str) -> f64 {
    or_nan(kinds.get(name).map(|k| k.p99_ms))
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "MISS"
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        f64::NAN
    }
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// Numbers each shown by `show`, comma-separated (`19.6x, 22.0x`).
fn listed(values: &[f64], show: impl Fn(f64) -> String) -> String {
    values
        .iter()
        .map(|x| show(*x))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sync ratios, as `21.3x, 19.8x, 22.0x`.
fn joined_ratios(ratios: &[f64]) -> String {
    listed(ratios, |x| format!("{x:.1}x"))
}

/// Group sizes (the probe's keys, members as text) in numeric order.
fn by_size<'a>(
    groups: impl IntoIterator<Item = (&'a String, &'a Queries)>,
) -> Vec<(u64, &'a Queries)> {
    let mut sizes: Vec<(u64, &Queries)> = groups
        .into_iter()
        .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
        .collect();
    sizes.sort_by_key(|(k, _)| *k);
    sizes
}

/// The sentences with pass/fail marks, one per target the bench measures.
fn targets(r: &Results) -> Vec<String> {
    let mut out = Vec::new();
    let roster = r.roster.sync.rps;
    let reference = or_nan(r.reference.ran().map(|re| re.result.sync.rps));
    let rounds = r.sync_rounds.as_ref();
    if let Some(rounds) = rounds.filter(|rounds| rounds.median_ratio.is_finite()) {
        let x = rounds.median_ratio;
        out.push(format!(
            "{} sync throughput {x:.1}x the reference, the median of {} rounds ({}) (target ≥ 20x)",
            mark(x >= 20.0),
            rounds.ratios.len(),
            joined_ratios(&rounds.ratios)
        ));
    } else if reference.is_finite() {
        let x = ratio(roster, reference);
        out.push(format!(
            "{} sync throughput {x:.1}x the reference (target ≥ 20x)",
            mark(x >= 20.0)
        ));
    }
    if let (Some(int), true) = (r.integration.ran(), reference.is_finite()) {
        let x = ratio(int.sync_rps, reference);
        out.push(format!(
            "{} sync with a webhook endpoint receiving every event {x:.1}x the reference (target ≥ 20x)",
            mark(x >= 20.0)
        ));
    }
    let share = ratio(r.ceiling.roster_get.rps, r.ceiling.ceiling_get.rps);
    out.push(format!(
        "{} GET by id at {:.0}% of the HTTP ceiling (target ≥ 50%)",
        mark(share >= 0.5),
        share * 100.0
    ));
    let steps = &r.scale.steps;
    if let (Some(first), Some(last)) = (steps.first(), steps.last()) {
        let x = ratio(
            p50(&last.queries, "userName_eq"),
            p50(&first.queries, "userName_eq"),
        );
        let side = r.scale.side_by_side.as_ref();
        let side = side.and_then(|side| side.queries.get("userName_eq"));
        let y = or_nan(side.map(|s| ratio(or_nan(s.large_p50_ms), or_nan(s.small_p50_ms))));
        if y.is_finite() {
            // Judged side by side: both sizes in the same minute (see Method, 3.).
            out.push(format!(
                "{} userName eq at {} users {y:.2}x of {} users, side by side \
                 (target ≤ 1.3x at 1M; along the curve, minutes apart: {x:.2}x)",
                mark(y <= 1.3),
                last.users,
                first.users
            ));
        } else {
            out.push(format!(
                "{} userName eq at {} users {x:.2}x of {} users (target ≤ 1.3x at 1M)",
                mark(x <= 1.3),
                last.users,
                first.users
            ));
        }
    }
    if let Some(groups) = steps.iter().find_map(|s| s.groups.as_ref()) {
        let sizes = by_size(groups);
        if let (Some(small), Some(big)) = (sizes.first(), sizes.last()) {
            let x = ratio(p50(big.1, "add_member"), p50(small.1, "add_member"));
            out.push(format!(
                "{} add one member to a {}-member group {x:.2}x of a {}-member group (target ≤ 1.5x at 100k)",
                mark(x <= 1.5), big.0, small.0
            ));
        }
    }
    let console = r.console.ran();
    let timing = console.and_then(|c| c.timing.ran());
    // What the browser received from Roster's server when it ran; else the files' gzip size.
    match timing {
        Some(t) => {
            let kb = t.first_visit_bytes as f64 / 1000.0;
            out.push(format!(
                "{} console first visit {kb:.0} KB on the wire in {} responses (target ≤ 200 KB)",
                mark(kb <= 200.0),
                t.first_visit_requests
            ));
        }
        None => {
            let gz = or_nan(console.map(|c| c.sizes.total.gzip as f64)) / 1000.0;
            if gz.is_finite() {
                out.push(format!(
                    "{} console initial transfer {gz:.0} KB gzip (target ≤ 200 KB)",
                    mark(gz <= 200.0)
                ));
            }
        }
    }
    let dirs = or_nan(timing.map(|t| t.median_directories_ms));
    if dirs.is_finite() {
        out.push(format!(
            "{} signed-in directories page in {dirs:.0} ms (target ≤ 300 ms)",
            mark(dirs <= 300.0)
        ));
    }
    let idle = mb(r.memory.idle_kb);
    out.push(format!(
        "{} server RSS idle {idle:.1} MB (target < 50 MB)",
        mark(idle < 50.0)
    ));
    let big = or_nan(r.memory.largest_scale_kb.map(mb));
    if big.is_finite() {
        out.push(format!(
            "{} server RSS at {} users {big:.1} MB (target < 300 MB at 1M)",
            mark(big < 300.0),
            json(&r.memory.largest_scale_users)
        ));
    }
    out
}

fn kinds_table(title: &str, phases: &[(&str, Option<&Phase>)]) -> String {
    let mut s = format!("\n{title}\n| phase | kind | count | errors | req/s | p50 ms | p99 ms |\n|---|---|--:|--:|--:|--:|--:|\n");
    for (phase, measured) in phases {
        let kinds = measured.iter().flat_map(|p| &p.kinds);
        for (kind, k) in kinds {
            let KindStats {
                count,
                errors,
                rps,
                p50_ms,
                p99_ms,
                ..
            } = k;
            let _ = writeln!(
                s,
                "| {phase} | {kind} | {count} | {errors} | {rps:.0} | {p50_ms:.2} | {p99_ms:.2} |"
            );
        }
    }
    s
}

fn sync_tables(name: &str, s: &SyncRun) -> String {
    let mut out = format!(
        "\n**{name}**: {} users, {} groups, concurrency {}: first sync {} requests in {:.1} s = **{:.0} req/s** ({:.0} users/s).\n",
        s.users, s.groups, s.concurrency, s.sync.requests, s.sync.seconds, s.sync.rps,
        s.sync.users_per_second
    );
    let p = &s.phases;
    out += &kinds_table(
        "",
        &[
            ("users", Some(&p.users)),
            ("groups", Some(&p.groups)),
            ("page walk", Some(&p.page_walk)),
            ("steady", s.steady.as_ref()),
        ],
    );
    out
}

fn scale_table(scale: &Scale) -> String {
    let steps = &scale.steps;
    let mut s = String::from("\n| query | ");
    for step in steps {
        let _ = write!(s, "{} users p50 / p99 ms | ", step.users);
    }
    s += "largest / smallest (p50) |\n|---|";
    s += &"--:|".repeat(steps.len() + 1);
    s += "\n";
    for q in QUERIES {
        let _ = write!(s, "| {q} | ");
        for step in steps {
            let _ = write!(
                s,
                "{:.2} / {:.2} | ",
                p50(&step.queries, q),
                p99(&step.queries, q)
            );
        }
        let (a, b) = (
            steps.first().map(|x| p50(&x.queries, q)),
            steps.last().map(|x| p50(&x.queries, q)),
        );
        let _ = writeln!(s, "{:.2}x |", ratio(or_nan(b), or_nan(a)));
    }
    let _ = write!(s, "| bulk load (s) | ");
    for step in steps {
        let _ = write!(
            s,
            "{:.1} s for {} | ",
            step.load_seconds, step.load_users_added
        );
    }
    s += " |\n| server RSS (MB) | ";
    for step in steps {
        let _ = write!(s, "{:.1} | ", mb(step.rss_kb));
    }
    s += " |\n";
    if let Some((users, groups)) = steps
        .iter()
        .find_map(|st| Some((st.users, st.groups.as_ref()?)))
    {
        let sizes = by_size(groups);
        let _ = write!(
            s,
            "\nGroups (in the directory of {users} users):\n\n| operation | "
        );
        for (size, _) in &sizes {
            let _ = write!(s, "{size} members p50 / p99 ms | ");
        }
        s += "largest / smallest (p50) |\n|---|";
        s += &"--:|".repeat(sizes.len() + 1);
        s += "\n";
        for op in GROUP_OPS {
            let _ = write!(s, "| {op} | ");
            for (_, v) in &sizes {
                let _ = write!(s, "{:.2} / {:.2} | ", p50(v, op), p99(v, op));
            }
            let r = ratio(
                sizes.last().map_or(f64::NAN, |x| p50(x.1, op)),
                sizes.first().map_or(f64::NAN, |x| p50(x.1, op)),
            );
            let _ = writeln!(s, "{r:.2}x |");
        }
    }
    if let Some(side) = &scale.side_by_side {
        let _ = write!(
            s,
            "\nSide by side (a second directory of {} users loaded beside the {}-user one, \
             their lookups alternating request by request, three rounds; median of the three p50s, ms):\n\n\
             | query | {} users | {} users | ratio |\n|---|--:|--:|--:|\n",
            side.small_users, side.large_users, side.small_users, side.large_users
        );
        for (query, v) in &side.queries {
            let (small, large) = (or_nan(v.small_p50_ms), or_nan(v.large_p50_ms));
            let _ = writeln!(
                s,
                "| {query} | {small:.2} | {large:.2} | {:.2}x |",
                ratio(large, small)
            );
        }
    }
    s
}

/// The terminal summary.
pub fn table(r: &Results) -> String {
    let mut s = String::from("Targets:\n");
    for t in targets(r) {
        let _ = writeln!(s, "  {t}");
    }
    s += &sync_tables("Roster (SQLite)", &r.roster);
    if let Some(reference) = r.reference.ran() {
        s += &sync_tables("Reference scim2-server", &reference.result);
    }
    s += &scale_table(&r.scale);
    s
}

fn charts(r: &Results) -> (String, String) {
    let steps = &r.scale.steps;
    let users: Vec<(String, Vec<(f64, f64)>)> = QUERIES
        .iter()
        .map(|q| {
            let points = steps
                .iter()
                .map(|s| (s.users as f64, p50(&s.queries, q)))
                .collect();
            (q.to_string(), points)
        })
        .collect();
    let groups = steps.iter().find_map(|s| s.groups.as_ref());
    let group_series: Vec<(String, Vec<(f64, f64)>)> = GROUP_OPS
        .iter()
        .map(|op| {
            let points = by_size(groups.into_iter().flatten())
                .into_iter()
                .map(|(size, v)| (size as f64, p50(v, op)))
                .collect();
            (op.to_string(), points)
        })
        .collect();
    (
        chart::svg(
            "SCIM latency (p50) by directory size, SQLite",
            "users in the directory",
            &users,
        ),
        chart::svg(
            "Group operation latency (p50) by group size, SQLite",
            "members in the group",
            &group_series,
        ),
    )
}

/// Writes bench/*.svg and BENCHMARKS.md at the workspace root.
pub fn write_docs(root: &Path, r: &Results) -> Result<()> {
    let (users_svg, groups_svg) = charts(r);
    std::fs::create_dir_all(root.join("bench"))?;
    std::fs::write(root.join("bench/scale-users.svg"), users_svg)?;
    std::fs::write(root.join("bench/scale-groups.svg"), groups_svg)?;
    std::fs::write(root.join("BENCHMARKS.md"), markdown(r))?;
    Ok(())
}

fn markdown(r: &Results) -> String {
    let m = &r.machine;
    let mut s = String::from(include_str!("method.md"));
    let _ = writeln!(
        s,
        "\n## Latest results\n\n{} run at commit `{}` on {} ({} cores, {} GiB), Linux {}, {}. \
         Wall time {} s. Raw numbers: `target/bench/results.json`.\n",
        if r.quick { "A `--quick`" } else { "A full" },
        m.commit,
        m.cpu,
        m.cores,
        json(&m.memory_gib),
        m.kernel,
        m.rustc,
        r.seconds
    );
    let parts: Vec<String> = r
        .timings
        .iter()
        .map(|t| format!("{} {:.0} s", t.step, t.seconds))
        .collect();
    let _ = writeln!(s, "Where the wall time went: {}.\n", parts.join(", "));
    s += "### Targets\n\n";
    for t in targets(r) {
        let _ = writeln!(s, "- {t}");
    }
    s += "\n### 1–2. IdP sync, steady state, reference and ceiling\n";
    s += &sync_tables("Roster (SQLite)", &r.roster);
    if let Some(reference) = r.reference.ran() {
        s += &sync_tables(
            &format!("Reference scim2-server {}", reference.version),
            &reference.result,
        );
        let _ = writeln!(
            s,
            "\nRoster / reference: first sync {:.1}x, GET by id {:.1}x.",
            ratio(r.roster.sync.rps, reference.result.sync.rps),
            ratio(r.ceiling.roster_get.rps, reference.get.rps)
        );
    }
    if let Some(rounds) = r
        .sync_rounds
        .as_ref()
        .filter(|r| r.median_ratio.is_finite())
    {
        let rates = |values: &[f64]| listed(values, |x| format!("{x:.0}"));
        let _ = writeln!(
            s,
            "
First syncs in rounds, each on a fresh server, Roster's and the reference's in turn (the first round is the one above): Roster {} req/s; reference {} req/s; ratios {}: **{:.1}x** in the median round.",
            rates(&rounds.roster_rps),
            rates(&rounds.reference_rps),
            joined_ratios(&rounds.ratios),
            rounds.median_ratio
        );
    }
    let c = &r.ceiling;
    let get = |phase: &Phase| phase.kinds.get("get").cloned();
    let (roster_get, ceiling_get) = (get(&c.roster_get), get(&c.ceiling_get));
    let _ = writeln!(
        s,
        "\nGET by id against the ceiling, in turn, {} rounds sharing {} s each at concurrency {} (the round with the median share: {}): Roster {:.0} req/s (p50 {:.2} ms, p99 {:.2} ms); bare axum ceiling {:.0} req/s (p50 {:.2} ms): **{:.0}%** of the ceiling.",
        c.round_shares.len(), json(&r.plan.hammer_seconds), r.plan.concurrency,
        listed(&c.round_shares, |x| format!("{:.0}%", x * 100.0)), c.roster_get.rps,
        or_nan(roster_get.as_ref().map(|k| k.p50_ms)), or_nan(roster_get.as_ref().map(|k| k.p99_ms)),
        c.ceiling_get.rps, or_nan(ceiling_get.as_ref().map(|k| k.p50_ms)),
        ratio(c.roster_get.rps, c.ceiling_get.rps) * 100.0
    );
    s += "\n### 3. Scale curves (SQLite)\n";
    s += &scale_table(&r.scale);
    s += "\n![User lookups by directory size](bench/scale-users.svg)\n\n![Group operations by group size](bench/scale-groups.svg)\n";
    let creates = r.roster.phases.users.kinds.get("create_user");
    let _ = writeln!(
        s,
        "\n### 4. Durability cost\n\nPOST /Users during the first sync: {:.0} creates/s at concurrency {} (p50 {:.2} ms, p99 {:.2} ms), \
         each its own transaction (those that queue up behind each other share one commit, each in a savepoint of it, and are answered after it), with SQLite as shipped: `journal_mode=WAL`, `synchronous=NORMAL`, one writer at a time. \
         In WAL mode NORMAL does not fsync on commit, only at checkpoints, which a background thread runs every 100 ms. \
         A crash of the Roster process (panic, OOM kill, `kill -9`) loses nothing that was answered 2xx: the commit is in \
         the WAL file in the OS page cache. A power loss or kernel crash can lose the transactions of about the last tenth of a second \
         (those since the previous checkpoint), but never corrupts the database; the IdP then re-sends, and its filter-then-POST finds the missing users. `--sqlite-synchronous full` closes that \
         window at the price of one fsync per commit (shared by the writers of a group commit); its measured cost is under \"`--sqlite-synchronous`: normal and full\" below.",
        or_nan(creates.map(|k| k.rps)), r.plan.concurrency, or_nan(creates.map(|k| k.p50_ms)),
        or_nan(creates.map(|k| k.p99_ms))
    );
    s += "\n### 5. PostgreSQL\n";
    if let Some(postgres) = r.postgres.ran() {
        s += &sync_tables("Roster (PostgreSQL)", &postgres.sync);
        s += &scale_table(&postgres.scale);
    } else {
        let _ = writeln!(s, "\nNot run: {}", json(&r.postgres));
    }
    s += &console_section(r);
    s += &integration_section(r);
    let mem = &r.memory;
    let _ = writeln!(
        s,
        "\n### 7. Memory (server VmRSS)\n\n| when | MB |\n|---|--:|\n| idle after start | {:.1} |\n| peak during the first sync | {:.1} |\n| after the sync and steady mix | {:.1} |\n| at {} users, after the probes | {:.1} (peak {:.1}) |",
        mb(mem.idle_kb), mb(mem.sync_peak_kb), mb(mem.after_sync_kb),
        json(&mem.largest_scale_users), or_nan(mem.largest_scale_kb.map(mb)),
        or_nan(mem.largest_scale_peak_kb.map(mb))
    );
    if let Some(reference) = r.reference.ran() {
        let _ = writeln!(
            s,
            "\nThe reference server (in-memory store): {:.1} MB idle, {:.1} MB after its sync.",
            mb(reference.idle_rss_kb),
            mb(reference.after_rss_kb)
        );
    }
    s += "\n";
    s += include_str!("../../../bench/profile.md");
    s
}

/// Scenario 8: a product following the first sync.
fn integration_section(r: &Results) -> String {
    let mut s = String::from("\n### 8. A product following the sync: the feed and a webhook\n\n");
    match r.integration.ran() {
        Some(int) => {
            let _ = writeln!(
                s,
                "The first sync ({} users, {} groups, concurrency {}) with one webhook endpoint on loopback receiving every event: \
                 **{:.0} req/s**; {} events, all delivered, in order, signed. From a write's commit to its webhook: p50 {:.0} ms, \
                 p99 {:.0} ms (deliveries queue behind the sync's writes on two cores: the endpoint was {:.1} s behind at the end). \
                 The sync's feed read back through `GET /api/v1/events` (1,000 per page): **{:.0} events/s**.",
                r.plan.users, r.plan.groups, r.plan.concurrency, int.sync_rps, int.events,
                int.webhook_p50_ms, int.webhook_p99_ms, int.drain_after_sync_s, int.feed_events_per_s
            );
        }
        None => {
            let _ = writeln!(s, "Not run: {}", json(&r.integration));
        }
    }
    s
}

/// Scenario 6: the console's files and its pages' timings.
fn console_section(r: &Results) -> String {
    let mut s =
        String::from("\n### 6. Console\n\n| file | raw | gzip | brotli |\n|---|--:|--:|--:|\n");
    let console = r.console.ran();
    for file in console.iter().flat_map(|c| &c.sizes.files) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            file.file, file.raw, file.gzip, file.brotli
        );
    }
    let total = console.map(|c| c.sizes.total);
    let _ = writeln!(
        s,
        "| **initial transfer** | {} | {} | {} |",
        json(&total.map(|t| t.raw)),
        json(&total.map(|t| t.gzip)),
        json(&total.map(|t| t.brotli))
    );
    if let Some(lazy) = console.map(|c| &c.sizes.lazy) {
        let t = &lazy.total;
        let _ = writeln!(
            s,
            "| loaded on a page's first visit ({} chunks, not in the initial transfer) | {} | {} | {} |",
            lazy.files.len(),
            t.raw,
            t.gzip,
            t.brotli
        );
    }
    match console.map(|c| &c.timing) {
        Some(timing) => match timing.ran() {
            Some(t) => {
                let _ = writeln!(
                    s,
                    "\nHeadless Chromium, loopback, fresh context (empty cache) per run, median of {}: signed-in directories page \
                     {:.0} ms (samples {}), users table with its first page ({} rows; the console pages by 50) {:.0} ms (samples {}).",
                    t.runs, t.median_directories_ms, json(&t.directories_ms), t.users_table_rows,
                    t.median_users_table_ms, json(&t.users_table_ms)
                );
                let _ = writeln!(
                    s,
                    "\nOn the wire from Roster's server (headers and bodies as sent, the browser accepting brotli): \
                     a first visit of the directories page received {} bytes in {} responses; a second visit in the \
                     same browser {} bytes in {} responses (the hashed files come from its cache). On a throttled \
                     link (10 Mbit/s, 40 ms per request) a first visit shows the page in {:.0} ms (median of {}).",
                    t.first_visit_bytes, t.first_visit_requests, t.repeat_visit_bytes,
                    t.repeat_visit_requests, t.median_throttled_directories_ms,
                    json(&t.throttled_directories_ms)
                );
            }
            None => {
                let _ = writeln!(s, "\nBrowser timings not run: {}", json(timing));
            }
        },
        None => s += "\nBrowser timings not run: null\n",
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::results::{sample, Outcome};

    #[test]
    fn a_full_run_reports_every_scenario() {
        let r = sample();
        let page = markdown(&r);
        assert!(page.contains("## Latest results"));
        assert_eq!(targets(&r).len(), 9, "{:#?}", targets(&r));
        for section in [
            "### 5. PostgreSQL\n\n**Roster (PostgreSQL)**",
            "Headless Chromium",
            "On the wire from Roster's server",
            "### 8. A product following the sync",
        ] {
            assert!(page.contains(section), "{section}");
        }
        assert!(table(&r).contains("Reference scim2-server"));
    }

    #[test]
    fn scenarios_that_did_not_run_say_so() {
        let mut r = sample();
        r.reference = Outcome::skipped("--no-reference");
        r.sync_rounds = None;
        r.postgres = Outcome::skipped("ROSTER_TEST_DATABASE_URL is not set");
        r.console = Outcome::skipped("dist/ is not built (cargo xtask dist)");
        r.scale.steps.clear();
        r.scale.side_by_side = None;
        r.memory.largest_scale_users = None;
        r.memory.largest_scale_kb = None;
        r.memory.largest_scale_peak_kb = None;
        let page = markdown(&r);
        assert!(page.contains("Not run: {\"skipped\":\"ROSTER_TEST_DATABASE_URL is not set\"}"));
        assert!(page.contains("Browser timings not run: null"));
        assert!(page.contains("| at null users, after the probes | NaN (peak NaN) |"));
        assert!(!page.contains("Reference scim2-server"));
        // GET by id and idle memory are measured on every run.
        assert_eq!(targets(&r).len(), 2, "{:#?}", targets(&r));
        assert!(table(&r).contains("Targets"));
        let (users, groups) = charts(&r);
        assert!(users.ends_with("</svg>\n") && groups.ends_with("</svg>\n"));
    }
}
