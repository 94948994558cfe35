//! Widgets shared by two or more pages. Each takes plain props and reads no context, so the
//! browser tests can mount it alone.

mod busy_button;
mod error_banner;
mod page_title;

pub use busy_button::BusyButton;
pub use error_banner::ErrorBanner;
pub use page_title::set_page_title;
