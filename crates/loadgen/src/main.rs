//! `roster-loadgen`: the measuring instrument behind `cargo xtask bench`. Each subcommand does
//! one job and prints one JSON document on stdout; xtask starts the servers, runs these, and
//! writes the table, `target/bench/results.json` and `BENCHMARKS.md`. Every target must be a
//! loopback address, and every loop is bounded by count and by time.
mod ceiling;
mod client;
mod integration;
mod load;
mod probe;
mod stats;
mod sync;

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use reqwest::Method;
use serde_json::{json, Value};

#[derive(Parser)]
#[command(
    name = "roster-loadgen",
    about = "Load generator and probes for `cargo xtask bench`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scenario 1: an IdP's first sync (filter + POST per user, groups filled by PATCH, page
    /// walk), then a steady-state mix.
    Sync(sync::SyncArgs),
    /// Scenario 7: the first sync with a webhook endpoint receiving every event, then the
    /// feed read back.
    Integration(integration::IntegrationArgs),
    /// GET one path as fast as `concurrency` connections allow, for `seconds`.
    Hammer {
        #[arg(long)]
        url: String,
        #[arg(long)]
        token: Option<String>,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
    },
    /// The HTTP ceiling: a bare axum server answering fixed small JSON.
    Ceiling {
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: String,
    },
    /// Bulk-loads users (and groups) into a directory through the server's store.
    Load(load::LoadArgs),
    /// Scenario 3's latencies against a server on a loaded directory.
    Probe(probe::ProbeArgs),
    /// Signs in to the admin API and creates a directory: prints its SCIM base URL and key.
    Directory {
        /// The server's root URL (loopback).
        #[arg(long)]
        url: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "Bench IdP")]
        name: String,
    },
    /// Creates a fresh PostgreSQL schema and prints a database URL that uses it.
    PgSchema {
        /// A postgres:// URL (ROSTER_TEST_DATABASE_URL).
        #[arg(long)]
        base: String,
    },
    /// Drops a schema `pg-schema` created, with everything in it.
    PgDropSchema {
        #[arg(long)]
        base: String,
        #[arg(long)]
        schema: String,
    },
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let result = runtime.block_on(run(Cli::parse().command));
    // Background tasks (sqlx's pool maintenance) get a moment to stop, not a say in whether
    // the command ends: once a bench run caught one spinning through the runtime's
    // shutdown, and the bench waited on it for eight minutes.
    runtime.shutdown_timeout(Duration::from_secs(1));
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

async fn run(command: Command) -> Result<()> {
    let out = match command {
        Command::Sync(args) => sync::run(args).await?,
        Command::Integration(args) => integration::run(args).await?,
        Command::Hammer {
            url,
            token,
            concurrency,
            seconds,
        } => hammer(&url, token, concurrency, seconds).await?,
        Command::Ceiling { listen } => {
            ceiling::serve(&listen).await?;
            return Ok(());
        }
        Command::Load(args) => load::run(args).await?,
        Command::Probe(args) => probe::run(args).await?,
        Command::PgSchema { base } => pg_schema(&base).await?,
        Command::PgDropSchema { base, schema } => pg_drop_schema(&base, &schema).await?,
        Command::Directory {
            url,
            email,
            password,
            name,
        } => create_directory(&url, &email, &password, &name).await?,
    };
    println!("{out}");
    Ok(())
}

/// GETs `url` from `concurrency` connections for `seconds` (at most 5 million requests).
async fn hammer(
    url: &str,
    token: Option<String>,
    concurrency: usize,
    seconds: f64,
) -> Result<Value> {
    let (base, path) = match url
        .find("://")
        .and_then(|p| url[p + 3..].find('/').map(|q| p + 3 + q))
    {
        Some(split) => (&url[..split], &url[split..]),
        None => (url, "/"),
    };
    let scim = client::Scim::new(base, token, concurrency)?;
    // Warm every connection before the clock starts.
    for _ in 0..concurrency {
        scim.send(
            &mut stats::Recorder::default(),
            "warm",
            Method::GET,
            path,
            None,
        )
        .await?;
    }
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (scim, path) = (scim.clone(), path.to_string());
        tasks.push(tokio::spawn(async move {
            let mut rec = stats::Recorder::default();
            for _ in 0..5_000_000 / concurrency.max(1) {
                if Instant::now() >= deadline {
                    break;
                }
                scim.get_unparsed(&mut rec, "get", &path).await?;
            }
            Ok::<_, anyhow::Error>(rec)
        }));
    }
    let mut all = stats::Recorder::default();
    for task in tasks {
        all.merge(task.await??);
    }
    Ok(stats::phase_json(&all, started.elapsed()))
}

async fn connect_pg(base: &str) -> Result<sqlx::AnyPool> {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(base)
        .await
        .context("cannot connect to PostgreSQL")
}

/// `DROP SCHEMA … CASCADE` of a schema [`pg_schema`] made (its name is checked, so nothing
/// else can be dropped this way).
async fn pg_drop_schema(base: &str, schema: &str) -> Result<Value> {
    let ours = schema
        .strip_prefix("bench_")
        .is_some_and(|rest| rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ours {
        anyhow::bail!("{schema} is not a schema pg-schema made");
    }
    let pool = connect_pg(base).await?;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(json!({"dropped": schema}))
}

/// `CREATE SCHEMA bench_<random>` and the base URL with `search_path` pointing at it, as the
/// server's PostgreSQL tests do.
async fn pg_schema(base: &str) -> Result<Value> {
    let pool = connect_pg(base).await?;
    let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&pool)
        .await?;
    pool.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    Ok(json!({
        "schema": schema,
        "url": format!("{base}{sep}options=-c%20search_path%3D{schema}"),
    }))
}

/// `POST /api/v1/session`, then `POST /api/v1/directories` with the session cookie and CSRF
/// token, as the console does.
async fn create_directory(url: &str, email: &str, password: &str, name: &str) -> Result<Value> {
    let admin = integration::Admin::sign_in(url, email, password).await?;
    let created = admin
        .post("/api/v1/directories", json!({"name": name}))
        .await
        .context("creating the directory failed")?;
    Ok(json!({
        "directory_id": created["directory"]["id"],
        "base_url": created["directory"]["baseUrl"],
        "api_key": created["apiKey"],
    }))
}
