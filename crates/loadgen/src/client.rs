//! A SCIM client for load: one keep-alive connection pool, a bearer token, and every request
//! timed into a [`Recorder`] under a kind name. Loopback only: the bench never targets
//! another host.
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::stats::Recorder;

pub const SCIM_JSON: &str = "application/scim+json";
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// A SCIM endpoint (`base` without a trailing slash) and its credential.
#[derive(Clone)]
pub struct Scim {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

/// One answer: status, parsed body (or `Null`), and how long it took.
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Scim {
    pub fn new(base: &str, token: Option<String>, connections: usize) -> Result<Scim> {
        check_loopback(base)?;
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(connections)
            .timeout(Duration::from_secs(60))
            .no_proxy()
            .build()
            .context("cannot build the HTTP client")?;
        Ok(Scim {
            http,
            base: base.trim_end_matches('/').to_string(),
            token,
        })
    }

    /// Sends one request and records its latency under `kind`. Transport errors fail; HTTP
    /// error statuses are recorded as errors and returned.
    pub async fn send(
        &self,
        rec: &mut Recorder,
        kind: &'static str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer> {
        let mut req = self.request(method, path);
        if let Some(body) = body {
            req = req
                .header("content-type", SCIM_JSON)
                .body(serde_json::to_vec(body)?);
        }
        let (status, bytes) = exchange(rec, kind, path, req).await?;
        let body = serde_json::from_slice(bytes.as_ref()).unwrap_or(Value::Null);
        Ok(Answer { status, body })
    }

    /// A GET whose body is read but not parsed, as `wrk` does: the hammer measures the
    /// server, so the client spends the same on a 150-byte body as on a 1 KB one.
    pub async fn get_unparsed(
        &self,
        rec: &mut Recorder,
        kind: &'static str,
        path: &str,
    ) -> Result<()> {
        exchange(rec, kind, path, self.request(Method::GET, path)).await?;
        Ok(())
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let req = self.http.request(method, format!("{}{path}", self.base));
        match &self.token {
            Some(token) => req.bearer_auth(token),
            None => req,
        }
    }
}

/// Sends `req` and reads its whole body, timed into `rec` under `kind`.
async fn exchange(
    rec: &mut Recorder,
    kind: &'static str,
    path: &str,
    req: reqwest::RequestBuilder,
) -> Result<(StatusCode, impl AsRef<[u8]>)> {
    let started = Instant::now();
    let response = req.send().await.with_context(|| format!("{kind} {path}"))?;
    let status = response.status();
    let bytes = response.bytes().await?;
    rec.record(kind, started.elapsed(), status.is_success());
    Ok((status, bytes))
}

/// Refuses any target that is not on this machine's loopback.
pub fn check_loopback(url: &str) -> Result<()> {
    let rest = url
        .strip_prefix("http://")
        .context("only plain http:// loopback URLs are measured")?;
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let ok = host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !ok {
        bail!("{url}: the bench only sends traffic to loopback addresses");
    }
    Ok(())
}

/// `%`-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A small deterministic generator (xorshift64*): the bench needs spread, not secrecy.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_targets() {
        assert!(check_loopback("http://127.0.0.1:8080/scim").is_ok());
        assert!(check_loopback("http://localhost:1/").is_ok());
        assert!(check_loopback("http://[::1]:9/").is_ok());
        assert!(check_loopback("http://10.0.0.1:80/").is_err());
        assert!(check_loopback("https://127.0.0.1/").is_err());
        assert!(check_loopback("http://127.0.0.1.example.com/").is_err());
    }

    #[test]
    fn encodes_filters() {
        assert_eq!(encode("userName eq \"a@b\""), "userName%20eq%20%22a%40b%22");
    }
}
