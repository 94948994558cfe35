//! The console's download budget: what a browser fetches to show the first page — `index.html`,
//! the wasm, JS and CSS it loads and the JS modules those import — gzipped at level 9.
//! [`LIMIT`] is the hard budget, and `cargo xtask test` fails above it; [`GOAL`] is where we
//! want to be. The console fits because its release build is split (`xtask/src/split.rs`):
//! the initial module holds the shell, sign-in, getting started and the directories list, and
//! every other page's code is in chunks fetched on the page's first visit, which the report
//! lists apart and the budget does not count. (Shrinking the code alone — `SIZE_FLAGS` in
//! `dist.rs`, dropping dependencies — got the unsplit console down to 357 KiB, not to 250.)
//! The release build is deterministic, so the numbers only move when the code does.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// Hard limit for the initial transfer, gzip -9: the first page of the console downloads in
/// 250 KiB at most.
pub const LIMIT: u64 = 250 * 1024;
/// What we aim for, the benchmark's target of 200 kB (1000-byte kB, as `cargo xtask bench`
/// counts it); printed next to the number so the distance stays visible.
pub const GOAL: u64 = 200_000;

/// One file of the initial transfer.
pub struct Asset {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
}

/// The files of the initial transfer: `index.html`, every `.wasm`, `.js` and `.css` file of
/// `dist` that it names (the loader script refers to the hashed names Trunk wrote), and the JS
/// modules those import statically (the split loader in `snippets/`, see `xtask/src/split.rs`).
pub fn initial_transfer(dist: &Path) -> Result<Vec<Asset>> {
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index)
        .with_context(|| format!("could not read {}", index.display()))?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dist)
        .with_context(|| format!("could not list {}", dist.display()))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            let loaded = path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| html.contains(name));
            let kind = path
                .extension()
                .is_some_and(|ext| ext == "wasm" || ext == "js" || ext == "css");
            loaded && kind
        })
        .collect();
    if !files
        .iter()
        .any(|path| path.extension().is_some_and(|e| e == "wasm"))
    {
        bail!(
            "{} loads no .wasm file; is dist/ a Trunk build?",
            index.display()
        );
    }
    // Follow static imports (`import … from "./x.js"`) from the JS found so far.
    let mut next = 0;
    while next < files.len() {
        let path = files[next].clone();
        next += 1;
        if path.extension().is_none_or(|e| e != "js") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("could not read {}", path.display()))?;
        let folder = path.parent().unwrap_or(dist);
        for specifier in static_imports(&text) {
            let imported = normalize(&folder.join(specifier));
            if imported.starts_with(dist) && imported.is_file() && !files.contains(&imported) {
                files.push(imported);
            }
        }
    }
    files.sort();
    files.insert(0, index);
    files.iter().map(|path| asset(dist, path)).collect()
}

/// The wasm chunks of `dist` outside the initial transfer: each is fetched the first time a
/// page whose code it holds is visited (see `xtask/src/split.rs`).
pub fn lazy_chunks(dist: &Path) -> Result<Vec<Asset>> {
    let initial: Vec<String> = initial_transfer(dist)?
        .into_iter()
        .map(|a| a.name)
        .collect();
    let mut chunks = Vec::new();
    for path in crate::precompress::files_under(dist, &["wasm"])? {
        let chunk = asset(dist, &path)?;
        if !initial.contains(&chunk.name) {
            chunks.push(chunk);
        }
    }
    chunks.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(chunks)
}

fn asset(dist: &Path, path: &Path) -> Result<Asset> {
    let bytes =
        std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    Ok(Asset {
        name: path
            .strip_prefix(dist)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned(),
        raw: bytes.len() as u64,
        gzip: gzip_len(&bytes)?,
    })
}

/// The relative specifiers of `import … from "…"` statements (dynamic `import()` loads later).
fn static_imports(js: &str) -> Vec<&str> {
    js.match_indices("from")
        .filter_map(|(at, _)| {
            let rest = js[at + 4..].trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let specifier = rest[1..].split(quote).next()?;
            (specifier.starts_with("./") || specifier.starts_with("../")).then_some(specifier)
        })
        .collect()
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Prints the table of [`initial_transfer`] and its total against the goal and the limit, then
/// the [`lazy_chunks`], which the budget does not count.
pub fn report(dist: &Path) -> Result<u64> {
    let (raw, gzip) = print_table("initial transfer", &initial_transfer(dist)?);
    let mark = if gzip <= LIMIT { "within" } else { "OVER" };
    println!(
        "budget: {} gzip ({gzip} B), {mark} the {} budget (goal {GOAL} B)",
        kib(gzip),
        kib(LIMIT),
    );
    let chunks = lazy_chunks(dist)?;
    let (chunks_raw, chunks_gzip) = print_table("loaded on first visit of a page", &chunks);
    println!(
        "everything: {} raw, {} gzip ({} chunks outside the initial transfer)",
        kib(raw + chunks_raw),
        kib(gzip + chunks_gzip),
        chunks.len()
    );
    Ok(gzip)
}

/// Prints `assets` under `title` with their total, and returns the total (raw, gzip).
fn print_table(title: &str, assets: &[Asset]) -> (u64, u64) {
    println!("\n{title:<64} {:>10} {:>10}", "raw", "gzip -9");
    for asset in assets {
        println!(
            "{:<64} {:>10} {:>10}",
            asset.name,
            kib(asset.raw),
            kib(asset.gzip)
        );
    }
    let raw: u64 = assets.iter().map(|a| a.raw).sum();
    let gzip: u64 = assets.iter().map(|a| a.gzip).sum();
    println!("{:<64} {:>10} {:>10}", "total", kib(raw), kib(gzip));
    (raw, gzip)
}

/// Fails when the initial transfer grows past [`LIMIT`] (see the module docs).
pub fn check(dist: &Path) -> Result<()> {
    let gzip = report(dist)?;
    if gzip > LIMIT {
        bail!(
            "the console's initial transfer is {} gzip, over the budget of {}; measure with \
             `twiggy top` on the wasm before adding weight, and keep pages that are not needed \
             before sign-in or on the landing page lazy (`lazy_page!` in src/app.rs)",
            kib(gzip),
            kib(LIMIT)
        );
    }
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> Result<u64> {
    Ok(crate::precompress::gzip(bytes)?.len() as u64)
}

pub fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_index_html_names_what_that_imports_and_index_html_itself() {
        let dir = std::env::temp_dir().join(format!("roster-budget-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            "<script type=module>import('./app-1.js'); fetch('app-1_bg.wasm')</script>",
        )
        .unwrap();
        let mut js = "x".repeat(1000);
        js.push_str("import * as import1 from \"./snippets/split-1/split.js\"\n");
        std::fs::write(dir.join("app-1.js"), js).unwrap();
        std::fs::create_dir_all(dir.join("snippets/split-1")).unwrap();
        std::fs::write(
            dir.join("snippets/split-1/split.js"),
            "import { initSync } from \"../../app-1.js\"; fetch(new URL(\"./page.wasm\"))",
        )
        .unwrap();
        std::fs::write(dir.join("snippets/split-1/page.wasm"), [1u8; 20]).unwrap();
        std::fs::write(dir.join("app-1_bg.wasm"), [0u8; 10]).unwrap();
        std::fs::write(dir.join("old-0.js"), "stale").unwrap();
        std::fs::write(dir.join("config.json"), "{}").unwrap();
        let assets = initial_transfer(&dir).unwrap();
        let names: Vec<&str> = assets.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "index.html",
                "app-1.js",
                "app-1_bg.wasm",
                "snippets/split-1/split.js"
            ]
        );
        assert!(assets[1].gzip < 100, "1000 equal bytes compress well");
        let chunks = lazy_chunks(&dir).unwrap();
        let names: Vec<&str> = chunks.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["snippets/split-1/page.wasm"]);
        assert_eq!(chunks[0].raw, 20);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
