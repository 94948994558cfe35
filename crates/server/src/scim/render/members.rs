//! A group's members read a page of rows at a time, for both forms of a group with its
//! `members`: no caller holds more than one page of rows.
use crate::{scim::error::ScimApiResult, state::AppState};

/// Members are read in pages of this size when a group is returned whole.
pub const MEMBER_PAGE: u64 = 5_000;

/// Reads a group's members a page at a time (keyset by user id, [`MEMBER_PAGE`] rows) and
/// hands each page of `(user id, display name)` to `each`.
pub async fn member_pages(
    state: &AppState,
    group_id: &str,
    mut each: impl FnMut(&[(String, String)]) -> ScimApiResult<()>,
) -> ScimApiResult<()> {
    let mut after: Option<String> = None;
    loop {
        let page = state
            .store
            .group_members_page(group_id, after.as_deref(), MEMBER_PAGE)
            .await?;
        each(&page)?;
        if (page.len() as u64) < MEMBER_PAGE {
            return Ok(());
        }
        after = page.last().map(|(id, _)| id.clone());
    }
}
