//! The console's screens, one file per screen, in a folder per section: `directories`, `sites`,
//! `people`, `organization`, `tokens` and `webhooks`, the same groups the release build loads lazily as
//! chunks (see the `lazy_page!` lines in `crate::app`). Sign-in, getting started and not found are in the
//! initial download and stay here, as does `access`, which the sites and people pages share.
//! Widgets only one page uses stay in that page's file or folder.

pub mod access;
pub mod directories;
pub mod home;
pub mod not_found;
pub mod organization;
pub mod people;
pub mod sign_in;
pub mod sites;
pub mod tokens;
pub mod webhooks;

pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use sign_in::SignInPage;
