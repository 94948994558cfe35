//! The admin API's error type. Every failure a handler can meet becomes one `AppError`,
//! answered as RFC 9457 problem details; 5xx bodies say "internal error" while the cause is
//! logged inside the request's span.
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use roster_api_types::{
    problem::{FieldError, PROBLEM_CONTENT_TYPE},
    Problem,
};

use crate::store::error::{Missing, ModelError, Taken};

/// Builds a problem type URI from its slug.
pub fn problem_type(slug: &str) -> String {
    format!("urn:roster:problem:{slug}")
}

/// An admin API error.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    /// Well-formed JSON that does not meet the endpoint's rules, with per-field messages.
    #[error("invalid: {detail}")]
    Validation {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("authentication required")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// A conflict with the current state; `slug` names the rule that was hit.
    #[error("conflict: {detail}")]
    Conflict {
        slug: &'static str,
        title: &'static str,
        detail: String,
    },
    /// What the request points at is gone for good (a feed cursor past retention).
    #[error("gone: {0}")]
    Gone(String),
    #[error("too many requests")]
    TooManyRequests {
        detail: String,
        retry_after_secs: u64,
    },
    #[error("payload too large")]
    PayloadTooLarge(String),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem details body for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let (slug, title, detail) = match self {
            AppError::BadRequest(d) => ("invalid-request", "Invalid request", Some(d.clone())),
            AppError::Validation { detail, .. } => {
                ("validation", "Invalid request body", Some(detail.clone()))
            }
            AppError::Unauthorized(d) => ("unauthorized", "Sign-in required", Some(d.clone())),
            AppError::Forbidden(d) => ("forbidden", "Forbidden", Some(d.clone())),
            AppError::NotFound(d) => ("not-found", "Not found", Some(d.clone())),
            AppError::Gone(d) => ("cursor-expired", "Resync needed", Some(d.clone())),
            AppError::Conflict {
                slug,
                title,
                detail,
            } => (*slug, *title, Some(detail.clone())),
            AppError::TooManyRequests { detail, .. } => (
                "too-many-requests",
                "Too many requests",
                Some(detail.clone()),
            ),
            AppError::PayloadTooLarge(d) => {
                ("payload-too-large", "Request too large", Some(d.clone()))
            }
            AppError::UnsupportedMediaType(d) => (
                "unsupported-media-type",
                "Unsupported media type",
                Some(d.clone()),
            ),
            AppError::Internal(_) => ("internal", "Internal error", None),
        };
        Problem {
            type_: problem_type(slug),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            instance: None,
            errors: match self {
                AppError::Validation { errors, .. } => errors.clone(),
                _ => Vec::new(),
            },
        }
    }

    /// The 404 for a `what` that is missing, or belongs to another organization: "No such
    /// {what}."
    pub fn not_found(what: &str) -> AppError {
        AppError::NotFound(format!("No such {what}."))
    }

    /// A 422 about one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> AppError {
        let message = message.into();
        AppError::Validation {
            detail: message.clone(),
            errors: vec![FieldError {
                field: field.to_owned(),
                message,
            }],
        }
    }
}

/// Answers a problem details body with the given status.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE)], body).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(err) = &self {
            // The request span (method, path, request id) is the context of this event.
            tracing::error!(error = format!("{err:#}"), "internal error");
        }
        let mut response = problem_response(&self.problem());
        if let AppError::TooManyRequests {
            retry_after_secs, ..
        } = self
        {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<Taken> for AppError {
    fn from(taken: Taken) -> Self {
        let (slug, title, detail) = match taken {
            Taken::Domain(name) => (
                "domain-exists",
                "Domain already added",
                format!("{name} is already one of the organization's domains."),
            ),
            Taken::Site(field) => (
                "site-exists",
                "Site already exists",
                format!("Another site of the organization has this {field}."),
            ),
            Taken::Product(site, product) => (
                "product-exists",
                "Product already on the site",
                format!("{site} already hosts {product}."),
            ),
            Taken::LocalGroupName(name) => (
                "group-exists",
                "Group already exists",
                format!("A local group named '{name}' already exists."),
            ),
        };
        AppError::Conflict {
            slug,
            title,
            detail,
        }
    }
}

impl From<ModelError> for AppError {
    fn from(err: ModelError) -> Self {
        match err {
            ModelError::NotFound(missing) => AppError::NotFound(
                match missing {
                    Missing::Domain => "No such domain.",
                    Missing::Site => "No such site.",
                    Missing::Product => "No such product on this site.",
                    Missing::Group => "No such group.",
                    Missing::User => "No such user.",
                    Missing::Membership => "The user is not a member of this group.",
                    Missing::Grant => "This group has no access to the product.",
                    Missing::DefaultGroup => "This group is not a default group of the product.",
                    Missing::ServiceToken => "No such API token.",
                }
                .to_owned(),
            ),
            ModelError::UnknownProductKey(key) => {
                AppError::invalid_field("key", format!("No product type has the key '{key}'."))
            }
            ModelError::ProductNameUnusable(_) => AppError::invalid_field(
                "name",
                "Choose a name that differs from the catalogue's products.",
            ),
            ModelError::ProductUnnamed => AppError::invalid_field(
                "key",
                "Give a product type's key or a name for a custom product.",
            ),
            ModelError::Taken(taken) => taken.into(),
            ModelError::SyncedDefaultGroup(group) => AppError::Conflict {
                slug: "synced-default-group",
                title: "A synced group cannot be a default group",
                detail: format!(
                    "'{group}' is synced from your identity provider, which owns its \
                     membership. Users given access to the product by an admin (not managed by \
                     SCIM) would be added to it here, and the identity provider's next sync \
                     would collide with those memberships or remove them. Instead, create a \
                     local group, make it the default group, and grant '{group}' access to the \
                     product separately."
                ),
            },
            ModelError::SyncedGroupReadOnly(group) => AppError::Conflict {
                slug: "synced-group-read-only",
                title: "Synced groups are managed by the identity provider",
                detail: format!(
                    "'{group}' is synced from your identity provider; change it there. Only \
                     local groups can be edited here."
                ),
            },
            ModelError::Db(e) => e.into(),
            too_big @ ModelError::TooBig => AppError::Internal(too_big.into()),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::Internal(err.into())
    }
}

/// Result of an admin API handler.
pub type AppResult<T> = Result<T, AppError>;
