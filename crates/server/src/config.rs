//! Server configuration: one `Config`, resolved as defaults < optional TOML file < `ROSTER_*`
//! environment variables < command-line flags. Unknown keys in the file are errors, and
//! secrets never appear in `Debug` output.
use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::{bail, Context};
use clap::{
    parser::ValueSource, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand,
};
use serde::Deserialize;

use crate::store::SqliteSynchronous;

/// Command line of the `roster` binary.
#[derive(Debug, Parser)]
#[command(
    name = "roster",
    version,
    about = "Roster: SCIM user provisioning and its admin console"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
// Parsed once per process: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Serve the SCIM API, the admin API and the console.
    Serve(ServeArgs),
    /// Print the console page's Content-Security-Policy, for a static host to send with it.
    ConsoleCsp(ConsoleCspArgs),
    /// Write a consistent copy of the database to a new file, while the server runs.
    Backup(BackupArgs),
    /// Make a new database from a backup (a SQLite file, or a pg_dump archive).
    Restore(RestoreArgs),
}

/// Settings of `roster backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The database to copy, as `roster serve` takes it.
    #[arg(
        long,
        env = "ROSTER_DATABASE_URL",
        default_value = "sqlite://./roster-data/roster.db",
        hide_env_values = true
    )]
    pub database_url: String,

    /// The file to write; it must not exist.
    #[arg(long)]
    pub to: PathBuf,
}

/// Settings of `roster restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup to restore.
    #[arg(long)]
    pub from: PathBuf,

    /// The database to make: a new SQLite path or an empty PostgreSQL database.
    #[arg(long, env = "ROSTER_DATABASE_URL", hide_env_values = true)]
    pub database_url: String,

    /// Replace an existing database (SQLite: stop the server first).
    #[arg(long)]
    pub force: bool,
}

/// Settings of `roster console-csp`.
#[derive(Debug, Args)]
pub struct ConsoleCspArgs {
    /// Folder of the built console (`dist/`), with the `config.json` it is deployed with.
    #[arg(long, env = "ROSTER_CONSOLE_DIR")]
    pub console_dir: PathBuf,

    /// Sites allowed to frame the console (comma-separated CSP sources); none when unset.
    #[arg(long, env = "ROSTER_FRAME_ANCESTORS", value_delimiter = ',')]
    pub frame_ancestors: Vec<String>,
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// `SameSite` attribute of the session cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SameSite {
    Strict,
    Lax,
    /// For a console served from another site (static hosting); implies `Secure`.
    None,
}

/// Settings of `roster serve`. Field docs are the `--help` text and the README's table.
#[derive(Clone, Args)]
pub struct ServeArgs {
    /// TOML file with any of the settings below (keys as the long flag names, with `_`).
    #[arg(long, env = "ROSTER_CONFIG")]
    pub config: Option<PathBuf>,

    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "ROSTER_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// `sqlite://path` (created if missing) or `postgres://user:pass@host/db`.
    #[arg(
        long,
        env = "ROSTER_DATABASE_URL",
        default_value = "sqlite://./roster-data/roster.db"
    )]
    pub database_url: String,

    /// Folder of the built console (`dist/`); without it only the APIs are served.
    #[arg(long, env = "ROSTER_CONSOLE_DIR")]
    pub console_dir: Option<PathBuf>,

    /// Public URL of this server, used to build SCIM base URLs (default: http://<listen>).
    #[arg(long, env = "ROSTER_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Log format.
    #[arg(long, env = "ROSTER_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,

    /// Name of the organization created on first start.
    #[arg(long, env = "ROSTER_ORG_NAME", default_value = "My organization")]
    pub org_name: String,

    /// Email of the first admin, created on first start.
    #[arg(long, env = "ROSTER_ADMIN_EMAIL", default_value = "admin@roster.local")]
    pub admin_email: String,

    /// Password of the first admin; generated and printed once when unset.
    #[arg(long, env = "ROSTER_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// How long an admin session lasts without activity, in seconds.
    #[arg(long, env = "ROSTER_SESSION_IDLE_SECONDS", default_value_t = 12 * 3600)]
    pub session_idle_seconds: u64,

    /// `SameSite` of the session cookie (`none` for a console on another site).
    #[arg(
        long,
        env = "ROSTER_COOKIE_SAME_SITE",
        value_enum,
        default_value = "strict"
    )]
    pub cookie_same_site: SameSite,

    /// Origins allowed to call the admin API from a browser (comma-separated), for a console
    /// served from static hosting.
    #[arg(long, env = "ROSTER_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Days a directory API key stays valid.
    #[arg(long, env = "ROSTER_API_KEY_LIFETIME_DAYS", default_value_t = 365)]
    pub api_key_lifetime_days: u64,

    /// Days the sync log keeps a directory's SCIM requests.
    #[arg(long, env = "ROSTER_SYNC_LOG_RETENTION_DAYS", default_value_t = 30)]
    pub sync_log_retention_days: u64,

    /// Longest lifetime, in days, an API token may be created with.
    #[arg(long, env = "ROSTER_SERVICE_TOKEN_MAX_DAYS", default_value_t = 365)]
    pub service_token_max_days: u64,

    /// Days the change feed keeps events; a cursor older than that must resync.
    #[arg(long, env = "ROSTER_EVENT_RETENTION_DAYS", default_value_t = 30)]
    pub event_retention_days: u64,

    /// SCIM requests per second allowed per directory (0 disables the limit).
    #[arg(long, env = "ROSTER_SCIM_RATE_LIMIT", default_value_t = 100)]
    pub scim_rate_limit: u32,

    /// Requests a directory may burst above its rate.
    #[arg(long, env = "ROSTER_SCIM_RATE_BURST", default_value_t = 1000)]
    pub scim_rate_burst: u32,

    /// DNS server (`ip:port`) for domain verification lookups; the system's resolver when unset.
    #[arg(long, env = "ROSTER_DNS_RESOLVER")]
    pub dns_resolver: Option<SocketAddr>,

    /// Sites allowed to frame the console (comma-separated CSP sources such as
    /// `https://portal.example.com`); none when unset.
    #[arg(long, env = "ROSTER_FRAME_ANCESTORS", value_delimiter = ',')]
    pub frame_ancestors: Vec<String>,

    /// Header in which the TLS-terminating proxy in front appends the client's address (e.g.
    /// `X-Forwarded-For`); only the last address in it is used. Unset: the connection's peer.
    #[arg(long, env = "ROSTER_CLIENT_ADDRESS_HEADER")]
    pub client_address_header: Option<String>,

    /// When SQLite's commits reach the disk: `normal` (at the next checkpoint, every 100 ms)
    /// or `full` (at every commit).
    #[arg(
        long,
        env = "ROSTER_SQLITE_SYNCHRONOUS",
        value_enum,
        default_value = "normal"
    )]
    pub sqlite_synchronous: SqliteSynchronous,

    /// Let webhook endpoints use plain http:// and private or loopback addresses (for a
    /// receiver on the same network, and tests); without it only https:// to public addresses.
    #[arg(long, env = "ROSTER_WEBHOOK_ALLOW_PRIVATE")]
    pub webhook_allow_private: bool,
}

/// Keys accepted in the TOML file: the same settings, all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    database_url: Option<String>,
    console_dir: Option<PathBuf>,
    public_url: Option<String>,
    log_format: Option<LogFormat>,
    org_name: Option<String>,
    admin_email: Option<String>,
    admin_password: Option<String>,
    session_idle_seconds: Option<u64>,
    cookie_same_site: Option<SameSite>,
    cors_origins: Option<Vec<String>>,
    api_key_lifetime_days: Option<u64>,
    sync_log_retention_days: Option<u64>,
    service_token_max_days: Option<u64>,
    event_retention_days: Option<u64>,
    scim_rate_limit: Option<u32>,
    scim_rate_burst: Option<u32>,
    dns_resolver: Option<SocketAddr>,
    frame_ancestors: Option<Vec<String>>,
    client_address_header: Option<String>,
    sqlite_synchronous: Option<SqliteSynchronous>,
    webhook_allow_private: Option<bool>,
}

/// Resolved configuration the server runs with.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub console_dir: Option<PathBuf>,
    /// Without a trailing slash.
    pub public_url: Option<String>,
    pub log_format: LogFormat,
    pub org_name: String,
    pub admin_email: String,
    pub admin_password: Option<String>,
    pub session_idle: Duration,
    pub cookie_same_site: SameSite,
    pub cors_origins: Vec<String>,
    pub api_key_lifetime: Duration,
    pub sync_log_retention: Duration,
    /// Longest lifetime of an API token.
    pub service_token_max: Duration,
    pub event_retention: Duration,
    /// Requests per second per directory; 0 means unlimited.
    pub scim_rate_limit: u32,
    pub scim_rate_burst: u32,
    /// DNS server for domain verification; `None` uses the system's resolver.
    pub dns_resolver: Option<SocketAddr>,
    /// CSP `frame-ancestors` sources of the console; empty: no site may frame it.
    pub frame_ancestors: Vec<String>,
    /// Where a trusted proxy puts the client's address; `None`: the connection's peer.
    pub client_address_header: Option<String>,
    pub sqlite_synchronous: SqliteSynchronous,
    pub webhook_allow_private: bool,
    /// A failed webhook delivery's first retry waits this long, later ones multiples of it
    /// (not a flag: the schedule is documented; tests shorten it).
    pub webhook_retry_unit: Duration,
}

impl fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeArgs")
            .field("config", &self.config)
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("console_dir", &self.console_dir)
            .field("public_url", &self.public_url)
            .field("log_format", &self.log_format)
            .field("org_name", &self.org_name)
            .field("admin_email", &self.admin_email)
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "<redacted>"),
            )
            .field("session_idle", &self.session_idle)
            .field("cookie_same_site", &self.cookie_same_site)
            .field("cors_origins", &self.cors_origins)
            .field("api_key_lifetime", &self.api_key_lifetime)
            .field("sync_log_retention", &self.sync_log_retention)
            .field("service_token_max", &self.service_token_max)
            .field("event_retention", &self.event_retention)
            .field("scim_rate_limit", &self.scim_rate_limit)
            .field("scim_rate_burst", &self.scim_rate_burst)
            .field("dns_resolver", &self.dns_resolver)
            .finish()
    }
}

/// Hides the password of a database URL (`postgres://user:secret@host` → `user:***@host`).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((auth, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

impl Cli {
    /// Parses the command line and, for `serve`, folds in the config file.
    pub fn load() -> anyhow::Result<(Command, Option<Config>)> {
        let matches = Cli::command().get_matches();
        let cli = Cli::from_arg_matches(&matches)?;
        match cli.command {
            Command::Serve(args) => {
                let sub = matches
                    .subcommand_matches("serve")
                    .context("missing serve arguments")?;
                let config = Config::resolve(args.clone(), sub)?;
                Ok((Command::Serve(args), Some(config)))
            }
            other => Ok((other, None)),
        }
    }
}

/// Each source is one CSP source expression: nothing that would end the directive.
pub fn validate_frame_ancestors(sources: &[String]) -> anyhow::Result<()> {
    for source in sources {
        if source.is_empty() || source.contains(|c: char| c == ';' || c.is_whitespace()) {
            bail!("--frame-ancestors takes CSP sources such as https://portal.example.com, got {source:?}");
        }
    }
    Ok(())
}

fn days(n: u64) -> Duration {
    Duration::from_secs(n.saturating_mul(24 * 3600))
}

/// The file's value where the setting was not given as a flag or environment variable.
fn pick<T>(unset: bool, from_args: T, from_file: Option<T>) -> T {
    match from_file {
        Some(v) if unset => v,
        _ => from_args,
    }
}

impl Config {
    /// Folds the optional file under the flags and environment: a file value is used only
    /// where neither a flag nor an environment variable set the setting.
    pub fn resolve(args: ServeArgs, matches: &ArgMatches) -> anyhow::Result<Config> {
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read config file {}", path.display()))?;
                toml::from_str::<FileConfig>(&text)
                    .with_context(|| format!("invalid config file {}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let unset = |id: &str| {
            !matches!(
                matches.value_source(id),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            )
        };
        let config = Config {
            listen: pick(unset("listen"), args.listen, file.listen),
            database_url: pick(unset("database_url"), args.database_url, file.database_url),
            console_dir: pick(
                unset("console_dir"),
                args.console_dir,
                file.console_dir.map(Some),
            ),
            public_url: pick(
                unset("public_url"),
                args.public_url,
                file.public_url.map(Some),
            )
            .map(|u| u.trim_end_matches('/').to_owned()),
            log_format: pick(unset("log_format"), args.log_format, file.log_format),
            org_name: pick(unset("org_name"), args.org_name, file.org_name),
            admin_email: pick(unset("admin_email"), args.admin_email, file.admin_email),
            admin_password: pick(
                unset("admin_password"),
                args.admin_password,
                file.admin_password.map(Some),
            ),
            session_idle: Duration::from_secs(pick(
                unset("session_idle_seconds"),
                args.session_idle_seconds,
                file.session_idle_seconds,
            )),
            cookie_same_site: pick(
                unset("cookie_same_site"),
                args.cookie_same_site,
                file.cookie_same_site,
            ),
            cors_origins: pick(unset("cors_origins"), args.cors_origins, file.cors_origins),
            api_key_lifetime: days(pick(
                unset("api_key_lifetime_days"),
                args.api_key_lifetime_days,
                file.api_key_lifetime_days,
            )),
            sync_log_retention: days(pick(
                unset("sync_log_retention_days"),
                args.sync_log_retention_days,
                file.sync_log_retention_days,
            )),
            service_token_max: days(pick(
                unset("service_token_max_days"),
                args.service_token_max_days,
                file.service_token_max_days,
            )),
            event_retention: days(pick(
                unset("event_retention_days"),
                args.event_retention_days,
                file.event_retention_days,
            )),
            scim_rate_limit: pick(
                unset("scim_rate_limit"),
                args.scim_rate_limit,
                file.scim_rate_limit,
            ),
            scim_rate_burst: pick(
                unset("scim_rate_burst"),
                args.scim_rate_burst,
                file.scim_rate_burst,
            ),
            dns_resolver: pick(
                unset("dns_resolver"),
                args.dns_resolver,
                file.dns_resolver.map(Some),
            ),
            frame_ancestors: pick(
                unset("frame_ancestors"),
                args.frame_ancestors,
                file.frame_ancestors,
            )
            .into_iter()
            .map(|source| source.trim().to_owned())
            .filter(|source| !source.is_empty())
            .collect(),
            client_address_header: pick(
                unset("client_address_header"),
                args.client_address_header,
                file.client_address_header.map(Some),
            ),
            sqlite_synchronous: pick(
                unset("sqlite_synchronous"),
                args.sqlite_synchronous,
                file.sqlite_synchronous,
            ),
            webhook_allow_private: pick(
                unset("webhook_allow_private"),
                args.webhook_allow_private,
                file.webhook_allow_private,
            ),
            webhook_retry_unit: Duration::from_secs(5),
        };
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        validate_frame_ancestors(&self.frame_ancestors)?;
        if let Some(name) = &self.client_address_header {
            axum::http::HeaderName::try_from(name.as_str()).with_context(|| {
                format!("--client-address-header must be a header name, got {name:?}")
            })?;
        }
        if !(self.database_url.starts_with("sqlite:") || self.database_url.starts_with("postgres"))
        {
            bail!(
                "--database-url must start with sqlite:// or postgres://, got {}",
                redact_url(&self.database_url)
            );
        }
        if let Some(url) = &self.public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("--public-url must start with http:// or https://, got {url}");
            }
        }
        if self.api_key_lifetime.is_zero() {
            bail!("--api-key-lifetime-days must be positive");
        }
        if self.service_token_max.is_zero() {
            bail!("--service-token-max-days must be positive");
        }
        if self.event_retention.is_zero() {
            bail!("--event-retention-days must be positive");
        }
        if self.session_idle.is_zero() {
            bail!("--session-idle-seconds must be positive");
        }
        Ok(())
    }

    /// A configuration for tests and embedding: defaults, with the given database.
    pub fn for_database(database_url: impl Into<String>) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.into(),
            console_dir: None,
            public_url: None,
            log_format: LogFormat::Pretty,
            org_name: "My organization".to_owned(),
            admin_email: "admin@roster.local".to_owned(),
            admin_password: None,
            session_idle: Duration::from_secs(12 * 3600),
            cookie_same_site: SameSite::Strict,
            cors_origins: Vec::new(),
            api_key_lifetime: days(365),
            sync_log_retention: days(30),
            service_token_max: days(365),
            event_retention: days(30),
            scim_rate_limit: 100,
            scim_rate_burst: 1000,
            dns_resolver: None,
            frame_ancestors: Vec::new(),
            client_address_header: None,
            sqlite_synchronous: SqliteSynchronous::Normal,
            webhook_allow_private: false,
            webhook_retry_unit: Duration::from_secs(5),
        }
    }

    /// Whether cookies must carry `Secure`: served over https, or cross-site.
    pub fn secure_cookies(&self) -> bool {
        self.cookie_same_site == SameSite::None
            || self
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<Config> {
        let matches = Cli::command().try_get_matches_from(args)?;
        let cli = Cli::from_arg_matches(&matches)?;
        let Command::Serve(serve) = cli.command else {
            bail!("not serve");
        };
        Config::resolve(serve, matches.subcommand_matches("serve").context("serve")?)
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let mut config = Config::for_database("postgres://roster:hunter2@db/roster");
        config.admin_password = Some("s3cret-pass".into());
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("s3cret-pass"), "{shown}");
        assert!(shown.contains("roster:***@db/roster"), "{shown}");
    }

    #[test]
    fn flags_override_the_file_and_the_file_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("roster-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("roster.toml");
        std::fs::write(&path, "org_name = \"Acme\"\nlisten = \"0.0.0.0:9000\"\n").unwrap();
        let p = path.to_str().unwrap();
        let config = parse(&[
            "roster",
            "serve",
            "--config",
            p,
            "--listen",
            "127.0.0.1:7000",
        ])
        .unwrap();
        assert_eq!(config.org_name, "Acme");
        assert_eq!(config.listen.port(), 7000);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn unknown_file_keys_are_errors() {
        let dir = std::env::temp_dir().join(format!("roster-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("roster.toml");
        std::fs::write(&path, "databse_url = \"sqlite://x\"\n").unwrap();
        let err = parse(&["roster", "serve", "--config", path.to_str().unwrap()]).unwrap_err();
        assert!(format!("{err:#}").contains("databse_url"), "{err:#}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn rejects_unsupported_database_urls() {
        assert!(parse(&["roster", "serve", "--database-url", "mysql://x"]).is_err());
    }
}
