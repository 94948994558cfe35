//! What the last action on an endpoint's page came to: the actions and the settings form
//! both report through it.
use roster_api_types::webhook::WebhookDelivery;

use crate::api::ApiError;

/// What the last action on the page came to, shown under the actions.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// An event sent now (the test event, or one redelivered) and the receiver's answer.
    /// `done` and `failed` open the sentence for either result ("Test event delivered").
    Sent {
        done: String,
        failed: String,
        delivery: WebhookDelivery,
    },
    /// A change the server agreed to.
    Done(String),
    /// The server refused or could not be reached.
    Failed(ApiError),
}
