//! Server functions of tasks and projects.

use super::{Task, TaskFilter, TaskInput};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

#[server(endpoint = "tasks/list", input = Json)]
pub async fn list_tasks(filter: TaskFilter) -> Result<Vec<Task>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list(&state.db, &caller, &filter).await
        }
        .await,
    )
}

#[server(endpoint = "tasks/get", input = Json)]
pub async fn get_task(id: i64) -> Result<Task, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::get(&state.db, &caller, id).await
        }
        .await,
    )
}

#[server(endpoint = "tasks/create", input = Json)]
pub async fn create_task(input: TaskInput) -> Result<Task, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::create(&state.db, &state.hub, &caller, input).await
        }
        .await,
    )
}

#[server(endpoint = "tasks/move", input = Json)]
pub async fn move_task(id: i64, stage_id: i64) -> Result<Task, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::move_to(&state.db, &state.hub, &caller, id, stage_id).await
        }
        .await,
    )
}
