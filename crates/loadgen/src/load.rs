//! The bulk loader for the scale curves: links the server as a library, lets `Store::connect`
//! apply the migrations, creates the directory (and its key) with `Store::create_directory`,
//! then writes users with multi-row INSERTs mirroring `Store::create_user` (same columns, same
//! normalised document from `roster_scim::parse_user`), 5,000 users per transaction. Groups
//! go through `Store::create_group` itself. Loading over HTTP would take longer than the bench.
use std::time::Instant;

use anyhow::{bail, Context, Result};
use roster_scim::{parse_group, parse_user, GroupFields, UserFields};
use roster_server::store::Store;
use serde_json::{json, Value};
use sqlx::any::AnyPoolOptions;
use sqlx::Row;

/// What to load.
#[derive(Clone, Debug, clap::Args)]
pub struct LoadArgs {
    /// The server's database URL (the server may be running on it).
    #[arg(long)]
    pub database_url: String,
    /// Add to this directory; without it, a new directory is created (and its key printed).
    #[arg(long)]
    pub directory_id: Option<String>,
    /// Users the directory should hold afterwards (users `0..N`, only missing ones are added).
    #[arg(long, default_value_t = 10_000)]
    pub users: u64,
    /// Groups to create, by member count (members are users `0..size`), e.g. `10,10000`.
    #[arg(long, value_delimiter = ',')]
    pub group_sizes: Vec<u64>,
}

/// Users per multi-row INSERT (11 parameters each). Not more: sqlx looks every parameter
/// name up in a list SQLite scans linearly, so binding is quadratic in the parameter count.
const ROWS: usize = 100;
/// Users per transaction.
const TX_USERS: u64 = 5_000;

/// The userName of scale user `i`; the probes compute the same names.
pub fn user_name(i: u64) -> String {
    format!("scale.user{i:07}@bench.example")
}

/// The request body an IdP would send for scale user `i`.
pub fn user_body(i: u64) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name(i),
        "externalId": format!("ext-{i:07}"),
        "name": {"givenName": format!("Given{}", i % 5_003), "familyName": format!("Family{}", i % 9_973)},
        "displayName": format!("Given{} Family{}", i % 5_003, i % 9_973),
        "emails": [
            {"value": format!("u{i:07}@work.bench.example"), "type": "work", "primary": true},
            {"value": format!("u{i:07}@home.bench.example"), "type": "home"}
        ],
        "active": true
    })
}

pub async fn run(args: LoadArgs) -> Result<Value> {
    let store = Store::connect(&args.database_url).await?;
    let org = store
        .organization()
        .await?
        .context("no organization: start the server once on this database first")?;
    let mut api_key = None;
    let directory_id = match args.directory_id {
        Some(id) => id,
        None => {
            let (id, key) = store
                .create_directory(&org.id, "Scale bench", 365 * 86_400_000)
                .await?;
            api_key = Some(key.key.secret);
            id
        }
    };
    // A pool of our own for the bulk INSERTs (the store's pools are private to it).
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&args.database_url)
        .await
        .context("cannot open the database")?;
    if store.backend() == roster_server::store::Backend::Sqlite {
        // The loader's own connection: a large page cache (the indexes of a million users do
        // not fit SQLite's default 2 MB) and no syncs (a crashed load is simply rerun).
        sqlx::query(
            "PRAGMA busy_timeout = 30000; PRAGMA cache_size = -262144; PRAGMA synchronous = OFF;",
        )
        .execute(&pool)
        .await?;
    }
    let have: i64 = sqlx::query("SELECT COUNT(*) FROM users WHERE directory_id = $1")
        .bind(&directory_id)
        .fetch_one(&pool)
        .await?
        .try_get(0)?;
    let started = Instant::now();
    let mut next = have as u64;
    while next < args.users {
        let end = (next + TX_USERS).min(args.users);
        insert_users(&pool, &directory_id, next, end).await?;
        next = end;
    }
    let users_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut groups = Vec::new();
    for size in &args.group_sizes {
        if *size > args.users {
            bail!("a group of {size} needs at least {size} users");
        }
        let members: Vec<String> =
            sqlx::query("SELECT id FROM users WHERE directory_id = $1 ORDER BY id LIMIT $2")
                .bind(&directory_id)
                .bind(*size as i64)
                .fetch_all(&pool)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<_, _>>()?;
        let name = format!("scale group of {size} {}", uuid::Uuid::new_v4().simple());
        let parsed = parse_group(&json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name}))
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let fields =
            GroupFields::from_resource(&parsed.resource).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let group = store
            .create_group(&org.id, &directory_id, &parsed.resource, &fields, &members)
            .await
            .map_err(|e| anyhow::anyhow!("create group: {e}"))?;
        groups.push(json!({"size": size, "id": group.id}));
    }
    let groups_seconds = started.elapsed().as_secs_f64();
    // The newest users: members of no group as long as the largest group is smaller than the
    // directory, so the probes can add and remove them.
    let spare: Vec<String> =
        sqlx::query("SELECT id FROM users WHERE directory_id = $1 ORDER BY id DESC LIMIT 50")
            .bind(&directory_id)
            .fetch_all(&pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
    if store.backend() == roster_server::store::Backend::Sqlite {
        settle_sqlite(&pool, &args.database_url).await?;
    }
    pool.close().await;
    store.close().await;
    Ok(json!({
        "directory_id": directory_id,
        "api_key": api_key,
        "users": args.users.max(have as u64),
        "users_added": args.users.saturating_sub(have as u64),
        "users_seconds": users_seconds,
        "groups": groups,
        "groups_seconds": groups_seconds,
        "spare_user_ids": spare,
    }))
}

/// Inserts users `from..to` in one transaction and moves the directory's counter with them.
async fn insert_users(pool: &sqlx::AnyPool, directory_id: &str, from: u64, to: u64) -> Result<()> {
    let now = roster_server::store::now_millis();
    let mut tx = pool.begin().await?;
    let indexes: Vec<u64> = (from..to).collect();
    for chunk in indexes.chunks(ROWS) {
        let mut users = Vec::with_capacity(chunk.len());
        for &i in chunk {
            let parsed = parse_user(&user_body(i)).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let fields = UserFields::from_resource(&parsed.resource)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            users.push((roster_server::store::new_id(), parsed.resource, fields));
        }
        let rows: Vec<String> = (0..users.len())
            .map(|r| {
                let p: Vec<String> = (3..14).map(|k| format!("${}", r * 11 + k)).collect();
                format!("({}, $1, {}, 1, $2, $2)", p[0], p[1..].join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO users (id, directory_id, user_name, user_name_lower, external_id, \
             display_name, given_name, family_name, primary_email, primary_email_lower, active, \
             doc, version, created_at, updated_at) VALUES {}",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(directory_id).bind(now);
        for (id, doc, f) in &users {
            let email = f.primary_email().map(|e| e.value.clone());
            q = q
                .bind(id.clone())
                .bind(f.user_name.clone())
                .bind(f.user_name.to_lowercase())
                .bind(f.external_id.clone())
                .bind(f.display_name.clone())
                .bind(f.given_name.clone())
                .bind(f.family_name.clone())
                .bind(email.clone())
                .bind(email.map(|e| e.to_lowercase()))
                .bind(f.active)
                .bind(doc.to_string());
        }
        q.execute(&mut *tx).await?;

        let mut emails = Vec::new();
        for (id, _, f) in &users {
            for (position, e) in f.emails.iter().enumerate() {
                emails.push((id, position as i64, e));
            }
        }
        for part in emails.chunks(ROWS) {
            let rows: Vec<String> = (0..part.len())
                .map(|r| {
                    let b = r * 6;
                    format!(
                        "(${}, $1, ${}, ${}, ${}, ${}, ${})",
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO user_emails (user_id, directory_id, position, value, value_lower, kind, is_primary) VALUES {}",
                rows.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(directory_id);
            for (id, position, e) in part {
                q = q
                    .bind((*id).clone())
                    .bind(*position)
                    .bind(e.value.clone())
                    .bind(e.value.to_lowercase())
                    .bind(e.kind.as_ref().map(|k| k.to_lowercase()))
                    .bind(e.primary);
            }
            q.execute(&mut *tx).await?;
        }
    }
    sqlx::query("UPDATE directories SET active_users = active_users + $1 WHERE id = $2")
        .bind((to - from) as i64)
        .bind(directory_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the bulk load out of the WAL and onto the disk before the probes run. Loaded with
/// `synchronous = OFF`, a million users are gigabytes of dirty pages the kernel would
/// otherwise write back while the probes measure: a cost of this loader, never of a server
/// whose users arrived over months.
async fn settle_sqlite(pool: &sqlx::AnyPool, url: &str) -> Result<()> {
    use std::str::FromStr;
    sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(pool)
        .await?;
    let file = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
        .get_filename()
        .to_path_buf();
    let mut wal = file.clone().into_os_string();
    wal.push("-wal");
    for path in [file, wal.into()] {
        if let Ok(f) = std::fs::File::open(&path) {
            f.sync_all()
                .with_context(|| format!("cannot sync {}", path.display()))?;
        }
    }
    Ok(())
}
