//! One file per route; widgets only one page uses stay in that page's file.

pub mod home;
pub mod not_found;
pub mod sign_in;

pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use sign_in::SignInPage;
