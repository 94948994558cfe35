//! The bench's child processes, servers and instruments alike: each command line is echoed with
//! its secrets hidden, and a command's answer is the last line it prints, read as JSON into the
//! type the caller expects, within a time limit.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;

use crate::process;

/// The command line as echoed: keys and passwords never reach the log.
pub fn shown(cmd: &Command) -> String {
    redact(&process::display(cmd))
}

fn redact(line: &str) -> String {
    let mut out = Vec::new();
    let mut hide = false;
    for part in line.split(' ') {
        let secret_env = part.starts_with("ROSTER_ADMIN_PASSWORD=");
        out.push(if hide || secret_env { "***" } else { part });
        hide = part == "--token" || part == "--password";
    }
    out.join(" ")
}

/// Runs a command with stderr passed through, and reads the last line of its stdout as a `T`.
/// A key missing from that line, or one `T` does not know, fails here, naming the key.
pub fn last_json_line<T: DeserializeOwned>(cmd: &mut Command, limit: Duration) -> Result<T> {
    let line = shown(cmd);
    println!("$ {line}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{line}`"))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut last = String::new();
        for l in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !l.trim().is_empty() {
                last = l;
            }
        }
        let _ = tx.send(last);
    });
    let last = match rx.recv_timeout(limit) {
        Ok(last) => last,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            bail!("`{line}` took longer than {} s", limit.as_secs());
        }
    };
    let status = child.wait()?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    serde_json::from_str(&last)
        .with_context(|| format!("`{line}` printed no JSON of the expected shape: {last}"))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn hides_secrets_in_echoed_commands() {
        assert_eq!(
            redact("x --token abc --users 5 --password p"),
            "x --token *** --users 5 --password ***"
        );
    }
}
