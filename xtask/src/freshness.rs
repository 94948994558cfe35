//! Whether `dist/` is newer than every file the console is built from, so `cargo xtask run` can
//! skip Trunk, whose wasm-bindgen and wasm-opt passes run again even when nothing changed.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};

use crate::process;

/// Files and folders at the root that the console build reads.
const CONSOLE_INPUTS: [&str; 7] = [
    "Cargo.toml",
    "Cargo.lock",
    "Trunk.toml",
    "index.html",
    "src",
    "style",
    "public",
];

fn stamp() -> PathBuf {
    process::target_dir().join("xtask").join("console.stamp")
}

/// Records that `dist/` was just built from the current sources.
pub fn mark_console_built() -> Result<()> {
    let stamp = stamp();
    if let Some(dir) = stamp.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    std::fs::write(&stamp, "").with_context(|| format!("could not write {}", stamp.display()))
}

/// True when `dist/` exists and no console input changed since it was built.
pub fn console_is_fresh() -> bool {
    let built = match std::fs::metadata(stamp()).and_then(|meta| meta.modified()) {
        Ok(time) if process::dist_dir().join("index.html").is_file() => time,
        _ => return false,
    };
    let root = process::root();
    let mut inputs: Vec<PathBuf> = CONSOLE_INPUTS.iter().map(|name| root.join(name)).collect();
    inputs.extend(workspace_path_dependencies(root));
    inputs
        .iter()
        .all(|input| newest(input).is_none_or(|time| time < built))
}

/// Crates shared through `[workspace.dependencies]` with a `path`: the ones the console may use.
/// Reading them from the manifest means a new shared crate is watched without a change here.
fn workspace_path_dependencies(root: &Path) -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    let mut in_section = false;
    let mut paths = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_section = line == "[workspace.dependencies]";
        } else if in_section {
            let path = line
                .split_once("path = \"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(path, _)| root.join(path));
            paths.extend(path);
        }
    }
    paths
}

/// The newest modification time of `path` and everything below it, skipping build output.
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    let own = meta.modified().ok();
    if !meta.is_dir() {
        return own;
    }
    let entries = std::fs::read_dir(path).ok()?;
    entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name() != "target" && entry.file_name() != "fuzz")
        .filter_map(|entry| newest(&entry.path()))
        .chain(own)
        .max()
}
