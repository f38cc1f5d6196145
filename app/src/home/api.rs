//! The home page's one server function.

use super::RoleHome;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

/// The caller's home figures (see [`RoleHome`]), scoped to what they may see.
#[server(endpoint = "home/summary", input = Json)]
pub async fn home_summary() -> Result<RoleHome, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::summary(&state.db, &caller).await
        }
        .await,
    )
}
