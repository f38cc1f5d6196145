//! Who is online, chain-wide. Each instance writes the people with a socket open on it
//! (`live_presence`, under its own random id) and beats every few seconds
//! (`live_instance.seen_at`); the list everyone sees is every live instance's people. A
//! change on this instance is written and shown at once; one on another instance shows
//! within a beat. An instance that stops beating (killed, cut off) drops out after
//! [`STALE_MS`], and one that stops cleanly removes its rows as it goes.

use super::hub::Hub;
use super::OnlineUser;
use crate::db::Db;
use std::time::Duration;
use tokio::sync::mpsc;

/// How often an instance beats and rereads the chain's list.
pub const BEAT: Duration = Duration::from_secs(3);
/// An instance not seen for this long no longer counts.
pub const STALE_MS: i64 = 15_000;

/// A person's first socket opened on this instance, or their last one closed.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    Online(i64),
    Offline(i64),
}

/// Starts this instance's presence writer: from now on the hub's list is the chain's.
pub fn start(hub: &Hub, db: Db) {
    let (tx, rx) = mpsc::unbounded_channel();
    if hub.attach_presence(tx) {
        tokio::spawn(run(hub.clone(), db, rx));
    }
}

/// Removes this instance's rows (a clean stop): its people drop out at once elsewhere.
pub async fn leave(hub: &Hub, db: &Db) {
    if let Ok(mut tx) = db.begin_write().await {
        let gone = sqlx::query("DELETE FROM live_instance WHERE id = $1")
            .bind(hub.instance_id())
            .execute(&mut *tx)
            .await;
        if gone.is_ok() {
            let _ = tx.commit().await;
        }
    }
}

async fn run(hub: Hub, db: Db, mut changes: mpsc::UnboundedReceiver<Change>) {
    let mut tick = tokio::time::interval(BEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut shown: Option<Vec<OnlineUser>> = None;
    loop {
        let mut batch = Vec::new();
        let beat = tokio::select! {
            _ = tick.tick() => true,
            change = changes.recv() => match change {
                Some(c) => {
                    batch.push(c);
                    while let Ok(c) = changes.try_recv() {
                        batch.push(c);
                    }
                    false
                }
                None => return,
            },
        };
        if let Err(e) = write(&db, hub.instance_id(), &batch, beat).await {
            tracing::warn!(error = %e, "presence: cannot write this instance's people");
            continue;
        }
        match chain(&db).await {
            Ok(list) => {
                if shown.as_ref() != Some(&list) {
                    hub.set_chain_online(list.clone());
                    hub.publish(super::LiveEvent::Presence {
                        online: hub.online(),
                    });
                    shown = Some(list);
                }
            }
            Err(e) => tracing::warn!(error = %e, "presence: cannot read who is online"),
        }
    }
}

async fn write(db: &Db, instance: &str, batch: &[Change], beat: bool) -> Result<(), sqlx::Error> {
    let now = db.now();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO live_instance (id, seen_at) VALUES ($1, $2) \
         ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
    )
    .bind(instance)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for change in batch {
        match *change {
            Change::Online(id) => {
                sqlx::query(
                    "INSERT INTO live_presence (instance_id, employee_id) VALUES ($1, $2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(instance)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            Change::Offline(id) => {
                sqlx::query(
                    "DELETE FROM live_presence WHERE instance_id = $1 AND employee_id = $2",
                )
                .bind(instance)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    if beat {
        // Instances that stopped beating, with their people (ON DELETE CASCADE).
        sqlx::query("DELETE FROM live_instance WHERE seen_at < $1")
            .bind(now - STALE_MS)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// Everyone with a socket open on a live instance, by name.
async fn chain(db: &Db) -> Result<Vec<OnlineUser>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT e.id, e.name FROM live_presence p \
         JOIN live_instance i ON i.id = p.instance_id \
         JOIN employee e ON e.id = p.employee_id \
         WHERE i.seen_at >= $1 ORDER BY e.name, e.id",
    )
    .bind(db.now() - STALE_MS)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| OnlineUser { id, name })
        .collect())
}
