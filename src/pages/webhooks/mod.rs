//! Webhooks: the endpoints that receive the change feed's events, their health, creating one,
//! its signing secret shown once, and an endpoint's page with its actions and delivery log.
//! The lazily loaded chunk `webhooks`.

pub mod actions;
pub mod chart;
pub mod create;
pub mod deliveries;
pub mod endpoint;
pub mod events;
pub mod health;
pub mod list;
pub mod outcome;
pub mod settings;
pub mod shown_once;

pub use create::CreateWebhookPage;
pub use endpoint::WebhookPage;
pub use list::WebhooksPage;
pub use shown_once::WebhookSecretShownOncePage;
