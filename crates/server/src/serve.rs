//! `roster serve`: connect and migrate, create the first admin when needed, bind, print where
//! to go, and serve until SIGINT or SIGTERM.
use anyhow::Context;
use tokio::net::TcpListener;

use crate::{bootstrap, config::Config, http::app, state::AppState, store::Store};

pub async fn run(config: Config) -> anyhow::Result<()> {
    if let Some(dir) = &config.console_dir {
        // The console's page cannot be served without its policy: say why before starting.
        crate::http::csp::console_policy(dir, &config.frame_ancestors)
            .context("--console-dir does not hold a built console")?;
    }
    let store = Store::connect_with(&config.database_url, config.sqlite_synchronous).await?;
    tracing::info!(backend = ?store.backend(), "database ready");
    let first = bootstrap::ensure_first_admin(&store, &config).await?;

    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let bound = listener.local_addr()?;
    let mut config = config;
    config.listen = bound;
    let state = AppState::new(store.clone(), config).await?;
    crate::sync_log::spawn_pruner(store.clone(), state.config.sync_log_retention);
    spawn_event_pruner(store.clone(), state.config.event_retention);
    if store.backend() == crate::store::Backend::Postgres {
        // Long polls here wake when another replica commits events.
        crate::store::db::commits::listen(state.config.database_url.clone());
    }
    let url = state.public_url();
    let sync_log = state.sync_log.clone();

    // These lines are for the person (and scripts) starting the server, so they go to
    // stdout, not to the logs.
    println!("Roster is listening on http://{bound}");
    if let Some(first) = first {
        println!("First start: created the organization and its first admin.");
        println!("  Email:    {}", first.email);
        match first.generated_password {
            Some(p) => println!("  Password: {p}   (generated; shown only this once)"),
            None => println!("  Password: the one in ROSTER_ADMIN_PASSWORD"),
        }
    }
    println!("Open {url}/ to sign in.");

    // Connection info gives sign-in throttling the client's address.
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")?;
    // The sync log's last batch is written before the pools close.
    sync_log.flush().await;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Deletes the change feed's events past retention, hourly.
fn spawn_event_pruner(store: Store, retention: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match store.prune_events(retention).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(events = n, "pruned the change feed"),
                Err(err) => tracing::warn!(error = %err, "could not prune the change feed"),
            }
        }
    });
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM; in-flight requests then finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
