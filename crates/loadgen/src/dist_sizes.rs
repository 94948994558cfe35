//! Scenario 6's sizes: every file the console's index.html pulls in on first load, raw, gzip
//! (level 9) and brotli (quality 11), and their totals. Other files of `dist/` (the embedding
//! entry `roster-embed.js`, config examples) are not part of the page's load.
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{json, Value};

pub fn run(dist: &Path) -> Result<Value> {
    let mut files = Vec::new();
    let (mut raw, mut gz, mut br) = (0u64, 0u64, 0u64);
    let mut entries: Vec<_> = std::fs::read_dir(dist)
        .with_context(|| format!("cannot read {}", dist.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        // The initial load: the page, and the script, wasm and stylesheet it names.
        let initial = name == "index.html"
            || ([".js", ".wasm", ".css"]
                .iter()
                .any(|ext| name.ends_with(ext))
                && index.contains(&name));
        if !initial {
            continue;
        }
        let bytes = std::fs::read(entry.path())?;
        let (g, b) = (gzip(&bytes)?, brotli(&bytes)?);
        raw += bytes.len() as u64;
        gz += g;
        br += b;
        files.push(json!({"file": name, "raw": bytes.len(), "gzip": g, "brotli": b}));
    }
    Ok(json!({"files": files, "total": {"raw": raw, "gzip": gz, "brotli": br}}))
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
