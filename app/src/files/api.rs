//! Server functions of attached files (uploads go through `POST /api/v1/files`).

use super::{FileRef, OwnerKind};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

/// The files of a record, newest first (for an order, also its documents' files).
#[server(endpoint = "files/list", input = Json)]
pub async fn list_files(owner_kind: OwnerKind, owner_id: i64) -> Result<Vec<FileRef>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list(&state.db, &caller, owner_kind, owner_id).await
        }
        .await,
    )
}
