//! The bell: sellers are warned once before their client holds lapse; each user reads and
//! clears only their own notifications; the live event reaches only its recipient.

use crate::helpers::on_each_backend;
use crate::live::{next_event, open};
use crate::stock::{location_id, product_with_stock};
use app::db::now_ms;
use app::live::hub::Hub;
use app::notify::service::warn_expiring_holds;
use serde_json::{json, Value};

const HOUR: i64 = 3600 * 1000;

#[tokio::test]
async fn sellers_are_warned_once_before_their_holds_lapse_and_read_only_their_own() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Баумана").await;
        let id = product_with_stock(&app, &admin, "BELL-1", &[(shop, "5")]).await;
        let (seller3, _) = app.sign_in("seller3").await;
        let (seller2, _) = app.sign_in("seller2").await;
        for (client, who) in [(&seller3, "Петрова"), (&seller2, "Сидоров")] {
            let res = client
                .post(app.url("/api/v1/reservations"))
                .json(&json!({"product_id": id, "location_id": shop, "qty": 1, "client": who}))
                .send()
                .await
                .expect("reserve");
            assert_eq!(res.status(), 201);
        }
        // A reservation for an order has no expiry and is never warned about.
        let (status, order) = app
            .server_fn(
                &seller3,
                "orders/create",
                json!({"input": {"fulfilment": "pickup", "lines": [
                {"product_id": id, "location_id": shop, "qty": "1"}]}}),
            )
            .await;
        assert_eq!(status, 200, "{order}");
        let res = seller3
            .post(app.url("/api/v1/reservations"))
            .json(
                &json!({"product_id": id, "location_id": shop, "qty": 1, "order_id": order["id"]}),
            )
            .send()
            .await
            .expect("reserve for an order");
        assert_eq!(res.status(), 201);

        let hub = Hub::new();
        let now = now_ms();
        // The holds end in 72 h: a 12 h warning is not due yet.
        assert_eq!(
            warn_expiring_holds(&app.db, &hub, now, 12 * HOUR)
                .await
                .expect("sweep"),
            0
        );
        // 73 h ahead: both holds are due, each warned exactly once.
        assert_eq!(
            warn_expiring_holds(&app.db, &hub, now, 73 * HOUR)
                .await
                .expect("sweep"),
            2
        );
        assert_eq!(
            warn_expiring_holds(&app.db, &hub, now, 73 * HOUR)
                .await
                .expect("sweep"),
            0
        );

        let (status, inbox) = app
            .server_fn(&seller3, "notifications/inbox", json!({}))
            .await;
        assert_eq!(status, 200, "{inbox}");
        assert_eq!(inbox["unread"], 1);
        let items = inbox["items"].as_array().expect("items");
        assert_eq!(items.len(), 1);
        let n = &items[0];
        assert_eq!(n["kind"], "hold_expiring");
        assert_eq!(n["subject"], "Дрель BELL-1");
        assert!(
            n["detail"].as_str().expect("detail").contains("Петрова"),
            "{n}"
        );
        assert_eq!(n["link"], format!("/stock?product={id}"));
        assert!(n["due_at"].as_i64().expect("due") > now + 71 * HOUR);

        // seller2 has their own; seller3 cannot touch it.
        let (_, theirs) = app
            .server_fn(&seller2, "notifications/inbox", json!({}))
            .await;
        assert_eq!(theirs["unread"], 1);
        assert!(theirs["items"][0]["detail"]
            .as_str()
            .expect("detail")
            .contains("Сидоров"));
        let their_id = theirs["items"][0]["id"].clone();
        let (status, body) = app
            .server_fn(&seller3, "notifications/read", json!({"id": their_id}))
            .await;
        assert_eq!(status, 404, "{body}");
        let (_, theirs) = app
            .server_fn(&seller2, "notifications/inbox", json!({}))
            .await;
        assert_eq!(theirs["unread"], 1);

        // Reading one, then all.
        let (status, _) = app
            .server_fn(&seller3, "notifications/read", json!({"id": n["id"]}))
            .await;
        assert_eq!(status, 200);
        let (_, inbox) = app
            .server_fn(&seller3, "notifications/inbox", json!({}))
            .await;
        assert_eq!(inbox["unread"], 0);
        assert_eq!(inbox["items"][0]["read"], true);
        let (status, _) = app
            .server_fn(&seller2, "notifications/read", json!({"id": null}))
            .await;
        assert_eq!(status, 200);
        let (_, theirs) = app
            .server_fn(&seller2, "notifications/inbox", json!({}))
            .await;
        assert_eq!(theirs["unread"], 0);

        // Visitors have no bell.
        let (status, _) = app
            .server_fn(&app.client(), "notifications/inbox", json!({}))
            .await;
        assert_eq!(status, 401);
        app
    })
    .await;
}

#[tokio::test]
async fn a_notification_event_reaches_only_its_recipient() {
    on_each_backend(|app| async move {
        let (seller3, token3) = app.sign_in("seller3").await;
        let (_, token2) = app.sign_in("seller2").await;
        let mut ws3 = open(&app, Some(("cookie", format!("vitrina_session={token3}"))))
            .await
            .expect("ws seller3");
        let mut ws2 = open(&app, Some(("cookie", format!("vitrina_session={token2}"))))
            .await
            .expect("ws seller2");
        let (status, _) = app
            .server_fn(&seller3, "notifications/read", json!({"id": null}))
            .await;
        assert_eq!(status, 200);
        let seller3_id = app.id_of_employee("seller3").await;
        let event = next_event(&mut ws3, |v| v["type"] == "notified").await;
        assert_eq!(event["employee_id"], seller3_id);
        // seller2's socket gets the next public event and never seller3's notification.
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Баумана").await;
        product_with_stock(&app, &admin, "BELL-2", &[(shop, "1")]).await;
        let first: Value = next_event(&mut ws2, |v| v["type"] != "presence").await;
        assert_eq!(first["type"], "stock_changed", "{first}");
        app
    })
    .await;
}
