//! People: the organization's users and groups across directories, each list with the page of
//! one user or group. The lazily loaded chunk `people`.

pub mod badges;
pub mod group;
pub mod group_members;
pub mod groups;
pub mod user;
pub mod users;

pub use group::OrgGroupPage;
pub use groups::GroupsPage;
pub use user::OrgUserPage;
pub use users::UsersPage;
