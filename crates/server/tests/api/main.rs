//! The server's API suite: one test binary (to save link time) with a module per topic.
//! Every test runs on SQLite, and on PostgreSQL when `ROSTER_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access_admin;
mod access_journey;
mod backup;
mod common;
mod directories;
mod events;
mod example_consumer;
mod fuzz;
mod hostile;
mod http;
mod keep_alive;
mod openapi;
mod scim_big_groups;
mod scim_bulk;
mod scim_entra;
mod scim_filters;
mod scim_okta;
mod scim_protocol;
mod scim_smoke;
mod service_tokens;
mod session;
mod simulator;
mod webhooks;
