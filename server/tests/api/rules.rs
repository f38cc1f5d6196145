//! Order rules on both databases: transition guards refused and passed (server functions
//! and REST), moves limited by fulfilment, goods followed through a transfer to where the
//! order is fulfilled, funds by payment method, mentions only of those who can see, and
//! report periods said back.

use crate::documents::template;
use crate::helpers::{on_each_backend, TestApp};
use crate::reports::{rows, run_spec};
use crate::scope::rest;
use crate::stock::{location_id, product_with_stock};
use serde_json::{json, Value};

async fn retail(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, list) = app
        .server_fn(client, "processes/list", json!({"kind": "order"}))
        .await;
    assert_eq!(status, 200, "{list}");
    list.as_array()
        .expect("processes")
        .iter()
        .find(|p| p["name"] == "Розничный заказ")
        .cloned()
        .expect("the retail process")
}

fn stage_id(process: &Value, name: &str) -> i64 {
    process["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["id"].as_i64())
        .expect("stage")
}

async fn move_to(
    app: &TestApp,
    client: &reqwest::Client,
    order: i64,
    stage: i64,
    comment: &str,
) -> (u16, Value) {
    app.server_fn(
        client,
        "orders/move",
        json!({"id": order, "stage_id": stage, "comment": comment}),
    )
    .await
}

async fn create(app: &TestApp, client: &reqwest::Client, input: Value) -> Value {
    let (status, order) = app
        .server_fn(client, "orders/create", json!({ "input": input }))
        .await;
    assert_eq!(status, 200, "{order}");
    order
}

async fn pay(app: &TestApp, client: &reqwest::Client, body: Value) -> (u16, Value) {
    app.server_fn(client, "payments/record", json!({ "input": body }))
        .await
}

#[tokio::test]
async fn an_unpaid_order_is_not_handed_out_and_a_payment_lets_it_through() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let item = product_with_stock(&app, &admin, "RULE-1", &[(shop, "5")]).await;
        let (seller, _) = app.sign_in("seller1").await;
        let process = retail(&app, &seller).await;
        let order = create(
            &app,
            &seller,
            json!({"fulfilment": "pickup",
            "lines": [{"product_id": item, "location_id": shop, "qty": "1", "price": "1000.00"}]}),
        )
        .await;
        let id = order["id"].as_i64().expect("id");
        for name in ["Подтверждён", "Собран"] {
            let (status, moved) = move_to(&app, &seller, id, stage_id(&process, name), "").await;
            assert_eq!(status, 200, "{name}: {moved}");
        }
        // The card says what «Выдан» will require.
        let (_, card) = app
            .server_fn(&seller, "orders/get", json!({"id": id}))
            .await;
        let done = card["moves"]
            .as_array()
            .expect("moves")
            .iter()
            .find(|m| m["name"] == "Выдан")
            .cloned()
            .expect("«Выдан» is offered");
        assert_eq!(done["guards"], json!(["paid"]));

        let done = stage_id(&process, "Выдан");
        let (status, refused) = move_to(&app, &seller, id, done, "").await;
        assert_eq!(status, 409, "{refused}");
        assert_eq!(refused["code"], "guard_failed");
        assert_eq!(refused["guard"], "paid");
        assert_eq!(refused["detail"], "1000 ₽");
        // The same over REST, with the guard named and the message in words.
        let (status, body) = rest(
            &app,
            &seller,
            "POST",
            &format!("/api/v1/orders/{id}/stage"),
            Some(json!({"stage_id": done})),
        )
        .await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["code"], "guard_failed");
        assert_eq!(body["error"]["guard"], "paid");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("not paid in full"),
            "{body}"
        );
        // Nothing moved, nothing was sold.
        let (_, card) = app
            .server_fn(&seller, "orders/get", json!({"id": id}))
            .await;
        assert_eq!(card["stage"]["name"], "Собран");
        assert_eq!(card["lines"][0]["reservation_status"], "active");

        // A part is not enough; the rest is.
        let (accountant, _) = app.sign_in("accountant").await;
        let (status, _) = pay(
            &app,
            &accountant,
            json!({"direction": "in", "method": "cash", "amount": "600.00", "order_id": id}),
        )
        .await;
        assert_eq!(status, 200);
        let (status, refused) = move_to(&app, &seller, id, done, "").await;
        assert_eq!(status, 409);
        assert_eq!(refused["detail"], "400 ₽");
        let (status, _) = pay(
            &app,
            &accountant,
            json!({"direction": "in", "method": "card", "amount": "400.00", "order_id": id}),
        )
        .await;
        assert_eq!(status, 200);
        let (status, moved) = move_to(&app, &seller, id, done, "").await;
        assert_eq!(status, 200, "{moved}");
        assert_eq!(moved["stage"]["name"], "Выдан");
        assert_eq!(moved["lines"][0]["reservation_status"], "fulfilled");
        app
    })
    .await;
}

#[tokio::test]
async fn each_guard_is_refused_with_its_reason_and_passed_when_met() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let invoice = template(&app, &admin, "invoice", "ru").await;
        // No reservation on entry, so «reserved» has something to refuse.
        let def = json!({"id": null, "input": {"name": "Заказ с условиями", "kind": "order", "stages": [
            {"name": "Новый", "kind": "open"},
            {"name": "В резерве", "kind": "open", "actions": [{"action": "reserve_all"}]},
            {"name": "Счёт", "kind": "open", "actions": [{"action": "generate_document", "param": invoice.to_string()}]},
            {"name": "Готов", "kind": "open"},
            {"name": "Выдан", "kind": "done", "actions": [{"action": "fulfil"}]}
        ], "transitions": [
            {"from": 0, "to": 1, "roles": ["manager"], "guards": {"comment": true}},
            {"from": 1, "to": 2, "roles": ["manager"], "guards": {"reserved": true}},
            {"from": 0, "to": 3, "roles": ["manager"], "guards": {"reserved": true}},
            {"from": 2, "to": 3, "roles": ["manager"], "guards": {"document_template_id": invoice}},
            {"from": 1, "to": 3, "roles": ["manager"], "guards": {"document_template_id": invoice}},
            {"from": 3, "to": 4, "roles": ["manager"], "guards": {"paid": true, "planned_counts": true}}
        ]}});
        let (status, p) = app.server_fn(&admin, "processes/save", def.clone()).await;
        assert_eq!(status, 200, "{p}");
        assert_eq!(p["transitions"][5]["guards"]["planned_counts"], true);
        let pid = p["id"].as_i64().expect("process");
        let st = |i: usize| p["stages"][i]["id"].as_i64().expect("stage");
        // A guard naming a template that does not exist is refused with the process.
        let mut bad = def.clone();
        bad["input"]["name"] = json!("Другой");
        bad["input"]["transitions"][3]["guards"]["document_template_id"] = json!(999_999);
        let (status, _) = app.server_fn(&admin, "processes/save", bad).await;
        assert_eq!(status, 422);
        // Tasks have no money or goods to guard.
        let (status, _) = app.server_fn(&admin, "processes/save", json!({"id": null, "input": {"name": "Задача с оплатой", "kind": "task",
            "stages": [{"name": "a", "kind": "open"}, {"name": "b", "kind": "done"}],
            "transitions": [{"from": 0, "to": 1, "roles": ["manager"], "guards": {"paid": true}}]}})).await;
        assert_eq!(status, 422);

        let shop = location_id(&app, "Тверская").await;
        let item = product_with_stock(&app, &admin, "RULE-2", &[(shop, "5")]).await;
        let (seller, _) = app.sign_in("seller1").await;
        let order = create(&app, &seller, json!({"process_id": pid, "fulfilment": "pickup",
            "lines": [{"product_id": item, "location_id": shop, "qty": "1", "price": "500.00"}]})).await;
        let id = order["id"].as_i64().expect("id");

        // reserved: the line holds nothing yet.
        let (status, refused) = move_to(&app, &seller, id, st(3), "").await;
        assert_eq!((status, refused["guard"].as_str()), (409, Some("reserved")), "{refused}");
        assert_eq!(refused["detail"], "Дрель RULE-2");
        // comment: required, and kept in the history with the move.
        let (status, refused) = move_to(&app, &seller, id, st(1), "   ").await;
        assert_eq!((status, refused["guard"].as_str()), (409, Some("comment")), "{refused}");
        let (status, moved) = move_to(&app, &seller, id, st(1), "клиент подтвердил по телефону").await;
        assert_eq!(status, 200, "{moved}");
        let last = moved["history"].as_array().expect("history").iter().rev()
            .find(|e| e["kind"] == "stage").cloned().expect("the move");
        assert_eq!(last["detail"], "Новый → В резерве: клиент подтвердил по телефону");
        // document: the invoice has not been generated.
        let (status, refused) = move_to(&app, &seller, id, st(3), "").await;
        assert_eq!((status, refused["guard"].as_str()), (409, Some("document")), "{refused}");
        assert!(refused["detail"].as_str().is_some_and(|d| !d.is_empty()), "names the template: {refused}");
        let (status, _) = move_to(&app, &seller, id, st(2), "").await;
        assert_eq!(status, 200, "reserved now, and «Счёт» generates the invoice");
        let (status, moved) = move_to(&app, &seller, id, st(3), "").await;
        assert_eq!(status, 200, "{moved}");
        // paid, planned payments counting: a planned payment of the whole sum covers it.
        let (status, refused) = move_to(&app, &seller, id, st(4), "").await;
        assert_eq!((status, refused["guard"].as_str()), (409, Some("paid")), "{refused}");
        let (accountant, _) = app.sign_in("accountant").await;
        let (status, _) = pay(&app, &accountant, json!({"direction": "in", "method": "bank", "amount": "500.00",
            "planned": true, "order_id": id})).await;
        assert_eq!(status, 200);
        let (status, moved) = move_to(&app, &seller, id, st(4), "").await;
        assert_eq!(status, 200, "{moved}");
        app
    })
    .await;
}

#[tokio::test]
async fn moves_follow_the_fulfilment_and_goods_are_sold_where_they_arrived() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let warehouse = location_id(&app, "Подольск").await;
        let item = product_with_stock(&app, &admin, "RULE-3", &[(warehouse, "3")]).await;
        let (seller, _) = app.sign_in("seller1").await;
        let process = retail(&app, &seller).await;
        let delivery = stage_id(&process, "Доставка");
        let done = stage_id(&process, "Выдан");

        // A pickup order is never offered «Доставка», and the server refuses it too.
        let pickup = create(&app, &seller, json!({"fulfilment": "pickup",
            "lines": [{"product_id": item, "location_id": warehouse, "qty": "1", "price": "100.00"}]})).await;
        let pid = pickup["id"].as_i64().expect("id");
        let (status, _) = move_to(&app, &seller, pid, stage_id(&process, "Подтверждён"), "").await;
        assert_eq!(status, 200);
        let (_, card) = app.server_fn(&seller, "orders/get", json!({"id": pid})).await;
        let offered: Vec<&str> = card["moves"].as_array().expect("moves").iter()
            .filter_map(|m| m["name"].as_str()).collect();
        assert!(!offered.contains(&"Доставка"), "{offered:?}");
        assert!(offered.contains(&"Собран"), "{offered:?}");
        let (status, refused) = move_to(&app, &seller, pid, delivery, "").await;
        assert_eq!(status, 409, "{refused}");
        assert_eq!(refused["kind"], "not_for_fulfilment");

        // A delivery order with a line from the warehouse: «Доставка» sends it to the shop.
        let order = create(&app, &seller, json!({"fulfilment": "delivery", "delivery_address": "ул. Ленина, 1",
            "lines": [{"product_id": item, "location_id": warehouse, "qty": "1", "price": "100.00"}]})).await;
        let id = order["id"].as_i64().expect("id");
        let (status, _) = move_to(&app, &seller, id, stage_id(&process, "Подтверждён"), "").await;
        assert_eq!(status, 200);
        let (status, moved) = move_to(&app, &seller, id, delivery, "").await;
        assert_eq!(status, 200, "{moved}");
        assert_eq!(moved["lines"][0]["location_id"], shop);
        let (transfer,): (i64,) = sqlx::query_as("SELECT transfer_id FROM order_line WHERE order_id = $1")
            .bind(id).fetch_one(&app.db.pool).await.expect("the line waits for its transfer");
        let (accountant, _) = app.sign_in("accountant").await;
        let (status, _) = pay(&app, &accountant, json!({"direction": "in", "method": "card", "amount": "100.00", "order_id": id})).await;
        assert_eq!(status, 200);
        // Paid, but the goods are on the road: «Выдан» names the transfer.
        let (status, refused) = move_to(&app, &seller, id, done, "").await;
        assert_eq!(status, 409, "{refused}");
        assert_eq!(refused["guard"], "no_transit");
        assert_eq!(refused["detail"], format!("№{transfer} (Дрель RULE-3)"));
        // Without the guard, the fulfil action itself refuses while in transit.
        let mut unguarded = retail(&app, &admin).await;
        let pid_retail = unguarded["id"].as_i64().expect("id");
        let index = |sid: i64| unguarded["stages"].as_array().expect("stages").iter().position(|s| s["id"] == sid).expect("index");
        let stages: Vec<Value> = unguarded["stages"].as_array().expect("stages").iter()
            .map(|s| json!({"id": s["id"], "name": s["name"], "color": s["color"], "kind": s["kind"], "actions": s["actions"]})).collect();
        let transitions: Vec<Value> = unguarded["transitions"].as_array().expect("transitions").iter()
            .map(|t| json!({"from": index(t["from_stage_id"].as_i64().expect("from")), "to": index(t["to_stage_id"].as_i64().expect("to")),
                "roles": t["roles"], "fulfilments": t["fulfilments"]})).collect();
        unguarded = json!({"id": pid_retail, "input": {"name": "Розничный заказ", "kind": "order", "stages": stages, "transitions": transitions}});
        let (status, saved) = app.server_fn(&admin, "processes/save", unguarded).await;
        assert_eq!(status, 200, "{saved}");
        let (status, refused) = move_to(&app, &seller, id, done, "").await;
        assert_eq!(status, 409, "{refused}");
        assert_eq!(refused["code"], "in_transit");
        assert!(refused["detail"].as_str().unwrap_or("").contains(&format!("№{transfer}")), "{refused}");

        // Received at the shop: the goods are reserved there for the order, the history
        // says so, and «Выдан» sells them at the shop.
        let (status, body) = rest(&app, &seller, "POST", &format!("/api/v1/stock/documents/{transfer}/receive"), None).await;
        assert_eq!(status, 200, "{body}");
        let (_, card) = app.server_fn(&seller, "orders/get", json!({"id": id})).await;
        assert_eq!(card["lines"][0]["reservation_status"], "active");
        let rid = card["lines"][0]["reservation_id"].as_i64().expect("reserved");
        let (at,): (i64,) = sqlx::query_as("SELECT location_id FROM reservation WHERE id = $1")
            .bind(rid).fetch_one(&app.db.pool).await.expect("reservation");
        assert_eq!(at, shop);
        assert!(card["history"].as_array().expect("history").iter().any(|e| e["kind"] == "transfer_received"));
        assert!(app::stock::ledger::check_order_reservations(&app.db).await.expect("check").is_empty());
        let (status, moved) = move_to(&app, &seller, id, done, "").await;
        assert_eq!(status, 200, "{moved}");
        let levels: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT location_id, on_hand, reserved FROM stock_level WHERE product_id = $1 ORDER BY location_id")
            .bind(item).fetch_all(&app.db.pool).await.expect("levels");
        assert!(levels.contains(&(shop, 0, 0)), "{levels:?}");
        // Two left at the warehouse, one of them still held by the pickup order.
        assert!(levels.contains(&(warehouse, 2000, 1000)), "{levels:?}");
        crate::stock::ledger_is_consistent(&app).await;
        app
    })
    .await;
}

/// "100.05" or "10" as kopecks.
fn kopecks(text: &str) -> i64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<2}");
    whole.parse::<i64>().expect("roubles") * 100 + frac[..2].parse::<i64>().expect("kopecks")
}

#[tokio::test]
async fn a_payment_goes_to_its_methods_fund_or_is_refused() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let item = product_with_stock(&app, &admin, "RULE-4", &[(shop, "5")]).await;
        let (seller, _) = app.sign_in("seller1").await;
        let order = create(&app, &seller, json!({"fulfilment": "pickup",
            "lines": [{"product_id": item, "location_id": shop, "qty": "1", "price": "300.00"}]})).await;
        let id = order["id"].as_i64().expect("id");
        let (_, funds) = app.server_fn(&admin, "funds/list", json!({})).await;
        let fund = |name: &str| funds.as_array().expect("funds").iter()
            .find(|f| f["name"] == name).cloned().expect("fund");
        assert_eq!(fund("Розничная выручка")["default_for"], json!(["cash", "card"]));
        assert_eq!(fund("Безналичные поступления")["default_for"], json!(["bank"]));

        let (accountant, _) = app.sign_in("accountant").await;
        for (method, expected) in [("cash", "Розничная выручка"), ("card", "Розничная выручка"), ("bank", "Безналичные поступления")] {
            let (status, p) = pay(&app, &accountant, json!({"direction": "in", "method": method, "amount": "1.00", "order_id": id})).await;
            assert_eq!(status, 200, "{p}");
            assert_eq!(p["fund"], expected, "{method}");
        }
        // Over REST too.
        let (status, p) = rest(&app, &accountant, "POST", "/api/v1/payments",
            Some(json!({"direction": "in", "method": "bank", "amount": "1.00", "order_id": id}))).await;
        assert_eq!(status, 201, "{p}");
        assert_eq!(p["fund"], "Безналичные поступления");
        // Bank transfers lose their default: such a payment is refused, never placed.
        let bank = fund("Безналичные поступления");
        let (status, saved) = app.server_fn(&admin, "funds/save", json!({"id": bank["id"], "name": bank["name"], "active": true, "default_for": []})).await;
        assert_eq!(status, 200, "{saved}");
        let (status, refused) = pay(&app, &accountant, json!({"direction": "in", "method": "bank", "amount": "1.00", "order_id": id})).await;
        assert_eq!(status, 422, "{refused}");
        assert_eq!(refused["field"], "fund");
        // A method has one default: giving card to another fund takes it from the first.
        let (status, _) = app.server_fn(&admin, "funds/save", json!({"id": bank["id"], "name": bank["name"], "active": true, "default_for": ["card", "bank"]})).await;
        assert_eq!(status, 200);
        let (_, funds) = app.server_fn(&admin, "funds/list", json!({})).await;
        let retail = funds.as_array().expect("funds").iter().find(|f| f["name"] == "Розничная выручка").cloned().expect("fund");
        assert_eq!(retail["default_for"], json!(["cash"]));
        // An archived fund can't be a default.
        let (status, _) = app.server_fn(&admin, "funds/save", json!({"id": bank["id"], "name": bank["name"], "active": false, "default_for": ["bank"]})).await;
        assert_eq!(status, 422);
        // A split: 10 % of what «Розничная выручка» receives goes on to a new «Резерв».
        let (status, reserve) = app.server_fn(&admin, "funds/save", json!({"id": null, "name": "Резерв", "active": true})).await;
        assert_eq!(status, 200, "{reserve}");
        let reserve_id = reserve["id"].as_i64().expect("fund");
        let split = |to: i64, bp: i64| json!({"id": retail["id"], "name": retail["name"], "active": true,
            "default_for": ["cash"], "splits": [{"to_fund_id": to, "share_bp": bp}]});
        for (to, bp) in [(retail["id"].as_i64().expect("id"), 1000), (reserve_id, 10_001), (reserve_id, 0), (999_999, 1000)] {
            let (status, refused) = app.server_fn(&admin, "funds/save", split(to, bp)).await;
            assert_eq!(status, 422, "{to} {bp}: {refused}");
        }
        let (status, saved) = app.server_fn(&admin, "funds/save", split(reserve_id, 1000)).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(saved["splits"], json!([{"to_fund_id": reserve_id, "to_fund": "Резерв", "share_bp": 1000}]));
        // 100.05 in cash: 10.005 is 10.00 for «Резерв» (the fund keeps the kopeck, its 90 %
        // having the same fraction and the larger share).
        let (status, p) = pay(&app, &accountant, json!({"direction": "in", "method": "cash", "amount": "100.05", "order_id": id})).await;
        assert_eq!(status, 200, "{p}");
        assert_eq!(p["fund"], "Розничная выручка");
        assert_eq!(p["parts"], json!([{"fund_id": reserve_id, "fund": "Резерв", "amount": "10"}]));
        let (_, listed) = app.server_fn(&accountant, "payments/list", json!({"order_id": id})).await;
        assert!(listed.as_array().expect("payments").iter().any(|x| x["parts"][0]["fund"] == "Резерв"), "{listed}");
        // Payments by fund: «Резерв» has the 10.00 (and no payment of its own); the
        // aggregates equal a rebuild.
        let report = || async {
            rest(&app, &admin, "GET", "/api/v1/reports/standard/payments_by_fund", None).await.1
        };
        let live = report().await;
        let row = live["rows"].as_array().expect("rows").iter().find(|r| r["fund"] == "Резерв").cloned().unwrap_or_else(|| panic!("«Резерв» row: {live}"));
        assert_eq!((row["in"].as_str(), row["payments"].as_i64()), (Some("10.00"), Some(0)), "{live}");
        app::reports::aggregates::rebuild(&app.db).await.expect("rebuild");
        assert_eq!(report().await, live);
        // A refund is not split.
        let (status, p) = pay(&app, &accountant, json!({"direction": "out", "method": "cash", "amount": "5.00", "order_id": id})).await;
        assert_eq!(status, 200, "{p}");
        assert_eq!(p["parts"], json!([]));
        // The constructor's payments by fund with shares agree with the standard report.
        let (status, state) = run_spec(&app, &admin, json!({"block": "fund_entries",
            "groups": [{"field": "fund.name"}, {"field": "direction"}],
            "measures": [{"func": "sum", "field": "amount"}],
            "filters": [{"field": "planned", "op": "eq", "value": "нет"}]})).await;
        assert_eq!(status, 200, "{state}");
        let built = rows(&state);
        let (_, standard) = rest(&app, &admin, "GET", "/api/v1/reports/standard/payments_by_fund?all_time=true", None).await;
        for row in standard["rows"].as_array().expect("rows") {
            for direction in ["in", "out"] {
                let amount = kopecks(row[direction].as_str().expect("amount"));
                if amount == 0 {
                    continue;
                }
                let fund = row["fund"].as_str().expect("fund");
                let found = built.iter().find(|r| r[0] == fund && r[1] == direction)
                    .unwrap_or_else(|| panic!("{fund} {direction} in {built:?}"));
                assert_eq!(kopecks(&found[2]), amount, "{fund} {direction}");
            }
        }
        assert!(built.iter().any(|r| r[0] == "Резерв" && r[2] == "10"), "{built:?}");
        app
    })
    .await;
}

#[tokio::test]
async fn a_mention_of_someone_who_cannot_see_the_order_is_refused_naming_them() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let item = product_with_stock(&app, &admin, "RULE-5", &[(shop, "5")]).await;
        let (seller, _) = app.sign_in("seller1").await;
        let order = create(
            &app,
            &seller,
            json!({"fulfilment": "pickup",
            "lines": [{"product_id": item, "location_id": shop, "qty": "1"}]}),
        )
        .await;
        let id = order["id"].as_i64().expect("id");
        // Autocompletion offers those who see the order: the director, not Kazan's seller.
        let (status, people) = app
            .server_fn(
                &seller,
                "comments/mentionable",
                json!({"record_kind": "order", "record_id": id}),
            )
            .await;
        assert_eq!(status, 200, "{people}");
        let logins: Vec<&str> = people
            .as_array()
            .expect("people")
            .iter()
            .filter_map(|p| p["login"].as_str())
            .collect();
        assert!(
            logins.contains(&"director") && logins.contains(&"admin"),
            "{logins:?}"
        );
        assert!(
            !logins.contains(&"seller3") && !logins.contains(&"seller1"),
            "{logins:?}"
        );
        // Typed by hand, the mention is refused and names who it is.
        let (status, refused) = app
            .server_fn(
                &seller,
                "comments/add",
                json!({"input": {"record_kind": "order", "record_id": id,
            "body": "@director и @seller3, посмотрите"}}),
            )
            .await;
        assert_eq!(status, 422, "{refused}");
        assert_eq!(refused["code"], "mention_cant_see");
        assert!(
            refused["names"].as_str().unwrap_or("").contains("@seller3"),
            "{refused}"
        );
        assert!(
            !refused["names"]
                .as_str()
                .unwrap_or("")
                .contains("@director"),
            "{refused}"
        );
        let (comments,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM comment")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
        assert_eq!(comments, 0, "nothing was posted");
        let (status, _) = app
            .server_fn(
                &seller,
                "comments/add",
                json!({"input": {"record_kind": "order", "record_id": id,
            "body": "@director, посмотрите"}}),
            )
            .await;
        assert_eq!(status, 200);
        // Kazan's seller may not even ask who can see a Moscow order.
        let (seller3, _) = app.sign_in("seller3").await;
        let (status, _) = app
            .server_fn(
                &seller3,
                "comments/mentionable",
                json!({"record_kind": "order", "record_id": id}),
            )
            .await;
        assert_eq!(status, 403);
        app
    })
    .await;
}

#[tokio::test]
async fn reports_say_their_period_and_all_time_is_a_choice() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (status, month) = rest(
            &app,
            &admin,
            "GET",
            "/api/v1/reports/standard/payments_by_fund",
            None,
        )
        .await;
        assert_eq!(status, 200, "{month}");
        let from = month["period"]["from"].as_str().expect("from").to_string();
        let to = month["period"]["to"].as_str().expect("to").to_string();
        assert!(from.ends_with("-01") && from <= to, "{from} .. {to}");
        let (status, all) = rest(
            &app,
            &admin,
            "GET",
            "/api/v1/reports/standard/payments_by_fund?all_time=true",
            None,
        )
        .await;
        assert_eq!(status, 200, "{all}");
        assert!(all["period"]["from"].as_str().expect("from") < from.as_str());
        let (_, receivables) = rest(
            &app,
            &admin,
            "GET",
            "/api/v1/reports/standard/receivables",
            None,
        )
        .await;
        assert!(
            receivables["period"].is_null(),
            "a report without a period says none"
        );
        app
    })
    .await;
}

/// `day` at `hh:mm` local in a zone `hours` east of UTC, as UTC ms.
fn local_instant(day: &str, hh: i64, mm: i64, hours: i64) -> i64 {
    let d = app::time::parse_day(day).expect("day");
    d * 86_400_000 + (hh * 60 + mm) * 60_000 - hours * 3_600_000
}

#[tokio::test]
async fn numbers_and_report_days_follow_each_shops_calendar_at_new_year() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let nsk = location_id(&app, "Красный проспект").await;
        let item = product_with_stock(&app, &admin, "RULE-6", &[(moscow, "10"), (nsk, "10")]).await;
        let (accountant, _) = app.sign_in("accountant").await;
        for (shop, seller, hours) in [(moscow, "seller1", 3), (nsk, "seller5", 7)] {
            let (seller, _) = app.sign_in(seller).await;
            for (day, hh, year) in [("2026-12-31", 23, "2026-"), ("2027-01-01", 1, "2027-")] {
                app.db.set_clock(local_instant(day, hh, 30, hours));
                let order = create(&app, &seller, json!({"fulfilment": "pickup",
                    "lines": [{"product_id": item, "location_id": shop, "qty": "1", "price": "100.00"}]})).await;
                let number = order["number"].as_str().expect("number");
                assert!(number.starts_with(year), "{number} at {hh}:30 on {day}, UTC+{hours}");
                let (status, _) = pay(&app, &accountant, json!({"direction": "in", "method": "cash", "amount": "100.00",
                    "order_id": order["id"]})).await;
                assert_eq!(status, 200);
                let (local_day,): (i64,) = sqlx::query_as("SELECT local_day FROM orders WHERE id = $1")
                    .bind(order["id"].as_i64().expect("id")).fetch_one(&app.db.pool).await.expect("day");
                assert_eq!(app::time::day_text(local_day), day);
            }
        }
        app.db.set_clock(app::db::now_ms());
        // The holds are placed by the real clock: put them at their orders' instants, so
        // the constructor reads a date with no stored local day (a hold's, on its
        // location's calendar).
        sqlx::query("UPDATE reservation SET created_at = (SELECT o.created_at FROM orders o WHERE o.id = reservation.order_id) \
                     WHERE product_id = $1")
            .bind(item).execute(&app.db.pool).await.expect("holds placed");
        let by_day = |block: &'static str, field: &'static str, filters: Value| {
            let (app, admin) = (&app, &admin);
            async move {
                let (status, state) = run_spec(app, admin, json!({"block": block,
                    "from": "2026-12-31", "to": "2027-01-01",
                    "groups": [{"field": field}], "measures": [{"func": "count"}],
                    "filters": filters})).await;
                assert_eq!(status, 200, "{state}");
                rows(&state).into_iter()
                    .map(|r| (app::time::day_text(r[0].parse().expect("day")), r[1].clone()))
                    .collect::<Vec<_>>()
            }
        };
        let two_each = vec![("2026-12-31".to_string(), "2".to_string()), ("2027-01-01".to_string(), "2".to_string())];
        assert_eq!(by_day("orders", "created_at", json!([])).await, two_each, "orders by their local day");
        assert_eq!(by_day("payments", "paid_at", json!([])).await, two_each, "payments");
        assert_eq!(by_day("order_lines", "order.created_at", json!([])).await, two_each, "lines");
        let holds = json!([{"field": "product.sku", "op": "eq", "value": "RULE-6"}]);
        assert_eq!(by_day("reservations", "created_at", holds.clone()).await, two_each, "holds");
        // A date filter is a local day too; the month of 01:30 on 1 January is January.
        let (_, state) = run_spec(&app, &admin, json!({"block": "reservations",
            "groups": [{"field": "created_at", "bucket": "month"}], "measures": [{"func": "count"}],
            "filters": [{"field": "product.sku", "op": "eq", "value": "RULE-6"},
                        {"field": "created_at", "op": "eq", "value": "2027-01-01"}]})).await;
        assert_eq!(rows(&state), vec![vec![(2027 * 12).to_string(), "2".to_string()]]);
        // Each shop's 01:30 on 1 January is in 1 January, though in UTC both are still
        // 31 December (22:30 and 18:30); the aggregates and a rebuild agree.
        for _ in 0..2 {
            for (day, orders) in [("2026-12-31", 2), ("2027-01-01", 2)] {
                let path = format!("/api/v1/reports/standard/sales?by=day&from={day}&to={day}");
                let (status, sales) = rest(&app, &admin, "GET", &path, None).await;
                assert_eq!(status, 200, "{sales}");
                assert_eq!(sales["rows"].as_array().map(Vec::len), Some(1), "{sales}");
                assert_eq!(sales["rows"][0]["day"], day);
                assert_eq!(sales["rows"][0]["orders"], orders, "{day}: {sales}");
                let path = format!("/api/v1/reports/standard/payments_by_fund?from={day}&to={day}");
                let (_, pay) = rest(&app, &admin, "GET", &path, None).await;
                assert_eq!(pay["totals"]["in"], "200.00", "{day}: {pay}");
            }
            app::reports::aggregates::rebuild(&app.db).await.expect("rebuild");
        }
        // Moving Novosibirsk to Moscow time moves its 01:30 back into 31 December.
        let (_, loc) = rest(&app, &admin, "GET", &format!("/api/v1/locations/{nsk}"), None).await;
        let degrees = |v: &Value| format!("{:.6}", v.as_i64().expect("micro-degrees") as f64 / 1e6);
        let form = json!({"name": loc["name"], "kind": loc["kind"], "city": loc["city"], "address": loc["address"],
            "lat": degrees(&loc["lat"]), "lon": degrees(&loc["lon"]), "time_zone": "Europe/Moscow"});
        let (status, saved) = app.server_fn(&admin, "org/locations/save", json!({"id": nsk, "form": form})).await;
        assert_eq!(status, 200, "{saved}");
        let (_, sales) = rest(&app, &admin, "GET", "/api/v1/reports/standard/sales?by=day&from=2026-12-31&to=2026-12-31", None).await;
        assert_eq!(sales["rows"][0]["orders"], 3, "{sales}");
        let moved = vec![("2026-12-31".to_string(), "3".to_string()), ("2027-01-01".to_string(), "1".to_string())];
        assert_eq!(by_day("orders", "created_at", json!([])).await, moved);
        assert_eq!(by_day("reservations", "created_at", holds).await, moved, "holds on the new calendar");
        // A zone the database does not know is refused.
        let mut bad = form.clone();
        bad["time_zone"] = json!("Mars/Olympus");
        let (status, refused) = app.server_fn(&admin, "org/locations/save", json!({"id": nsk, "form": bad})).await;
        assert_eq!(status, 422, "{refused}");
        assert_eq!(refused["field"], "time_zone");
        app
    })
    .await;
}
