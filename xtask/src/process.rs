//! Child processes: every command is echoed before it runs, streams its output to the terminal, and
//! fails with the command line in the error, so a long build log always says what failed.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};

/// The workspace root: xtask lives one level below it.
pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
    })
}

/// The workspace's own target dir. xtask may itself be built elsewhere (a developer's
/// `CARGO_TARGET_DIR`), but what it builds must land where `run`, `dist` and the e2e tests look.
pub fn target_dir() -> PathBuf {
    root().join("target")
}

/// Where the built console goes (`cargo xtask dist`), and where `run`, the e2e tests and the
/// bench serve it from.
pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// A `cargo` command run from the workspace root into the workspace's target dir.
pub fn cargo() -> Command {
    // `cargo run` hands us the real cargo binary; prefer it over the rustup proxy on PATH.
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(root())
        .env("CARGO_TARGET_DIR", target_dir());
    cmd
}

/// Prints the step a long run is at, visible between pages of compiler output.
pub fn banner(text: &str) {
    println!("\n==> {text}");
    let _ = std::io::stdout().flush();
}

/// The command line as a shell would show it, with the env vars set on it.
pub fn display(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter(|(key, _)| *key != "PATH" && *key != "CARGO_TARGET_DIR")
        .filter_map(|(key, value)| {
            Some(format!(
                "{}={}",
                key.to_string_lossy(),
                value?.to_string_lossy()
            ))
        })
        .collect();
    // `cargo` rather than the toolchain path that `cargo run` hands us in $CARGO.
    let program = cmd.get_program();
    let is_cargo = std::env::var_os("CARGO").is_some_and(|cargo| cargo == program);
    parts.push(if is_cargo {
        "cargo".into()
    } else {
        program.to_string_lossy().into_owned()
    });
    parts.extend(cmd.get_args().map(|arg| arg.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// Runs a command with inherited stdio and fails unless it exits with 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    let line = display(cmd);
    println!("$ {line}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{line}`"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// The host's target triple, as rustc names it.
pub fn host_target() -> Result<String> {
    let version = probe(Command::new("rustc").arg("-vV")).context("`rustc -vV` failed")?;
    version
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_string)
        .context("`rustc -vV` names no host")
}

/// Runs a command quietly and returns its trimmed stdout, or `None` when it cannot start or fails:
/// used to probe what is installed.
pub fn probe(cmd: &mut Command) -> Option<String> {
    let output = cmd.stderr(Stdio::null()).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Runs a command, copying its stdout to ours line by line and handing each line to `on_line`
/// (used to count tests), with stderr inherited. Fails unless it exits with 0.
pub fn run_tee(cmd: &mut Command, mut on_line: impl FnMut(&str)) -> Result<()> {
    let line = display(cmd);
    println!("$ {line}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{line}`"))?;
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout();
        for text in BufReader::new(stdout).lines() {
            let text = text.unwrap_or_default();
            let _ = writeln!(out, "{text}");
            let _ = out.flush();
            on_line(&text);
        }
    }
    let status = child
        .wait()
        .with_context(|| format!("`{line}` did not finish"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// `PATH` with `dirs` in front, so the pinned tools win over anything else installed.
pub fn path_with(dirs: &[&Path]) -> Result<OsString> {
    let current = std::env::var_os("PATH").unwrap_or_default();
    let paths = dirs
        .iter()
        .map(|dir| dir.to_path_buf())
        .chain(std::env::split_paths(&current));
    std::env::join_paths(paths).context("a tool directory contains a PATH separator")
}

/// Whether we run as root, which decides whether missing system packages may be installed.
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self")
        .map(|meta| meta.uid() == 0)
        .unwrap_or(false)
}
