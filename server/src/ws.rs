//! `/ws`: the live channel. Only signed-in callers get past the guard; anything else is
//! answered 401 before the upgrade.

use app::auth::service::Caller;
use app::live::hub::HubMessage;
use app::live::LiveEvent;
use app::state::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use tokio::sync::broadcast::error::RecvError;

pub async fn handler(
    State(state): State<AppState>,
    caller: Caller,
    ws: WebSocketUpgrade,
) -> Response {
    // What one socket holds is what 1,000 of them hold a thousand times: the browser
    // only ever sends pings and closes, and our events are a few hundred bytes, so the
    // buffers are small (tungstenite's defaults reserve 128 KiB to read per socket).
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(64 * 1024)
        .max_frame_size(64 * 1024)
        .on_upgrade(move |socket| run(socket, state, caller))
}

fn text(event: &LiveEvent) -> Option<Message> {
    serde_json::to_string(event)
        .ok()
        .map(|s| Message::Text(s.into()))
}

async fn run(mut socket: WebSocket, state: AppState, caller: Caller) {
    let mut events = state.hub.subscribe();
    let mut shutdown = state.hub.shutdown_signal();
    let _presence = state.hub.connect(caller.id, caller.name.clone());
    // The newcomer learns who is online at once (others got the presence event).
    let hello = LiveEvent::Presence {
        online: state.hub.online(),
    };
    if let Some(msg) = text(&hello) {
        if socket.send(msg).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            received = events.recv() => {
                let msg = match received {
                    Ok(HubMessage::Event(published)) => published
                        .event
                        .is_for(caller.id)
                        .then(|| Message::Text(published.json.clone())),
                    Ok(HubMessage::Kick(id)) if id == caller.id => break,
                    Ok(HubMessage::Kick(_)) => None,
                    // This socket fell behind: tell the page to refetch what it shows.
                    Err(RecvError::Lagged(_)) => text(&LiveEvent::Resync),
                    Err(RecvError::Closed) => break,
                };
                if let Some(msg) = msg {
                    if socket.send(msg).await.is_err() {
                        break;
                    }
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            _ = shutdown.changed() => break,
        }
    }
    let _ = socket.send(Message::Close(None)).await;
    // "Last seen" for the chat's member lists (online people show as online instead).
    let _ = sqlx::query("UPDATE employee SET last_seen_at = $1 WHERE id = $2")
        .bind(app::db::now_ms())
        .bind(caller.id)
        .execute(&state.db.pool)
        .await;
}
