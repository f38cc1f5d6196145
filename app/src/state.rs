//! The one application state, shared by server functions (via context) and axum handlers.

use crate::db::Db;
use crate::live::hub::Hub;
use axum::extract::FromRef;
use leptos::prelude::*;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub hub: Hub,
    /// Where attached files' bytes live.
    pub files: crate::files::store::FileStore,
    /// This instance's connection to an Asterisk PBX (AMI), when one is set.
    pub pbx: crate::telephony::ami::Pbx,
}

/// The state inside a server function or SSR render.
pub fn state() -> Result<AppState, crate::error::AppError> {
    use_context::<AppState>().ok_or(crate::error::AppError::Internal)
}
