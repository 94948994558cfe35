//! `cargo xtask run`: the console and the server built, then `roster serve` on 127.0.0.1:8080 with
//! SQLite under `./roster-data`. Every step is incremental, so a second run starts in seconds.

use std::ffi::OsString;
use std::process::Command;

use anyhow::{Context, Result};

use crate::process::{self, banner, run};
use crate::tools::{self, Need};
use crate::{dist, freshness};

const LISTEN: &str = "127.0.0.1:8080";
const DATA_DIR: &str = "roster-data";

/// Builds what is stale and replaces this process with the server.
pub fn serve(rebuild_console: bool, extra: Vec<OsString>) -> Result<()> {
    let tools = tools::ensure(Need::Console)?;
    if rebuild_console || !freshness::console_is_fresh() {
        dist::build(&tools)?;
    } else {
        println!("\nThe console in dist/ is up to date (`cargo xtask dist` rebuilds it anyway).");
    }
    banner("Building the server (release)");
    run(process::cargo().args([
        "build",
        "--release",
        "--package",
        "roster-server",
        "--bin",
        "roster",
    ]))?;

    let root = process::root();
    let mut server = Command::new(process::target_dir().join("release").join("roster"));
    server.current_dir(root).arg("serve");
    // Defaults only where neither a ROSTER_* variable nor an argument after `--` says otherwise:
    // the server reads both itself, and a flag given twice is an error.
    let database_url = format!("sqlite://./{DATA_DIR}/roster.db");
    let defaults = [
        ("listen", "ROSTER_LISTEN", LISTEN.to_string()),
        ("database-url", "ROSTER_DATABASE_URL", database_url),
        ("console-dir", "ROSTER_CONSOLE_DIR", "dist".to_string()),
        (
            "public-url",
            "ROSTER_PUBLIC_URL",
            format!("http://{LISTEN}"),
        ),
    ];
    let is_set = |flag: &str, var: &str| std::env::var_os(var).is_some() || has_flag(&extra, flag);
    for (flag, var, value) in defaults {
        // The default public URL names the default address; with another one the server's own
        // default (derived from where it listens) is the better guess.
        let other_address = flag == "public-url" && is_set("listen", "ROSTER_LISTEN");
        if is_set(flag, var) || other_address {
            continue;
        }
        if flag == "database-url" {
            let data = root.join(DATA_DIR);
            std::fs::create_dir_all(&data)
                .with_context(|| format!("could not create {}", data.display()))?;
        }
        server.arg(format!("--{flag}")).arg(value);
    }
    server.args(&extra);
    banner("Starting Roster (Ctrl-C stops it)");
    println!("$ {}", process::display(&server));
    exec(server)
}

/// Whether `args` already set `--flag` (as `--flag value` or `--flag=value`).
fn has_flag(args: &[OsString], flag: &str) -> bool {
    let long = format!("--{flag}");
    args.iter().any(|arg| {
        let arg = arg.to_string_lossy();
        arg == long || arg.starts_with(&format!("{long}="))
    })
}

/// Becomes the server, so Ctrl-C and SIGTERM reach it directly and it shuts down gracefully,
/// with no xtask process left to forward signals or to outlive it.
fn exec(mut server: Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    let error = server.exec();
    Err(error).context("could not start target/release/roster")
}

#[cfg(test)]
mod tests {
    use super::has_flag;

    #[test]
    fn finds_flags_in_both_spellings() {
        let args = [
            "--listen=0.0.0.0:9000".into(),
            "--public-url".into(),
            "x".into(),
        ];
        assert!(has_flag(&args, "listen"));
        assert!(has_flag(&args, "public-url"));
        assert!(!has_flag(&args, "console-dir"));
        assert!(!has_flag(&args, "listen-x"));
    }
}
