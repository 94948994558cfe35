//! Scenario 1: an IdP's first sync replayed as Okta does it, then a steady-state mix.
//!
//! First sync: for each of N users a `userName eq` filter (Okta checks whether the user exists)
//! then a POST; then G groups, each created empty and filled by `add members` PATCHes in
//! batches; then a full page walk of /Users with `startIndex`/`count=100`, one page at a time.
//! Steady state: GET by id, `userName eq`, user PATCH and group PATCH, mixed 40/30/20/10, at a
//! fixed concurrency for a fixed time. Every loop is bounded by count and by time.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{encode, Rng, Scim, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA};
use crate::stats::{phase_json, Recorder};

/// What to run.
#[derive(Clone, Debug, clap::Args)]
pub struct SyncArgs {
    /// SCIM base URL (loopback).
    #[arg(long)]
    pub base_url: String,
    /// Bearer token, if the server wants one.
    #[arg(long)]
    pub token: Option<String>,
    /// Users created in the first sync.
    #[arg(long, default_value_t = 1000)]
    pub users: usize,
    /// Groups created and filled in the first sync.
    #[arg(long, default_value_t = 20)]
    pub groups: usize,
    /// Members per membership PATCH.
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    /// Requests in flight.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Seconds of steady-state mix.
    #[arg(long, default_value_t = 10.0)]
    pub steady_seconds: f64,
    /// Give up on the first sync after this many seconds (a slow server is reported, not
    /// waited for).
    #[arg(long, default_value_t = 300.0)]
    pub max_seconds: f64,
    /// Prefix of the generated userNames, so runs against one server never collide.
    #[arg(long, default_value = "sync")]
    pub prefix: String,
}

fn user_body(prefix: &str, i: usize) -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "userName": format!("{prefix}.user{i}@bench.example"),
        "externalId": format!("00u{prefix}{i:08}"),
        "name": {"givenName": format!("Given{i}"), "familyName": format!("Family{}", i % 997)},
        "displayName": format!("Given{i} Family{}", i % 997),
        "emails": [{"value": format!("{prefix}.user{i}@bench.example"), "type": "work", "primary": true}],
        "active": true
    })
}

fn user_filter(prefix: &str, i: usize) -> String {
    let filter = format!("userName eq \"{prefix}.user{i}@bench.example\"");
    format!("/Users?filter={}", encode(&filter))
}

/// Runs `work(worker, index, recorder)` for indexes `0..n` over `concurrency` workers, stopping
/// early at `deadline`. Returns the merged recorder.
async fn fan_out<F, Fut>(
    n: usize,
    concurrency: usize,
    deadline: Instant,
    work: F,
) -> Result<Recorder>
where
    F: Fn(usize, Recorder) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Recorder>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let work = Arc::new(work);
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (next, work) = (next.clone(), work.clone());
        tasks.push(tokio::spawn(async move {
            let mut rec = Recorder::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n || Instant::now() >= deadline {
                    return Ok::<_, anyhow::Error>(rec);
                }
                rec = work(i, rec).await?;
            }
        }));
    }
    let mut all = Recorder::default();
    for task in tasks {
        all.merge(task.await??);
    }
    Ok(all)
}

/// The first sync and the steady mix; returns the JSON report.
pub async fn run(args: SyncArgs) -> Result<Value> {
    let scim = Scim::new(&args.base_url, args.token.clone(), args.concurrency)?;
    let deadline = Instant::now() + Duration::from_secs_f64(args.max_seconds);
    let sync_started = Instant::now();

    // 1a. Users: filter, then POST.
    let ids: Arc<Vec<std::sync::OnceLock<String>>> = Arc::new(
        (0..args.users)
            .map(|_| std::sync::OnceLock::new())
            .collect(),
    );
    let started = Instant::now();
    let users = {
        let (scim, ids, prefix) = (scim.clone(), ids.clone(), args.prefix.clone());
        fan_out(args.users, args.concurrency, deadline, move |i, mut rec| {
            let (scim, ids, prefix) = (scim.clone(), ids.clone(), prefix.clone());
            async move {
                let found = scim
                    .send(
                        &mut rec,
                        "filter_userName",
                        Method::GET,
                        &user_filter(&prefix, i),
                        None,
                    )
                    .await?;
                if found.body["totalResults"].as_u64() != Some(0) {
                    bail!("filter before create: {} {}", found.status, found.body);
                }
                let made = scim
                    .send(
                        &mut rec,
                        "create_user",
                        Method::POST,
                        "/Users",
                        Some(&user_body(&prefix, i)),
                    )
                    .await?;
                match made.body["id"].as_str() {
                    Some(id) => {
                        let _ = ids[i].set(id.to_string());
                    }
                    None => bail!("create user: {} {}", made.status, made.body),
                }
                Ok(rec)
            }
        })
        .await?
    };
    let users_elapsed = started.elapsed();
    let ids: Vec<String> = ids.iter().filter_map(|id| id.get().cloned()).collect();
    if ids.len() < args.users {
        eprintln!(
            "first sync stopped by its time limit after {} users",
            ids.len()
        );
    }

    // 1b. Groups: POST empty, then PATCH members in batches.
    let ids = Arc::new(ids);
    let groups = args.groups.min(ids.len().max(1));
    let group_ids: Arc<Vec<std::sync::OnceLock<String>>> =
        Arc::new((0..groups).map(|_| std::sync::OnceLock::new()).collect());
    let started = Instant::now();
    let group_rec = {
        let (scim, ids, gids, prefix, batch) = (
            scim.clone(),
            ids.clone(),
            group_ids.clone(),
            args.prefix.clone(),
            args.batch.max(1),
        );
        fan_out(groups, args.concurrency, deadline, move |g, mut rec| {
            let (scim, ids, gids, prefix) = (scim.clone(), ids.clone(), gids.clone(), prefix.clone());
            async move {
                let body = json!({"schemas": [GROUP_SCHEMA], "displayName": format!("{prefix} group {g}"), "members": []});
                let made = scim.send(&mut rec, "create_group", Method::POST, "/Groups", Some(&body)).await?;
                let Some(gid) = made.body["id"].as_str().map(str::to_string) else {
                    bail!("create group: {} {}", made.status, made.body);
                };
                // Every user lands in one group: group g holds users g, g+G, g+2G, ...
                let members: Vec<&String> = ids.iter().skip(g).step_by(groups).collect();
                for chunk in members.chunks(batch) {
                    let value: Vec<Value> = chunk.iter().map(|id| json!({"value": id})).collect();
                    let patch = json!({"schemas": [PATCH_SCHEMA], "Operations": [{"op": "add", "path": "members", "value": value}]});
                    scim.send(&mut rec, "patch_group_members", Method::PATCH, &format!("/Groups/{gid}"), Some(&patch)).await?;
                }
                let _ = gids[g].set(gid);
                Ok(rec)
            }
        })
        .await?
    };
    let groups_elapsed = started.elapsed();
    let group_ids: Vec<String> = group_ids
        .iter()
        .filter_map(|id| id.get().cloned())
        .collect();

    // 1c. Page walk, sequential as an IdP import does.
    let started = Instant::now();
    let mut pages = Recorder::default();
    let mut start = 1u64;
    let mut seen = 0u64;
    for _ in 0..100_000 {
        if Instant::now() >= deadline {
            break;
        }
        let page = scim
            .send(
                &mut pages,
                "page_users",
                Method::GET,
                &format!("/Users?startIndex={start}&count=100"),
                None,
            )
            .await?;
        let got = page.body["Resources"].as_array().map_or(0, Vec::len) as u64;
        let total = page.body["totalResults"].as_u64().unwrap_or(0);
        seen += got;
        start += got;
        if got == 0 || start > total {
            break;
        }
    }
    let pages_elapsed = started.elapsed();
    let sync_elapsed = sync_started.elapsed();
    let sync_requests = users.total() + group_rec.total() + pages.total();

    // 2. Steady state.
    let steady = steady(&scim, &args, ids.clone(), Arc::new(group_ids)).await?;

    Ok(json!({
        "users": ids.len(),
        "groups": groups,
        "concurrency": args.concurrency,
        "sync": {
            "seconds": sync_elapsed.as_secs_f64(),
            "requests": sync_requests,
            "rps": sync_requests as f64 / sync_elapsed.as_secs_f64().max(1e-9),
            "users_per_second": ids.len() as f64 / users_elapsed.as_secs_f64().max(1e-9),
        },
        "phases": {
            "users": phase_json(&users, users_elapsed),
            "groups": phase_json(&group_rec, groups_elapsed),
            "page_walk": phase_json(&pages, pages_elapsed),
        },
        "page_walk_seen": seen,
        "sample_user_id": ids.first(),
        "steady": steady,
    }))
}

async fn steady(
    scim: &Scim,
    args: &SyncArgs,
    ids: Arc<Vec<String>>,
    gids: Arc<Vec<String>>,
) -> Result<Value> {
    if ids.is_empty() || args.steady_seconds <= 0.0 {
        return Ok(Value::Null);
    }
    let deadline = Instant::now() + Duration::from_secs_f64(args.steady_seconds);
    let started = Instant::now();
    let users_n = ids.len();
    let rec = {
        let (scim, prefix) = (scim.clone(), args.prefix.clone());
        // Bounded by count as well as by time.
        fan_out(2_000_000, args.concurrency, deadline, move |i, mut rec| {
            let (scim, ids, gids, prefix) = (scim.clone(), ids.clone(), gids.clone(), prefix.clone());
            async move {
                let mut rng = Rng::new(i as u64 + 1);
                let u = rng.below(users_n as u64) as usize;
                let roll = rng.below(10);
                if roll < 4 {
                    scim.send(&mut rec, "get_user", Method::GET, &format!("/Users/{}", ids[u]), None).await?;
                } else if roll < 7 {
                    scim.send(&mut rec, "filter_userName", Method::GET, &user_filter(&prefix, u), None).await?;
                } else if roll < 9 || gids.is_empty() {
                    let patch = json!({"schemas": [PATCH_SCHEMA], "Operations": [
                        {"op": "replace", "path": "name.givenName", "value": format!("Renamed{i}")}]});
                    scim.send(&mut rec, "patch_user", Method::PATCH, &format!("/Users/{}", ids[u]), Some(&patch)).await?;
                } else {
                    // Remove one member from its group and add it back: the group's size and
                    // the user's groups stay put (user u is in group u mod G, see 1b). A random
                    // group would add the user to ever more groups as the mix runs.
                    let g = &gids[u % gids.len()];
                    let user = &ids[u];
                    let patch = json!({"schemas": [PATCH_SCHEMA], "Operations": [
                        {"op": "remove", "path": format!("members[value eq \"{user}\"]")},
                        {"op": "add", "path": "members", "value": [{"value": user}]}]});
                    scim.send(&mut rec, "patch_group", Method::PATCH, &format!("/Groups/{g}"), Some(&patch)).await?;
                }
                Ok(rec)
            }
        })
        .await
        .context("steady-state mix")?
    };
    Ok(phase_json(&rec, started.elapsed()))
}
