//! People talk inside Vitrina: the company-wide chat every employee is in, private chats
//! with chosen members (the creator adds and removes them), messages with replies, edits,
//! deletion marks, attachments, clickable links and @mentions; history paged newest
//! first; search within one's own chats. Only members read or post (checked in
//! `service`). Comment feeds on records live in [`crate::comments`]; both share
//! [`text`] (links and mentions) and [`attachments`].

use crate::error::{AppError, Field, Problem};
use crate::process::string_enum;
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod attachments;
#[cfg(feature = "ssr")]
pub mod flood;
#[cfg(feature = "ssr")]
pub mod service;
pub mod text;
pub mod ui;

/// The longest message or comment, in characters.
pub const MAX_BODY: usize = 4000;
/// The largest attachment, in bytes.
pub const MAX_ATTACHMENT: usize = 5 * 1024 * 1024;
/// The general chat's id: the chat migration creates it as the table's first row.
pub const GENERAL_CHAT: i64 = 1;
/// Messages per history page.
pub const PAGE: i64 = 50;

string_enum!(
    /// The company chat, or a private one.
    ChatKind { General => "general", Private => "private" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub login: String,
    /// When their last live connection closed (None: never, or online now).
    pub last_seen_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatSummary {
    pub id: i64,
    pub kind: ChatKind,
    /// Empty for the general chat (the UI names it).
    pub title: String,
    pub created_by: Option<i64>,
    /// Private chats only (everyone is in the general chat).
    pub members: Vec<Member>,
    /// Messages from others after the caller's read mark, counted up to 100.
    pub unread: i64,
    pub last_message_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentRef {
    pub id: i64,
    pub name: String,
    pub mime: String,
    pub size: i64,
}

impl AttachmentRef {
    /// The attachment of a message or comment as the joined row gives it (none once the
    /// message or comment is deleted).
    pub fn from_row(
        deleted: bool,
        id: Option<i64>,
        name: Option<String>,
        mime: Option<String>,
        size: Option<i64>,
    ) -> Option<Self> {
        match (deleted, id) {
            (false, Some(id)) => Some(AttachmentRef {
                id,
                name: name.unwrap_or_default(),
                mime: mime.unwrap_or_default(),
                size: size.unwrap_or_default(),
            }),
            _ => None,
        }
    }

    /// Images shown inline (SVG is not: it can carry scripts).
    pub fn is_image(&self) -> bool {
        matches!(
            self.mime.as_str(),
            "image/png" | "image/jpeg" | "image/gif" | "image/webp"
        )
    }

    pub fn url(&self) -> String {
        format!("/api/v1/attachments/{}", self.id)
    }
}

/// The message a reply answers, shortened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Quote {
    pub id: i64,
    pub author: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: i64,
    pub chat_id: i64,
    pub author_id: i64,
    pub author: String,
    /// Empty once deleted.
    pub body: String,
    pub reply_to: Option<Quote>,
    pub attachment: Option<AttachmentRef>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
}

/// A page of history, oldest first; `more` when older messages remain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessagePage {
    pub messages: Vec<Message>,
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageInput {
    pub body: String,
    #[serde(default)]
    pub reply_to_id: Option<i64>,
    #[serde(default)]
    pub attachment_id: Option<i64>,
}

/// A new private chat: its title and the colleagues in it (the creator is added).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatInput {
    #[serde(default)]
    pub title: String,
    pub member_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub chat_id: i64,
    pub chat_title: String,
    pub message: Message,
}

/// Trims a message or comment and checks it: something to say (or an attachment), and
/// not over [`MAX_BODY`] characters.
pub fn clean_body(body: &str, has_attachment: bool, field: Field) -> Result<String, AppError> {
    let body = body.trim();
    if body.is_empty() && !has_attachment {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if body.chars().count() > MAX_BODY {
        return Err(AppError::invalid(field, Problem::TooLong));
    }
    Ok(body.to_string())
}

impl ChatInput {
    pub fn validate(mut self) -> Result<Self, AppError> {
        self.title = self.title.trim().to_string();
        if self.title.chars().count() > 120 {
            return Err(AppError::invalid(Field::Name, Problem::TooLong));
        }
        self.member_ids.sort_unstable();
        self.member_ids.dedup();
        if self.member_ids.is_empty() {
            return Err(AppError::invalid(Field::Member, Problem::Required));
        }
        if self.member_ids.len() > 200 {
            return Err(AppError::invalid(Field::Member, Problem::TooLong));
        }
        Ok(self)
    }
}
