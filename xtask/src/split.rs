//! Route splitting for the console's release build. The pages marked lazy in `src/app.rs` are
//! `wasm_split` split points (only under `--cfg roster_split`, which [`crate::dist`] sets): the
//! wasm cargo links imports their loaders from a placeholder module, so it must be split by
//! `wasm_split_cli_support` before wasm-bindgen sees it. Trunk has no hook between its cargo
//! build and wasm-bindgen, so for that build this executable stands in for `wasm-bindgen`: the
//! dist build puts a `wasm-bindgen` symlink to it first on Trunk's PATH, and when started under
//! that name ([`is_wrapper`]) it
//!
//! 1. splits Trunk's input wasm into a main module and chunks;
//! 2. runs the real, pinned wasm-bindgen on the main module, with Trunk's arguments (plus
//!    `--keep-lld-exports`, which keeps the exports the chunks link against);
//! 3. shortens the names the main module and its JS glue know each other by ([`names`]);
//! 4. puts the splitter's loader (`split.js`) and the chunks, each through `wasm-opt -Oz`, into
//!    `snippets/roster-split-<hash>/` of wasm-bindgen's output folder. Trunk copies that folder
//!    into `dist/` as it does wasm-bindgen's own JS snippets.
//!
//! The main module imports the loader as `./snippets/roster-split-<hash>/split.js` and the
//! loader fetches each chunk with `new URL("./<chunk>.wasm", import.meta.url)`: every URL is
//! relative to the console's JS module, never to the page, so chunks load wherever `dist/` is
//! served and when the console is embedded. The loader needs the main module's exports and
//! imports `initSync` from the bindgen JS, whose name Trunk hashes only after wasm-bindgen ran;
//! [`link_loader`] fills it in after Trunk, from the name `index.html` loads. The hash in the
//! folder name (of the input wasm) keeps cached chunks from outliving their main module.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::process::{self, run};

mod names;

/// Stands for the bindgen JS's module path in `split.js` until [`link_loader`] replaces it.
const MAIN_MODULE_PLACEHOLDER: &str = "./__roster_bindgen_js__";
/// The folder below `snippets/` holding the loader and the chunks, before the hash.
const FOLDER_PREFIX: &str = "roster-split-";
/// The loader's file name inside that folder.
const LOADER: &str = "split.js";
/// The loader script's attribute naming the split loader, empty until [`link_loader`].
const SPLIT_ATTRIBUTE: &str = "data-roster-split=\"\"";
/// Tells the wrapper where the real wasm-bindgen is.
const REAL_BINDGEN_ENV: &str = "ROSTER_REAL_WASM_BINDGEN";

/// Whether this process was started as the `wasm-bindgen` stand-in.
pub fn is_wrapper() -> bool {
    std::env::args_os()
        .next()
        .map(PathBuf::from)
        .is_some_and(|argv0| argv0.file_name() == Some(OsStr::new("wasm-bindgen")))
}

/// A folder holding only a `wasm-bindgen` symlink to this executable, to put first on Trunk's
/// PATH, and the env var that tells the stand-in where the real wasm-bindgen (`real`) is.
pub fn wrapper_dir(real: &Path) -> Result<(PathBuf, (&'static str, OsString))> {
    let dir = process::target_dir().join("roster-split").join("bin");
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let link = dir.join("wasm-bindgen");
    let exe = std::env::current_exe().context("could not find the xtask executable")?;
    if std::fs::read_link(&link).ok().as_deref() != Some(exe.as_path()) {
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&exe, &link)
            .with_context(|| format!("could not create {}", link.display()))?;
    }
    Ok((dir, (REAL_BINDGEN_ENV, real.as_os_str().to_owned())))
}

/// The stand-in's `main`: see the module docs. Anything but a build (`--version`) goes straight
/// to the real wasm-bindgen.
pub fn run_wrapper() -> Result<()> {
    let real = std::env::var_os(REAL_BINDGEN_ENV)
        .with_context(|| format!("{REAL_BINDGEN_ENV} is not set: run `cargo xtask dist`"))?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let input = args.iter().position(|arg| {
        let arg = Path::new(arg);
        !arg.to_string_lossy().starts_with('-') && arg.extension() == Some(OsStr::new("wasm"))
    });
    let Some(input) = input else {
        // Trunk parses `--version`'s stdout: nothing of ours may precede it.
        use std::os::unix::process::CommandExt;
        let error = Command::new(&real).args(&args).exec();
        return Err(error).with_context(|| format!("could not start {}", real.to_string_lossy()));
    };
    let out_dir = args
        .iter()
        .find_map(|arg| arg.to_str()?.strip_prefix("--out-dir="))
        .map(PathBuf::from)
        .context("wasm-bindgen was called without --out-dir=")?;
    let wasm_path = PathBuf::from(&args[input]);
    let wasm = std::fs::read(&wasm_path)
        .with_context(|| format!("could not read {}", wasm_path.display()))?;
    let folder = format!("{FOLDER_PREFIX}{:016x}", fnv1a(&wasm));

    // (1) Split into a scratch folder.
    let stage = out_dir.join("roster-split-stage");
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir_all(&stage)
        .with_context(|| format!("could not create {}", stage.display()))?;
    let main_wasm = stage.join("main.wasm");
    let link_name = format!("./snippets/{folder}/{LOADER}");
    let loader = stage.join(&link_name);
    if let Some(parent) = loader.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
    }
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&wasm);
        opts.output_dir = &stage;
        opts.main_out_path = &main_wasm;
        opts.link_name = &link_name;
        opts.main_module = MAIN_MODULE_PLACEHOLDER;
        opts
    })
    .map_err(|e| anyhow::anyhow!("splitting {} failed: {e:?}", wasm_path.display()))?;
    drop(wasm);

    // (2) The real wasm-bindgen on the main module.
    let mut bindgen_args = args.clone();
    bindgen_args[input] = main_wasm.into_os_string();
    bindgen_args.push("--keep-lld-exports".into());
    run(Command::new(&real).args(&bindgen_args))?;

    // (3) Short names between the main module and its glue; the loader reads exports by name.
    let out_name = args
        .iter()
        .find_map(|arg| arg.to_str()?.strip_prefix("--out-name="))
        .context("wasm-bindgen was called without --out-name=")?;
    let bg_wasm = out_dir.join(format!("{out_name}_bg.wasm"));
    let glue = out_dir.join(format!("{out_name}.js"));
    let keep = std::fs::read_to_string(&loader)
        .with_context(|| format!("could not read {}", loader.display()))?;
    let (wasm, js, renamed) = names::shorten(
        &std::fs::read(&bg_wasm)
            .with_context(|| format!("could not read {}", bg_wasm.display()))?,
        &std::fs::read_to_string(&glue)
            .with_context(|| format!("could not read {}", glue.display()))?,
        &format!("./{out_name}_bg.js"),
        &keep,
    )?;
    std::fs::write(&bg_wasm, wasm)
        .with_context(|| format!("could not write {}", bg_wasm.display()))?;
    std::fs::write(&glue, js).with_context(|| format!("could not write {}", glue.display()))?;

    // (4) The loader and the optimized chunks where Trunk copies snippets from.
    let snippets = out_dir.join("snippets");
    if let Ok(entries) = std::fs::read_dir(&snippets) {
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(FOLDER_PREFIX)
            {
                std::fs::remove_dir_all(entry.path())
                    .with_context(|| format!("could not remove {}", entry.path().display()))?;
            }
        }
    }
    let dest = snippets.join(&folder);
    std::fs::create_dir_all(&dest)
        .with_context(|| format!("could not create {}", dest.display()))?;
    std::fs::copy(&loader, dest.join(LOADER))
        .with_context(|| format!("could not copy {}", loader.display()))?;
    for chunk in &split.split_modules {
        let name = chunk.file_name().context("a chunk without a file name")?;
        // The PATH Trunk got has the pinned wasm-opt on it. `--low-memory-unused` as for the
        // main module (see `index.html`): the chunks share its memory.
        run(Command::new("wasm-opt")
            .args(["-Oz", "--low-memory-unused"])
            .arg(chunk)
            .arg("-o")
            .arg(dest.join(name)))?;
    }
    let _ = std::fs::remove_dir_all(&stage);
    println!(
        "split the console into a main module and {} lazily loaded chunks in snippets/{folder}; \
         shortened {renamed} import and export names",
        split.split_modules.len()
    );
    Ok(())
}

/// Points each `dist/snippets/roster-split-*/split.js` at the bindgen JS that `index.html`
/// loads (Trunk names it after wasm-bindgen ran), and names the loader in `index.html`'s
/// `data-roster-split=""`, so the page fetches it together with the bindgen JS rather than after
/// it. Returns how many loaders it linked: 0 for a build without split points.
pub fn link_loader(dist: &Path) -> Result<usize> {
    let index = dist.join("index.html");
    let mut html = std::fs::read_to_string(&index)
        .with_context(|| format!("could not read {}", index.display()))?;
    let js = html
        .split_once("data-roster-js=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(name, _)| name.to_owned())
        .context("index.html names no data-roster-js")?;
    let mut linked = 0;
    let snippets = dist.join("snippets");
    let Ok(entries) = std::fs::read_dir(&snippets) else {
        return Ok(0);
    };
    for entry in entries.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with(FOLDER_PREFIX)
        {
            continue;
        }
        let loader = entry.path().join(LOADER);
        let text = std::fs::read_to_string(&loader)
            .with_context(|| format!("could not read {}", loader.display()))?;
        let quoted = format!("\"{MAIN_MODULE_PLACEHOLDER}\"");
        if !text.contains(&quoted) {
            bail!("{} does not import {quoted}", loader.display());
        }
        // snippets/<folder>/split.js → the dist root, where Trunk writes the bindgen JS.
        let text = text.replace(&quoted, &format!("\"../../{js}\""));
        std::fs::write(&loader, text)
            .with_context(|| format!("could not write {}", loader.display()))?;
        linked += 1;
        let named = format!(
            "data-roster-split=\"snippets/{}/{LOADER}\"",
            entry.file_name().to_string_lossy()
        );
        html = html.replacen(SPLIT_ATTRIBUTE, &named, 1);
    }
    std::fs::write(&index, html).with_context(|| format!("could not write {}", index.display()))?;
    Ok(linked)
}

/// FNV-1a: a stable content hash for the folder name (std's hasher may change between Rust
/// versions, and cache busting needs no more).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_the_loader_to_the_js_index_html_loads() {
        let dist = std::env::temp_dir().join(format!("roster-split-{}", std::process::id()));
        let folder = dist.join("snippets").join(format!("{FOLDER_PREFIX}0123"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            dist.join("index.html"),
            r#"<script type="module" data-roster-js="app-9.js" data-roster-split="">"#,
        )
        .unwrap();
        std::fs::write(
            folder.join(LOADER),
            format!("import {{ initSync }} from \"{MAIN_MODULE_PLACEHOLDER}\";\n"),
        )
        .unwrap();
        assert_eq!(link_loader(&dist).unwrap(), 1);
        let linked = std::fs::read_to_string(folder.join(LOADER)).unwrap();
        assert_eq!(linked, "import { initSync } from \"../../app-9.js\";\n");
        let html = std::fs::read_to_string(dist.join("index.html")).unwrap();
        assert!(
            html.contains(&format!(
                "data-roster-split=\"snippets/{FOLDER_PREFIX}0123/{LOADER}\""
            )),
            "{html}"
        );
        // Linking twice finds no placeholder: a loader is never left half-linked silently.
        assert!(link_loader(&dist).is_err());
        std::fs::remove_dir_all(&dist).unwrap();
    }

    #[test]
    fn the_content_hash_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
