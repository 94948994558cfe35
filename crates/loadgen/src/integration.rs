//! Scenario 7: an IdP's first sync with a product following along. A webhook endpoint on
//! loopback receives every event while the sync runs; the arrival time minus the event's
//! `occurredAt` is the time from a SCIM write to its webhook. Then the whole feed of the sync
//! is read back through `GET /api/v1/events`, timed: the feed's read rate.
use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};
use axum::{body::Bytes, extract::State, http::StatusCode, routing::post, Router};
use clap::Args;
use hdrhistogram::Histogram;
use roster_server::store::{db::timestamps::parse_millis, now_millis};
use serde_json::{json, Value};

use crate::{client, sync};

#[derive(Args)]
pub struct IntegrationArgs {
    /// The server's root URL (loopback); it must run with --webhook-allow-private.
    #[arg(long)]
    pub url: String,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub password: String,
    #[arg(long, default_value_t = 1000)]
    pub users: usize,
    #[arg(long, default_value_t = 20)]
    pub groups: usize,
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

/// An admin session on the server.
pub struct Admin {
    http: reqwest::Client,
    url: String,
    cookie: String,
    csrf: String,
}

impl Admin {
    pub async fn sign_in(url: &str, email: &str, password: &str) -> Result<Admin> {
        client::check_loopback(url)?;
        let http = reqwest::Client::builder().no_proxy().build()?;
        let url = url.trim_end_matches('/').to_owned();
        let signed_in = http
            .post(format!("{url}/api/v1/session"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await?
            .error_for_status()
            .context("sign-in failed")?;
        let cookie = signed_in
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .context("sign-in set no cookie")?
            .to_string();
        let session: Value = signed_in.json().await?;
        let csrf = session["csrfToken"]
            .as_str()
            .context("no csrfToken")?
            .to_owned();
        Ok(Admin {
            http,
            url,
            cookie,
            csrf,
        })
    }

    pub async fn post(&self, path: &str, body: Value) -> Result<Value> {
        let answer = self
            .http
            .post(format!("{}{path}", self.url))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("POST {path} failed"))?;
        Ok(answer.json().await?)
    }

    pub async fn get(&self, path: &str) -> Result<Value> {
        let answer = self
            .http
            .get(format!("{}{path}", self.url))
            .header("cookie", &self.cookie)
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("GET {path} failed"))?;
        Ok(answer.json().await?)
    }

    /// Reads the feed from `after` to its end: (events, cursor).
    async fn read_feed(&self, after: &str) -> Result<(u64, String)> {
        let (mut count, mut cursor) = (0, after.to_owned());
        loop {
            let page = self
                .get(&format!("/api/v1/events?limit=1000&after={cursor}"))
                .await?;
            let n = page["events"].as_array().map_or(0, Vec::len) as u64;
            cursor = page["next"].as_str().context("no next cursor")?.to_owned();
            count += n;
            if n == 0 {
                return Ok((count, cursor));
            }
        }
    }
}

/// What the receiver saw.
struct Inbox {
    latency_ms: Histogram<u64>,
    received: u64,
}

async fn receive(State(inbox): State<Arc<Mutex<Inbox>>>, body: Bytes) -> StatusCode {
    let arrived = now_millis();
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(at) = event["occurredAt"].as_str().and_then(parse_millis) else {
        return StatusCode::BAD_REQUEST;
    };
    if let Ok(mut inbox) = inbox.lock() {
        let _ = inbox
            .latency_ms
            .record(u64::try_from(arrived - at).unwrap_or(0));
        inbox.received += 1;
    }
    StatusCode::NO_CONTENT
}

pub async fn run(args: IntegrationArgs) -> Result<Value> {
    let admin = Admin::sign_in(&args.url, &args.email, &args.password).await?;
    let created = admin
        .post(
            "/api/v1/directories",
            json!({"name": "Bench IdP with a product"}),
        )
        .await?;
    let base_url = created["directory"]["baseUrl"]
        .as_str()
        .context("no baseUrl")?
        .to_owned();
    let key = created["apiKey"].as_str().context("no apiKey")?.to_owned();

    let inbox = Arc::new(Mutex::new(Inbox {
        latency_ms: Histogram::new(3)?,
        received: 0,
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook = format!("http://{}/hook", listener.local_addr()?);
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(inbox.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let (_, start) = admin.read_feed("0-0").await?;
    admin
        .post(
            "/api/v1/webhooks",
            json!({"url": hook, "description": "bench"}),
        )
        .await?;
    let synced = sync::run(sync::SyncArgs {
        base_url,
        token: Some(key),
        users: args.users,
        groups: args.groups,
        batch: args.batch,
        concurrency: args.concurrency,
        steady_seconds: 0.0,
        max_seconds: 300.0,
        prefix: "feed".into(),
    })
    .await?;

    let read_started = Instant::now();
    let (events, _) = admin.read_feed(&start).await?;
    let read_seconds = read_started.elapsed().as_secs_f64();

    // Every event of the sync reaches the receiver.
    let drain_started = Instant::now();
    loop {
        let received = inbox.lock().map(|i| i.received).unwrap_or(0);
        if received >= events {
            break;
        }
        if drain_started.elapsed() > Duration::from_secs(300) {
            bail!("the webhook received {received} of {events} events");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drain_seconds = drain_started.elapsed().as_secs_f64();
    let inbox = inbox
        .lock()
        .map_err(|_| anyhow::anyhow!("inbox poisoned"))?;
    Ok(json!({
        "sync": synced["sync"],
        "events": events,
        "feed_events_per_s": events as f64 / read_seconds.max(1e-9),
        "webhook": {
            "delivered": inbox.received,
            "p50_ms": inbox.latency_ms.value_at_quantile(0.5),
            "p99_ms": inbox.latency_ms.value_at_quantile(0.99),
            "max_ms": inbox.latency_ms.max(),
            "drain_after_sync_s": drain_seconds,
        },
    }))
}
