//! The console's files compressed once, at build time: `x.wasm.br` (brotli 11) and `x.wasm.gz`
//! (gzip 9) beside each wasm, JS and CSS file of `dist/`. The server sends the one the browser
//! accepts (`ServeDir::precompressed_br`), so the best ratios cost no CPU per request; a static
//! host can serve the same files (nginx `brotli_static`/`gzip_static`, or upload them with
//! `Content-Encoding`). `index.html` and `config.json` stay as they are: an operator may edit
//! `config.json` in place, and a stale compressed copy would then win over the edit; the server
//! compresses the page on the fly.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flate2::{write::GzEncoder, Compression};

/// The extensions compressed: what the browser fetches as code.
const COMPRESSED: [&str; 3] = ["wasm", "js", "css"];

/// What [`write`] made: files, and bytes raw, as brotli and as gzip.
#[derive(Debug, Default, PartialEq)]
pub struct Written {
    pub files: usize,
    pub raw: u64,
    pub brotli: u64,
    pub gzip: u64,
}

/// Writes the `.br` and `.gz` copies of every compressible file under `dist`, replacing older
/// ones. A copy that would not be smaller than its file is not written (the server then sends
/// the file itself).
pub fn write(dist: &Path) -> Result<Written> {
    let mut written = Written::default();
    for path in files(dist)? {
        let bytes =
            std::fs::read(&path).with_context(|| format!("could not read {}", path.display()))?;
        let raw = bytes.len() as u64;
        written.files += 1;
        written.raw += raw;
        let br = brotli(&bytes)?;
        let gz = gzip(&bytes)?;
        written.brotli += keep(&path, "br", br, raw)?;
        written.gzip += keep(&path, "gz", gz, raw)?;
    }
    Ok(written)
}

/// The compressible files under `dist`, sorted.
fn files(dist: &Path) -> Result<Vec<PathBuf>> {
    files_under(dist, &COMPRESSED)
}

/// The files under `dir` and its folders whose extension is one of `extensions`, sorted (the
/// build is deterministic; so is the order).
pub fn files_under(dir: &Path, extensions: &[&str]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("could not list {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Writes `compressed` as `path.ext` when it is smaller than the file (`raw` bytes), else
/// removes any older copy; answers the bytes the browser would receive.
fn keep(path: &Path, ext: &str, compressed: Vec<u8>, raw: u64) -> Result<u64> {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    let copy = PathBuf::from(name);
    if (compressed.len() as u64) < raw {
        std::fs::write(&copy, &compressed)
            .with_context(|| format!("could not write {}", copy.display()))?;
        Ok(compressed.len() as u64)
    } else {
        if copy.exists() {
            std::fs::remove_file(&copy)
                .with_context(|| format!("could not remove {}", copy.display()))?;
        }
        Ok(raw)
    }
}

/// Brotli at its best quality and a 4 MiB window (larger than any of the console's files).
pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        encoder.write_all(bytes)?;
    }
    Ok(out)
}

/// Gzip at level 9, as the download budget counts it.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn code_gets_copies_that_decompress_to_it_and_settings_do_not() {
        let dist = tempfile::tempdir().unwrap();
        let root = dist.path();
        std::fs::create_dir_all(root.join("snippets/roster-split-0011223344556677")).unwrap();
        let code = "export const greeting = 'hello';\n".repeat(200);
        std::fs::write(root.join("app-0123456789abcdef.js"), &code).unwrap();
        std::fs::write(
            root.join("snippets/roster-split-0011223344556677/chunk_1.wasm"),
            code.as_bytes(),
        )
        .unwrap();
        std::fs::write(root.join("config.json"), "{}").unwrap();
        std::fs::write(root.join("index.html"), "<!doctype html>").unwrap();
        // One byte does not shrink: no copy, and an older one goes.
        std::fs::write(root.join("tiny.css"), "a").unwrap();
        std::fs::write(root.join("tiny.css.br"), "stale").unwrap();

        let written = write(root).unwrap();
        assert_eq!(written.files, 3);
        assert!(written.brotli < written.raw / 10, "{written:?}");

        let br = std::fs::read(root.join("app-0123456789abcdef.js.br")).unwrap();
        let mut plain = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, code);
        let gz = std::fs::read(root.join("app-0123456789abcdef.js.gz")).unwrap();
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, code);
        assert!(root
            .join("snippets/roster-split-0011223344556677/chunk_1.wasm.br")
            .exists());

        for untouched in [
            "config.json.br",
            "config.json.gz",
            "index.html.br",
            "tiny.css.br",
        ] {
            assert!(!root.join(untouched).exists(), "{untouched}");
        }
    }
}
