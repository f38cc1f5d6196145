//! Comment feeds inside records: every order, task or project and client card carries
//! its discussion, newest at the bottom, with author, time and edits; whoever can see the
//! record can read and add to it. Commenters and those @mentioned follow the record and
//! hear of new comments (the order's manager and the task's assignee always do).

use crate::chat::AttachmentRef;
use crate::process::string_enum;
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

string_enum!(
    /// What a comment feed belongs to (tasks and projects share `task`).
    RecordKind { Order => "order", Task => "task", Client => "client" }
);

impl RecordKind {
    /// The record's page.
    pub fn link(self, id: i64) -> String {
        match self {
            RecordKind::Order => format!("/orders/{id}"),
            RecordKind::Task => format!("/tasks/{id}"),
            RecordKind::Client => format!("/clients/{id}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: i64,
    pub record_kind: RecordKind,
    pub record_id: i64,
    pub author_id: i64,
    pub author: String,
    /// Empty once deleted.
    pub body: String,
    pub attachment: Option<AttachmentRef>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommentInput {
    pub record_kind: RecordKind,
    pub record_id: i64,
    pub body: String,
    #[serde(default)]
    pub attachment_id: Option<i64>,
}
