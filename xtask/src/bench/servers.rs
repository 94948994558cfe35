//! The servers under measurement, each a child process stopped (SIGTERM, then SIGKILL) when its
//! [`Server`] is dropped: Roster (release build, no SCIM rate limit, loopback port 0), the bare
//! axum ceiling (`roster-loadgen ceiling`) and the Python reference server `scim2-server`,
//! installed into `target/bench-venv` at a pinned version. Also what the bench reads of them
//! (VmRSS from `/proc`) and the temporary folders their databases live in.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::child;
use crate::process::{self, run};

/// The reference server's version, pinned so the comparison is repeatable.
pub const REFERENCE_VERSION: &str = "0.8.3";
/// The bearer token the reference server is started with.
pub const REFERENCE_TOKEN: &str = "bench-reference-token";
/// The admin Roster is started with; the bench signs in as it to create directories.
pub const ADMIN_EMAIL: &str = "bench-admin@roster.test";
pub const ADMIN_PASSWORD: &str = "bench-correct-horse-battery";

/// A server child process, stopped when dropped.
pub struct Server {
    child: Child,
    /// Its root URL, `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Server {
    /// Roster on `database_url`, logging to `log`.
    pub fn roster(database_url: &str, log: &Path) -> Result<Server> {
        Server::roster_with(database_url, log, &[])
    }

    /// [`Self::roster`] with more flags.
    pub fn roster_with(database_url: &str, log: &Path, flags: &[&str]) -> Result<Server> {
        let mut cmd = Command::new(process::target_dir().join("release/roster"));
        cmd.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
            "--scim-rate-limit",
            "0",
        ])
        .args(flags)
        .env("ROSTER_ORG_NAME", "Bench")
        .env("ROSTER_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("ROSTER_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("ROSTER_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn");
        Server::spawn_line(cmd, "Roster is listening on ", log)
    }

    /// The HTTP ceiling: bare axum answering fixed small JSON.
    pub fn ceiling(log: &Path) -> Result<Server> {
        let mut cmd = Command::new(process::target_dir().join("release/roster-loadgen"));
        cmd.args(["ceiling", "--listen", "127.0.0.1:0"]);
        Server::spawn_line(cmd, "Ceiling is listening on ", log)
    }

    /// The reference server (installed by [`install_reference`]) with an empty store, on a free
    /// loopback port; its SCIM base URL is its root URL.
    pub fn reference(log: &Path) -> Result<Server> {
        let port = free_port()?;
        let mut cmd = Command::new(reference_venv().join("bin").join("scim2-server"));
        cmd.args([
            "--hostname",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--bearer-token",
            REFERENCE_TOKEN,
        ]);
        Server::spawn_tcp(cmd, port, log)
    }

    /// Starts `cmd` and waits (30 s at most) for the stdout line `prefix` + URL.
    fn spawn_line(mut cmd: Command, prefix: &'static str, log: &Path) -> Result<Server> {
        let line = child::shown(&cmd);
        println!("$ {line}");
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log)?)
            .spawn()
            .with_context(|| format!("could not start `{line}`"))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, rx) = mpsc::channel();
        // Reads every line (so the pipe never fills) and reports the address once.
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = l.strip_prefix(prefix) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => Ok(Server { child, url }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "`{line}` did not say where it listens within 30 s (see {})",
                    log.display()
                )
            }
        }
    }

    /// Starts `cmd` and waits (30 s at most) until `port` accepts connections.
    fn spawn_tcp(mut cmd: Command, port: u16, log: &Path) -> Result<Server> {
        let line = child::shown(&cmd);
        println!("$ {line}");
        let file = std::fs::File::create(log)?;
        let mut child = cmd
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .with_context(|| format!("could not start `{line}`"))?;
        for _ in 0..300 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Server {
                    child,
                    url: format!("http://127.0.0.1:{port}"),
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        bail!(
            "`{line}` did not listen on {port} within 30 s (see {})",
            log.display()
        )
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now, in kB (0 if unreadable).
    pub fn rss(&self) -> u64 {
        rss_kb(self.pid()).unwrap_or(0)
    }

    /// The most resident memory so far (VmHWM), in kB.
    pub fn hwm(&self) -> u64 {
        proc_status_kb(self.pid(), "VmHWM:").unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the reference server is installed.
fn reference_venv() -> PathBuf {
    process::target_dir().join("bench-venv")
}

/// Installs the reference server at [`REFERENCE_VERSION`] unless it is there already.
pub fn install_reference() -> Result<()> {
    let venv = reference_venv();
    let pip = venv.join("bin").join("pip");
    let installed =
        process::probe(Command::new(&pip).args(["show", "scim2-server"])).unwrap_or_default();
    if !installed.contains(&format!("Version: {REFERENCE_VERSION}")) {
        if !pip.exists() {
            run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
        }
        run(Command::new(&pip).args([
            "install",
            "--quiet",
            &format!("scim2-server=={REFERENCE_VERSION}"),
        ]))?;
    }
    Ok(())
}

/// Resident memory of a process, in kB.
pub fn rss_kb(pid: u32) -> Option<u64> {
    proc_status_kb(pid, "VmRSS:")
}

fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A temporary folder removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos();
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    /// The URL of a SQLite database in this folder.
    pub fn sqlite_url(&self) -> String {
        format!("sqlite://{}/roster.db", self.0.display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
