//! `/api/v1/webhooks[/{id}]`: endpoints that receive the change feed — create (the signing
//! secret answered once), list, change, pause and resume, rotate the secret with an overlap,
//! send a test event, redeliver one event or everything since a time, read the delivery log,
//! delete.
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use roster_api_types::{
    audit::AuditActor,
    event::Event,
    webhook::{
        CreateWebhook, IssuedWebhookSecret, Redeliver, RotateWebhookSecret, UpdateWebhook, Webhook,
        WebhookDelivery,
    },
    Problem, API_PREFIX,
};
use serde::Deserialize;

use super::{
    caller::{Can, ManageWebhooks},
    events::valid_type,
    extract::{Json, OptionalJson, Path, Query},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    store::{
        db::timestamps::{parse_millis, rfc3339},
        new_id, now_millis,
        webhooks::{deliveries::Attempt, EndpointChange},
    },
    webhooks::send::{check_url, new_secret},
};

/// Longest overlap during which a replaced secret still signs: 7 days.
const MAX_OVERLAP_SECONDS: u64 = 7 * 24 * 3600;
const MAX_DESCRIPTION_CHARS: usize = 500;
const MAX_URL_CHARS: usize = 2000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/webhooks", get(list_webhooks).post(create_webhook))
        .route(
            "/api/v1/webhooks/{id}",
            get(get_webhook)
                .patch(update_webhook)
                .delete(delete_webhook),
        )
        .route("/api/v1/webhooks/{id}/secret", post(rotate_secret))
        .route("/api/v1/webhooks/{id}/test", post(send_test))
        .route("/api/v1/webhooks/{id}/redeliver", post(redeliver))
        .route("/api/v1/webhooks/{id}/deliveries", get(list_deliveries))
}

fn not_found() -> AppError {
    AppError::not_found("webhook")
}

fn valid_url(state: &AppState, url: &str) -> AppResult<String> {
    let url = url.trim();
    if url.chars().count() > MAX_URL_CHARS {
        return Err(AppError::invalid_field("url", "Use a shorter URL."));
    }
    check_url(url, state.config.webhook_allow_private)
        .map_err(|message| AppError::invalid_field("url", message))?;
    Ok(url.to_owned())
}

fn valid_types(types: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = types.iter().map(|t| t.trim().to_owned()).collect();
    for t in &out {
        valid_type("eventTypes", t)?;
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn valid_description(text: &str) -> AppResult<String> {
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::invalid_field(
            "description",
            format!("Use at most {MAX_DESCRIPTION_CHARS} characters."),
        ));
    }
    Ok(text.trim().to_owned())
}

async fn load(state: &AppState, caller: &Can<ManageWebhooks>, id: &str) -> AppResult<Webhook> {
    state
        .store
        .webhook(&caller.org_id, id)
        .await?
        .ok_or_else(not_found)
}

#[utoipa::path(
    get, path = "/api/v1/webhooks", tag = "webhooks",
    responses(
        (status = 200, description = "Endpoints with their health", body = Vec<Webhook>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "A token without the webhooks:manage scope", body = Problem),
    ),
)]
pub(super) async fn list_webhooks(
    State(state): State<AppState>,
    caller: Can<ManageWebhooks>,
) -> AppResult<Json<Vec<Webhook>>> {
    Ok(Json(state.store.list_webhooks(&caller.org_id).await?))
}

#[utoipa::path(
    post, path = "/api/v1/webhooks", tag = "webhooks",
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "Created; receives the events from now on. The secret is in this answer only", body = IssuedWebhookSecret),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing CSRF token or scope", body = Problem),
        (status = 422, description = "A URL that is not allowed, or an unknown event type", body = Problem),
    ),
)]
pub(super) async fn create_webhook(
    State(state): State<AppState>,
    caller: Can<ManageWebhooks>,
    Json(body): Json<CreateWebhook>,
) -> AppResult<Response> {
    let url = valid_url(&state, &body.url)?;
    let types = valid_types(&body.event_types)?;
    let description = valid_description(&body.description)?;
    let secret = new_secret();
    let webhook = state
        .store
        .create_webhook(
            &caller.org_id,
            &caller.actor(),
            &url,
            &types,
            &description,
            &secret,
        )
        .await?;
    let location = format!("{API_PREFIX}/webhooks/{}", webhook.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(IssuedWebhookSecret { webhook, secret }),
    )
        .into_response())
}

#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The endpoint", body = Webhook),
        (status = 404, description = "No such webhook", body = Problem),
    ),
)]
pub(super) async fn get_webhook(
    State(state): State<AppState>,
    caller: Can<ManageWebhooks>,
    Path(id): Path<String>,
) -> AppResult<Json<Webhook>> {
    Ok(Json(load(&state, &caller, &id).await?))
}

#[utoipa::path(
    patch, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path)),
    request_body = UpdateWebhook,
    responses(
        (status = 200, description = "Changed", body = Webhook),
        (status = 404, description = "No such webhook", body = Problem),
        (status = 422, description = "A URL that is not allowed, or an unknown event type", body = Problem),
    ),
)]
pub(super) async fn update_webhook(
    State(state): State<AppState>,
    caller: Can<ManageWebhooks>,
    Path(id): Path<String>,
    Json(body): Json<UpdateWebhook>,
) -> AppResult<Json<Webhook>> {
    let change = EndpointChange {
        url: body
            .url
            .as_deref()
            .map(|u| valid_url(&state, u))
            .transpose()?,
        event_types: body.event_types.as_deref().map(valid_types).transpose()?,
        description: body
            .description
            .as_deref()
            .map(valid_description)
            .transpose()?,
        enabled: body.enabled,
    };
    if !state
        .store
        .update_webhook(&caller.org_id, &caller.actor(), &id, &change)
        .await?
    {
        return Err(not_found());
    }
    Ok(Json(load(&state, &caller, &id).await?))
}

#[utoipa::path(
    delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path)),
    responses(
        (status = 204, description = "Deleted with its delivery log"),
        (status = 404, description = "No such webhook", body = Problem),
    ),
)]
pub(super) async fn delete_webhook(
    State(state): State<AppState>,
    caller: Can<ManageWebhooks>,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    if !state
        .store
        .delete_webhook(&caller.org_id, &caller.actor(), &id)
        .await?
    {
        return Err(not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post, path = "/api/v1/webhooks/{id}/secret", tag = "webhooks",
    params(("id" = String, Path)),
    request_body = RotateWebhookSecret,
    responses(
        (status = 200, description = "The new secret, shown once; during the overlap both sign", body = IssuedWebhookSecret),
        (status = 404, description = "No such webhook", body = Problem),
        (status = 422, description = "An overlap over 7 days", body = Problem),
    ),
)]
pub(super) async fn rotate_secret(
    State(state): State<AppState>,
    caller: Can<ManageWebhooks>,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<RotateWebhookSecret>,
) -> AppResult<Json<IssuedWebhookSecret>> {
    let overlap = body.overlap_seconds.unwrap_or(0);
    if overlap > MAX_OVERLAP_SECONDS {
        return Err(AppError::invalid_field(
            "overlapSeconds",
            format!("The overlap can be at most 7 days ({MAX_OVERLAP_SECONDS} seconds)."),
        ));
    }
    let secret = new_secret();
    let overlap_millis = i64::try_from(overlap * 1000).unwrap_or(0);
    if !state
        .store
        .rotate_webhook_secret(
            &caller.org_id,
            &caller.actor(),
            &id,
            &secret,
            overlap_millis,
        )
        .await?
    {
        return Err(not_found());
    }
    let webhook = load(&state, &caller, &id).await?;
    Ok(Json(IssuedWebhookSecret { webhook, secret }))
}

/// Sends `event` to the endpoint now, outside its ordered deliveries, and logs the attempt.
async fn send_now(
    state: &AppState,
    caller: &Can<ManageWebhooks>,
    id: &str,
    event: &Event,
) -> AppResult<WebhookDelivery> {
    let (url, secrets) = state
        .store
        .webhook_target(&caller.org_id, id)
        .await?
        .ok_or_else(not_found)?;
    let payload = serde_json::to_string(event).map_err(anyhow::Error::from)?;
    let outcome = state
        .webhook_sender
        .send(&url, &event.id, &payload, &secrets)
        .await;
    let succeeded = outcome.succeeded();
    let attempt = Attempt {
        event_id: &event.id,
        event_type: &event.type_,
        attempt: 1,
        succeeded,
        status: outcome.status,
        latency_ms: outcome.latency_ms,
        error: outcome.error.clone(),
        response_excerpt: outcome.excerpt.clone(),
    };
    state.store.log_delivery(id, &attempt).await?;
    Ok(WebhookDelivery {
        id: new_id(),
        event_id: event.id.clone(),
        event_type: event.type_.clone(),
        at: rfc3339(now_millis()),
        attempt: 1,
        succeeded,
        status: outcome.status,
        latency_ms: u64::try_from(outcome.latency_ms).unwrap_or(0),
        error: outcome.error,
        response_excerpt: outcome.excerpt,
    })
}

#[utoipa::path(
    post, path = "/api/v1/webhooks/{id}/test", tag = "webhooks",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "What the receiver answered to a signed `webhook.test` event", body = WebhookDelivery),
        (status = 404, description = "No such webhook", body = Problem),
    ),
)]
pub(super) async fn send_test(
    State(state): State<AppState>,
    caller: Can<ManageWebhooks>,
    Path(id): Path<String>,
) -> AppResult<Json<WebhookDelivery>> {
    let actor = caller.actor();
    let event = Event {
        id: format!("evt_test_{}", new_id()),
        cursor: String::new(),
        type_: "webhook.test".into(),
        occurred_at: rfc3339(now_millis()),
        directory_id: None,
        actor: AuditActor {
            type_: actor.kind.to_owned(),
            id: actor.id,
            label: actor.label,
        },
        data: serde_json::json!({"webhook": {"id": id}}),
    };
    Ok(Json(send_now(&state, &caller, &id, &event).await?))
}

#[utoipa::path(
    post, path = "/api/v1/webhooks/{id}/redeliver", tag = "webhooks",
    params(("id" = String, Path)),
    request_body = Redeliver,
    responses(
        (status = 200, description = "With eventId: what the receiver answered. With since: the endpoint, whose deliveries start again from that time", body = Object),
        (status = 404, description = "No such webhook or event", body = Problem),
        (status = 422, description = "Neither or both of eventId and since, or a time that is not RFC 3339", body = Problem),
    ),
)]
pub(super) async fn redeliver(
    State(state): State<AppState>,
    caller: Can<ManageWebhooks>,
    Path(id): Path<String>,
    Json(body): Json<Redeliver>,
) -> AppResult<Response> {
    match (body.event_id.as_deref(), body.since.as_deref()) {
        (Some(event_id), None) => {
            let event = state
                .store
                .event(&caller.org_id, event_id)
                .await?
                .ok_or_else(|| AppError::not_found("event"))?;
            Ok(Json(send_now(&state, &caller, &id, &event).await?).into_response())
        }
        (None, Some(since)) => {
            let since = parse_millis(since)
                .ok_or_else(|| AppError::invalid_field("since", "Give the time as RFC 3339."))?;
            if !state
                .store
                .redeliver_since(&caller.org_id, &caller.actor(), &id, since)
                .await?
            {
                return Err(not_found());
            }
            crate::store::db::commits::committed();
            Ok(Json(load(&state, &caller, &id).await?).into_response())
        }
        _ => Err(AppError::invalid_field(
            "eventId",
            "Give either eventId (one event) or since (everything from a time).",
        )),
    }
}

/// Query of the delivery log.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DeliveryQuery {
    /// 1 to 200; 50 when absent.
    limit: Option<u32>,
}

#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = String, Path), DeliveryQuery),
    responses(
        (status = 200, description = "The newest attempts, newest first", body = Vec<WebhookDelivery>),
        (status = 404, description = "No such webhook", body = Problem),
    ),
)]
pub(super) async fn list_deliveries(
    State(state): State<AppState>,
    caller: Can<ManageWebhooks>,
    Path(id): Path<String>,
    Query(query): Query<DeliveryQuery>,
) -> AppResult<Json<Vec<WebhookDelivery>>> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::invalid_field(
            "limit",
            "The limit must be between 1 and 200.",
        ));
    }
    load(&state, &caller, &id).await?;
    Ok(Json(state.store.webhook_deliveries(&id, limit).await?))
}
