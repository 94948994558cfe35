//! One file per route (a folder for the directory page and its tabs); widgets only one page
//! uses stay in that page's file.

pub mod audit;
pub mod directories;
pub mod directory;
pub mod directory_create;
pub mod domains;
pub mod group;
pub mod group_members;
pub mod groups;
pub mod home;
pub mod not_found;
pub mod shown_once;
pub mod sign_in;
pub mod site;
pub mod site_create;
pub mod site_product;
pub mod sites;
pub mod user;
pub mod users;

pub use audit::AuditPage;
pub use directories::DirectoriesPage;
pub use directory::{DirectoryPage, GroupPage, UserPage};
pub use directory_create::CreateDirectoryPage;
pub use domains::DomainsPage;
pub use group::OrgGroupPage;
pub use groups::GroupsPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use shown_once::ShownOncePage;
pub use sign_in::SignInPage;
pub use site::SitePage;
pub use site_create::CreateSitePage;
pub use site_product::SiteProductPage;
pub use sites::SitesPage;
pub use user::OrgUserPage;
pub use users::UsersPage;
