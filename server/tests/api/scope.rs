//! Records of one shop, tried by a seller of another (DESIGN.md §5a), on both databases:
//! reservations of an order change only through it, client holds only by their seller,
//! their location's staff or a director; stock documents only at one's own locations;
//! tasks only by those they concern.

use crate::helpers::{on_each_backend, TestApp};
use crate::stock::{location_id, product_with_stock};
use serde_json::{json, Value};

pub(crate) async fn rest(
    app: &TestApp,
    client: &reqwest::Client,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = app.url(path);
    let mut req = match method {
        "GET" => client.get(url),
        "DELETE" => client.delete(url),
        "PUT" => client.put(url),
        _ => client.post(url),
    };
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A Moscow order of seller1 with one reserved line; returns (order, its reservation).
pub(crate) async fn moscow_order(
    app: &TestApp,
    seller1: &reqwest::Client,
    product: i64,
) -> (i64, i64) {
    let shop = location_id(app, "Тверская").await;
    let (status, order) = app
        .server_fn(
            seller1,
            "orders/create",
            json!({"input": {"fulfilment": "pickup", "lines": [
                {"product_id": product, "location_id": shop, "qty": "1"}]}}),
        )
        .await;
    assert_eq!(status, 200, "{order}");
    let id = order["id"].as_i64().expect("order");
    let reservation = order["lines"][0]["reservation_id"]
        .as_i64()
        .expect("the first stage reserves");
    (id, reservation)
}

#[tokio::test]
async fn another_shops_seller_cannot_close_reservations_or_move_stock_there() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let kazan = location_id(&app, "Баумана").await;
        let podolsk = location_id(&app, "Подольск").await;
        let drill = product_with_stock(&app, &admin, "SCOPE-1", &[(moscow, "5"), (kazan, "5"), (podolsk, "5")]).await;
        let (seller1, _) = app.sign_in("seller1").await;
        let (seller3, _) = app.sign_in("seller3").await;
        let (order, order_reservation) = moscow_order(&app, &seller1, drill).await;

        // A reservation of an order changes only through the order: 409 for everyone,
        // its own seller included, and nothing moves.
        for who in [&seller3, &seller1, &admin] {
            let path = format!("/api/v1/reservations/{order_reservation}");
            let (status, body) = rest(&app, who, "DELETE", &path, None).await;
            assert_eq!(status, 409, "{body}");
            assert_eq!(body["error"]["kind"], "reservation_of_order");
            let (status, _) = rest(&app, who, "POST", &format!("{path}/fulfil"), None).await;
            assert_eq!(status, 409);
        }
        let (status, _) = app.server_fn(&seller3, "stock/release", json!({"id": order_reservation})).await;
        assert_eq!(status, 409);
        let (on_hand, reserved): (i64, i64) = sqlx::query_as(
            "SELECT on_hand, reserved FROM stock_level WHERE product_id = $1 AND location_id = $2",
        )
        .bind(drill)
        .bind(moscow)
        .fetch_one(&app.db.pool)
        .await
        .expect("level");
        assert_eq!((on_hand, reserved), (5000, 1000));

        // A client hold at Moscow by seller1: seller3 (Kazan) is refused, seller1 closes it.
        let hold = json!({"product_id": drill, "location_id": moscow, "qty": 1, "client": "Анна"});
        let (status, made) = rest(&app, &seller1, "POST", "/api/v1/reservations", Some(hold.clone())).await;
        assert_eq!(status, 201, "{made}");
        let hold_id = made["id"].as_i64().expect("hold");
        let (status, _) = rest(&app, &seller3, "DELETE", &format!("/api/v1/reservations/{hold_id}"), None).await;
        assert_eq!(status, 403);
        let (status, _) = rest(&app, &seller3, "POST", &format!("/api/v1/reservations/{hold_id}/fulfil"), None).await;
        assert_eq!(status, 403);
        let (status, _) = rest(&app, &seller1, "DELETE", &format!("/api/v1/reservations/{hold_id}"), None).await;
        assert_eq!(status, 204);
        // Reserving anywhere stays open to every seller (that is the point of one stock),
        // and its seller closes it even at another shop.
        let (status, made) = rest(&app, &seller3, "POST", "/api/v1/reservations", Some(hold)).await;
        assert_eq!(status, 201, "{made}");
        let far_hold = made["id"].as_i64().expect("hold");
        let (status, _) = rest(&app, &seller3, "POST", &format!("/api/v1/reservations/{far_hold}/fulfil"), None).await;
        assert_eq!(status, 204);
        // A missing reservation is 404, not 403.
        let (status, _) = rest(&app, &seller3, "DELETE", "/api/v1/reservations/999999", None).await;
        assert_eq!(status, 404);

        // Reserving for an order: another shop's (403), none (422), a closed one (409).
        let for_order = |order_id: i64| json!({"product_id": drill, "location_id": kazan, "qty": 1, "order_id": order_id});
        let (status, _) = rest(&app, &seller3, "POST", "/api/v1/reservations", Some(for_order(order))).await;
        assert_eq!(status, 403);
        let (status, body) = rest(&app, &seller3, "POST", "/api/v1/reservations", Some(for_order(999_999))).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["field"], "order");
        let cancelled: (i64,) = sqlx::query_as(
            "SELECT s.id FROM stage s JOIN orders o ON o.process_id = s.process_id WHERE o.id = $1 AND s.kind = 'cancelled'",
        )
        .bind(order)
        .fetch_one(&app.db.pool)
        .await
        .expect("cancel stage");
        let (status, body) = app
            .server_fn(&seller1, "orders/move", json!({"id": order, "stage_id": cancelled.0}))
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = rest(&app, &seller1, "POST", "/api/v1/reservations", Some(for_order(order))).await;
        assert_eq!(status, 409);

        // Stock documents: only at one's own locations.
        let doc = |kind: &str, location: i64, to: Option<i64>| {
            json!({"kind": kind, "location_id": location, "to_location_id": to, "reason": "брак",
                   "lines": [{"product_id": drill, "qty": "1"}]})
        };
        for (kind, at, to) in [
            ("write_off", moscow, None),
            ("count", moscow, None),
            ("receipt", moscow, None),
            ("transfer", moscow, Some(kazan)),
        ] {
            let (status, body) = rest(&app, &seller3, "POST", "/api/v1/stock/documents", Some(doc(kind, at, to))).await;
            assert_eq!(status, 403, "{kind} at Moscow by a Kazan seller: {body}");
        }
        let (status, body) = rest(&app, &seller3, "POST", "/api/v1/stock/documents", Some(doc("write_off", kazan, None))).await;
        assert_eq!(status, 201, "{body}");
        // Delivery from a warehouse to one's own shop is ordered by the shop's seller…
        let (status, transfer) = rest(&app, &seller3, "POST", "/api/v1/stock/documents", Some(doc("transfer", podolsk, Some(kazan)))).await;
        assert_eq!(status, 201, "{transfer}");
        let transfer_id = transfer["id"].as_i64().expect("transfer");
        // …but not to another shop, and only the destination's staff receive it.
        let (status, _) = rest(&app, &seller3, "POST", "/api/v1/stock/documents", Some(doc("transfer", podolsk, Some(moscow)))).await;
        assert_eq!(status, 403);
        let (status, _) = app.server_fn(&seller1, "stock/docs/receive", json!({"id": transfer_id})).await;
        assert_eq!(status, 403);
        let (status, body) = app.server_fn(&seller3, "stock/docs/receive", json!({"id": transfer_id})).await;
        assert_eq!(status, 200, "{body}");
        // Directors work everywhere.
        let (director, _) = app.sign_in("director").await;
        let (status, _) = rest(&app, &director, "POST", "/api/v1/stock/documents", Some(doc("write_off", moscow, None))).await;
        assert_eq!(status, 201);
        crate::stock::ledger_is_consistent(&app).await;
        app
    })
    .await;
}

#[tokio::test]
async fn tasks_are_seen_by_those_they_concern_only() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let drill = product_with_stock(&app, &admin, "SCOPE-2", &[(moscow, "5")]).await;
        let (seller1, _) = app.sign_in("seller1").await;
        let (seller3, _) = app.sign_in("seller3").await;
        let (order, _) = moscow_order(&app, &seller1, drill).await;
        let (status, task) = app
            .server_fn(&seller1, "tasks/create", json!({"input": {"kind": "task", "title": "Позвонить клиенту", "order_id": order}}))
            .await;
        assert_eq!(status, 200, "{task}");
        let task_id = task["id"].as_i64().expect("task");
        let next = task["moves"][0]["id"].as_i64().expect("a move");

        let (status, _) = app.server_fn(&seller3, "tasks/get", json!({"id": task_id})).await;
        assert_eq!(status, 403);
        let (status, _) = app.server_fn(&seller3, "tasks/move", json!({"id": task_id, "stage_id": next})).await;
        assert_eq!(status, 403);
        let (status, _) = app
            .server_fn(&seller3, "comments/add", json!({"input": {"record_kind": "task", "record_id": task_id, "body": "чужая"}}))
            .await;
        assert_eq!(status, 403);
        let (status, _) = app
            .server_fn(&seller3, "comments/list", json!({"record_kind": "task", "record_id": task_id}))
            .await;
        assert_eq!(status, 403);
        let (status, list) = app.server_fn(&seller3, "tasks/list", json!({"filter": {}})).await;
        assert_eq!(status, 200, "{list}");
        assert!(
            list.as_array().expect("list").iter().all(|t| t["id"] != task_id),
            "a Kazan seller lists a Moscow task: {list}"
        );
        let (status, _) = rest(&app, &seller3, "GET", "/api/v1/tasks", None).await;
        assert_eq!(status, 200);

        // Assigned to seller3, it is theirs to see and move.
        let seller3_id = app.id_of_employee("seller3").await;
        let (status, assigned) = app
            .server_fn(&seller1, "tasks/create", json!({"input": {"kind": "task", "title": "Для Казани", "order_id": order, "assignee_id": seller3_id}}))
            .await;
        assert_eq!(status, 200, "{assigned}");
        let assigned_id = assigned["id"].as_i64().expect("task");
        let (status, _) = app.server_fn(&seller3, "tasks/get", json!({"id": assigned_id})).await;
        assert_eq!(status, 200);
        let (_, list) = app.server_fn(&seller3, "tasks/list", json!({"filter": {}})).await;
        assert!(list.as_array().expect("list").iter().any(|t| t["id"] == assigned_id));
        // The director sees both.
        let (director, _) = app.sign_in("director").await;
        let (_, list) = app.server_fn(&director, "tasks/list", json!({"filter": {"order_id": order}})).await;
        assert_eq!(list.as_array().expect("list").len(), 2, "{list}");

        // The Moscow order's payments are not a Kazan seller's to read.
        let (status, _) = app.server_fn(&seller3, "payments/list", json!({"order_id": order, "client_id": null})).await;
        assert_eq!(status, 403);
        let (status, _) = app.server_fn(&seller1, "payments/list", json!({"order_id": order, "client_id": null})).await;
        assert_eq!(status, 200);
        app
    })
    .await;
}
