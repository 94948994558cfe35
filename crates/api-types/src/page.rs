//! Paging of long lists: a page with opaque cursors, and the query that asks for one.
use serde::{Deserialize, Serialize};

/// Query of paged lists without search: a cursor and a page size.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct PageQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A page of a long list. Lists are ordered by a stable key and paged with opaque cursors,
/// so page 10,000 costs what page 1 costs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many items match in all, when known cheaply.
    pub total: Option<u64>,
    /// Cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
    /// Cursor of the previous page, if there is one.
    pub prev_cursor: Option<String>,
    /// On the lists products take a snapshot from (who has access, users, groups): the change
    /// feed's cursor from just before this page was read. Keep the first page's: following
    /// `/api/v1/events?after=<feedCursor>` from it misses no change; a change the snapshot
    /// already shows may come again, and applying it twice changes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_cursor: Option<String>,
}
