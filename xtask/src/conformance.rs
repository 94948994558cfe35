//! SCIM conformance: `scim2 test` (PyPI `scim2-cli`, which runs `scim2-tester`) against a
//! directory of a running server. The pinned packages go into a venv under `target/` once;
//! then the debug server starts on `127.0.0.1:0` with a fresh SQLite database, a short
//! Python script signs in over the admin API and creates the directory, and every check the
//! tester reports must pass.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::process::{self, banner, run};

/// Exactly what is installed; changing a pin reinstalls.
const PACKAGES: &[&str] = &[
    "scim2-cli==0.6.0",
    "scim2-tester==0.5.2",
    "scim2-client==0.13.2",
    "scim2-models==0.12.3",
];
const ADMIN_EMAIL: &str = "conformance@example.com";
const ADMIN_PASSWORD: &str = "conformance check password";

/// Signs in and creates the directory; prints its base URL and its key, one per line.
const CREATE_DIRECTORY: &str = r#"
import http.cookiejar, json, sys, urllib.request
server, email, password = sys.argv[1:4]
opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}),
    urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
)
def post(path, body, headers=None):
    request = urllib.request.Request(
        server + path, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with opener.open(request, timeout=30) as response:
        return json.load(response)
session = post("/api/v1/session", {"email": email, "password": password})
created = post("/api/v1/directories", {"name": "Conformance"}, {"X-CSRF-Token": session["csrfToken"]})
print(created["directory"]["baseUrl"])
print(created["apiKey"])
"#;

/// What the tester reported.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Checks {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
    /// `STATUS title: reason` of each failed check.
    pub failures: Vec<String>,
}

impl Checks {
    /// Reads the CLI's output: a `STATUS title` line per check, then indented detail lines.
    /// RFC MUSTs broken (ERROR, CRITICAL) and SHOULDs not followed (DEVIATION) fail.
    pub fn parse(output: &str) -> Checks {
        let mut checks = Checks::default();
        let mut last_failed = false;
        for line in output.lines() {
            let line = strip_ansi(line);
            if let Some(detail) = line.strip_prefix("  ") {
                if last_failed {
                    if let Some(failure) = checks.failures.last_mut() {
                        if !failure.contains(": ") {
                            failure.push_str(": ");
                            failure.push_str(detail.trim());
                        }
                    }
                }
                continue;
            }
            let Some((status, title)) = line.split_once(' ') else {
                continue;
            };
            last_failed = false;
            match status {
                "SUCCESS" | "COMPLIANT" | "ACCEPTABLE" => checks.passed += 1,
                "SKIPPED" => checks.skipped += 1,
                "DEVIATION" | "ERROR" | "CRITICAL" => {
                    checks.failed += 1;
                    checks.failures.push(format!("{status} {title}"));
                    last_failed = true;
                }
                _ => {}
            }
        }
        checks
    }
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI sequences end with a letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn venv_dir() -> PathBuf {
    process::target_dir().join("conformance-venv")
}

/// Creates the venv and installs the pinned packages, unless that was already done.
fn ensure_venv() -> Result<PathBuf> {
    let venv = venv_dir();
    let scim2 = venv.join("bin").join("scim2");
    let stamp = venv.join("roster-pins.txt");
    let pins = PACKAGES.join("\n");
    if scim2.is_file() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == pins) {
        return Ok(venv);
    }
    banner("Installing scim2-cli and scim2-tester into target/conformance-venv");
    if !venv.join("bin").join("python").is_file() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))
            .context("python3 with the venv module is needed for the SCIM conformance check")?;
    }
    run(Command::new(venv.join("bin").join("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .args(PACKAGES))?;
    std::fs::write(&stamp, pins)?;
    Ok(venv)
}

/// The server under test; killed and its data removed when dropped.
struct Server {
    child: Child,
    dir: PathBuf,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Server {
    fn start(binary: &Path) -> Result<(Server, String)> {
        let dir = std::env::temp_dir().join(format!("roster-conformance-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let log = dir.join("server.log");
        let out = File::create(&log)?;
        let child = Command::new(binary)
            .arg("serve")
            .env("ROSTER_LISTEN", "127.0.0.1:0")
            .env(
                "ROSTER_DATABASE_URL",
                format!("sqlite://{}/roster.db", dir.display()),
            )
            .env("ROSTER_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("ROSTER_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env_remove("ROSTER_PUBLIC_URL")
            .env_remove("ROSTER_CONFIG")
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let mut server = Server { child, dir, log };
        let address = server.wait_for_address()?;
        Ok((server, address))
    }

    /// The `http://host:port` the server printed once it listens.
    fn wait_for_address(&mut self) -> Result<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(url) = text
                .lines()
                .find_map(|l| l.strip_prefix("Roster is listening on "))
            {
                return Ok(url.trim().to_owned());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited ({status}) before listening:\n{text}");
            }
            if Instant::now() > deadline {
                bail!("the server did not listen within 30 s:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

/// Runs the check; `Err` only when it could not run. The caller fails on `failed > 0`.
pub fn check() -> Result<Checks> {
    let venv = ensure_venv()?;
    banner("Building the server (debug)");
    run(process::cargo().args(["build", "--package", "roster-server", "--bin", "roster"]))?;
    let binary = process::target_dir().join("debug").join("roster");
    let (server, address) = Server::start(&binary)?;
    println!(
        "Server under test: {address} (log: {})",
        server.log.display()
    );

    let python = venv.join("bin").join("python");
    let created = Command::new(&python)
        .args([
            "-c",
            CREATE_DIRECTORY,
            &address,
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run the venv's python")?;
    if !created.status.success() {
        bail!(
            "creating the directory over the admin API failed; server log:\n{}",
            server.log_tail()
        );
    }
    let created = String::from_utf8_lossy(&created.stdout).into_owned();
    let mut lines = created.lines();
    let (Some(base_url), Some(key)) = (lines.next(), lines.next()) else {
        bail!("the admin API did not return a base URL and a key: {created}");
    };

    let (output, status) = scim2_test(&venv, base_url, key)?;
    let checks = Checks::parse(&output);
    if checks.passed + checks.failed == 0 {
        bail!(
            "scim2 test reported no check ({status}); server log:\n{}",
            server.log_tail()
        );
    }
    // The CLI exits 1 on anything but SUCCESS; with every check passed it must say 0.
    if checks.failed == 0 && checks.skipped == 0 && !status.success() {
        bail!("scim2 test failed ({status}) though every check passed");
    }
    println!(
        "scim2-tester: {} passed, {} failed, {} skipped",
        checks.passed, checks.failed, checks.skipped
    );
    Ok(checks)
}

/// Runs `scim2 test`, echoing and returning its output. Not through `process::run_tee`,
/// which prints the environment: the key goes in `SCIM_CLI_HEADERS`, and stays unprinted.
fn scim2_test(venv: &Path, base_url: &str, key: &str) -> Result<(String, ExitStatus)> {
    println!("$ scim2 --url {base_url} test --verbose");
    let mut child = Command::new(venv.join("bin").join("scim2"))
        .args(["--url", base_url, "test", "--verbose"])
        .env("SCIM_CLI_HEADERS", format!("Authorization: Bearer {key}"))
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start scim2")?;
    let mut output = String::new();
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap_or_default();
            let _ = writeln!(out, "{line}");
            output.push_str(&line);
            output.push('\n');
        }
        let _ = out.flush();
    }
    Ok((output, child.wait()?))
}

#[cfg(test)]
mod tests {
    use super::Checks;

    #[test]
    fn reads_the_cli_report() {
        let output = "Performing a SCIM compliance check on http://x/ ...\n\
            \u{1b}[32mSUCCESS\u{1b}[0m service_provider_config_endpoint\n\
            SUCCESS check_add_attribute\n  Successfully added attribute 'title'\n\
            ERROR check_add_attribute\n  PATCH modify() returned unexpected value\nPatched value: x\n\
            SKIPPED check_bulk\n  Bulk not supported\n\
            DEVIATION object_query\n  did not honour it\n";
        let checks = Checks::parse(output);
        assert_eq!((checks.passed, checks.failed, checks.skipped), (2, 2, 1));
        assert_eq!(
            checks.failures,
            vec![
                "ERROR check_add_attribute: PATCH modify() returned unexpected value",
                "DEVIATION object_query: did not honour it",
            ]
        );
    }
}
