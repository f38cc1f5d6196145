//! Server functions of the bell. Everyone signed in has one; each sees only their own.

use super::Inbox;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

#[server(endpoint = "notifications/inbox", input = Json)]
pub async fn my_inbox() -> Result<Inbox, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::inbox(&state.db, &caller, 30).await
        }
        .await,
    )
}

/// Marks one notification read (`id`), or all of them (`id` = null).
#[server(endpoint = "notifications/read", input = Json)]
pub async fn mark_read(id: Option<i64>) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::mark_read(&state.db, &state.hub, &caller, id).await
        }
        .await,
    )
}
