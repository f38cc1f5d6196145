//! Relays live events between app instances that share one PostgreSQL database, through
//! `LISTEN/NOTIFY`, so a change committed on instance A reaches screens served by B.
//!
//! Each instance tags what it sends with a random origin id and ignores its own echoes.
//! Events carry ids and small numbers; a payload that would not fit NOTIFY's limit
//! (8,000 bytes) goes as a resync instead, so the other instances' pages refetch rather
//! than miss it. Presence is not relayed: it is chain-wide through the database
//! (`presence`).

use super::hub::{Hub, HubMessage};
use super::LiveEvent;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use std::time::Duration;
use tokio::sync::mpsc;

const CHANNEL: &str = "vitrina_live";

/// NOTIFY refuses payloads of 8,000 bytes or more.
pub const MAX_PAYLOAD: usize = 7_900;

#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: u64,
    #[serde(flatten)]
    message: Relayed,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "relay", rename_all = "snake_case")]
enum Relayed {
    Event {
        event: LiveEvent,
    },
    Kick {
        employee_id: i64,
    },
    /// An event too big for NOTIFY: the pages on other instances refetch what they show.
    Resync,
}

/// The sending half, held by the hub.
#[derive(Clone)]
pub struct Relay {
    origin: u64,
    tx: mpsc::UnboundedSender<String>,
}

impl Relay {
    pub(super) fn forward(&self, message: &HubMessage) {
        let message = match message {
            HubMessage::Event(published) => match &published.event {
                LiveEvent::Presence { .. } | LiveEvent::Resync => return,
                other => Relayed::Event {
                    event: other.clone(),
                },
            },
            HubMessage::Kick(id) => Relayed::Kick { employee_id: *id },
        };
        let _ = self.tx.send(payload(self.origin, message));
    }
}

/// The NOTIFY payload of a message: itself, or a resync when it would be too big.
fn payload(origin: u64, message: Relayed) -> String {
    let full = serde_json::to_string(&Envelope { origin, message }).unwrap_or_default();
    if !full.is_empty() && full.len() <= MAX_PAYLOAD {
        return full;
    }
    tracing::warn!(
        bytes = full.len(),
        "live relay: an event too big for NOTIFY goes as a resync"
    );
    serde_json::to_string(&Envelope {
        origin,
        message: Relayed::Resync,
    })
    .unwrap_or_default()
}

/// Starts relaying: a task that NOTIFYs what this instance publishes, and a task that
/// LISTENs and republishes what the others sent. After a lost connection the local pages
/// are told to resync, since notifications sent meanwhile are gone.
pub async fn start(hub: &Hub, database_url: &str) -> Result<(), sqlx::Error> {
    let origin = rand::random::<u64>();
    let mut listener = PgListener::connect(database_url).await?;
    listener.listen(CHANNEL).await?;
    let notify_pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(database_url)
        .await?;
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    hub.set_relay(Relay { origin, tx });

    tokio::spawn(async move {
        while let Some(payload) = rx.recv().await {
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(&payload)
                .execute(&notify_pool)
                .await
            {
                tracing::warn!(error = %e, "live relay: NOTIFY failed");
            }
        }
    });

    let hub = hub.clone();
    tokio::spawn(async move {
        loop {
            match listener.try_recv().await {
                Ok(Some(note)) => {
                    let Ok(envelope) = serde_json::from_str::<Envelope>(note.payload()) else {
                        continue;
                    };
                    if envelope.origin == origin {
                        continue;
                    }
                    match envelope.message {
                        Relayed::Event { event } => hub.publish_local(event),
                        Relayed::Kick { employee_id } => hub.kick_local(employee_id),
                        Relayed::Resync => hub.publish_local(LiveEvent::Resync),
                    }
                }
                // The connection dropped and will be re-established on the next call.
                Ok(None) => hub.publish_local(LiveEvent::Resync),
                Err(e) => {
                    tracing::warn!(error = %e, "live relay: LISTEN failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_too_big_for_notify_goes_as_a_resync_and_small_ones_as_they_are() {
        let small = payload(
            7,
            Relayed::Event {
                event: LiveEvent::OrderChanged { id: 42 },
            },
        );
        assert!(
            small.contains("order_changed") && small.len() < 200,
            "{small}"
        );
        let huge = payload(
            7,
            Relayed::Event {
                event: LiveEvent::ChatChanged {
                    chat_id: 1,
                    message_id: None,
                    members: Some((1_000_000..1_002_000).collect()),
                },
            },
        );
        assert!(huge.len() <= MAX_PAYLOAD, "{} bytes", huge.len());
        let back: Envelope = serde_json::from_str(&huge).expect("an envelope");
        assert!(matches!(back.message, Relayed::Resync));
    }
}
