//! The `roster` binary.
use std::process::ExitCode;

use roster_server::config::{Cli, Command};

/// Serving a SCIM request allocates a few hundred small blocks across two threads; glibc's
/// allocator spent a fifth of the server's CPU on them (`perf`, GET by id), mimalloc a
/// fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let (command, config) = match Cli::load() {
        Ok(v) => v,
        Err(err) => {
            eprintln!("roster: {err:#}");
            return ExitCode::from(2);
        }
    };
    match (command, config) {
        (Command::Serve(_), Some(config)) => {
            roster_server::logging::init(config.log_format);
            tracing::debug!(?config, "configuration");
            match roster_server::serve::run(config).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    tracing::error!("{err:#}");
                    eprintln!("roster: {err:#}");
                    ExitCode::FAILURE
                }
            }
        }
        (Command::ConsoleCsp(args), _) => {
            let policy = roster_server::config::validate_frame_ancestors(&args.frame_ancestors)
                .and_then(|()| {
                    roster_server::http::csp::console_policy(
                        &args.console_dir,
                        &args.frame_ancestors,
                    )
                });
            match policy {
                Ok(policy) => {
                    println!("{policy}");
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("roster: {err:#}");
                    ExitCode::FAILURE
                }
            }
        }
        (Command::Backup(args), _) => done(
            roster_server::backup::backup(&args.database_url, &args.to).await,
            || {
                println!("Backed up to {}", args.to.display());
            },
        ),
        (Command::Restore(args), _) => done(
            roster_server::backup::restore(&args.from, &args.database_url, args.force).await,
            || println!("Restored {}", args.from.display()),
        ),
        _ => ExitCode::FAILURE,
    }
}

/// Exit status of a one-shot command, saying what went wrong.
fn done(result: anyhow::Result<()>, report: impl FnOnce()) -> ExitCode {
    match result {
        Ok(()) => {
            report();
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("roster: {err:#}");
            ExitCode::FAILURE
        }
    }
}
