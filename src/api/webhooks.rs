//! Webhook endpoints and their deliveries: `/api/v1/webhooks/...`, one function per server
//! handler (`crates/server/src/http/webhooks.rs`).
use roster_api_types::webhook::{
    CreateWebhook, IssuedWebhookSecret, Redeliver, RotateWebhookSecret, UpdateWebhook, Webhook,
    WebhookDelivery,
};

use super::{Client, Method, Request};
use crate::url::encode;

fn hook(id: &str) -> String {
    format!("/webhooks/{}", encode(id))
}

/// `GET /api/v1/webhooks`: every endpoint with its health.
pub fn list_webhooks(client: &Client) -> Request<Vec<Webhook>> {
    client.request::<(), _>(Method::Get, "/webhooks", None)
}

/// `POST /api/v1/webhooks`: the new endpoint and its signing secret, shown once.
pub fn create_webhook(client: &Client, body: &CreateWebhook) -> Request<IssuedWebhookSecret> {
    client.request(Method::Post, "/webhooks", Some(body))
}

/// `GET /api/v1/webhooks/{id}`.
pub fn get_webhook(client: &Client, id: &str) -> Request<Webhook> {
    client.request::<(), _>(Method::Get, &hook(id), None)
}

/// `PATCH /api/v1/webhooks/{id}`: changes what `body` gives, pausing or resuming included.
pub fn update_webhook(client: &Client, id: &str, body: &UpdateWebhook) -> Request<Webhook> {
    client.request(Method::Patch, &hook(id), Some(body))
}

/// `DELETE /api/v1/webhooks/{id}`: the endpoint and its delivery log.
pub fn delete_webhook(client: &Client, id: &str) -> Request<()> {
    client.request::<(), _>(Method::Delete, &hook(id), None)
}

/// `POST /api/v1/webhooks/{id}/secret`: a new signing secret, shown once; the old one keeps
/// signing too for the overlap.
pub fn rotate_secret(
    client: &Client,
    id: &str,
    body: &RotateWebhookSecret,
) -> Request<IssuedWebhookSecret> {
    client.request(Method::Post, &format!("{}/secret", hook(id)), Some(body))
}

/// `POST /api/v1/webhooks/{id}/test`: a signed `webhook.test` event sent now, and how the
/// receiver answered.
pub fn send_test(client: &Client, id: &str) -> Request<WebhookDelivery> {
    client.request::<(), _>(Method::Post, &format!("{}/test", hook(id)), None)
}

/// `POST /api/v1/webhooks/{id}/redeliver` with an event id: that event sent again now.
pub fn redeliver_event(client: &Client, id: &str, event_id: &str) -> Request<WebhookDelivery> {
    let body = Redeliver {
        event_id: Some(event_id.to_owned()),
        since: None,
    };
    client.request(
        Method::Post,
        &format!("{}/redeliver", hook(id)),
        Some(&body),
    )
}

/// `POST /api/v1/webhooks/{id}/redeliver` with a time (RFC 3339): the endpoint's deliveries
/// start again from the first event at or after it.
pub fn redeliver_since(client: &Client, id: &str, since: &str) -> Request<Webhook> {
    let body = Redeliver {
        event_id: None,
        since: Some(since.to_owned()),
    };
    client.request(
        Method::Post,
        &format!("{}/redeliver", hook(id)),
        Some(&body),
    )
}

/// `GET /api/v1/webhooks/{id}/deliveries?limit=N`: the newest attempts, newest first.
pub fn list_deliveries(client: &Client, id: &str, limit: u32) -> Request<Vec<WebhookDelivery>> {
    let path = format!("{}/deliveries?limit={limit}", hook(id));
    client.request::<(), _>(Method::Get, &path, None)
}
