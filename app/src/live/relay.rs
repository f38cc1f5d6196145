//! Relays live events between app instances that share one PostgreSQL database, through
//! `LISTEN/NOTIFY`, so a change committed on instance A reaches screens served by B.
//!
//! Each instance tags what it sends with a random origin id and ignores its own echoes.
//! Presence stays per instance (each instance reports who is connected to it).

use super::hub::{Hub, HubMessage};
use super::LiveEvent;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use std::time::Duration;
use tokio::sync::mpsc;

const CHANNEL: &str = "vitrina_live";

#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: u64,
    #[serde(flatten)]
    message: Relayed,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "relay", rename_all = "snake_case")]
enum Relayed {
    Event { event: LiveEvent },
    Kick { employee_id: i64 },
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
        if let Ok(payload) = serde_json::to_string(&Envelope {
            origin: self.origin,
            message,
        }) {
            let _ = self.tx.send(payload);
        }
    }
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
