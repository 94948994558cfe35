//! `GET /api/v1/events`: the change feed, oldest first from a cursor, with long polling.
use std::time::{Duration, Instant};

use axum::{extract::State, routing::get, Router};
use roster_api_types::{
    event::{EventPage, EventQuery, EVENT_TYPES},
    Problem,
};

use super::{
    caller::{Can, ReadEvents},
    extract::{Json, Query},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    store::{
        db::commits,
        events::feed::{FeedError, Position, Types},
    },
};

/// Events per answer when `limit` is absent, and at most.
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;
/// Longest a poll is held.
const MAX_WAIT_SECONDS: u32 = 30;
/// A held poll reads again at least this often: a commit on another replica may come
/// without a wake (SQLite has none across processes), and a held-back event becomes
/// servable when an older transaction ends.
const RECHECK: Duration = Duration::from_millis(500);

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/events", get(list_events))
}

/// One type or family (`access.*`) of the events Roster writes, or a 422 about `field`.
pub(super) fn valid_type(field: &str, t: &str) -> AppResult<()> {
    let known = match t.strip_suffix(".*") {
        Some(family) => EVENT_TYPES
            .iter()
            .any(|e| e.split('.').next() == Some(family)),
        None => EVENT_TYPES.contains(&t),
    };
    if known {
        Ok(())
    } else {
        Err(AppError::invalid_field(
            field,
            format!("`{t}` is not an event type or family."),
        ))
    }
}

/// The `types` filter: exact types or families (`access.*`), each one Roster writes.
fn types(text: Option<&str>) -> AppResult<Types> {
    let list: Vec<String> = text
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    for t in &list {
        valid_type("types", t)?;
    }
    Ok(crate::webhooks::types_of(&list))
}

#[utoipa::path(
    get, path = "/api/v1/events", tag = "events",
    params(EventQuery),
    responses(
        (status = 200, description = "The events after the cursor, oldest first", body = EventPage),
        (status = 400, description = "A cursor this feed did not give", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "A token without the events:read scope", body = Problem),
        (status = 410, description = "The cursor is older than the feed's retention: take a snapshot (the lists' feedCursor) and follow on from it", body = Problem),
        (status = 422, description = "An unknown type, or limit or wait out of range", body = Problem),
    ),
)]
pub(super) async fn list_events(
    State(state): State<AppState>,
    caller: Can<ReadEvents>,
    Query(query): Query<EventQuery>,
) -> AppResult<Json<EventPage>> {
    let after =
        match query.after.as_deref() {
            Some(cursor) => Some(Position::parse(cursor).ok_or_else(|| {
                AppError::BadRequest("The cursor is not one this feed gave.".into())
            })?),
            None => None,
        };
    let types = types(query.types.as_deref())?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::invalid_field(
            "limit",
            format!("The limit must be between 1 and {MAX_LIMIT}."),
        ));
    }
    let wait = query.wait.unwrap_or(0);
    if wait > MAX_WAIT_SECONDS {
        return Err(AppError::invalid_field(
            "wait",
            format!("Wait at most {MAX_WAIT_SECONDS} seconds."),
        ));
    }
    let deadline = Instant::now() + Duration::from_secs(u64::from(wait));
    let mut from = after;
    loop {
        let (events, next) = state
            .store
            .events_after(&caller.org_id, from, &types, limit)
            .await
            .map_err(|err| match err {
                FeedError::Gone => AppError::Gone(
                    "Events after this cursor are no longer kept. Take a new snapshot (each list \
                     gives its feedCursor) and follow the feed from there."
                        .into(),
                ),
                FeedError::Db(e) => e.into(),
            })?;
        let now = Instant::now();
        if !events.is_empty() || now >= deadline {
            return Ok(Json(EventPage {
                events,
                next: next.cursor(),
            }));
        }
        // Nothing yet, and the scan moved the cursor on past what the filter skipped.
        from = Some(next);
        commits::next_commit(RECHECK.min(deadline - now)).await;
    }
}

/// Reads a list a product may take a snapshot from, with the feed's cursor from just before
/// it: following the feed from there misses no change the list does not show.
pub(super) async fn snapshot<T>(
    state: &AppState,
    read: impl std::future::Future<Output = AppResult<roster_api_types::page::Page<T>>>,
) -> AppResult<roster_api_types::page::Page<T>> {
    let head = state.store.feed_head().await?;
    let mut page = read.await?;
    page.feed_cursor = Some(head.cursor());
    Ok(page)
}
