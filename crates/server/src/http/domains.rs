//! `/api/v1/domains[/{id}[/verify]]`: the organization's email domains. Adding one answers
//! the TXT record to publish: `roster-verification=<random>` at
//! `_roster-challenge.<domain>` (publishing it at the domain's apex works too). Verifying
//! looks both names up through the configured DNS resolver (`--dns-resolver`, else the
//! system's) with a fresh resolver each time, so a record published a minute ago is seen
//! and no negative answer is cached. Users whose primary email is on a verified domain are
//! managed; others are external.
use std::{net::SocketAddr, time::Duration};

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
    Router,
};
use hickory_resolver::{
    config::{NameServerConfigGroup, ResolverConfig},
    name_server::TokioConnectionProvider,
    Resolver,
};
use roster_api_types::{
    domain::{Domain, NewDomain, CHALLENGE_PREFIX},
    Problem, API_PREFIX,
};

use super::{
    caller::{Administer, Can, ReadAccess},
    extract::{Json, Path},
};
use crate::{
    auth,
    error::{AppError, AppResult},
    state::AppState,
};

/// Prefix of the TXT record value.
pub const TXT_VALUE_PREFIX: &str = "roster-verification=";
/// How long one DNS query may take.
const DNS_TIMEOUT: Duration = Duration::from_secs(3);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/domains", get(list_domains).post(add_domain))
        .route("/api/v1/domains/{id}", delete(delete_domain))
        .route("/api/v1/domains/{id}/verify", post(verify_domain))
}

fn domain_not_found() -> AppError {
    AppError::not_found("domain")
}

/// A lower-cased DNS name of two or more labels (letters, digits, hyphens), or a 422.
fn valid_domain(name: &str) -> AppResult<String> {
    let name = name.trim().trim_end_matches('.').to_lowercase();
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if name.len() > 253 || labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(AppError::invalid_field(
            "name",
            "Enter a domain name such as example.com.",
        ));
    }
    Ok(name)
}

/// The TXT strings at `name`; empty when the name or its TXT records do not exist.
async fn txt_records(resolver: Option<SocketAddr>, name: &str) -> Result<Vec<String>, String> {
    let mut builder = match resolver {
        Some(addr) => Resolver::builder_with_config(
            ResolverConfig::from_parts(
                None,
                Vec::new(),
                NameServerConfigGroup::from_ips_clear(&[addr.ip()], addr.port(), true),
            ),
            TokioConnectionProvider::default(),
        ),
        None => Resolver::builder_tokio().map_err(|e| e.to_string())?,
    };
    let options = builder.options_mut();
    options.timeout = DNS_TIMEOUT;
    options.attempts = 1;
    options.cache_size = 0;
    let resolver = builder.build();
    match resolver.txt_lookup(format!("{name}.")).await {
        Ok(lookup) => Ok(lookup
            .iter()
            .map(|txt| {
                txt.txt_data()
                    .iter()
                    .map(|part| String::from_utf8_lossy(part).into_owned())
                    .collect::<String>()
            })
            .collect()),
        Err(e) if e.is_no_records_found() || e.is_nx_domain() => Ok(Vec::new()),
        Err(e) => Err(e.to_string()),
    }
}

/// The organization's domains.
#[utoipa::path(
    get, path = "/api/v1/domains", tag = "domains",
    responses(
        (status = 200, description = "Domains", body = Vec<Domain>),
        (status = 401, description = "Not signed in", body = Problem),
    ),
)]
pub(super) async fn list_domains(
    State(state): State<AppState>,
    caller: Can<ReadAccess>,
) -> AppResult<Json<Vec<Domain>>> {
    Ok(Json(state.store.list_domains(&caller.org_id).await?))
}

/// Adds a domain and answers the TXT record to publish.
#[utoipa::path(
    post, path = "/api/v1/domains", tag = "domains",
    request_body = NewDomain,
    responses(
        (status = 201, description = "Added; publish txtRecordValue at txtRecordName", body = Domain),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 409, description = "Already added", body = Problem),
        (status = 422, description = "Invalid domain name", body = Problem),
    ),
)]
pub(super) async fn add_domain(
    State(state): State<AppState>,
    caller: Can<Administer>,
    Json(body): Json<NewDomain>,
) -> AppResult<Response> {
    let name = valid_domain(&body.name)?;
    let value = format!("{TXT_VALUE_PREFIX}{}", auth::random_token(24));
    let id = state
        .store
        .add_domain(&caller.org_id, &caller.actor(), &name, &value)
        .await?;
    let domain = state
        .store
        .domain(&caller.org_id, &id)
        .await?
        .ok_or_else(domain_not_found)?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("{API_PREFIX}/domains/{id}"))],
        Json(domain),
    )
        .into_response())
}

/// Looks the TXT record up at `_roster-challenge.<domain>` and at the apex; marks the domain
/// verified when one holds the value. Otherwise 409 `domain-not-verified` saying what was
/// found.
#[utoipa::path(
    post, path = "/api/v1/domains/{id}/verify", tag = "domains",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Verified", body = Domain),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such domain", body = Problem),
        (status = 409, description = "The TXT record was not found", body = Problem),
    ),
)]
pub(super) async fn verify_domain(
    State(state): State<AppState>,
    caller: Can<Administer>,
    Path(id): Path<String>,
) -> AppResult<Json<Domain>> {
    let org = &caller.org_id;
    let domain = state
        .store
        .domain(org, &id)
        .await?
        .ok_or_else(domain_not_found)?;
    let resolver = state.config.dns_resolver;
    let challenge = format!("{CHALLENGE_PREFIX}.{}", domain.name);
    let mut found = false;
    let mut lookup_error = None;
    for name in [challenge.as_str(), domain.name.as_str()] {
        match txt_records(resolver, name).await {
            Ok(records) if records.iter().any(|r| r.trim() == domain.txt_record_value) => {
                found = true;
                break;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(domain = %domain.name, error = %e, "DNS TXT lookup failed");
                lookup_error = Some(e);
            }
        }
    }
    if !state
        .store
        .record_domain_check(org, &caller.actor(), &id, found)
        .await?
    {
        return Err(domain_not_found());
    }
    if !found {
        let detail = match lookup_error {
            Some(_) => {
                format!("The DNS lookup for {challenge} failed; try again in a few minutes.")
            }
            None => format!(
                "No TXT record with the value {} was found at {challenge} or {}. Publish it \
                 and try again; DNS changes can take a while to appear.",
                domain.txt_record_value, domain.name
            ),
        };
        return Err(AppError::Conflict {
            slug: "domain-not-verified",
            title: "Domain not verified",
            detail,
        });
    }
    state
        .store
        .domain(org, &id)
        .await?
        .map(Json)
        .ok_or_else(domain_not_found)
}

/// Removes a domain; its users become external.
#[utoipa::path(
    delete, path = "/api/v1/domains/{id}", tag = "domains",
    params(("id" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem),
        (status = 404, description = "No such domain", body = Problem),
    ),
)]
pub(super) async fn delete_domain(
    State(state): State<AppState>,
    caller: Can<Administer>,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    state
        .store
        .delete_domain(&caller.org_id, &caller.actor(), &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_names_are_normalised_and_checked() {
        assert_eq!(valid_domain(" Example.COM. ").unwrap(), "example.com");
        assert!(valid_domain("localhost").is_err());
        assert!(valid_domain("-a.com").is_err());
        assert!(valid_domain("a..com").is_err());
        assert!(valid_domain("exa mple.com").is_err());
    }
}
