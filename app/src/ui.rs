//! The navigation shell and widgets shared by every feature's screens.

#[cfg(feature = "ssr")]
pub mod assets;
pub mod browser;
pub mod error_box;
pub mod home;
pub mod icons;
pub mod not_found;
pub mod offline;
pub mod outcome;
pub mod pages;
pub mod route;
#[cfg(feature = "ssr")]
pub mod security;
pub mod settings;
pub mod shell;
pub mod upload;
