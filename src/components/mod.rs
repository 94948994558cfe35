//! Widgets shared by two or more pages. Each takes plain props and reads no context, so the
//! browser tests can mount it alone.

mod badge;
mod busy_button;
mod confirm_dialog;
mod copy_secret;
mod data_table;
mod error_banner;
mod loaded;
mod page_title;
mod pager;
mod search_picker;
mod tabs;

pub use badge::{Badge, Tone};
pub use busy_button::BusyButton;
pub use confirm_dialog::{ConfirmDialog, PendingConfirm};
pub use copy_secret::{guard_navigation, CopyField, CopyOnceSecret};
pub use data_table::{CellFn, Column, DataTable};
pub use error_banner::ErrorBanner;
pub use loaded::{loaded, ApiResource};
pub use page_title::set_page_title;
pub use pager::Pager;
pub use search_picker::{PickOption, SearchPicker};
pub use tabs::{tab_id, tab_panel, tab_target, Tab, Tabs};
