//! Server functions of chats (every signed-in employee is in the general chat; private
//! chats check membership in the service).

use super::{ChatInput, ChatSummary, Member, Message, MessageInput, MessagePage, SearchHit};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

#[server(endpoint = "chat/list", input = Json)]
pub async fn list_chats() -> Result<Vec<ChatSummary>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "chat/create", input = Json)]
pub async fn create_chat(input: ChatInput) -> Result<ChatSummary, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::create(&state.db, &state.hub, &caller, input).await
        }
        .await,
    )
}

/// The creator of a private chat sets who is in it.
#[server(endpoint = "chat/members", input = Json)]
pub async fn set_chat_members(chat_id: i64, member_ids: Vec<i64>) -> Result<ChatSummary, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::set_members(&state.db, &state.hub, &caller, chat_id, member_ids).await
        }
        .await,
    )
}

#[server(endpoint = "chat/history", input = Json)]
pub async fn chat_history(chat_id: i64, before: Option<i64>) -> Result<MessagePage, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::history(&state.db, &caller, chat_id, before, None).await
        }
        .await,
    )
}

#[server(endpoint = "chat/post", input = Json)]
pub async fn post_message(chat_id: i64, input: MessageInput) -> Result<Message, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::post(&state.db, &state.hub, &caller, chat_id, input).await
        }
        .await,
    )
}

#[server(endpoint = "chat/edit", input = Json)]
pub async fn edit_message(id: i64, body: String) -> Result<Message, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::edit(&state.db, &state.hub, &caller, id, body).await
        }
        .await,
    )
}

#[server(endpoint = "chat/delete", input = Json)]
pub async fn delete_message(id: i64) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::delete(&state.db, &state.hub, &caller, id).await
        }
        .await,
    )
}

/// Marks a chat read up to a message (the newest when left out).
#[server(endpoint = "chat/read", input = Json)]
pub async fn read_chat(chat_id: i64, up_to: Option<i64>) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::mark_read(&state.db, &state.hub, &caller, chat_id, up_to).await
        }
        .await,
    )
}

#[server(endpoint = "chat/search", input = Json)]
pub async fn search_messages(query: String) -> Result<Vec<SearchHit>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::search(&state.db, &caller, &query).await
        }
        .await,
    )
}

/// Active colleagues, for @mention autocompletion and choosing chat members.
#[server(endpoint = "chat/colleagues", input = Json)]
pub async fn colleagues() -> Result<Vec<Member>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::colleagues(&state.db, &caller).await
        }
        .await,
    )
}
