//! The navigation shell and widgets shared by every feature's screens.

pub mod browser;
pub mod error_box;
pub mod home;
pub mod not_found;
pub mod outcome;
pub mod route;
#[cfg(feature = "ssr")]
pub mod security;
pub mod settings;
pub mod shell;
pub mod upload;
