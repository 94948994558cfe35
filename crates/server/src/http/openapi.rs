//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the admin API, generated with
//! utoipa from the handlers' `#[utoipa::path]` annotations. Handlers of modules other
//! engineers are still shaping (session, directories, directory browsing) are described by
//! the stubs in [`paths`] until their annotations move next to them; a test checks that every
//! admin route is documented.
use axum::{routing::get, Router};
use utoipa::{
    openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

use super::extract::Json;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(get_openapi))
}

/// The admin API's OpenAPI document.
#[utoipa::path(
    get, path = "/api/v1/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)),
)]
pub(super) async fn get_openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Session cookie and CSRF header, the admin API's two credentials.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::session::COOKIE_NAME,
                "Set by POST /api/v1/session.",
            ))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (roster_svc_…) from POST /api/v1/service-tokens; its \
                         scopes decide which endpoints it opens. No CSRF header is needed.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                roster_api_types::CSRF_HEADER,
                "The session's csrfToken; required on every POST, PUT, PATCH and DELETE.",
            ))),
        );
    }
}

/// The admin API document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Roster admin API",
        description = "JSON under /api/v1 for the console and integrations. Errors are RFC 9457 \
                       problem details (application/problem+json) whose `type` is \
                       `urn:roster:problem:<slug>`.",
    ),
    modifiers(&Security),
    security(("session" = [], "csrf" = []), ("token" = [])),
    paths(
        get_openapi,
        paths::create_session, paths::get_session, paths::delete_session,
        paths::list_directories, paths::create_directory, paths::get_directory,
        paths::rename_directory, paths::delete_directory, paths::get_deletion_impact,
        paths::regenerate_api_key,
        paths::list_directory_users, paths::get_directory_user, paths::list_directory_groups,
        paths::get_directory_group, paths::list_group_members, paths::list_events,
        paths::get_activity,
        super::sites::list_product_types,
        super::sites::list_sites, super::sites::create_site, super::sites::get_site,
        super::sites::update_site, super::sites::delete_site, super::sites::list_products,
        super::sites::add_product, super::sites::remove_product,
        super::access::list_access, super::access::grant_access, super::access::revoke_access,
        super::access::set_default_group, super::access::unset_default_group,
        super::access::list_product_users,
        super::users::list_users, super::users::get_user, super::users::get_timeline,
        super::groups::list_groups, super::groups::create_group, super::groups::get_group,
        super::groups::list_members, super::groups::rename_group, super::groups::delete_group, super::groups::add_member,
        super::groups::remove_member,
        super::domains::list_domains, super::domains::add_domain, super::domains::verify_domain,
        super::domains::delete_domain,
        super::audit::list_audit,
        super::service_tokens::list_service_tokens, super::service_tokens::create_service_token,
        super::service_tokens::revoke_service_token,
        super::events::list_events,
        super::webhooks::list_webhooks, super::webhooks::create_webhook,
        super::webhooks::get_webhook, super::webhooks::update_webhook,
        super::webhooks::delete_webhook, super::webhooks::rotate_secret,
        super::webhooks::send_test, super::webhooks::redeliver, super::webhooks::list_deliveries,
    ),
    tags(
        (name = "session", description = "Admin sign-in"),
        (name = "directories", description = "Directories (one per identity provider) and what they provisioned"),
        (name = "sites", description = "Sites and their products"),
        (name = "access", description = "Product access through groups; default groups"),
        (name = "groups", description = "Synced and local groups"),
        (name = "users", description = "Users across directories and their effective access"),
        (name = "domains", description = "Email domains and DNS verification"),
        (name = "audit", description = "The audit log"),
        (name = "events", description = "The change feed: every change, in an order that never skips one"),
        (name = "webhooks", description = "Endpoints that receive the change feed, signed per Standard Webhooks"),
        (name = "service-tokens", description = "API tokens: machine credentials for products and portals"),
        (name = "meta", description = "This document"),
    ),
)]
pub struct ApiDoc;

/// Descriptions of handlers that live in other modules (see the module docs).
mod paths {
    #![allow(dead_code)]
    use roster_api_types::{
        directory::{
            CreatedDirectory, Directory, DirectoryDeletionImpact, DirectoryName, GroupSummary,
            HourlyActivity, IssuedApiKey, RegenerateApiKey, SyncEvent, UserDetail, UserSummary,
        },
        page::Page,
        Problem, Session, SignIn,
    };

    #[utoipa::path(
        post, path = "/api/v1/session", tag = "session", security(()),
        request_body = SignIn,
        responses(
            (status = 200, description = "Signed in; sets the session cookie", body = Session),
            (status = 401, description = "Wrong email or password", body = Problem),
            (status = 429, description = "Too many failed sign-ins", body = Problem),
        ),
    )]
    fn create_session() {}

    #[utoipa::path(
        get, path = "/api/v1/session", tag = "session",
        responses(
            (status = 200, description = "The current session", body = Session),
            (status = 401, description = "Not signed in", body = Problem),
        ),
    )]
    fn get_session() {}

    #[utoipa::path(
        delete, path = "/api/v1/session", tag = "session",
        responses(
            (status = 204, description = "Signed out; clears the cookie"),
            (status = 401, description = "Not signed in", body = Problem),
        ),
    )]
    fn delete_session() {}

    #[utoipa::path(
        get, path = "/api/v1/directories", tag = "directories",
        responses(
            (status = 200, description = "Directories, oldest first", body = Vec<Directory>),
            (status = 401, description = "Not signed in", body = Problem),
        ),
    )]
    fn list_directories() {}

    #[utoipa::path(
        post, path = "/api/v1/directories", tag = "directories",
        request_body = DirectoryName,
        responses(
            (status = 201, description = "Created, with the first API key (shown once)", body = CreatedDirectory),
            (status = 401, description = "Not signed in", body = Problem),
            (status = 422, description = "Invalid name", body = Problem),
        ),
    )]
    fn create_directory() {}

    #[utoipa::path(
        get, path = "/api/v1/directories/{id}", tag = "directories",
        params(("id" = String, Path)),
        responses(
            (status = 200, description = "The directory", body = Directory),
            (status = 404, description = "No such directory", body = Problem),
        ),
    )]
    fn get_directory() {}

    #[utoipa::path(
        patch, path = "/api/v1/directories/{id}", tag = "directories",
        params(("id" = String, Path)),
        request_body = DirectoryName,
        responses(
            (status = 200, description = "Renamed", body = Directory),
            (status = 404, description = "No such directory", body = Problem),
            (status = 422, description = "Invalid name", body = Problem),
        ),
    )]
    fn rename_directory() {}

    #[utoipa::path(
        delete, path = "/api/v1/directories/{id}", tag = "directories",
        params(("id" = String, Path)),
        responses(
            (status = 204, description = "Deleted with its users, groups and the access granted through them"),
            (status = 404, description = "No such directory", body = Problem),
        ),
    )]
    fn delete_directory() {}

    #[utoipa::path(
        get, path = "/api/v1/directories/{id}/deletion-impact", tag = "directories",
        params(("id" = String, Path)),
        responses(
            (status = 200, description = "What deleting would remove", body = DirectoryDeletionImpact),
            (status = 404, description = "No such directory", body = Problem),
        ),
    )]
    fn get_deletion_impact() {}

    #[utoipa::path(
        post, path = "/api/v1/directories/{id}/api-key", tag = "directories",
        params(("id" = String, Path)),
        request_body(content = Option<RegenerateApiKey>, description = "Optional; empty body stops the old key at once"),
        responses(
            (status = 200, description = "The new key (shown once)", body = IssuedApiKey),
            (status = 404, description = "No such directory", body = Problem),
            (status = 422, description = "Overlap longer than 7 days", body = Problem),
        ),
    )]
    fn regenerate_api_key() {}

    #[utoipa::path(
        get, path = "/api/v1/directories/{id}/users", tag = "directories",
        params(
            ("id" = String, Path),
            ("search" = Option<String>, Query, description = "Prefix of userName, email, given or family name"),
            ("sort" = Option<String>, Query, description = "userName (default), name, email, created"),
            ("order" = Option<String>, Query, description = "asc (default) or desc"),
            ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query),
        ),
        responses(
            (status = 200, description = "Users", body = Page<UserSummary>),
            (status = 404, description = "No such directory", body = Problem),
        ),
    )]
    fn list_directory_users() {}

    #[utoipa::path(
        get, path = "/api/v1/directories/{id}/users/{userId}", tag = "directories",
        params(("id" = String, Path), ("userId" = String, Path)),
        responses(
            (status = 200, description = "The user and their SCIM resource", body = UserDetail),
            (status = 404, description = "No such directory or user", body = Problem),
        ),
    )]
    fn get_directory_user() {}

    #[utoipa::path(
        get, path = "/api/v1/directories/{id}/groups", tag = "directories",
        params(
            ("id" = String, Path), ("search" = Option<String>, Query),
            ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query),
        ),
        responses(
            (status = 200, description = "Groups by displayName", body = Page<GroupSummary>),
            (status = 404, description = "No such directory", body = Problem),
        ),
    )]
    fn list_directory_groups() {}

    #[utoipa::path(
        get, path = "/api/v1/directories/{id}/groups/{groupId}", tag = "directories",
        params(("id" = String, Path), ("groupId" = String, Path)),
        responses(
            (status = 200, description = "The group", body = GroupSummary),
            (status = 404, description = "No such directory or group", body = Problem),
        ),
    )]
    fn get_directory_group() {}

    #[utoipa::path(
        get, path = "/api/v1/directories/{id}/groups/{groupId}/members", tag = "directories",
        params(
            ("id" = String, Path), ("groupId" = String, Path),
            ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query),
        ),
        responses(
            (status = 200, description = "Members by user id", body = Page<UserSummary>),
            (status = 404, description = "No such directory or group", body = Problem),
        ),
    )]
    fn list_group_members() {}

    #[utoipa::path(
        get, path = "/api/v1/directories/{id}/events", tag = "directories",
        params(
            ("id" = String, Path),
            ("status" = Option<String>, Query, description = "all (default) or error"),
            ("operation" = Option<String>, Query), ("q" = Option<String>, Query),
            ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query),
        ),
        responses(
            (status = 200, description = "Sync log, newest first", body = Page<SyncEvent>),
            (status = 404, description = "No such directory", body = Problem),
        ),
    )]
    fn list_events() {}

    #[utoipa::path(
        get, path = "/api/v1/directories/{id}/activity", tag = "directories",
        params(("id" = String, Path), ("hours" = Option<u32>, Query, description = "1 to 2160; 168 by default")),
        responses(
            (status = 200, description = "Requests and errors per hour", body = Vec<HourlyActivity>),
            (status = 404, description = "No such directory", body = Problem),
        ),
    )]
    fn get_activity() {}
}
