//! `cargo xtask test`: the whole suite, one timed step after another, going on after a failure
//! where later steps still mean something, and closing with a summary table and the number of
//! tests run. Adding a step is one function plus one line in [`STEPS`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use crate::process::{self, banner, run, run_tee};
use crate::tools::{self, Need, Tools};
use crate::{dist, freshness};

/// One step of the suite.
struct Step {
    name: &'static str,
    about: &'static str,
    /// Needs Chromium: left out by `--skip-browser`.
    browser: bool,
    run: fn(&mut Suite) -> Result<()>,
}

/// The suite, in the order it runs: quick checks first, browser journeys last.
const STEPS: &[Step] = &[
    Step {
        name: "fmt",
        about: "cargo fmt --check",
        browser: false,
        run: fmt,
    },
    Step {
        name: "layout",
        about: "no two modules import each other",
        browser: false,
        run: layout,
    },
    Step {
        name: "tools",
        about: "pinned toolchain installed",
        browser: false,
        run: install_tools,
    },
    Step {
        name: "offline",
        about: "the offline console build needs only what its fetch brings (empty CARGO_HOME)",
        browser: false,
        run: offline,
    },
    Step {
        name: "clippy",
        about: "clippy, native workspace",
        browser: false,
        run: clippy,
    },
    Step {
        name: "clippy-wasm",
        about: "clippy, console on wasm32, unsplit and split",
        browser: false,
        run: clippy_wasm,
    },
    Step {
        name: "test",
        about: "native unit and integration tests",
        browser: false,
        run: native_tests,
    },
    Step {
        name: "wasm-test",
        about: "console tests in headless Chromium",
        browser: true,
        run: wasm_tests,
    },
    Step {
        name: "build",
        about: "console dist/ and server binary",
        browser: false,
        run: build,
    },
    Step {
        name: "budget",
        about: "console initial download size (at most 250 KiB gzip; lazy chunks apart)",
        browser: false,
        run: budget,
    },
    Step {
        name: "conformance",
        about: "scim2-tester against a running server",
        browser: false,
        run: conformance,
    },
    Step {
        name: "e2e",
        about: "full-stack browser tests",
        browser: true,
        run: e2e,
    },
];

/// Flags of `cargo xtask test`.
#[derive(clap::Args)]
pub struct Options {
    /// Leave out steps by name (comma-separated or repeated); see --list.
    #[arg(long, value_delimiter = ',')]
    skip: Vec<String>,
    /// Run only these steps (comma-separated or repeated); see --list.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Leave out the steps that need Chromium (for quick local runs).
    #[arg(long)]
    skip_browser: bool,
    /// List the steps and exit.
    #[arg(long)]
    list: bool,
}

/// A step that cannot mean anything because one it depends on failed.
#[derive(Debug)]
struct Skip(String);

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Skip {}

/// Tests counted from the runners' closing lines.
#[derive(Clone, Copy, Default)]
struct Tally {
    passed: u64,
    failed: u64,
    skipped: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }

    /// Reads cargo's and wasm-bindgen-test-runner's `test result:` lines and the summary of
    /// node's spec reporter (`ℹ pass 3`).
    fn count(&mut self, line: &str) {
        if let Some((_, counts)) = line.split_once("test result: ") {
            for part in counts.split([';', '.']) {
                let mut words = part.split_whitespace();
                let (Some(number), Some(word)) = (words.next(), words.next()) else {
                    continue;
                };
                let Ok(number) = number.parse::<u64>() else {
                    continue;
                };
                match word {
                    "passed" => self.passed += number,
                    "failed" => self.failed += number,
                    "ignored" => self.skipped += number,
                    _ => {}
                }
            }
        } else if let Some(rest) = line.trim_start().strip_prefix("ℹ ") {
            let mut words = rest.split_whitespace();
            let (Some(word), Some(number)) = (words.next(), words.next()) else {
                return;
            };
            let Ok(number) = number.parse::<u64>() else {
                return;
            };
            match word {
                "pass" => self.passed += number,
                "fail" | "cancelled" => self.failed += number,
                "skipped" | "todo" => self.skipped += number,
                _ => {}
            }
        }
    }
}

/// What the steps share: the installed tools, what was built, and the current step's tests.
struct Suite {
    need: Need,
    tools: Option<Tools>,
    tools_failed: bool,
    built: Option<bool>,
    tally: Tally,
}

impl Suite {
    /// The toolchain, installed on first use; a step after a failed install is skipped.
    fn tools(&mut self) -> Result<&Tools> {
        if self.tools_failed {
            return Err(Skip("the toolchain is not installed".into()).into());
        }
        if self.tools.is_none() {
            match tools::ensure(self.need) {
                Ok(tools) => self.tools = Some(tools),
                Err(error) => {
                    self.tools_failed = true;
                    return Err(error);
                }
            }
        }
        self.tools
            .as_ref()
            .ok_or_else(|| Skip("the toolchain is not installed".into()).into())
    }

    /// Runs a test command, counting the tests it reports.
    fn run_counted(&mut self, cmd: &mut std::process::Command) -> Result<()> {
        let mut tally = Tally::default();
        let result = run_tee(cmd, |line| tally.count(line));
        self.tally.add(tally);
        result
    }
}

enum Outcome {
    Passed,
    Failed(String),
    Skipped(String),
}

struct Report {
    step: &'static Step,
    outcome: Outcome,
    elapsed: Duration,
    tally: Tally,
}

/// Runs the selected steps and exits non-zero when any failed.
pub fn run_suite(options: Options) -> Result<()> {
    if options.list {
        for step in STEPS {
            let browser = if step.browser { " (browser)" } else { "" };
            println!("{:<12} {}{browser}", step.name, step.about);
        }
        return Ok(());
    }
    for name in options.skip.iter().chain(&options.only) {
        if !STEPS.iter().any(|step| step.name == name) {
            let names: Vec<&str> = STEPS.iter().map(|step| step.name).collect();
            bail!("no step named `{name}`; the steps are {}", names.join(", "));
        }
    }
    let selected = |step: &Step| {
        !(options.skip.iter().any(|name| name == step.name)
            || (!options.only.is_empty() && !options.only.iter().any(|name| name == step.name))
            || (options.skip_browser && step.browser))
    };
    let browser_wanted = STEPS.iter().any(|step| step.browser && selected(step));
    let mut suite = Suite {
        need: if browser_wanted {
            Need::Browser
        } else {
            Need::Console
        },
        tools: None,
        tools_failed: false,
        built: None,
        tally: Tally::default(),
    };
    let started = Instant::now();
    let mut reports = Vec::new();
    for step in STEPS.iter().filter(|step| selected(step)) {
        banner(&format!("[{}] {}", step.name, step.about));
        suite.tally = Tally::default();
        let clock = Instant::now();
        let outcome = match (step.run)(&mut suite) {
            Ok(()) => Outcome::Passed,
            Err(error) => match error.downcast::<Skip>() {
                Ok(skip) => Outcome::Skipped(skip.0),
                Err(error) => Outcome::Failed(format!("{error:#}")),
            },
        };
        match &outcome {
            Outcome::Failed(why) => println!("\n[{}] FAILED: {why}", step.name),
            Outcome::Skipped(why) => println!("\n[{}] skipped: {why}", step.name),
            Outcome::Passed => {}
        }
        reports.push(Report {
            step,
            outcome,
            elapsed: clock.elapsed(),
            tally: suite.tally,
        });
    }
    let failed = summarize(&reports, started.elapsed());
    if failed {
        std::process::exit(1);
    }
    Ok(())
}

/// Prints the table and the closing count line; true when anything failed.
fn summarize(reports: &[Report], total: Duration) -> bool {
    banner("Summary");
    println!(
        "{:<12} {:<8} {:>9} {:>7}  what",
        "step", "result", "time", "tests"
    );
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for report in reports {
        tally.add(report.tally);
        let result = match &report.outcome {
            Outcome::Passed => "ok",
            Outcome::Failed(_) => "FAILED",
            Outcome::Skipped(_) => "skipped",
        };
        let counted = report.tally.passed + report.tally.failed;
        let tests = if counted > 0 {
            counted.to_string()
        } else {
            String::new()
        };
        let about = match &report.outcome {
            Outcome::Skipped(why) => format!("{} ({why})", report.step.about),
            _ => report.step.about.to_string(),
        };
        let time = duration(report.elapsed);
        println!(
            "{:<12} {result:<8} {time:>9} {tests:>7}  {about}",
            report.step.name
        );
        if let Outcome::Failed(why) = &report.outcome {
            failures.push(format!("{}: {why}", report.step.name));
        }
    }
    println!("{:<12} {:<8} {:>9}", "total", "", duration(total));
    for failure in &failures {
        println!("FAILED {failure}");
    }
    // The last line in the form CI reads as "tests ran": N passed, N failed, N skipped.
    println!(
        "tests: {} passed, {} failed, {} skipped",
        tally.passed, tally.failed, tally.skipped
    );
    !failures.is_empty()
}

fn duration(elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        format!("{}m {:02}s", elapsed.as_secs() / 60, elapsed.as_secs() % 60)
    }
}

fn fmt(_: &mut Suite) -> Result<()> {
    run(process::cargo().args(["fmt", "--all", "--check"]))
}

fn layout(_: &mut Suite) -> Result<()> {
    crate::layout::check(process::root())
}

fn install_tools(suite: &mut Suite) -> Result<()> {
    suite.tools().map(|_| ())
}

/// Build-std needs `rust-src`, which the toolchain step installs.
fn offline(suite: &mut Suite) -> Result<()> {
    suite.tools()?;
    dist::check_offline()
}

fn clippy(_: &mut Suite) -> Result<()> {
    run(process::cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// The console's wasm-only code paths (`cfg(target_arch = "wasm32")`) are linted here.
fn clippy_wasm(suite: &mut Suite) -> Result<()> {
    let tools = suite.tools()?;
    run(tools.cargo().args([
        "clippy",
        "--package",
        "roster-console",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // Again as the release build compiles it, with the lazy pages as split points (`src/lazy.rs`).
    // Other RUSTFLAGS would invalidate the build above on every run: it gets its own target dir.
    run(tools
        .cargo()
        .args([
            "clippy",
            "--package",
            "roster-console",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ])
        .env("RUSTFLAGS", "--cfg roster_split")
        .env(
            "CARGO_TARGET_DIR",
            process::target_dir().join("clippy-split"),
        ))
}

/// The server's storage and API suites also run on PostgreSQL when `ROSTER_TEST_DATABASE_URL`
/// is set; each test makes its own schema or database, so nothing is needed here but the env.
fn native_tests(suite: &mut Suite) -> Result<()> {
    match std::env::var("ROSTER_TEST_DATABASE_URL") {
        Ok(_) => println!(
            "ROSTER_TEST_DATABASE_URL is set: storage and API suites also run on PostgreSQL"
        ),
        Err(_) => println!(
            "ROSTER_TEST_DATABASE_URL is not set: storage and API suites run on SQLite only"
        ),
    }
    // Every failing test binary is reported, not only the first.
    suite.run_counted(process::cargo().args(["test", "--workspace", "--no-fail-fast"]))
}

/// Only the console package: `--workspace` on wasm32 would try to build the server.
fn wasm_tests(suite: &mut Suite) -> Result<()> {
    // The runner reads Chromium's flags (headless, no sandbox as root) from this file.
    if !process::root().join("webdriver.json").is_file() {
        bail!("webdriver.json is missing next to Cargo.toml; the wasm test runner needs it to start Chromium headless");
    }
    let mut cmd = suite.tools()?.cargo();
    cmd.args([
        "test",
        "--package",
        "roster-console",
        "--target",
        "wasm32-unknown-unknown",
    ])
    .env("CHROMEDRIVER", tools::CHROMEDRIVER)
    .env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    // Without debug info the test wasm shrinks from ~74 MB to ~4 MB and loads 4x faster.
    .env("CARGO_PROFILE_DEV_DEBUG", "0");
    suite.run_counted(&mut cmd)
}

fn build(suite: &mut Suite) -> Result<()> {
    let result = build_artifacts(suite);
    suite.built = Some(result.is_ok());
    result
}

fn build_artifacts(suite: &mut Suite) -> Result<()> {
    let tools = suite.tools()?;
    if freshness::console_is_fresh() {
        println!("The console in dist/ is up to date.");
    } else {
        dist::build(tools)?;
    }
    banner("Building the server (debug)");
    run(process::cargo().args(["build", "--package", "roster-server", "--bin", "roster"]))
}

/// The console's initial transfer against its size budget (see [`crate::budget`]).
fn budget(suite: &mut Suite) -> Result<()> {
    match suite.built {
        Some(true) => {}
        Some(false) => return Err(Skip("the build step failed".into()).into()),
        None => build(suite)?,
    }
    crate::budget::check(&process::dist_dir())
}

/// `scim2 test` against a directory of the server (see [`crate::conformance`]).
fn conformance(suite: &mut Suite) -> Result<()> {
    let checks = crate::conformance::check()?;
    suite.tally.add(Tally {
        passed: checks.passed,
        failed: checks.failed,
        skipped: checks.skipped,
    });
    if !checks.failures.is_empty() {
        bail!("scim2-tester: {}", checks.failures.join("; "));
    }
    Ok(())
}

/// `node --test` over `e2e/*.test.mjs`, against the binary and `dist/` from the build step.
fn e2e(suite: &mut Suite) -> Result<()> {
    match suite.built {
        Some(true) => {}
        Some(false) => return Err(Skip("the build step failed".into()).into()),
        None => build(suite)?,
    }
    let dir = process::root().join("e2e");
    install_node_modules(&dir)?;
    let tests = test_files(&dir)?;
    let mut node = std::process::Command::new("node");
    node.current_dir(&dir)
        .args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
        .args(&tests)
        .env(
            "ROSTER_BIN",
            process::target_dir().join("debug").join("roster"),
        )
        .env("ROSTER_DIST", process::dist_dir())
        .env("CHROMIUM", tools::CHROMIUM);
    suite.run_counted(&mut node)
}

/// `npm ci` when `node_modules` is missing or older than the lockfile (the usual case on CI).
fn install_node_modules(dir: &Path) -> Result<()> {
    let modified = |path: PathBuf| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .ok()
    };
    let installed = modified(dir.join("node_modules").join(".package-lock.json"));
    let locked = modified(dir.join("package-lock.json"));
    if installed.is_some() && installed >= locked {
        return Ok(());
    }
    run(std::process::Command::new("npm")
        .current_dir(dir)
        .args(["ci", "--no-audit", "--no-fund"]))
}

fn test_files(dir: &Path) -> Result<Vec<String>> {
    let mut files: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no e2e/*.test.mjs files");
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::Tally;

    #[test]
    fn counts_cargo_and_node_summaries() {
        let mut tally = Tally::default();
        tally.count("test result: ok. 12 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        tally.count(
            "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
        );
        tally.count("ℹ pass 4");
        tally.count("ℹ fail 1");
        tally.count("ℹ skipped 1");
        tally.count("ℹ duration_ms 3812.2");
        tally.count("running 12 tests");
        assert_eq!((tally.passed, tally.failed, tally.skipped), (19, 2, 3));
    }
}
