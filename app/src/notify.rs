//! Personal notifications: the bell in the top bar with its unread count and list.
//!
//! A service writes a notification in the same transaction as the change it is about and
//! publishes [`crate::live::LiveEvent::Notified`] after commit; only the recipient's
//! sockets get that event, and their bell refetches. Today: a client hold about to lapse
//! (stock); mentions and chat messages will use the same rows.

use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A client hold made by the recipient ends soon (subject: product, detail: location
    /// and client, due: when it ends).
    HoldExpiring,
    /// An order the recipient should know about entered a stage (subject: the order's
    /// number, detail: the stage).
    OrderStage,
    /// A task or project was assigned to the recipient (subject: its title, detail: by whom).
    TaskAssigned,
    /// A task or project the recipient should know about entered a stage.
    TaskStage,
    /// Someone @mentioned the recipient in a chat or a comment (subject: who and where).
    Mention,
    /// A message in a private chat of the recipient (one per chat until read).
    Message,
    /// A comment on a record the recipient follows.
    Comment,
    /// A call to the recipient's extension that nobody answered (subject: the number,
    /// detail: the client, when known).
    MissedCall,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::HoldExpiring => "hold_expiring",
            NotificationKind::OrderStage => "order_stage",
            NotificationKind::TaskAssigned => "task_assigned",
            NotificationKind::TaskStage => "task_stage",
            NotificationKind::Mention => "mention",
            NotificationKind::Message => "message",
            NotificationKind::Comment => "comment",
            NotificationKind::MissedCall => "missed_call",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "hold_expiring" => Some(NotificationKind::HoldExpiring),
            "order_stage" => Some(NotificationKind::OrderStage),
            "task_assigned" => Some(NotificationKind::TaskAssigned),
            "task_stage" => Some(NotificationKind::TaskStage),
            "mention" => Some(NotificationKind::Mention),
            "message" => Some(NotificationKind::Message),
            "comment" => Some(NotificationKind::Comment),
            "missed_call" => Some(NotificationKind::MissedCall),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub subject: String,
    pub detail: String,
    /// Where clicking it leads (an app path).
    pub link: String,
    pub due_at: Option<i64>,
    pub created_at: i64,
    pub read: bool,
}

/// The bell: how many are unread and the newest ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<Notification>,
}
