//! Scenario 6's sizes: every file the console's index.html pulls in on first load (the files it
//! names and the JS modules those import, such as the split loader under `snippets/`), raw, gzip
//! (level 9) and brotli (quality 11), and their totals; then, apart, the wasm chunks that pages
//! load on their first visit (see `xtask/src/split.rs`). Other files of `dist/` (the embedding
//! entry `roster-embed.js`, config examples) are not part of the page's load.
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{json, Value};

pub fn run(dist: &Path) -> Result<Value> {
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    let mut all = Vec::new();
    walk(dist, &mut all)?;
    all.sort();
    let name = |path: &Path| {
        path.strip_prefix(dist)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    };
    // The initial load: the page, the script, wasm and stylesheet it names, and what they import.
    let mut initial: Vec<PathBuf> = all
        .iter()
        .filter(|path| {
            let name = name(path);
            name == "index.html"
                || (!name.contains('/')
                    && [".js", ".wasm", ".css"]
                        .iter()
                        .any(|ext| name.ends_with(ext))
                    && index.contains(&name))
        })
        .cloned()
        .collect();
    let mut next = 0;
    while next < initial.len() {
        let path = initial[next].clone();
        next += 1;
        if path.extension().is_none_or(|e| e != "js") {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        let folder = path.parent().unwrap_or(dist).to_path_buf();
        for specifier in static_imports(&text) {
            let imported = normalize(&folder.join(specifier));
            if all.contains(&imported) && !initial.contains(&imported) {
                initial.push(imported);
            }
        }
    }
    let lazy: Vec<PathBuf> = all
        .iter()
        .filter(|path| path.extension().is_some_and(|e| e == "wasm") && !initial.contains(path))
        .cloned()
        .collect();
    let sizes = |paths: &[PathBuf]| -> Result<Value> {
        let mut files = Vec::new();
        let (mut raw, mut gz, mut br) = (0u64, 0u64, 0u64);
        for path in paths {
            let bytes = std::fs::read(path)?;
            let (g, b) = (gzip(&bytes)?, brotli(&bytes)?);
            raw += bytes.len() as u64;
            gz += g;
            br += b;
            files.push(json!({"file": name(path), "raw": bytes.len(), "gzip": g, "brotli": b}));
        }
        Ok(json!({"files": files, "total": {"raw": raw, "gzip": gz, "brotli": br}}))
    };
    let mut result = sizes(&initial)?;
    result["lazy"] = sizes(&lazy)?;
    Ok(result)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
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

fn gzip(bytes: &[u8]) -> Result<u64> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len() as u64)
}

fn brotli(bytes: &[u8]) -> Result<u64> {
    let mut out = Vec::new();
    {
        let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        enc.write_all(bytes)?;
    }
    Ok(out.len() as u64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn compresses_repetitive_text() {
        let text = "roster ".repeat(1000);
        let g = super::gzip(text.as_bytes()).unwrap();
        let b = super::brotli(text.as_bytes()).unwrap();
        assert!(g < 200 && b < 200, "{g} {b}");
    }
}
