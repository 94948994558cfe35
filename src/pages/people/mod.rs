//! People: the organization's users and groups across directories, each list with the one
//! profile of a user (with their timeline) or a group, which a directory's lists open too.
//! The lazily loaded chunk `people`.

pub mod attributes;
pub mod badges;
pub mod group;
pub mod group_members;
pub mod groups;
pub mod legacy;
pub mod timeline;
pub mod timeline_words;
pub mod user;
pub mod users;

pub use group::GroupProfilePage;
pub use groups::GroupsPage;
pub use legacy::{DirectoryGroupRedirect, DirectoryUserRedirect};
pub use user::UserProfilePage;
pub use users::UsersPage;
