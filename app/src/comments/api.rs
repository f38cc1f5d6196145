//! Server functions of comment feeds.

use super::{Comment, CommentInput, RecordKind};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

#[server(endpoint = "comments/list", input = Json)]
pub async fn list_comments(
    record_kind: RecordKind,
    record_id: i64,
) -> Result<Vec<Comment>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list(&state.db, &caller, record_kind, record_id).await
        }
        .await,
    )
}

/// Colleagues who can see the record, for @mention autocompletion in its feed.
#[server(endpoint = "comments/mentionable", input = Json)]
pub async fn mentionable(
    record_kind: RecordKind,
    record_id: i64,
) -> Result<Vec<crate::chat::Member>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::mentionable(&state.db, &caller, record_kind, record_id).await
        }
        .await,
    )
}

#[server(endpoint = "comments/add", input = Json)]
pub async fn add_comment(input: CommentInput) -> Result<Comment, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::add(&state.db, &state.hub, &caller, input).await
        }
        .await,
    )
}

/// Edits (with a body) or deletes (without) one's own comment.
#[server(endpoint = "comments/change", input = Json)]
pub async fn change_comment(id: i64, body: Option<String>) -> Result<Option<Comment>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::change(&state.db, &state.hub, &caller, id, body).await
        }
        .await,
    )
}
