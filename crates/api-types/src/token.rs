//! Service tokens: the machine credentials products and portals use on the admin API,
//! `/api/v1/service-tokens`.
use serde::{Deserialize, Serialize};

/// Every service token starts with this, so secret scanners can recognise a leaked one.
pub const SERVICE_TOKEN_PREFIX: &str = "roster_svc_";

/// What a service token may do. `admin` covers every other scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
    /// Directories, their users, groups and sync log (no keys).
    #[serde(rename = "directories:read")]
    DirectoriesRead,
    /// Sites, products, groups, grants and who has access.
    #[serde(rename = "access:read")]
    AccessRead,
    /// Change sites, products, local groups, grants and default groups.
    #[serde(rename = "access:write")]
    AccessWrite,
    /// The change feed and users' timelines.
    #[serde(rename = "events:read")]
    EventsRead,
    /// Webhook endpoints and their deliveries.
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
    /// Everything, as an admin: directories and their keys, domains, the audit log, tokens.
    #[serde(rename = "admin")]
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 6] = [
        Scope::DirectoriesRead,
        Scope::AccessRead,
        Scope::AccessWrite,
        Scope::EventsRead,
        Scope::WebhooksManage,
        Scope::Admin,
    ];

    /// The scope as written on the wire and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::DirectoriesRead => "directories:read",
            Scope::AccessRead => "access:read",
            Scope::AccessWrite => "access:write",
            Scope::EventsRead => "events:read",
            Scope::WebhooksManage => "webhooks:manage",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Body of `POST /api/v1/service-tokens`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateServiceToken {
    /// What the token is for, e.g. `Jira provisioning`.
    pub name: String,
    /// At least one.
    pub scopes: Vec<Scope>,
    /// 1 to the server's maximum (365 unless configured); 365 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<u32>,
}

/// A service token as listed; the secret is shown only when issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ServiceToken {
    pub id: String,
    pub name: String,
    /// The token's first characters, e.g. `roster_svc_4fQx`.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    /// RFC 3339.
    pub created_at: String,
    /// Who created it: an admin's email, or another token's name.
    pub created_by: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    /// Set once revoked; a revoked token opens nothing.
    pub revoked_at: Option<String>,
}

/// Answer of `POST /api/v1/service-tokens`: the token and its secret, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IssuedServiceToken {
    pub token: ServiceToken,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_as_written() {
        for scope in Scope::ALL {
            let json = serde_json::to_string(&scope).unwrap();
            assert_eq!(json, format!("\"{}\"", scope.as_str()));
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert!(serde_json::from_str::<Scope>("\"users:write\"").is_err());
    }
}
