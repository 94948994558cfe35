//! One file per route (a folder for the directory page and its tabs); widgets only one page
//! uses stay in that page's file.

pub mod directories;
pub mod directory;
pub mod directory_create;
pub mod home;
pub mod not_found;
pub mod shown_once;
pub mod sign_in;

pub use directories::DirectoriesPage;
pub use directory::{DirectoryPage, GroupPage, UserPage};
pub use directory_create::CreateDirectoryPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use shown_once::ShownOncePage;
pub use sign_in::SignInPage;
