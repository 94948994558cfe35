//! What the pages of one directory share: the directory on screen, which [`DirectoryPage`]
//! hands to each of its tabs, and the console URLs of the directory's routes.
//!
//! [`DirectoryPage`]: super::DirectoryPage
use leptos::prelude::*;
use roster_api_types::directory::Directory;

use crate::state::use_config;
use crate::url::encode;

/// The directory on screen and a way to reload it after a change (rename, new key).
#[derive(Clone)]
pub struct DirectoryContext {
    pub directory: Directory,
    pub reload: Callback<()>,
}

/// The console URL of a directory route, e.g. `dir_href("7", "users")`.
pub fn dir_href(id: &str, rest: &str) -> String {
    use_config().href(&format!("/directories/{}/{rest}", encode(id)))
}
