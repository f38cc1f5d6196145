//! Live updates: the [`LiveEvent`] type both sides share, the server hub (ssr) and the
//! browser WebSocket client (hydrate).
//!
//! Services publish events after their transaction commits. A screen that shows data
//! reads a version signal from [`Live`] in its resource, so an event (or a reconnect,
//! after which anything may have been missed) refetches exactly what is on screen.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
pub mod presence;
#[cfg(feature = "ssr")]
pub mod relay;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineUser {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    LocationChanged {
        id: i64,
    },
    EmployeeChanged {
        id: i64,
    },
    /// A product's numbers at a location changed; `reservation_id` names the reservation
    /// that was made, released, fulfilled or expired, when that was the cause. (One event
    /// per change: with 1,000 screens open, every extra event is 1,000 more sends.)
    StockChanged {
        product_id: i64,
        location_id: i64,
        on_hand: crate::quantity::Qty,
        reserved: crate::quantity::Qty,
        #[serde(default)]
        reservation_id: Option<i64>,
    },
    StockDocChanged {
        id: i64,
    },
    /// A product\'s card changed (archived, alternatives linked…).
    ProductChanged {
        id: i64,
    },
    /// An order was created, moved, edited or paid.
    OrderChanged {
        id: i64,
    },
    /// A task or project was created or moved.
    TaskChanged {
        id: i64,
    },
    /// A client card was created or edited.
    ClientChanged {
        id: i64,
    },
    /// Something changed in this employee's notifications (only their sockets get it).
    Notified {
        employee_id: i64,
    },
    /// A chat got a message, an edit, a deletion or new members. `members` lists who may
    /// receive it (None: the general chat, everyone).
    ChatChanged {
        chat_id: i64,
        #[serde(default)]
        message_id: Option<i64>,
        #[serde(default)]
        members: Option<Vec<i64>>,
    },
    /// A record's comment feed changed (`record_kind`: order, task or client).
    CommentsChanged {
        record_kind: String,
        record_id: i64,
    },
    /// A call rings on this employee's extension: the pop-up opens (and stays until
    /// closed: they may be talking). Only their sockets get it.
    Call {
        employee_id: i64,
        call: i64,
    },
    /// Everyone online now (sent on connect and whenever it changes).
    Presence {
        online: Vec<OnlineUser>,
    },
    /// The server could not deliver some events to this client: refetch everything.
    Resync,
}

impl LiveEvent {
    /// Whether this employee's sockets may receive the event (personal notifications go to
    /// their owner only, a private chat's news to its members only).
    pub fn is_for(&self, employee: i64) -> bool {
        match self {
            LiveEvent::Notified { employee_id } | LiveEvent::Call { employee_id, .. } => {
                *employee_id == employee
            }
            LiveEvent::ChatChanged {
                members: Some(members),
                ..
            } => members.contains(&employee),
            _ => true,
        }
    }
}

/// Live state of the page, provided by the App root.
#[derive(Clone, Copy)]
pub struct Live {
    /// Bumped when locations or employees change anywhere.
    pub org_version: RwSignal<u64>,
    /// Bumped when any stock number, reservation or stock document changes.
    pub stock_version: RwSignal<u64>,
    /// Bumped when any order changes.
    pub orders_version: RwSignal<u64>,
    /// Bumped when a client card changes.
    pub clients_version: RwSignal<u64>,
    /// Bumped when the user's notifications change.
    pub inbox_version: RwSignal<u64>,
    /// Bumped when a chat the user is in changes.
    pub chat_version: RwSignal<u64>,
    /// Bumped when any comment feed changes.
    pub comments_version: RwSignal<u64>,
    pub online: RwSignal<Vec<OnlineUser>>,
    pub connected: RwSignal<bool>,
    /// The call ringing for this user now (its id), shown over every screen.
    pub call: RwSignal<Option<i64>>,
}

impl Live {
    pub fn new() -> Self {
        Live {
            org_version: RwSignal::new(0),
            stock_version: RwSignal::new(0),
            inbox_version: RwSignal::new(0),
            chat_version: RwSignal::new(0),
            comments_version: RwSignal::new(0),
            clients_version: RwSignal::new(0),
            orders_version: RwSignal::new(0),
            online: RwSignal::new(Vec::new()),
            connected: RwSignal::new(false),
            call: RwSignal::new(None),
        }
    }

    /// Applies one event from the server.
    pub fn apply(&self, event: LiveEvent) {
        match event {
            LiveEvent::LocationChanged { .. } | LiveEvent::EmployeeChanged { .. } => {
                self.org_version.update(|v| *v += 1)
            }
            LiveEvent::StockChanged { .. }
            | LiveEvent::StockDocChanged { .. }
            | LiveEvent::ProductChanged { .. } => self.stock_version.update(|v| *v += 1),
            LiveEvent::Notified { .. } => self.inbox_version.update(|v| *v += 1),
            LiveEvent::ClientChanged { .. } => self.clients_version.update(|v| *v += 1),
            // Tasks live beside orders (on their boards and on linked orders).
            LiveEvent::OrderChanged { .. } | LiveEvent::TaskChanged { .. } => {
                self.orders_version.update(|v| *v += 1)
            }
            LiveEvent::ChatChanged { .. } => self.chat_version.update(|v| *v += 1),
            LiveEvent::CommentsChanged { .. } => self.comments_version.update(|v| *v += 1),
            LiveEvent::Presence { online } => self.online.set(online),
            LiveEvent::Call { call, .. } => self.call.set(Some(call)),
            LiveEvent::Resync => self.resync(),
        }
    }

    /// Refetches everything a screen shows (after a reconnect or a lag).
    pub fn resync(&self) {
        self.org_version.update(|v| *v += 1);
        self.stock_version.update(|v| *v += 1);
        self.inbox_version.update(|v| *v += 1);
        self.chat_version.update(|v| *v += 1);
        self.comments_version.update(|v| *v += 1);
        self.clients_version.update(|v| *v += 1);
        self.orders_version.update(|v| *v += 1);
    }
}

impl Default for Live {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_have_a_stable_json_shape() {
        let json = serde_json::to_string(&LiveEvent::LocationChanged { id: 7 }).expect("json");
        assert_eq!(json, r#"{"type":"location_changed","id":7}"#);
    }
}
