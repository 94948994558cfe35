//! Directories: the list, creating one, the credentials shown once, and a directory's page with
//! its tabs, whose users and groups open their profiles (`crate::pages::people`). The list is in
//! the initial download, where a signed-in admin lands; everything else here is the lazily
//! loaded chunk `directory`.

pub mod chart;
pub mod context;
pub mod create;
pub mod credentials;
pub mod directory;
pub mod groups;
pub mod health;
pub mod list;
pub mod overview;
pub mod settings;
pub mod shown_once;
pub mod sync_log;
pub mod user_columns;
pub mod users;

pub use create::CreateDirectoryPage;
pub use directory::DirectoryPage;
pub use list::DirectoriesPage;
pub use shown_once::ShownOncePage;
