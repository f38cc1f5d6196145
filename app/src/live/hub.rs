//! The in-process hub every service publishes to and every `/ws` socket listens on.

use super::{LiveEvent, OnlineUser};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, watch};

/// What travels on the hub: events for browsers, and control messages for sockets.
#[derive(Debug, Clone)]
pub enum HubMessage {
    Event(Arc<Published>),
    /// Close every socket of this employee (deactivated).
    Kick(i64),
}

/// An event with its JSON, serialised once for every socket that sends it.
#[derive(Debug)]
pub struct Published {
    pub event: LiveEvent,
    pub json: axum::extract::ws::Utf8Bytes,
}

impl Published {
    fn new(event: LiveEvent) -> Arc<Self> {
        let json = serde_json::to_string(&event).unwrap_or_default().into();
        Arc::new(Published { event, json })
    }
}

#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    tx: broadcast::Sender<HubMessage>,
    relay: std::sync::OnceLock<super::relay::Relay>,
    /// People with a socket open here, and how many sockets each.
    presence: Mutex<HashMap<i64, (String, usize)>>,
    /// The chain's list as last read from the database (`presence`), once started.
    chain_online: Mutex<Vec<OnlineUser>>,
    presence_writer:
        std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<super::presence::Change>>,
    /// This instance's name among the others (random, new at every start).
    instance_id: String,
    shutdown: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(4096);
        let (shutdown, _) = watch::channel(false);
        Hub {
            inner: Arc::new(Inner {
                tx,
                relay: std::sync::OnceLock::new(),
                presence: Mutex::new(HashMap::new()),
                chain_online: Mutex::new(Vec::new()),
                presence_writer: std::sync::OnceLock::new(),
                instance_id: format!("{:016x}", rand::random::<u64>()),
                shutdown,
            }),
        }
    }

    /// Sends an event to every connected socket, on this instance and (through the
    /// PostgreSQL relay, when running) on the others. Call after the transaction committed.
    pub fn publish(&self, event: LiveEvent) {
        self.send(HubMessage::Event(Published::new(event)));
    }

    /// Closes every live socket of this employee, on every instance (deactivation).
    pub fn disconnect_user(&self, employee_id: i64) {
        self.send(HubMessage::Kick(employee_id));
    }

    fn send(&self, message: HubMessage) {
        if let Some(relay) = self.inner.relay.get() {
            relay.forward(&message);
        }
        // No receivers is fine: nobody is looking.
        let _ = self.inner.tx.send(message);
    }

    /// Delivers to this instance's sockets only (what the relay received).
    pub(super) fn publish_local(&self, event: LiveEvent) {
        let _ = self.inner.tx.send(HubMessage::Event(Published::new(event)));
    }

    pub(super) fn kick_local(&self, employee_id: i64) {
        let _ = self.inner.tx.send(HubMessage::Kick(employee_id));
    }

    pub(super) fn set_relay(&self, relay: super::relay::Relay) {
        let _ = self.inner.relay.set(relay);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<HubMessage> {
        self.inner.tx.subscribe()
    }

    /// Tells sockets the server is stopping (graceful shutdown).
    pub fn shut_down(&self) {
        // `send_replace`: the flag is set even when no socket listens (`send` would drop it),
        // so `/readyz` sees it.
        self.inner.shutdown.send_replace(true);
    }

    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.inner.shutdown.subscribe()
    }

    /// This instance's id in `live_instance`.
    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    /// Hands presence changes to the writer (`presence::start`); false if one is
    /// attached already.
    pub(crate) fn attach_presence(
        &self,
        writer: tokio::sync::mpsc::UnboundedSender<super::presence::Change>,
    ) -> bool {
        self.inner.presence_writer.set(writer).is_ok()
    }

    pub(crate) fn set_chain_online(&self, list: Vec<OnlineUser>) {
        *self
            .inner
            .chain_online
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = list;
    }

    /// Everyone with at least one open socket, by name: on this instance, and on every
    /// instance of the chain once the presence writer runs.
    pub fn online(&self) -> Vec<OnlineUser> {
        let mut list: Vec<OnlineUser> = self
            .inner
            .chain_online
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        {
            let here = self
                .inner
                .presence
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            for (id, (name, _)) in here.iter() {
                if !list.iter().any(|u| u.id == *id) {
                    list.push(OnlineUser {
                        id: *id,
                        name: name.clone(),
                    });
                }
            }
        }
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        list
    }

    /// A person's first socket here opened or their last closed: written for the chain
    /// (which then announces the list), or announced at once without a writer.
    fn presence_changed(&self, change: super::presence::Change) {
        match self.inner.presence_writer.get() {
            Some(writer) if writer.send(change).is_ok() => {}
            _ => self.publish(LiveEvent::Presence {
                online: self.online(),
            }),
        }
    }

    /// Registers an open socket; presence is announced when a person comes online, and
    /// again when the returned guard drops their last socket.
    pub fn connect(&self, employee_id: i64, name: String) -> PresenceGuard {
        let first = {
            let mut map = self
                .inner
                .presence
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            let entry = map.entry(employee_id).or_insert((name, 0));
            entry.1 += 1;
            entry.1 == 1
        };
        if first {
            self.presence_changed(super::presence::Change::Online(employee_id));
        }
        PresenceGuard {
            hub: self.clone(),
            employee_id,
        }
    }

    fn release(&self, employee_id: i64) {
        let last = {
            let mut map = self
                .inner
                .presence
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            match map.get_mut(&employee_id) {
                Some(entry) if entry.1 > 1 => {
                    entry.1 -= 1;
                    false
                }
                Some(_) => {
                    map.remove(&employee_id);
                    true
                }
                None => false,
            }
        };
        if last {
            self.presence_changed(super::presence::Change::Offline(employee_id));
        }
    }
}

pub struct PresenceGuard {
    hub: Hub,
    employee_id: i64,
}

impl Drop for PresenceGuard {
    fn drop(&mut self) {
        self.hub.release(self.employee_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn presence_is_announced_on_first_and_last_socket() {
        let hub = Hub::new();
        let mut rx = hub.subscribe();
        let a = hub.connect(1, "Анна".into());
        let b = hub.connect(1, "Анна".into());
        assert_eq!(hub.online().len(), 1);
        drop(a);
        assert_eq!(hub.online().len(), 1);
        drop(b);
        assert!(hub.online().is_empty());
        let mut presence = 0;
        while let Ok(HubMessage::Event(e)) = rx.try_recv() {
            assert!(matches!(e.event, LiveEvent::Presence { .. }));
            presence += 1;
        }
        assert_eq!(presence, 2);
    }
}
