use crate::helpers::{backends, on_each_backend, spawn_app, start_instance, TestApp};
use app::db::Backend;
use futures::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn open(app: &TestApp, header: Option<(&str, String)>) -> Result<Socket, WsError> {
    open_at(&app.base, header).await
}

pub(crate) async fn open_at(base: &str, header: Option<(&str, String)>) -> Result<Socket, WsError> {
    let mut request = format!("{}/ws", base.replace("http://", "ws://")).into_client_request()?;
    if let Some((name, value)) = header {
        request.headers_mut().insert(
            http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
            value.parse().expect("value"),
        );
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(s, _)| s)
}

/// The next JSON event matching `pred`, within 5 seconds.
pub(crate) async fn next_event(socket: &mut Socket, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let msg = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("event within 5 s")
            .expect("socket open")
            .expect("frame");
        if let Message::Text(text) = msg {
            let value: Value = serde_json::from_str(&text).expect("json event");
            if pred(&value) {
                return value;
            }
        }
    }
}

#[tokio::test]
async fn ws_refuses_visitors_and_bad_tokens_before_the_upgrade() {
    on_each_backend(|app| async move {
        match open(&app, None).await {
            Err(WsError::Http(res)) => assert_eq!(res.status(), 401),
            other => panic!("visitor was not refused: {:?}", other.map(|_| ())),
        }
        match open(&app, Some(("authorization", "Bearer forged".into()))).await {
            Err(WsError::Http(res)) => assert_eq!(res.status(), 401),
            other => panic!("forged token was not refused: {:?}", other.map(|_| ())),
        }
        app
    })
    .await;
}

#[tokio::test]
async fn signed_in_sockets_see_presence_and_organisation_changes_after_commit() {
    on_each_backend(|app| async move {
        let (admin, admin_token) = app.sign_in("admin").await;
        let (_, seller_token) = app.sign_in("seller2").await;
        let mut seller_ws = open(&app, Some(("cookie", format!("vitrina_session={seller_token}"))))
            .await
            .expect("seller socket");
        let hello = next_event(&mut seller_ws, |v| v["type"] == "presence").await;
        assert!(hello.to_string().contains("Дмитрий Кузнецов"));

        let _admin_ws = open(&app, Some(("authorization", format!("Bearer {admin_token}"))))
            .await
            .expect("admin socket");
        let presence = next_event(&mut seller_ws, |v| {
            v["type"] == "presence" && v["online"].as_array().is_some_and(|a| a.len() == 2)
        })
        .await;
        assert!(presence.to_string().contains("Ирина Администратор"));

        let (status, created) = app
            .server_fn(
                &admin,
                "org/locations/save",
                json!({"id": null, "form": {"name": "Магазин «Сочи»", "kind": "shop", "city": "Сочи",
                    "address": "Курортный пр., 16", "lat": "43.5855", "lon": "39.7231"}}),
            )
            .await;
        assert_eq!(status, 200);
        let event = next_event(&mut seller_ws, |v| v["type"] == "location_changed").await;
        assert_eq!(event["id"], created["id"]);
        // Published after commit: the row is visible to whoever refetches now.
        let (name,): (String,) = sqlx::query_as("SELECT name FROM location WHERE id = $1")
            .bind(created["id"].as_i64().expect("id"))
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
        assert_eq!(name, "Магазин «Сочи»");
        app
    })
    .await;
}

#[tokio::test]
async fn deactivating_an_employee_closes_their_live_socket() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (_, token) = app.sign_in("seller5").await;
        let mut ws = open(&app, Some(("cookie", format!("vitrina_session={token}"))))
            .await
            .expect("socket");
        next_event(&mut ws, |v| v["type"] == "presence").await;
        let id = app.id_of_employee("seller5").await;
        let (status, _) = app
            .server_fn(
                &admin,
                "org/employees/active",
                json!({"id": id, "active": false}),
            )
            .await;
        assert_eq!(status, 200);
        let closed = tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(msg) = ws.next().await {
                match msg {
                    Ok(Message::Close(_)) | Err(_) => return true,
                    Ok(_) => continue,
                }
            }
            true
        })
        .await
        .expect("socket closes within 5 s");
        assert!(closed);
        app
    })
    .await;
}

#[tokio::test]
async fn on_postgresql_a_change_on_one_instance_reaches_sockets_served_by_another() {
    if !backends().contains(&Backend::Postgres) {
        return; // VITRINA_TEST_PG=off: nothing to relay through
    }
    let app = spawn_app(Backend::Postgres).await;
    let other = start_instance(&app.url, app.db.clone()).await;
    let (_, token) = app.sign_in("seller1").await;
    let mut ws = open_at(&other, Some(("cookie", format!("vitrina_session={token}"))))
        .await
        .expect("socket on the second instance");
    next_event(&mut ws, |v| v["type"] == "presence").await;

    let (admin, _) = app.sign_in("admin").await;
    let (status, created) = app
        .server_fn(
            &admin,
            "org/locations/save",
            json!({"id": null, "form": {"name": "Магазин «Самара»", "kind": "shop", "city": "Самара",
                "address": "ул. Ленинградская, 1", "lat": "53.1959", "lon": "50.1002"}}),
        )
        .await;
    assert_eq!(status, 200);
    let event = next_event(&mut ws, |v| v["type"] == "location_changed").await;
    assert_eq!(event["id"], created["id"]);
    app.cleanup().await;
}
