//! The console's release build: Trunk compiles the root package to wasm32, runs wasm-bindgen and
//! wasm-opt from the pinned tools, and writes `dist/`, which the server serves at `/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::freshness;
use crate::process::{self, banner, run};
use crate::tools::{self, Tools};

/// The workspace's `[profile.release]` is tuned for the native server; these size settings apply
/// to this build only. Passed as env so the server's release build keeps its own profile.
const SIZE_PROFILE: [(&str, &str); 4] = [
    ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z"),
    ("CARGO_PROFILE_RELEASE_LTO", "true"),
    ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1"),
    ("CARGO_PROFILE_RELEASE_PANIC", "abort"),
];

/// Where the built console goes.
pub fn dir() -> PathBuf {
    process::root().join("dist")
}

/// Builds the console into `dist/` and prints what the browser downloads.
pub fn build(tools: &Tools) -> Result<()> {
    check_trunk_toml()?;
    banner("Fetching crates (the console build itself runs offline)");
    run(process::cargo().arg("fetch"))?;
    banner("Building the console with Trunk (release)");
    let dist = dir();
    let mut trunk = tools.command("trunk");
    trunk
        .args(["build", "--release", "--dist"])
        .arg(&dist)
        .env("CARGO_TARGET_DIR", process::target_dir())
        // Offline Trunk still asks the registry for its own latest version unless told not to.
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    for (key, value) in SIZE_PROFILE {
        trunk.env(key, value);
    }
    run(&mut trunk)?;
    freshness::mark_console_built()?;
    print_sizes(&dist)
}

/// Trunk must use the tools we installed, never download its own: fail early, with the fix, when
/// `Trunk.toml` pins something else.
fn check_trunk_toml() -> Result<()> {
    let path = process::root().join("Trunk.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {}", path.display()))?;
    let bindgen = tools::locked_version("wasm-bindgen")?;
    let major = tools::BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or_default();
    let expected = [
        ("offline", "true".to_string()),
        ("wasm_bindgen", format!("\"{bindgen}\"")),
        ("wasm_opt", format!("\"version_{major}\"")),
    ];
    for (key, value) in expected {
        let found = text.lines().find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim() == key).then(|| v.split('#').next().unwrap_or_default().trim().to_string())
        });
        if found.as_deref() != Some(value.as_str()) {
            bail!(
                "Trunk.toml must set `{key} = {value}` so Trunk uses the installed tools offline \
                 (found: {})",
                found.as_deref().unwrap_or("nothing")
            );
        }
    }
    Ok(())
}

/// Raw and gzip sizes of the wasm, JS and CSS in `dist`: the console's download budget.
fn print_sizes(dist: &Path) -> Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dist)
        .with_context(|| format!("could not list {}", dist.display()))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "wasm" || ext == "js" || ext == "css")
        })
        .collect();
    files.sort();
    println!("\n{:<44} {:>10} {:>10}", "console asset", "raw", "gzip -9");
    let (mut raw_total, mut gzip_total) = (0, 0);
    for file in &files {
        let raw = std::fs::metadata(file)?.len();
        let gzip = gzip_size(file)?;
        raw_total += raw;
        gzip_total += gzip;
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        println!("{name:<44} {:>10} {:>10}", kib(raw), kib(gzip));
    }
    println!(
        "{:<44} {:>10} {:>10}",
        "total",
        kib(raw_total),
        kib(gzip_total)
    );
    Ok(())
}

/// Gzip size via the system `gzip`: a compression crate would be xtask's heaviest dependency.
fn gzip_size(file: &Path) -> Result<u64> {
    let output = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(file)
        .output()
        .context("could not run gzip")?;
    if !output.status.success() {
        bail!("gzip failed on {}", file.display());
    }
    Ok(output.stdout.len() as u64)
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}
