//! `/api/v1/chats`, `/api/v1/comments`, `/api/v1/attachments`: the same services, rules
//! and errors as the UI (members only; comments need the record to be visible).

use super::{ApiResult, Body};
use app::auth::service::Caller;
use app::chat::{
    attachments, service as chats, AttachmentRef, ChatSummary, Message, MessageInput, MessagePage,
};
use app::comments::{service as comments, Comment, CommentInput, RecordKind};
use app::error::AppError;
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[utoipa::path(get, path = "/api/v1/chats", tag = "chat", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<ChatSummary>), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn list_chats(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<ChatSummary>> {
    Ok(axum::Json(chats::list(&state.db, &caller).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Messages before this id (the newest page when left out).
    pub before: Option<i64>,
    /// Page size, 1–200 (50 when left out).
    pub limit: Option<i64>,
}

/// A page of a chat's history, oldest first within the page; `more` when older remain.
#[utoipa::path(get, path = "/api/v1/chats/{id}/messages", tag = "chat", params(("id" = i64, Path), HistoryQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = MessagePage), (status = 403, description = "not a member", body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<MessagePage> {
    Ok(axum::Json(
        chats::history(&state.db, &caller, id, q.before, q.limit).await?,
    ))
}

/// Posts a message (members only; `@login` mentions notify; flood-limited: 429).
#[utoipa::path(post, path = "/api/v1/chats/{id}/messages", tag = "chat", params(("id" = i64, Path)), request_body = MessageInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Message), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 422, body = crate::openapi::ErrorBody),
        (status = 429, body = crate::openapi::ErrorBody)))]
pub async fn post_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<MessageInput>,
) -> Result<Response, AppError> {
    let message = chats::post(&state.db, &state.hub, &caller, id, input).await?;
    Ok((StatusCode::CREATED, axum::Json(message)).into_response())
}

#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    pub record_kind: RecordKind,
    pub record_id: i64,
}

/// A record's comment feed, oldest first.
#[utoipa::path(get, path = "/api/v1/comments", tag = "chat", params(RecordQuery), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Comment>), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn list_comments(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<RecordQuery>,
) -> ApiResult<Vec<Comment>> {
    Ok(axum::Json(
        comments::list(&state.db, &caller, q.record_kind, q.record_id).await?,
    ))
}

/// Comments on an order, a task or project, or a client.
#[utoipa::path(post, path = "/api/v1/comments", tag = "chat", request_body = CommentInput, security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Comment), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 422, body = crate::openapi::ErrorBody),
        (status = 429, body = crate::openapi::ErrorBody)))]
pub async fn add_comment(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<CommentInput>,
) -> Result<Response, AppError> {
    let comment = comments::add(&state.db, &state.hub, &caller, input).await?;
    Ok((StatusCode::CREATED, axum::Json(comment)).into_response())
}

pub(crate) fn decode_name(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Uploads a file (the request body; its type in `content-type`, its name percent-encoded
/// in `x-file-name`), to attach by id to a message or comment. Up to 5 MB.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "chat", request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = AttachmentRef), (status = 413, description = "over 5 MB"),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let name = decode_name(&text("x-file-name"));
    let stored =
        attachments::store(&state.db, &caller, &name, &text("content-type"), &body).await?;
    Ok((StatusCode::CREATED, axum::Json(stored)).into_response())
}

/// Downloads an attachment: images inline, anything else as a download; never sniffed.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "chat", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "the file"), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (meta, data) = attachments::fetch(&state.db, &caller, id).await?;
    let disposition = if meta.is_image() {
        "inline"
    } else {
        "attachment"
    };
    let ascii: String = meta
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mime = if meta.is_image() {
        meta.mime.clone()
    } else {
        "application/octet-stream".to_string()
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{ascii}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        data,
    )
        .into_response())
}
