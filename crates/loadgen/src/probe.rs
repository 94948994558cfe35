//! Scenario 3's measurements over HTTP against a server on a bulk-loaded directory: the latency
//! of single lookups (`userName eq`, `externalId eq`, `emails[type eq "work"].value eq`), a `co`
//! search, the last page of /Users, and on groups of each loaded size: add one member, remove
//! it (the groups in turn, a pair each), GET without members, and GET with members. One
//! request at a time; each probe stops after `iterations` requests or `seconds`, whichever
//! comes first (but runs at least three).
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{encode, Rng, Scim, PATCH_SCHEMA};
use crate::load::user_name;
use crate::stats::Recorder;

#[derive(Clone, Debug, clap::Args)]
pub struct ProbeArgs {
    #[arg(long)]
    pub base_url: String,
    #[arg(long)]
    pub token: Option<String>,
    /// The loader's JSON output (directory, groups, spare user ids).
    #[arg(long)]
    pub load_json: std::path::PathBuf,
    /// Users in the directory now.
    #[arg(long)]
    pub users: u64,
    #[arg(long, default_value_t = 200)]
    pub iterations: u32,
    #[arg(long, default_value_t = 4.0)]
    pub seconds: f64,
    /// Also probe the groups named in the loader's output.
    #[arg(long)]
    pub groups: bool,
    /// Only the indexed lookups (`eq` on userName, externalId, work email): no scans.
    #[arg(long)]
    pub lookups_only: bool,
    /// A second directory (its SCIM base URL) whose lookups alternate with these, request
    /// by request, so the two sizes are compared over the same seconds.
    #[arg(long, requires_all = ["beside_token", "beside_users"])]
    pub beside_base_url: Option<String>,
    #[arg(long)]
    pub beside_token: Option<String>,
    /// Users in the second directory.
    #[arg(long)]
    pub beside_users: Option<u64>,
}

/// The indexed lookup `kind` (0: userName, 1: externalId, 2: work email) of user `i`: its
/// name in the results and its path.
fn lookup(kind: usize, i: u64) -> (&'static str, String) {
    let (name, filter) = match kind {
        0 => ("userName_eq", format!("userName eq \"{}\"", user_name(i))),
        1 => ("externalId_eq", format!("externalId eq \"ext-{i:07}\"")),
        _ => (
            "work_email_eq",
            format!("emails[type eq \"work\"].value eq \"u{i:07}@work.bench.example\""),
        ),
    };
    (name, format!("/Users?filter={}", encode(&filter)))
}

/// One directory's lookups: its client, size, user picker and latencies.
struct Lookups {
    scim: Scim,
    users: u64,
    rng: Rng,
    rec: Recorder,
}

impl Lookups {
    async fn send(&mut self, kind: usize, recorded: bool) -> Result<()> {
        let (name, path) = lookup(kind, self.rng.below(self.users));
        let mut ignored = Recorder::default();
        let rec = if recorded {
            &mut self.rec
        } else {
            &mut ignored
        };
        let answer = self.scim.send(rec, name, Method::GET, &path, None).await?;
        if !answer.status.is_success() {
            eprintln!("{name} {path}: {} {}", answer.status, answer.body);
        }
        Ok(())
    }
}

struct Bound {
    iterations: u32,
    time: Duration,
}

impl Bound {
    fn more(&self, done: u32, started: Instant) -> bool {
        done < 3 || (done < self.iterations && started.elapsed() < self.time)
    }
}

async fn repeat(
    scim: &Scim,
    bound: &Bound,
    kind: &'static str,
    rec: &mut Recorder,
    mut request: impl FnMut(u32) -> (Method, String, Option<Value>),
) -> Result<()> {
    let started = Instant::now();
    let mut done = 0;
    while bound.more(done, started) {
        let (method, path, body) = request(done);
        let answer = scim.send(rec, kind, method, &path, body.as_ref()).await?;
        if !answer.status.is_success() {
            eprintln!("{kind} {path}: {} {}", answer.status, answer.body);
        }
        done += 1;
    }
    Ok(())
}

pub async fn run(args: ProbeArgs) -> Result<Value> {
    let loaded: Value = serde_json::from_slice(
        &std::fs::read(&args.load_json).with_context(|| format!("{}", args.load_json.display()))?,
    )?;
    let scim = Scim::new(&args.base_url, args.token.clone(), 1)?;
    let bound = Bound {
        iterations: args.iterations,
        time: Duration::from_secs_f64(args.seconds),
    };
    let n = args.users.max(1);
    let mut rng = Rng::new(n.wrapping_mul(31).wrapping_add(7));
    let get = |filter: String| {
        (
            Method::GET,
            format!("/Users?filter={}", encode(&filter)),
            None,
        )
    };
    let mut dirs = vec![Lookups {
        scim: scim.clone(),
        users: n,
        rng: Rng::new(n),
        rec: Recorder::default(),
    }];
    if let (Some(url), Some(users)) = (&args.beside_base_url, args.beside_users) {
        let users = users.max(1);
        dirs.push(Lookups {
            scim: Scim::new(url, args.beside_token.clone(), 1)?,
            users,
            rng: Rng::new(users.wrapping_mul(17)),
            rec: Recorder::default(),
        });
    }
    // A first request warms the connection and the server's statement cache. Then a short
    // unrecorded pass over the indexed lookups, on other names than the measured ones: right
    // after a bulk load the server's first reads of the new pages are cold (at 1M users the
    // first pass measured 2-3x the warm p50), and an IdP meets a server that has been
    // running, not one that has just been loaded.
    for dir in &mut dirs {
        dir.scim
            .send(
                &mut Recorder::default(),
                "warm",
                Method::GET,
                "/Users?count=1",
                None,
            )
            .await?;
        let warm = Bound {
            iterations: 50,
            time: Duration::from_millis(500),
        };
        for kind in 0..3 {
            let (started, mut done) = (Instant::now(), 0);
            while warm.more(done, started) {
                dir.send(kind, false).await?;
                done += 1;
            }
        }
    }
    // The lookups, each directory's in turn request by request.
    for kind in 0..3 {
        let started = Instant::now();
        let mut done = 0;
        while bound.more(done, started) {
            for dir in &mut dirs {
                dir.send(kind, true).await?;
            }
            done += 1;
        }
    }
    let mut dirs = dirs.into_iter();
    let mut rec = dirs.next().map(|main| main.rec).unwrap_or_default();
    let beside = dirs
        .next()
        .map(|b| json!({"users": b.users, "queries": b.rec.to_json(Duration::from_secs(1))}));
    if args.lookups_only {
        return Ok(
            json!({"users": args.users, "queries": rec.to_json(Duration::from_secs(1)), "beside": beside}),
        );
    }
    repeat(&scim, &bound, "userName_co", &mut rec, |_| {
        get(format!("userName co \"{:07}@\"", rng.below(n)))
    })
    .await?;
    repeat(&scim, &bound, "last_page", &mut rec, |_| {
        let start = n.saturating_sub(99).max(1);
        (
            Method::GET,
            format!("/Users?startIndex={start}&count=100"),
            None,
        )
    })
    .await?;
    let mut out = json!({"users": args.users, "queries": rec.to_json(Duration::from_secs(1))});

    if args.groups {
        let spare: Vec<String> = loaded["spare_user_ids"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let loaded_groups: Vec<(u64, String)> = loaded["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| Some((g["size"].as_u64()?, g["id"].as_str()?.to_string())))
            .collect();
        let mut recs: Vec<Recorder> = loaded_groups.iter().map(|_| Recorder::default()).collect();
        // Add a spare user, then remove the same one (the group keeps its size), one pair per
        // group in turn: the sizes are compared over the same seconds, whatever the machine
        // does meanwhile.
        let started = Instant::now();
        let pairs = Bound {
            iterations: bound.iterations.min(100),
            time: bound.time * loaded_groups.len().max(1) as u32,
        };
        for k in 0..pairs.iterations as usize {
            if spare.is_empty() || !pairs.more(k as u32, started) {
                break;
            }
            let user = &spare[k % spare.len()];
            for ((_, id), rec) in loaded_groups.iter().zip(recs.iter_mut()) {
                let path = format!("/Groups/{id}");
                let add = json!({"schemas": [PATCH_SCHEMA], "Operations": [
                    {"op": "add", "path": "members", "value": [{"value": user}]}]});
                scim.send(rec, "add_member", Method::PATCH, &path, Some(&add))
                    .await?;
                let remove = json!({"schemas": [PATCH_SCHEMA], "Operations": [
                    {"op": "remove", "path": format!("members[value eq \"{user}\"]")}]});
                scim.send(rec, "remove_member", Method::PATCH, &path, Some(&remove))
                    .await?;
            }
        }
        let mut groups = serde_json::Map::new();
        for ((size, id), mut rec) in loaded_groups.into_iter().zip(recs) {
            let path = format!("/Groups/{id}");
            repeat(&scim, &bound, "get_without_members", &mut rec, |_| {
                (
                    Method::GET,
                    format!("{path}?excludedAttributes=members"),
                    None,
                )
            })
            .await?;
            let few = Bound {
                iterations: 20,
                time: bound.time,
            };
            repeat(&scim, &few, "get_with_members", &mut rec, |_| {
                (Method::GET, format!("{path}?attributes=members"), None)
            })
            .await?;
            groups.insert(size.to_string(), rec.to_json(Duration::from_secs(1)));
        }
        out["groups"] = Value::Object(groups);
    }
    Ok(out)
}
