//! `cargo xtask`: the only place build orchestration lives. `run` starts Roster locally, `test`
//! runs the whole suite as CI does, `bench` measures, `dist` builds the console, `tools` installs the toolchain.

mod bench;
mod budget;
mod conformance;
mod dist;
mod freshness;
mod layout;
mod precompress;
mod process;
mod run;
mod split;
mod test;
mod tools;

use std::ffi::OsString;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Build, run and test Roster."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install whatever is missing: the wasm32 target, Trunk, the wasm-bindgen CLI matching
    /// Cargo.lock, wasm-opt (npm binaryen) and, with --browser, Chromium and ChromeDriver.
    Tools {
        /// Also install Debian's chromium and chromium-driver (needs root).
        #[arg(long)]
        browser: bool,
    },
    /// Build the console in release with Trunk into dist/ and print its download size.
    Dist,
    /// Build the console and the server, then start `roster serve` on http://127.0.0.1:8080 with
    /// SQLite in ./roster-data. ROSTER_* variables and arguments after `--` go to the server.
    Run {
        /// Run Trunk even when dist/ looks up to date.
        #[arg(long)]
        rebuild_console: bool,
        /// Arguments for `roster serve`, e.g. `-- --log-format json`.
        #[arg(last = true)]
        args: Vec<OsString>,
    },
    /// Measure: SCIM sync throughput against the reference server and the HTTP ceiling, scale
    /// curves to 1M users, memory and the console's load; writes BENCHMARKS.md. Never fails
    /// on a missed target.
    Bench(bench::Options),
    /// Run the whole suite: fmt, clippy, native tests, wasm tests in Chromium, builds, e2e.
    Test(test::Options),
}

fn main() {
    // Trunk runs this executable as `wasm-bindgen` in the console's release build (see `split`).
    if split::is_wrapper() {
        if let Err(error) = split::run_wrapper() {
            eprintln!("\nerror: {error:#}");
            std::process::exit(1);
        }
        return;
    }
    // Printed by hand: returning the error from main would add a backtrace whenever
    // RUST_BACKTRACE is set, burying the one line that says which command failed.
    if let Err(error) = run(Cli::parse().command) {
        eprintln!("\nerror: {error:#}");
        std::process::exit(1);
    }
}

fn run(command: Command) -> Result<()> {
    match command {
        Command::Tools { browser } => {
            let need = if browser {
                tools::Need::Browser
            } else {
                tools::Need::Console
            };
            tools::ensure(need)?;
            println!("The toolchain is installed.");
            Ok(())
        }
        Command::Dist => dist::build(&tools::ensure(tools::Need::Console)?),
        Command::Run {
            rebuild_console,
            args,
        } => run::serve(rebuild_console, args),
        Command::Test(options) => test::run_suite(options),
        Command::Bench(options) => bench::run_bench(options),
    }
}
