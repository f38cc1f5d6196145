//! Server functions of the process designer.

use super::{Process, ProcessInput, ProcessKind};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

#[server(endpoint = "processes/list", input = Json)]
pub async fn list_processes(kind: Option<ProcessKind>) -> Result<Vec<Process>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list(&state.db, &caller, kind).await
        }
        .await,
    )
}

/// Creates (`id` = null) or redefines a process (admin).
#[server(endpoint = "processes/save", input = Json)]
pub async fn save_process(id: Option<i64>, input: ProcessInput) -> Result<Process, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::save(&state.db, &caller, id, input).await
        }
        .await,
    )
}
