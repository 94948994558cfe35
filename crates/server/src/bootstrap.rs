//! First start: with an empty database, create the organization and its first admin.
use crate::{auth::password, config::Config, store::Store};

/// What first start created; `password` is set only when it was generated, to show it once.
#[derive(Debug)]
pub struct FirstAdmin {
    pub email: String,
    pub generated_password: Option<String>,
}

/// Creates the organization and first admin when the database has none.
pub async fn ensure_first_admin(
    store: &Store,
    config: &Config,
) -> anyhow::Result<Option<FirstAdmin>> {
    if store.organization().await?.is_some() {
        return Ok(None);
    }
    let (pass, generated) = match &config.admin_password {
        Some(p) if !p.is_empty() => (p.clone(), false),
        _ => (password::generate(), true),
    };
    let hash = password::hash(pass.clone()).await?;
    let email = config.admin_email.trim().to_owned();
    if !store.bootstrap(&config.org_name, &email, &hash).await? {
        return Ok(None);
    }
    Ok(Some(FirstAdmin {
        email,
        generated_password: generated.then_some(pass),
    }))
}
