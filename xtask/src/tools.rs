//! The toolchain the console and the browser tests need, installed idempotently from package
//! registries only (see `shared/reference/toolchain.md`): the wasm32 target, Trunk, the
//! wasm-bindgen CLI matching `Cargo.lock`, wasm-opt from npm's `binaryen`, and Debian's Chromium.
//! Each tool is probed by its `--version` first, so a second run costs a few milliseconds.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::process::{self, banner, probe, run};

/// Trunk 0.22 needs a newer rustc than this project's toolchain; 0.21.14 builds with it.
pub const TRUNK_VERSION: &str = "0.21.14";
/// npm's binaryen. Debian's binaryen (108) produces wasm that fails in Chromium at load time.
pub const BINARYEN_VERSION: &str = "132.0.0";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Where the installed tools are, and the `PATH` that puts them first.
pub struct Tools {
    path: OsString,
}

impl Tools {
    /// `program` from the tool dirs, run from the workspace root.
    pub fn command(&self, program: &str) -> Command {
        // Setting PATH on the command also makes std look `program` up in that PATH.
        let mut cmd = Command::new(program);
        cmd.env("PATH", &self.path).current_dir(process::root());
        cmd
    }

    /// Where `program` is on the tools' PATH.
    pub fn find(&self, program: &str) -> Option<PathBuf> {
        std::env::split_paths(&self.path)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    }

    /// The tools' PATH with `dir` in front.
    pub fn path_with(&self, dir: &Path) -> Result<OsString> {
        let paths = std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(&self.path));
        std::env::join_paths(paths).context("a tool directory contains a PATH separator")
    }

    /// `cargo` from the workspace root, with the tool dirs on its PATH (Trunk and the test
    /// runner look for wasm-bindgen and wasm-opt there).
    pub fn cargo(&self) -> Command {
        let mut cmd = process::cargo();
        cmd.env("PATH", &self.path);
        cmd
    }
}

/// Which tools a command needs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Trunk, wasm-bindgen, wasm-opt and the wasm32 target: enough to build the console.
    Console,
    /// All of the above plus Chromium and ChromeDriver for the browser tests.
    Browser,
}

/// Installs whatever `need` requires and is missing or at the wrong version.
pub fn ensure(need: Need) -> Result<Tools> {
    let cargo_bin = cargo_home().join("bin");
    let binaryen_dir = tools_cache().join("binaryen");
    let binaryen_bin = binaryen_dir.join("node_modules").join(".bin");
    let tools = Tools {
        path: process::path_with(&[&binaryen_bin, &cargo_bin])?,
    };
    ensure_wasm_target()?;
    ensure_rust_src()?;
    ensure_trunk(&tools)?;
    ensure_wasm_bindgen(&tools)?;
    ensure_wasm_opt(&tools, &binaryen_dir)?;
    if need == Need::Browser {
        ensure_browser()?;
    }
    Ok(tools)
}

pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
}

/// Tools that are not Rust crates live here, outside the repo, so a fresh clone reuses them.
fn tools_cache() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cache"))
        .join("roster-tools")
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/root".into())
}

fn ensure_wasm_target() -> Result<()> {
    let sysroot = probe(Command::new("rustc").args(["--print", "sysroot"])).unwrap_or_default();
    if Path::new(&sysroot)
        .join("lib/rustlib")
        .join(WASM_TARGET)
        .is_dir()
    {
        return Ok(());
    }
    banner(&format!("Adding the Rust target {WASM_TARGET}"));
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// The source of `std`: the console's release build rebuilds it for size (see
/// [`crate::dist::SIZE_FLAGS`]).
fn ensure_rust_src() -> Result<()> {
    let sysroot = probe(Command::new("rustc").args(["--print", "sysroot"])).unwrap_or_default();
    if Path::new(&sysroot)
        .join("lib/rustlib/src/rust/library/Cargo.lock")
        .is_file()
    {
        return Ok(());
    }
    banner("Adding the Rust component rust-src");
    run(Command::new("rustup").args(["component", "add", "rust-src"]))
}

fn ensure_trunk(tools: &Tools) -> Result<()> {
    let found = probe(tools.command("trunk").arg("--version"));
    if found.as_deref() == Some(&format!("trunk {TRUNK_VERSION}")) {
        return Ok(());
    }
    banner(&format!(
        "Installing Trunk {TRUNK_VERSION} (found: {}). It compiles from source: about 11 minutes \
         on 2 cores, once per machine.",
        found.as_deref().unwrap_or("none")
    ));
    run(tools.cargo().args([
        "install",
        "--locked",
        "--force",
        "trunk",
        "--version",
        TRUNK_VERSION,
    ]))
}

/// The wasm-bindgen CLI must match the `wasm-bindgen` crate exactly: the generated JS and the
/// wasm's custom sections change between versions. It also brings `wasm-bindgen-test-runner`.
fn ensure_wasm_bindgen(tools: &Tools) -> Result<()> {
    let version = locked_version("wasm-bindgen")?;
    let wanted = [
        ("wasm-bindgen", format!("wasm-bindgen {version}")),
        (
            "wasm-bindgen-test-runner",
            format!("wasm-bindgen-test-runner {version}"),
        ),
    ];
    let found: Vec<Option<String>> = wanted
        .iter()
        .map(|(program, _)| probe(tools.command(program).arg("--version")))
        .collect();
    if wanted
        .iter()
        .zip(&found)
        .all(|((_, want), got)| got.as_deref() == Some(want))
    {
        return Ok(());
    }
    banner(&format!(
        "Installing wasm-bindgen-cli {version} to match Cargo.lock (found: {}). It compiles from \
         source: about 3-5 minutes, once per version.",
        found[0].as_deref().unwrap_or("none")
    ));
    // Not `--locked`: its lockfile pins a dependency version the registry no longer serves.
    run(tools.cargo().args([
        "install",
        "--force",
        "wasm-bindgen-cli",
        "--version",
        &version,
    ]))
}

fn ensure_wasm_opt(tools: &Tools, binaryen_dir: &Path) -> Result<()> {
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    let found = probe(tools.command("wasm-opt").arg("--version"));
    if found
        .as_deref()
        .is_some_and(|line| line.starts_with(&format!("wasm-opt version {major} ")))
    {
        return Ok(());
    }
    banner(&format!(
        "Installing wasm-opt from npm's binaryen@{BINARYEN_VERSION} into {} (found: {})",
        binaryen_dir.display(),
        found.as_deref().unwrap_or("none")
    ));
    if probe(Command::new("npm").arg("--version")).is_none() {
        bail!("npm is missing: install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)");
    }
    std::fs::create_dir_all(binaryen_dir)
        .with_context(|| format!("could not create {}", binaryen_dir.display()))?;
    let manifest = binaryen_dir.join("package.json");
    if !manifest.exists() {
        std::fs::write(&manifest, "{\"name\":\"roster-tools\",\"private\":true}\n")
            .with_context(|| format!("could not write {}", manifest.display()))?;
    }
    let package = format!("binaryen@{BINARYEN_VERSION}");
    run(Command::new("npm").current_dir(binaryen_dir).args([
        "install",
        "--save-exact",
        "--no-audit",
        "--no-fund",
        &package,
    ]))
}

/// Chromium and ChromeDriver from Debian: never a browser downloaded by a test framework.
fn ensure_browser() -> Result<()> {
    if Path::new(CHROMIUM).is_file() && Path::new(CHROMEDRIVER).is_file() {
        return Ok(());
    }
    if !process::is_root() {
        bail!(
            "the browser tests need {CHROMIUM} and {CHROMEDRIVER}; install them with \
             `sudo apt-get update && sudo apt-get install -y chromium chromium-driver`, \
             or skip those steps with `cargo xtask test --skip-browser`"
        );
    }
    banner("Installing Debian's chromium and chromium-driver (about 30 s)");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "chromium", "chromium-driver"]))
}

/// The version of `package` that `Cargo.lock` resolved.
pub fn locked_version(package: &str) -> Result<String> {
    let lock_path = process::root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("could not read {}", lock_path.display()))?;
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == name_line {
            let version = lines
                .next()
                .and_then(|next| next.trim().strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'));
            if let Some(version) = version {
                return Ok(version.to_string());
            }
        }
    }
    bail!("{} has no `{package}` package", lock_path.display())
}
