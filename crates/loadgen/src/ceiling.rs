//! The HTTP ceiling: a bare axum handler answering a fixed small JSON body on every path, on
//! the same runtime settings as Roster. Roster's GET-by-id rate is reported as a fraction of it.
use anyhow::{Context, Result};
use axum::{http::header, response::IntoResponse, routing::get, Router};

const BODY: &str = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"0198c0de-0000-7000-8000-000000000000","userName":"ceiling@bench.example","active":true}"#;

async fn fixed() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/scim+json")], BODY)
}

/// Serves until killed; prints the address as Roster does.
pub async fn serve(listen: &str) -> Result<()> {
    let app = Router::new()
        .route("/", get(fixed))
        .route("/{*rest}", get(fixed));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let bound = listener.local_addr()?;
    crate::client::check_loopback(&format!("http://{bound}"))?;
    println!("Ceiling is listening on http://{bound}");
    axum::serve(listener, app).await?;
    Ok(())
}
