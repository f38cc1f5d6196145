//! Orders on both databases: lines reserved at two locations on creation, stage moves
//! running their actions all or nothing, exact totals and balances, numbering without
//! gaps, shop scoping and transition roles.

use crate::helpers::{on_each_backend, TestApp};
use crate::stock::{location_id, product_with_stock};
use serde_json::{json, Value};

async fn stage(app: &TestApp, client: &reqwest::Client, name: &str) -> i64 {
    let (status, list) = app
        .server_fn(client, "processes/list", json!({"kind": "order"}))
        .await;
    assert_eq!(status, 200, "{list}");
    list[0]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["id"].as_i64())
        .expect("stage")
}

async fn level(app: &TestApp, product: i64, location: i64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT on_hand, reserved FROM stock_level WHERE product_id = $1 AND location_id = $2",
    )
    .bind(product)
    .bind(location)
    .fetch_one(&app.db.pool)
    .await
    .expect("level")
}

async fn move_to(app: &TestApp, client: &reqwest::Client, order: i64, stage: i64) -> (u16, Value) {
    app.server_fn(
        client,
        "orders/move",
        json!({"id": order, "stage_id": stage}),
    )
    .await
}

async fn fund(app: &TestApp, client: &reqwest::Client) -> i64 {
    let (_, funds) = app.server_fn(client, "funds/list", json!({})).await;
    funds[0]["id"].as_i64().expect("fund")
}

#[tokio::test]
async fn an_order_with_lines_from_two_locations_runs_to_done_and_is_paid_off() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let warehouse = location_id(&app, "Подольск").await;
        let drill = product_with_stock(&app, &admin, "ORD-1", &[(shop, "2"), (warehouse, "5")]).await;
        let (seller, _) = app.sign_in("seller1").await;
        let (_, client) = app
            .server_fn(&seller, "clients/save", json!({"id": null, "input": {"name": "Олег Сидоров", "phones": ["+7 903 111-22-33"]}}))
            .await;
        let client_id = client["id"].as_i64().expect("client");
        let order_input = |qty_shop: &str| {
            json!({"input": {"client_id": client_id, "fulfilment": "pickup", "lines": [
                {"product_id": drill, "location_id": shop, "qty": qty_shop, "price": "4990.00", "discount": "490.00"},
                {"product_id": drill, "location_id": warehouse, "qty": "2"}
            ]}})
        };
        let (status, order) = app.server_fn(&seller, "orders/create", order_input("1")).await;
        assert_eq!(status, 200, "{order}");
        let id = order["id"].as_i64().expect("id");
        let year = order["number"].as_str().expect("number")[..4].to_string();
        assert_eq!(order["number"], format!("{year}-000001"));
        assert_eq!(order["stage"]["name"], "Новый");
        // 1 × 4990 − 490 + 2 × 4990 (the product's price) = 14 480.
        assert_eq!(order["total"], "14480");
        assert_eq!(order["balance"], "-14480");
        for line in order["lines"].as_array().expect("lines") {
            assert_eq!(line["reservation_status"], "active", "{line}");
        }
        assert_eq!(level(&app, drill, shop).await, (2000, 1000));
        assert_eq!(level(&app, drill, warehouse).await, (5000, 2000));

        // Not enough at the shop for a second order: 409 with where there is some, and
        // nothing written — the next order still gets the next number.
        let (status, refused) = app.server_fn(&seller, "orders/create", order_input("2")).await;
        assert_eq!(status, 409, "{refused}");
        assert_eq!(refused["code"], "not_enough_stock");
        let (orders,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM orders")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
        assert_eq!(orders, 1);
        assert_eq!(level(&app, drill, warehouse).await, (5000, 2000));

        // Paid in two parts by the accountant (the retail process hands out nothing
        // unpaid): the balance reaches zero to the kopeck.
        let (accountant, _) = app.sign_in("accountant").await;
        let fund = fund(&app, &accountant).await;
        for amount in ["10000.50", "4479.50"] {
            let (status, p) = app
                .server_fn(&accountant, "payments/record", json!({"input": {"direction": "in", "method": "card",
                    "amount": amount, "fund_id": fund, "order_id": id}}))
                .await;
            assert_eq!(status, 200, "{p}");
            assert_eq!(p["client_id"], client_id, "the order's client is taken");
        }

        // Through the stages to done: the sale takes the goods, reservations clear.
        for name in ["Подтверждён", "Собран", "Выдан"] {
            let to = stage(&app, &seller, name).await;
            let (status, moved) = move_to(&app, &seller, id, to).await;
            assert_eq!(status, 200, "{name}: {moved}");
            assert_eq!(moved["stage"]["name"], name);
        }
        assert_eq!(level(&app, drill, shop).await, (1000, 0));
        assert_eq!(level(&app, drill, warehouse).await, (3000, 0));
        let problems = app::stock::ledger::check(&app.db).await.expect("check");
        assert!(problems.is_empty(), "{problems:?}");
        // The accountant was told.
        let (_, inbox) = app.server_fn(&accountant, "notifications/inbox", json!({})).await;
        assert_eq!(inbox["items"][0]["kind"], "order_stage");
        assert_eq!(inbox["items"][0]["link"], format!("/orders/{id}"));
        let (_, order) = app.server_fn(&seller, "orders/get", json!({"id": id})).await;
        assert_eq!(order["paid"], "14480");
        assert_eq!(order["balance"], "0");
        let (_, balance) = app
            .server_fn(&seller, "clients/balance", json!({"client_id": client_id}))
            .await;
        assert_eq!(balance["balance"], "0");
        assert_eq!(balance["obligations"], "14480");
        // History: created, reservations, payments, stage moves, sale — in order.
        let kinds: Vec<&str> = order["history"]
            .as_array()
            .expect("history")
            .iter()
            .map(|e| e["kind"].as_str().expect("kind"))
            .collect();
        assert_eq!(
            kinds,
            vec!["created", "reserved", "payment", "payment", "stage", "stage", "stage", "fulfilled"]
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_stage_whose_action_cannot_run_changes_nothing() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let saw = product_with_stock(&app, &admin, "ORD-2", &[(shop, "1")]).await;
        let (seller, _) = app.sign_in("seller1").await;
        let line = json!({"input": {"fulfilment": "pickup", "lines": [{"product_id": saw, "location_id": shop, "qty": "1"}]}});
        let (_, first) = app.server_fn(&seller, "orders/create", line.clone()).await;
        let first_id = first["id"].as_i64().expect("id");
        // Cancelled: its unit is released and another order takes it.
        let cancelled = stage(&app, &seller, "Отменён").await;
        let (status, _) = move_to(&app, &seller, first_id, cancelled).await;
        assert_eq!(status, 200);
        assert_eq!(level(&app, saw, shop).await, (1000, 0));
        let (status, _) = app.server_fn(&seller, "orders/create", line).await;
        assert_eq!(status, 200);
        // Reopening the first needs the unit again: refused with the reason, and the
        // order stays cancelled with no new history.
        let (director, _) = app.sign_in("director").await;
        let new = stage(&app, &director, "Новый").await;
        let before: (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM order_event WHERE order_id = $1")
            .bind(first_id)
            .fetch_one(&app.db.pool)
            .await
            .expect("events");
        let (status, refused) = move_to(&app, &director, first_id, new).await;
        assert_eq!(status, 409, "{refused}");
        assert_eq!(refused["code"], "not_enough_stock");
        let (_, order) = app.server_fn(&director, "orders/get", json!({"id": first_id})).await;
        assert_eq!(order["stage"]["name"], "Отменён");
        let after: (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM order_event WHERE order_id = $1")
            .bind(first_id)
            .fetch_one(&app.db.pool)
            .await
            .expect("events");
        assert_eq!(before, after);
        assert_eq!(level(&app, saw, shop).await, (1000, 1000));
        // A seller may not reopen (the process gives that move to directors and admins).
        let (status, _) = move_to(&app, &seller, first_id, new).await;
        assert_eq!(status, 403);
        // A move that is not from the current stage: 409.
        let done = stage(&app, &seller, "Выдан").await;
        let (status, body) = move_to(&app, &seller, first_id, done).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["kind"], "stage_moved");
        app
    })
    .await;
}

async fn put_order(app: &TestApp, client: &reqwest::Client, id: i64, input: Value) -> (u16, Value) {
    let res = client
        .put(app.url(&format!("/api/v1/orders/{id}")))
        .json(&input)
        .send()
        .await
        .expect("put");
    let status = res.status().as_u16();
    (status, res.json().await.expect("json"))
}

async fn events(app: &TestApp, order: i64) -> Vec<(String, String)> {
    sqlx::query_as("SELECT kind, detail FROM order_event WHERE order_id = $1 ORDER BY id")
        .bind(order)
        .fetch_all(&app.db.pool)
        .await
        .expect("events")
}

#[tokio::test]
async fn editing_an_order_keeps_unchanged_reservations_and_is_all_or_nothing() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let warehouse = location_id(&app, "Подольск").await;
        let drill = product_with_stock(&app, &admin, "ED-1", &[(shop, "2"), (warehouse, "5")]).await;
        let saw = product_with_stock(&app, &admin, "ED-2", &[(shop, "1")]).await;
        let (seller, _) = app.sign_in("seller1").await;
        let (_, order) = app
            .server_fn(&seller, "orders/create", json!({"input": {"fulfilment": "pickup", "lines": [
                {"product_id": drill, "location_id": shop, "qty": "1"},
                {"product_id": drill, "location_id": warehouse, "qty": "2"}
            ]}}))
            .await;
        let id = order["id"].as_i64().expect("id");
        let kept_reservation = order["lines"][0]["reservation_id"].clone();
        let kept_line = order["lines"][0]["id"].clone();
        // The shop line stays (now with a discount), the warehouse line grows to 3, a saw
        // joins; delivery to an address.
        let edit = |warehouse_qty: &str, saw_qty: &str| {
            json!({"fulfilment": "delivery", "delivery_address": "Москва, ул. Ленина, 1", "comment": "звонить заранее",
                "lines": [
                    {"product_id": drill, "location_id": shop, "qty": "1", "discount": "490"},
                    {"product_id": drill, "location_id": warehouse, "qty": warehouse_qty},
                    {"product_id": saw, "location_id": shop, "qty": saw_qty}
                ]})
        };
        let (status, edited) = put_order(&app, &seller, id, edit("3", "1")).await;
        assert_eq!(status, 200, "{edited}");
        // 4990 − 490 + 3 × 4990 + 4990 = 24 460.
        assert_eq!(edited["total"], "24460");
        assert_eq!(edited["fulfilment"], "delivery");
        assert_eq!(edited["comment"], "звонить заранее");
        assert_eq!(edited["lines"][0]["id"], kept_line);
        assert_eq!(edited["lines"][0]["reservation_id"], kept_reservation);
        for line in edited["lines"].as_array().expect("lines") {
            assert_eq!(line["reservation_status"], "active", "{line}");
        }
        assert_eq!(level(&app, drill, shop).await, (2000, 1000));
        assert_eq!(level(&app, drill, warehouse).await, (5000, 3000));
        assert_eq!(level(&app, saw, shop).await, (1000, 1000));
        let history = events(&app, id).await;
        let (kind, detail) = history.iter().find(|e| e.0 == "edited").expect("edited");
        assert_eq!(kind, "edited");
        assert!(detail.contains("− ED-1 ×2") && detail.contains("+ ED-1 ×3") && detail.contains("+ ED-2 ×1"), "{detail}");
        assert!(detail.contains("Σ 14970 → 24460"), "{detail}");
        // Two saws are not there: refused with where to find them, and nothing changes.
        let before = events(&app, id).await.len();
        let (status, refused) = put_order(&app, &seller, id, edit("1", "2")).await;
        assert_eq!(status, 409, "{refused}");
        assert_eq!(refused["error"]["code"], "not_enough_stock");
        let (_, same) = app.server_fn(&seller, "orders/get", json!({"id": id})).await;
        assert_eq!(same["total"], "24460");
        assert_eq!(same["lines"].as_array().map(Vec::len), Some(3));
        assert_eq!(events(&app, id).await.len(), before);
        assert_eq!(level(&app, drill, warehouse).await, (5000, 3000));
        assert_eq!(level(&app, saw, shop).await, (1000, 1000));
        // Removing the saw gives its unit back.
        let (status, smaller) = put_order(&app, &seller, id, json!({"fulfilment": "pickup", "lines": [
            {"product_id": drill, "location_id": shop, "qty": "1", "discount": "490"}
        ]})).await;
        assert_eq!(status, 200, "{smaller}");
        assert_eq!(smaller["total"], "4500");
        assert_eq!(level(&app, saw, shop).await, (1000, 0));
        assert_eq!(level(&app, drill, warehouse).await, (5000, 0));
        // Bad input: no lines (422); another shop's seller (403); a closed order (409).
        let (status, _) = put_order(&app, &seller, id, json!({"fulfilment": "pickup", "lines": []})).await;
        assert_eq!(status, 422);
        let (seller3, _) = app.sign_in("seller3").await;
        let (status, _) = put_order(&app, &seller3, id, edit("1", "1")).await;
        assert_eq!(status, 403);
        let cancelled = stage(&app, &seller, "Отменён").await;
        let (status, _) = move_to(&app, &seller, id, cancelled).await;
        assert_eq!(status, 200);
        let (status, closed) = put_order(&app, &seller, id, edit("1", "1")).await;
        assert_eq!(status, 409, "{closed}");
        assert_eq!(closed["error"]["kind"], "order_closed", "{closed}");
        assert_eq!(level(&app, drill, shop).await, (2000, 0));
        app
    })
    .await;
}

#[tokio::test]
async fn managers_see_and_work_on_their_own_shops_orders_only() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let kazan = location_id(&app, "Баумана").await;
        let item = product_with_stock(&app, &admin, "ORD-3", &[(shop, "3")]).await;
        let (seller1, _) = app.sign_in("seller1").await;
        let (_, order) = app
            .server_fn(
                &seller1,
                "orders/create",
                json!({"input": {"fulfilment": "pickup",
                "lines": [{"product_id": item, "location_id": shop, "qty": "1"}]}}),
            )
            .await;
        let id = order["id"].as_i64().expect("id");
        // A Kazan seller: no such order in the list, 403 on the card, the move and a payment.
        let (seller3, _) = app.sign_in("seller3").await;
        let (_, list) = app
            .server_fn(&seller3, "orders/list", json!({"filter": {}}))
            .await;
        assert_eq!(list, json!([]));
        let (status, _) = app
            .server_fn(&seller3, "orders/get", json!({"id": id}))
            .await;
        assert_eq!(status, 403);
        let confirmed = stage(&app, &seller3, "Подтверждён").await;
        let (status, _) = move_to(&app, &seller3, id, confirmed).await;
        assert_eq!(status, 403);
        let fund = fund(&app, &seller3).await;
        let (status, _) = app
            .server_fn(
                &seller3,
                "payments/record",
                json!({"input": {"direction": "in", "method": "cash",
                "amount": "100", "fund_id": fund, "order_id": id}}),
            )
            .await;
        assert_eq!(status, 403);
        // Nor can they sell for another shop.
        let (status, _) = app
            .server_fn(
                &seller3,
                "orders/create",
                json!({"input": {"fulfilment": "pickup", "shop_id": shop,
                "lines": [{"product_id": item, "location_id": shop, "qty": "1"}]}}),
            )
            .await;
        assert_eq!(status, 403);
        // An admin widens seller3's shops: now they see it.
        let seller3_id = app.id_of_employee("seller3").await;
        let (status, _) = app
            .server_fn(
                &admin,
                "org/access/set",
                json!({"employee_id": seller3_id, "shops": [shop]}),
            )
            .await;
        assert_eq!(status, 200);
        let (_, access) = app.server_fn(&admin, "org/access/list", json!({})).await;
        let row = access
            .as_array()
            .expect("access")
            .iter()
            .find(|a| a["employee_id"] == seller3_id)
            .cloned()
            .expect("seller3");
        assert_eq!(row["shops"], json!([shop]));
        let (status, _) = app
            .server_fn(&seller3, "orders/get", json!({"id": id}))
            .await;
        assert_eq!(status, 200);
        // Directors and accountants see every shop; the filter narrows.
        let (director, _) = app.sign_in("director").await;
        let (_, all) = app
            .server_fn(
                &director,
                "orders/list",
                json!({"filter": {"shop_id": shop}}),
            )
            .await;
        assert_eq!(all.as_array().expect("list").len(), 1);
        let (_, none) = app
            .server_fn(
                &director,
                "orders/list",
                json!({"filter": {"shop_id": kazan}}),
            )
            .await;
        assert_eq!(none, json!([]));
        // Accountants record payments but do not take orders; storekeepers can't confirm.
        let (accountant, _) = app.sign_in("accountant").await;
        let (status, _) = app
            .server_fn(
                &accountant,
                "orders/create",
                json!({"input": {"fulfilment": "pickup",
                "lines": [{"product_id": item, "location_id": shop, "qty": "1"}]}}),
            )
            .await;
        assert_eq!(status, 403);
        let (storekeeper, _) = app.sign_in("storekeeper1").await;
        let (status, _) = move_to(&app, &storekeeper, id, confirmed).await;
        assert_eq!(status, 403);
        app
    })
    .await;
}

#[tokio::test]
async fn an_admin_designs_a_process_and_bad_definitions_are_refused() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let def = json!({"id": null, "input": {"name": "Заказ с предоплатой", "kind": "order", "stages": [
            {"name": "Новый", "kind": "open", "actions": [{"action": "reserve_all"}]},
            {"name": "Предоплата", "color": "#BF8700", "kind": "open", "actions": [{"action": "notify", "param": "role:accountant"}]},
            {"name": "Выдан", "kind": "done", "actions": [{"action": "fulfil"}]}
        ], "transitions": [{"from": 0, "to": 1, "roles": ["manager", "admin"]}, {"from": 1, "to": 2, "roles": ["accountant"]}]}});
        let (status, p) = app.server_fn(&admin, "processes/save", def.clone()).await;
        assert_eq!(status, 200, "{p}");
        assert_eq!(p["stages"][1]["color"], "#bf8700");
        assert_eq!(p["transitions"][1]["roles"], json!(["accountant"]));
        let (seller, _) = app.sign_in("seller1").await;
        let (status, _) = app.server_fn(&seller, "processes/save", def.clone()).await;
        assert_eq!(status, 403);
        let mut bad = def.clone();
        bad["input"]["transitions"][0]["to"] = json!(7);
        let (status, body) = app.server_fn(&admin, "processes/save", bad).await;
        assert_eq!(status, 422, "{body}");
        let mut dup = def;
        dup["input"]["name"] = json!("Другой");
        dup["input"]["stages"][1]["name"] = json!("новый");
        let (status, _) = app.server_fn(&admin, "processes/save", dup).await;
        assert_eq!(status, 422);
        // A stage with orders on it can't be dropped.
        let pid = p["id"].as_i64().expect("id");
        let shop = location_id(&app, "Тверская").await;
        let item = product_with_stock(&app, &admin, "ORD-4", &[(shop, "1")]).await;
        let (status, o) = app
            .server_fn(&seller, "orders/create", json!({"input": {"process_id": pid, "fulfilment": "pickup",
                "lines": [{"product_id": item, "location_id": shop, "qty": "1"}]}}))
            .await;
        assert_eq!(status, 200, "{o}");
        let keep_last_two = json!({"id": pid, "input": {"name": "Заказ с предоплатой", "kind": "order", "stages": [
            {"id": p["stages"][1]["id"], "name": "Предоплата", "kind": "open"},
            {"id": p["stages"][2]["id"], "name": "Выдан", "kind": "done"}
        ], "transitions": []}});
        let (status, body) = app.server_fn(&admin, "processes/save", keep_last_two).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["kind"], "stage_in_use");
        app
    })
    .await;
}

#[tokio::test]
async fn the_rest_api_takes_an_order_moves_it_and_records_a_payment() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let item = product_with_stock(&app, &admin, "ORD-5", &[(shop, "4")]).await;
        let res = admin
            .post(app.url("/api/v1/orders"))
            .json(&json!({"shop_id": shop, "fulfilment": "delivery", "delivery_address": "Москва, ул. Тверская, 7",
                          "lines": [{"product_id": item, "location_id": shop, "qty": "3", "price": "100.10"}]}))
            .send()
            .await
            .expect("create");
        assert_eq!(res.status(), 201);
        let order: Value = res.json().await.expect("json");
        assert_eq!(order["total"], "300.3");
        let id = order["id"].as_i64().expect("id");
        let processes: Value = admin
            .get(app.url("/api/v1/processes"))
            .send()
            .await
            .expect("processes")
            .json()
            .await
            .expect("json");
        let retail = processes
            .as_array()
            .expect("list")
            .iter()
            .find(|p| p["kind"] == "order")
            .expect("order process");
        let cancelled = retail["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .find(|s| s["kind"] == "cancelled")
            .expect("cancelled stage")["id"]
            .clone();
        let res = admin
            .post(app.url(&format!("/api/v1/orders/{id}/stage")))
            .json(&json!({"stage_id": cancelled}))
            .send()
            .await
            .expect("move");
        assert_eq!(res.status(), 200);
        assert_eq!(level(&app, item, shop).await, (4000, 0));
        // Without an order or a client a payment has nowhere to land.
        let funds: Value = admin
            .get(app.url("/api/v1/funds"))
            .send()
            .await
            .expect("funds")
            .json()
            .await
            .expect("json");
        let res = admin
            .post(app.url("/api/v1/payments"))
            .json(&json!({"direction": "in", "method": "bank", "amount": "300.30", "fund_id": funds[0]["id"]}))
            .send()
            .await
            .expect("pay");
        assert_eq!(res.status(), 422);
        let res = admin
            .post(app.url("/api/v1/payments"))
            .json(&json!({"direction": "in", "method": "bank", "amount": "300.30", "fund_id": funds[0]["id"], "order_id": id}))
            .send()
            .await
            .expect("pay");
        assert_eq!(res.status(), 201);
        let order: Value = admin
            .get(app.url(&format!("/api/v1/orders/{id}")))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(order["paid"], "300.3");
        assert_eq!(order["stage"]["kind"], "cancelled");
        // A planned payment counts once it is confirmed, and only once.
        let res = admin
            .post(app.url("/api/v1/payments"))
            .json(&json!({"direction": "in", "method": "cash", "amount": "10", "planned": true,
                          "fund_id": funds[0]["id"], "order_id": id}))
            .send()
            .await
            .expect("plan");
        let planned: Value = res.json().await.expect("json");
        let order: Value = admin.get(app.url(&format!("/api/v1/orders/{id}"))).send().await.expect("get").json().await.expect("json");
        assert_eq!(order["paid"], "300.3", "planned money is not paid yet");
        let confirm = format!("/api/v1/payments/{}/confirm", planned["id"]);
        let res = admin.post(app.url(&confirm)).send().await.expect("confirm");
        assert_eq!(res.status(), 200);
        let res = admin.post(app.url(&confirm)).send().await.expect("confirm again");
        assert_eq!(res.status(), 409);
        let order: Value = admin.get(app.url(&format!("/api/v1/orders/{id}"))).send().await.expect("get").json().await.expect("json");
        assert_eq!(order["paid"], "310.3");
        // Tasks over REST.
        let res = admin
            .post(app.url("/api/v1/tasks"))
            .json(&json!({"kind": "project", "title": "Открытие магазина в Твери", "order_id": id}))
            .send()
            .await
            .expect("task");
        assert_eq!(res.status(), 201);
        let task: Value = res.json().await.expect("json");
        let next = task["moves"][0]["id"].clone();
        let res = admin
            .post(app.url(&format!("/api/v1/tasks/{}/stage", task["id"])))
            .json(&json!({"stage_id": next}))
            .send()
            .await
            .expect("move task");
        assert_eq!(res.status(), 200);
        let listed: Value = admin.get(app.url(&format!("/api/v1/tasks?order_id={id}"))).send().await.expect("list").json().await.expect("json");
        assert_eq!(listed.as_array().expect("tasks").len(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn tasks_link_to_orders_and_clients_notify_their_assignee_and_move_by_role() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let item = product_with_stock(&app, &admin, "TASK-1", &[(shop, "1")]).await;
        let (seller, _) = app.sign_in("seller1").await;
        let (_, client) = app
            .server_fn(&seller, "clients/save", json!({"id": null, "input": {"name": "Клиент задачи"}}))
            .await;
        let client_id = client["id"].as_i64().expect("client");
        let (_, order) = app
            .server_fn(&seller, "orders/create", json!({"input": {"client_id": client_id, "fulfilment": "pickup",
                "lines": [{"product_id": item, "location_id": shop, "qty": "1"}]}}))
            .await;
        let order_id = order["id"].as_i64().expect("order");
        let storekeeper = app.id_of_employee("storekeeper1").await;
        let (status, task) = app
            .server_fn(&seller, "tasks/create", json!({"input": {"kind": "task", "title": "Привезти со склада",
                "assignee_id": storekeeper, "due_at": 1_800_000_000_000i64, "client_id": client_id, "order_id": order_id}}))
            .await;
        assert_eq!(status, 200, "{task}");
        assert_eq!(task["stage"]["name"], "Новая");
        assert_eq!(task["order_number"], order["number"]);
        let (sk, _) = app.sign_in("storekeeper1").await;
        let (_, inbox) = app.server_fn(&sk, "notifications/inbox", json!({})).await;
        assert_eq!(inbox["items"][0]["kind"], "task_assigned");
        assert_eq!(inbox["items"][0]["subject"], "Привезти со склада");
        // On the linked records.
        for filter in [json!({"order_id": order_id}), json!({"client_id": client_id})] {
            let (_, list) = app.server_fn(&seller, "tasks/list", json!({"filter": filter})).await;
            assert_eq!(list.as_array().expect("list").len(), 1, "{filter}");
        }
        // The assignee moves it along its process.
        let id = task["id"].as_i64().expect("id");
        let in_work = task["moves"]
            .as_array()
            .expect("moves")
            .iter()
            .find(|s| s["name"] == "В работе")
            .expect("a move to В работе")["id"]
            .clone();
        let (status, moved) = app.server_fn(&sk, "tasks/move", json!({"id": id, "stage_id": in_work})).await;
        assert_eq!(status, 200, "{moved}");
        assert_eq!(moved["stage"]["name"], "В работе");
        let (status, _) = app.server_fn(&sk, "tasks/move", json!({"id": id, "stage_id": in_work})).await;
        assert_eq!(status, 409);
        // Refusals: no title, an order process kind, another shop's order.
        let (status, _) = app
            .server_fn(&seller, "tasks/create", json!({"input": {"kind": "task", "title": " "}}))
            .await;
        assert_eq!(status, 422);
        let (status, _) = app
            .server_fn(&seller, "tasks/create", json!({"input": {"kind": "order", "title": "Не задача"}}))
            .await;
        assert_eq!(status, 422);
        let (kazan, _) = app.sign_in("seller3").await;
        let (status, _) = app
            .server_fn(&kazan, "tasks/create", json!({"input": {"kind": "task", "title": "Чужой заказ", "order_id": order_id}}))
            .await;
        assert_eq!(status, 403);
        app
    })
    .await;
}
