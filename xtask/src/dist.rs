//! The console's release build: Trunk compiles the root package to wasm32, runs wasm-bindgen and
//! wasm-opt from the pinned tools, and writes `dist/`, which the server serves at `/`. The wasm
//! is split on the way (see [`crate::split`]): Trunk's `wasm-bindgen` is this executable, which
//! splits the wasm cargo built into the initial module and chunks of lazily loaded pages, runs
//! the real wasm-bindgen on the initial module and leaves the chunks and their loader where Trunk
//! copies them to `dist/snippets/`; after Trunk, [`build`] points the loader at the hashed JS.
//!
//! Why a stand-in for wasm-bindgen rather than another step: Trunk has no hook between its cargo
//! build and wasm-bindgen, and must stay the build tool (index.html processing, hashing, the
//! loader in `Trunk.toml`). Splitting after Trunk is not possible, because the wasm the split
//! points are in must be split before wasm-bindgen; building the wasm with cargo and then
//! running Trunk on it is not something Trunk supports.

use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::budget;
use crate::freshness;
use crate::precompress;
use crate::process::{self, banner, run};
use crate::split;
use crate::tools::{self, Tools};

/// The workspace's `[profile.release]` is tuned for the native server; these size settings apply
/// to this build only. Passed as env so the server's release build keeps its own profile.
const SIZE_PROFILE: [(&str, &str); 4] = [
    ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z"),
    ("CARGO_PROFILE_RELEASE_LTO", "true"),
    ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1"),
    ("CARGO_PROFILE_RELEASE_PANIC", "abort"),
];

/// Three more settings keep the console inside its download budget (see [`budget`]):
/// - `std` rebuilt with `panic = immediate-abort`: a panic traps at once instead of
///   formatting a message nobody reads (the wasm has no unwinding anyway), which drops Rust's
///   panic and much of its formatting machinery from the wasm. These are unstable cargo and
///   rustc options; `RUSTC_BOOTSTRAP=1` allows them on this stable toolchain for this build
///   only, and `rust-src` (installed by `cargo xtask tools`) is the source of `std`.
/// - `--cfg erase_components`: Leptos type-erases component and view types, so the
///   compiler makes one copy of its rendering code instead of one per view type.
/// - `-Cllvm-args=-inline-threshold=0`: LLVM inlines only what is free or called once (opt-level
///   z's own threshold is 5). The raw wasm grows by ~5 KiB but its gzip shrinks by ~0.6 KiB,
///   and gzip is what the budget counts.
///
/// The cost: a panic in the released console shows as `RuntimeError: unreachable` in the
/// browser, without the Rust message; debug builds (`trunk serve`, the wasm tests) keep it.
///
/// And two for route splitting (see [`crate::split`]): `--cfg roster_split` makes the lazy pages
/// split points (`src/lazy.rs`; no other build has it, so the unsplit builds need no splitter),
/// and `-Clink-args=--emit-relocs` keeps the relocations the splitter reads.
pub const SIZE_FLAGS: [(&str, &str); 3] = [
    ("RUSTC_BOOTSTRAP", "1"),
    ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort"),
    (
        "RUSTFLAGS",
        "--cfg erase_components -Zunstable-options -Cpanic=immediate-abort -Cllvm-args=-inline-threshold=0 \
         --cfg roster_split -Clink-args=--emit-relocs",
    ),
];

/// Builds the console into `dist/` and prints what the browser downloads.
pub fn build(tools: &Tools) -> Result<()> {
    check_trunk_toml()?;
    banner("Fetching crates (the console build itself runs offline)");
    run(&mut fetch()?)?;
    banner("Building the console with Trunk (release)");
    let dist = process::dist_dir();
    let real_bindgen = tools
        .find("wasm-bindgen")
        .context("wasm-bindgen is not installed: run `cargo xtask tools`")?;
    let (wrapper_dir, wrapper_env) = split::wrapper_dir(&real_bindgen)?;
    let mut trunk = tools.command("trunk");
    trunk
        .args(["build", "--release", "--dist"])
        .arg(&dist)
        .env("PATH", tools.path_with(&wrapper_dir)?)
        .env(wrapper_env.0, wrapper_env.1)
        .env("CARGO_TARGET_DIR", process::target_dir())
        // Offline Trunk still asks the registry for its own latest version unless told not to.
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    for (key, value) in SIZE_PROFILE.into_iter().chain(SIZE_FLAGS) {
        trunk.env(key, value);
    }
    run(&mut trunk)?;
    if split::link_loader(&dist)? == 0 {
        bail!("the console build has no lazily loaded chunks: is --cfg roster_split set?");
    }
    let written = precompress::write(&dist)?;
    println!(
        "compressed {} files of {} at build time: {} as brotli, {} as gzip",
        written.files,
        budget::kib(written.raw),
        budget::kib(written.brotli),
        budget::kib(written.gzip),
    );
    freshness::mark_console_built()?;
    budget::report(&dist).map(|_| ())
}

/// `cargo fetch` of every crate the offline release build compiles. Build-std resolves `std`'s
/// own dependencies (`dlmalloc` and others) for the target it builds, so the fetch names the
/// wasm target; the host's brings what build scripts and proc macros need.
fn fetch() -> Result<Command> {
    let mut fetch = process::cargo();
    fetch
        .args(["fetch", "--target", tools::WASM_TARGET, "--target"])
        .arg(process::host_target()?);
    for (key, value) in SIZE_FLAGS {
        fetch.env(key, value);
    }
    Ok(fetch)
}

/// Proves that the offline release build needs nothing beyond what [`fetch`] brings, as on a
/// machine that never built the console: the fetch runs against an empty `CARGO_HOME` (with the
/// registry settings of ours), then cargo plans the offline build from it (its unit graph, which
/// names every crate the build compiles and fails on one that is missing). Nothing compiles.
pub fn check_offline() -> Result<()> {
    let home = process::target_dir()
        .join("offline-check")
        .join("cargo-home");
    if home.exists() {
        std::fs::remove_dir_all(&home)
            .with_context(|| format!("could not remove {}", home.display()))?;
    }
    std::fs::create_dir_all(&home)
        .with_context(|| format!("could not create {}", home.display()))?;
    for config in ["config.toml", "config"] {
        let ours = tools::cargo_home().join(config);
        if ours.is_file() {
            std::fs::copy(&ours, home.join(config))
                .with_context(|| format!("could not copy {}", ours.display()))?;
        }
    }
    run(fetch()?.env("CARGO_HOME", &home))?;
    let mut plan = process::cargo();
    plan.args([
        "build",
        "--offline",
        "--release",
        "--package",
        "roster-console",
        "--target",
        tools::WASM_TARGET,
        "-Zunstable-options",
        "--unit-graph",
    ])
    .env("CARGO_HOME", &home)
    .stdout(Stdio::null());
    for (key, value) in SIZE_PROFILE.into_iter().chain(SIZE_FLAGS) {
        plan.env(key, value);
    }
    run(&mut plan)?;
    std::fs::remove_dir_all(&home).with_context(|| format!("could not remove {}", home.display()))
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
