//! Reports on both databases: every standard report against figures computed by hand
//! on fixed orders and payments; the constructor reproducing them; the aggregates kept
//! incrementally equal to a rebuild from scratch; row security for a manager; field
//! names and filter values that try to inject SQL refused; saved reports shared with
//! roles, run over REST as JSON, CSV and XLSX; background runs with progress.

use crate::helpers::{on_each_backend, TestApp};
use crate::stock::{location_id, product_with_stock};
use serde_json::{json, Value};

async fn stage(app: &TestApp, client: &reqwest::Client, name: &str) -> i64 {
    let (_, list) = app
        .server_fn(client, "processes/list", json!({"kind": "order"}))
        .await;
    list[0]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["id"].as_i64())
        .expect("stage")
}

async fn get_json(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, Value) {
    let res = client.get(app.url(path)).send().await.expect("get");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A standard report's rows as (first column, the named column) pairs.
fn pairs(report: &Value, key: &str, col: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let text = |v: &Value| match v {
                Value::String(s) => s.clone(),
                Value::Null => "—".into(),
                other => other.to_string(),
            };
            (text(&r[key]), text(&r[col]))
        })
        .collect();
    out.sort();
    out
}

struct Fixture {
    client_a: i64,
    fund: i64,
    refunds: i64,
}

/// Seller 1 (Moscow, «Тверская») sells client A 2 drills (9 980.00, cost 6 200.00) and a
/// third that is cancelled; seller 3 (Kazan, «Баумана») sells client B one (4 990.00,
/// cost 3 100.00). A pays 5 000.00 and gets 200.00 back; B pays 4 990.00.
async fn fixture(app: &TestApp) -> Fixture {
    let (admin, _) = app.sign_in("admin").await;
    let moscow = location_id(app, "Тверская").await;
    let kazan = location_id(app, "Баумана").await;
    let drill = product_with_stock(app, &admin, "REP-1", &[(moscow, "5"), (kazan, "5")]).await;
    let (seller1, _) = app.sign_in("seller1").await;
    let (seller3, _) = app.sign_in("seller3").await;
    let mut clients = Vec::new();
    for (who, name) in [(&seller1, "Клиент А"), (&seller3, "Клиент Б")] {
        let (_, c) = app
            .server_fn(
                who,
                "clients/save",
                json!({"id": null, "input": {"name": name, "phones": []}}),
            )
            .await;
        clients.push(c["id"].as_i64().expect("client"));
    }
    let order = |client: i64, shop: i64, qty: &str| {
        json!({"input": {"client_id": client, "fulfilment": "pickup",
            "lines": [{"product_id": drill, "location_id": shop, "qty": qty}]}})
    };
    let (s, o1) = app
        .server_fn(&seller1, "orders/create", order(clients[0], moscow, "2"))
        .await;
    assert_eq!(s, 200, "{o1}");
    let (s, o2) = app
        .server_fn(&seller3, "orders/create", order(clients[1], kazan, "1"))
        .await;
    assert_eq!(s, 200, "{o2}");
    let (s, o3) = app
        .server_fn(&seller1, "orders/create", order(clients[0], moscow, "1"))
        .await;
    assert_eq!(s, 200, "{o3}");
    let cancelled = stage(app, &seller1, "Отменён").await;
    let (s, moved) = app
        .server_fn(
            &seller1,
            "orders/move",
            json!({"id": o3["id"], "stage_id": cancelled}),
        )
        .await;
    assert_eq!(s, 200, "{moved}");
    let (accountant, _) = app.sign_in("accountant").await;
    let (_, funds) = app.server_fn(&accountant, "funds/list", json!({})).await;
    let fund = funds[0]["id"].as_i64().expect("fund");
    let (_, refunds) = app
        .server_fn(
            &admin,
            "funds/save",
            json!({"id": null, "name": "Возвраты за брак", "active": true}),
        )
        .await;
    let refunds = refunds["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("refund fund: {refunds}"));
    for (order, direction, amount, fund) in [
        (&o1, "in", "5000.00", fund),
        (&o1, "out", "200.00", refunds),
        (&o2, "in", "4990.00", fund),
    ] {
        let (s, p) = app
            .server_fn(
                &accountant,
                "payments/record",
                json!({"input": {"direction": direction, "method": "card",
                "amount": amount, "fund_id": fund, "order_id": order["id"]}}),
            )
            .await;
        assert_eq!(s, 200, "{p}");
    }
    Fixture {
        client_a: clients[0],
        fund,
        refunds,
    }
}

#[tokio::test]
async fn standard_reports_match_figures_computed_by_hand() {
    on_each_backend(|app| async move {
        let f = fixture(&app).await;
        let (director, _) = app.sign_in("director").await;
        let std = |name: &str, query: &str| format!("/api/v1/reports/standard/{name}?{query}");

        let (s, r) = get_json(&app, &director, &std("receivables", "")).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            pairs(&r, "client", "obligations"),
            vec![
                ("Клиент А".into(), "9980.00".into()),
                ("Клиент Б".into(), "4990.00".into())
            ]
        );
        assert_eq!(
            pairs(&r, "client", "paid"),
            vec![
                ("Клиент А".into(), "4800.00".into()),
                ("Клиент Б".into(), "4990.00".into())
            ]
        );
        assert_eq!(
            pairs(&r, "client", "balance"),
            vec![
                ("Клиент А".into(), "-5180.00".into()),
                ("Клиент Б".into(), "0.00".into())
            ]
        );
        assert_eq!(
            pairs(&r, "client", "due_0_30"),
            vec![
                ("Клиент А".into(), "5180.00".into()),
                ("Клиент Б".into(), "0.00".into())
            ]
        );
        assert_eq!(
            pairs(&r, "client", "due_90"),
            vec![
                ("Клиент А".into(), "0.00".into()),
                ("Клиент Б".into(), "0.00".into())
            ]
        );
        assert_eq!(r["totals"]["due"], "5180.00");

        let (_, r) = get_json(&app, &director, &std("payments_by_fund", "")).await;
        assert_eq!(r["rows"].as_array().map(Vec::len), Some(2), "{r}");
        let outs = pairs(&r, "fund", "out");
        assert!(
            outs.contains(&("Возвраты за брак".into(), "200.00".into())),
            "{outs:?}"
        );
        assert!(!fund_name(&r, 9990).is_empty(), "{r}");
        assert_eq!(r["totals"]["in"], "9990.00");
        assert_eq!(r["totals"]["out"], "200.00");
        assert_eq!(r["totals"]["net"], "9790.00");
        let _ = (f.fund, f.refunds);

        let (_, r) = get_json(&app, &director, &std("payments_by_process", "")).await;
        assert_eq!(
            pairs(&r, "process", "net"),
            vec![("Розничный заказ".into(), "9790.00".into())]
        );
        assert_eq!(r["rows"][0]["payments"], 3);

        let (_, r) = get_json(&app, &director, &std("payments_by_manager", "")).await;
        let names: Vec<(String, String)> = pairs(&r, "manager", "net");
        assert_eq!(names.len(), 2, "{r}");
        assert!(
            names.iter().any(|(_, v)| v == "4800.00") && names.iter().any(|(_, v)| v == "4990.00"),
            "{names:?}"
        );

        let (_, r) = get_json(
            &app,
            &director,
            &std("payments_by_client", "per_manager=true"),
        )
        .await;
        assert_eq!(
            pairs(&r, "client", "in"),
            vec![
                ("Клиент А".into(), "5000.00".into()),
                ("Клиент Б".into(), "4990.00".into())
            ]
        );
        assert_eq!(
            pairs(&r, "client", "out"),
            vec![
                ("Клиент А".into(), "200.00".into()),
                ("Клиент Б".into(), "0.00".into())
            ]
        );
        assert!(r["rows"][0]["manager"].is_string(), "{r}");

        let (_, r) = get_json(&app, &director, &std("balance", "")).await;
        assert_eq!(
            pairs(&r, "client", "margin"),
            vec![
                ("Клиент А".into(), "3780.00".into()),
                ("Клиент Б".into(), "1890.00".into())
            ]
        );
        assert_eq!(
            pairs(&r, "client", "margin_pct"),
            vec![
                ("Клиент А".into(), "37.87".into()),
                ("Клиент Б".into(), "37.87".into())
            ]
        );
        assert_eq!(
            pairs(&r, "client", "outstanding"),
            vec![
                ("Клиент А".into(), "5180.00".into()),
                ("Клиент Б".into(), "0.00".into())
            ]
        );
        assert_eq!(
            pairs(&r, "client", "orders"),
            vec![
                ("Клиент А".into(), "1".into()),
                ("Клиент Б".into(), "1".into())
            ]
        );

        let (_, r) = get_json(&app, &director, &std("sales", "by=shop")).await;
        assert_eq!(
            pairs(&r, "shop", "revenue"),
            vec![
                ("Магазин «Баумана»".into(), "4990.00".into()),
                ("Магазин «Тверская»".into(), "9980.00".into())
            ]
        );
        assert_eq!(
            pairs(&r, "shop", "margin"),
            vec![
                ("Магазин «Баумана»".into(), "1890.00".into()),
                ("Магазин «Тверская»".into(), "3780.00".into())
            ]
        );
        assert_eq!(r["totals"]["cost"], "9300.00");
        assert_eq!(r["totals"]["margin_pct"], "37.87");
        let (_, r) = get_json(&app, &director, &std("sales", "by=product")).await;
        assert_eq!(r["rows"][0]["qty"], "3", "{r}");
        assert_eq!(r["rows"][0]["revenue"], "14970.00");
        let (_, r) = get_json(&app, &director, &std("sales", "by=category")).await;
        assert_eq!(r["totals"]["revenue"], "14970.00");
        let (_, r) = get_json(&app, &director, &std("sales", "by=day")).await;
        assert_eq!(r["rows"].as_array().map(Vec::len), Some(1));
        assert_eq!(r["rows"][0]["revenue"], "14970.00");
        let (_, r) = get_json(&app, &director, &std("sales", "by=manager")).await;
        assert_eq!(r["rows"].as_array().map(Vec::len), Some(2));
        // A period before anything happened is empty, not an error.
        let (s, r) = get_json(
            &app,
            &director,
            &std("sales", "by=shop&from=2020-01-01&to=2020-03-31"),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(r["rows"], json!([]));
        // Bad parameters are refused with the field.
        let (s, r) = get_json(&app, &director, &std("sales", "from=2026-13-01")).await;
        assert_eq!(s, 422, "{r}");
        assert_eq!(r["error"]["field"], "period", "{r}");
        let (s, _) = get_json(&app, &director, &std("no_such_report", "")).await;
        assert_eq!(s, 404);

        // CSV and XLSX of the same report.
        let res = director
            .get(app.url(&std("sales", "by=shop&format=csv&lang=ru")))
            .send()
            .await
            .expect("csv");
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv"));
        let csv = res.text().await.expect("text");
        assert!(csv.contains("Магазин;Заказов;Строк;Выручка"), "{csv}");
        assert!(
            csv.contains("Магазин «Тверская»;1;1;9980.00;6200.00;3780.00;37.87"),
            "{csv}"
        );
        let res = director
            .get(app.url(&std("balance", "format=xlsx")))
            .send()
            .await
            .expect("xlsx");
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.expect("bytes");
        assert_eq!(&bytes[..2], b"PK");

        // The aggregates written move by move equal a rebuild from the base tables.
        let incremental = app::reports::aggregates::snapshot(&app.db)
            .await
            .expect("snapshot");
        app::reports::aggregates::rebuild(&app.db)
            .await
            .expect("rebuild");
        let rebuilt = app::reports::aggregates::snapshot(&app.db)
            .await
            .expect("snapshot");
        assert_eq!(incremental, rebuilt);
        assert!(!incremental.is_empty());
        let _ = f.client_a;
        app
    })
    .await;
}

/// The name of the fund whose `in` is `kopecks` / 100 in a payments-by-fund report.
fn fund_name(report: &Value, roubles: i64) -> String {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["in"] == format!("{roubles}.00"))
        .and_then(|r| r["fund"].as_str())
        .unwrap_or("")
        .to_string()
}

pub(crate) async fn run_spec(app: &TestApp, client: &reqwest::Client, spec: Value) -> (u16, Value) {
    let (s, id) = app
        .server_fn(
            client,
            "reports/start",
            json!({"spec": spec, "id": null, "params": {}}),
        )
        .await;
    if s != 200 {
        return (s, id);
    }
    for _ in 0..200 {
        let (s, state) = app
            .server_fn(client, "reports/status", json!({"run": id}))
            .await;
        assert_eq!(s, 200, "{state}");
        if state["state"] != "running" {
            return (200, state);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the run did not end");
}

/// Rows of a finished run as text.
pub(crate) fn rows(state: &Value) -> Vec<Vec<String>> {
    assert_eq!(state["state"], "done", "{state}");
    let mut out: Vec<Vec<String>> = state["table"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            r.as_array()
                .expect("row")
                .iter()
                .map(|v| match &v["v"] {
                    Value::String(s) => s.clone(),
                    Value::Null => "—".into(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn the_constructor_reproduces_the_standard_reports_and_refuses_injection() {
    on_each_backend(|app| async move {
        fixture(&app).await;
        let (admin, _) = app.sign_in("admin").await;
        let today = chrono_like_today();
        // Sales and margin by shop = the standard report.
        let (s, state) = run_spec(&app, &admin, json!({
            "block": "order_lines",
            "groups": [{"field": "order.shop.name"}],
            "measures": [{"func": "sum", "field": "amount"}, {"func": "margin"}],
            "filters": [{"field": "order.stage.kind", "op": "ne", "value": "cancelled"}],
        })).await;
        assert_eq!(s, 200, "{state}");
        assert_eq!(rows(&state), vec![
            vec!["Магазин «Баумана»".to_string(), "4990".into(), "1890".into()],
            vec!["Магазин «Тверская»".to_string(), "9980".into(), "3780".into()],
        ]);
        // Payments by fund, month by month (a period: run in pieces, merged).
        let (_, state) = run_spec(&app, &admin, json!({
            "block": "payments",
            "from": "2020-01-01", "to": today,
            "groups": [{"field": "fund.name"}, {"field": "direction"}],
            "measures": [{"func": "sum", "field": "amount"}, {"func": "count"}],
        })).await;
        let r = rows(&state);
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(r.contains(&vec!["Возвраты за брак".to_string(), "out".into(), "200".into(), "1".into()]), "{r:?}");
        assert!(r.iter().any(|row| row[1] == "in" && row[2] == "9990" && row[3] == "2"), "{r:?}");
        assert_eq!(state["table"]["totals"][2]["v"], "10190");
        // Obligations per client (the receivables' first figure), month buckets.
        let (_, state) = run_spec(&app, &admin, json!({
            "block": "orders",
            "groups": [{"field": "client.name"}, {"field": "created_at", "bucket": "month"}],
            "measures": [{"func": "sum", "field": "total"}, {"func": "distinct", "field": "id"}],
            "filters": [{"field": "stage.kind", "op": "ne", "value": "cancelled"}],
        })).await;
        let r = rows(&state);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0][0], "Клиент А");
        assert_eq!(r[0][2], "9980");
        assert_eq!(r[1][2], "4990");

        // Typed filters: money, dates (a day is the whole day), yes/no.
        for (field, op, value, count) in [
            ("amount", "ge", "4990", "2"),
            ("amount", "gt", "4990", "1"),
            ("amount", "le", "200", "1"),
            ("amount", "lt", "200", "0"),
            ("amount", "in", "200, 5000", "2"),
            ("paid_at", "eq", today.as_str(), "3"),
            ("paid_at", "gt", today.as_str(), "0"),
            ("paid_at", "le", today.as_str(), "3"),
            ("planned", "eq", "нет", "3"),
            ("order.shop.name", "contains", "тверская", "0"),
            ("order.shop.name", "contains", "Тверская", "2"),
        ] {
            let (_, state) = run_spec(&app, &admin, json!({
                "block": "payments", "measures": [{"func": "count"}],
                "groups": [{"field": "direction"}],
                "filters": [{"field": field, "op": op, "value": value}],
            })).await;
            assert_eq!(state["state"], "done", "{state}");
            let total = &state["table"]["totals"][1]["v"];
            let total = if total.is_null() { "0".to_string() } else { total.to_string() };
            assert_eq!(total, count, "{field} {op} {value}: {state}");
        }

        // Injection through names and values: refused, or bound as plain values.
        for (spec, field) in [
            (json!({"block": "payments; DROP TABLE payment", "measures": [{"func": "count"}]}), "report"),
            (json!({"block": "payments", "groups": [{"field": "amount; DROP TABLE payment"}], "measures": [{"func": "count"}]}), "report_field"),
            (json!({"block": "payments", "groups": [{"field": "author.password_hash"}], "measures": [{"func": "count"}]}), "report_field"),
            (json!({"block": "payments", "groups": [{"field": "fund.name"}], "measures": [{"func": "sum) FROM employee --", "field": "amount"}]}), "measure"),
            (json!({"block": "payments", "measures": [{"func": "count"}], "filters": [{"field": "id", "op": "eq", "value": "1 OR 1=1"}]}), "filter"),
            (json!({"block": "payments", "measures": [{"func": "count"}], "filters": [{"field": "amount", "op": "= 0 OR 1=1 --", "value": "1"}]}), "filter"),
            (json!({"block": "payments", "groups": [{"field": "amount", "bucket": "month"}], "measures": [{"func": "count"}]}), "report_field"),
            (json!({"block": "payments", "measures": [{"func": "count"}], "sort": [{"column": 7}]}), "report_field"),
        ] {
            let (s, e) = app.server_fn(&admin, "reports/start", json!({"spec": spec, "id": null, "params": {}})).await;
            assert_eq!(s, 422, "{spec}: {e}");
            assert_eq!(e["field"], field, "{spec}");
        }
        let (_, state) = run_spec(&app, &admin, json!({
            "block": "clients",
            "fields": ["name"],
            "filters": [{"field": "name", "op": "eq", "value": "x' OR '1'='1"}],
        })).await;
        assert_eq!(rows(&state), Vec::<Vec<String>>::new());
        let (_, state) = run_spec(&app, &admin, json!({
            "block": "clients",
            "fields": ["name"],
            "filters": [{"field": "name", "op": "contains", "value": "%"}],
        })).await;
        assert_eq!(rows(&state), Vec::<Vec<String>>::new(), "% is a character, not a wildcard");
        let (tables,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM payment")
            .fetch_one(&app.db.pool)
            .await
            .expect("payments still there");
        assert_eq!(tables, 3);

        // Someone else's run is not visible; cancelling ends a run.
        let (s, id) = app
            .server_fn(&admin, "reports/start", json!({"spec": {"block": "stock_moves", "from": "2000-01-01", "to": today,
                "groups": [{"field": "created_at", "bucket": "day"}], "measures": [{"func": "sum", "field": "qty"}]}, "id": null, "params": {}}))
            .await;
        assert_eq!(s, 200, "{id}");
        let (director, _) = app.sign_in("director").await;
        let (s, _) = app.server_fn(&director, "reports/status", json!({"run": id})).await;
        assert_eq!(s, 404);
        let (s, _) = app.server_fn(&admin, "reports/cancel", json!({"run": id})).await;
        assert_eq!(s, 200);
        let (_, state) = app.server_fn(&admin, "reports/status", json!({"run": id})).await;
        assert!(state["state"] == "cancelled" || state["state"] == "done", "{state}");
        // Managers don't build reports.
        let (seller1, _) = app.sign_in("seller1").await;
        let (s, _) = app
            .server_fn(&seller1, "reports/start", json!({"spec": {"block": "payments", "measures": [{"func": "count"}]}, "id": null, "params": {}}))
            .await;
        assert_eq!(s, 403);
        app
    })
    .await;
}

/// Today as `YYYY-MM-DD` (UTC).
/// Today in Moscow, the fixture shops' (the company's) zone.
fn chrono_like_today() -> String {
    let zone = app::time::zones::named("Europe/Moscow").expect("zone");
    app::time::day_text(zone.today())
}

#[tokio::test]
async fn a_manager_sees_only_their_shops_in_every_report() {
    on_each_backend(|app| async move {
        fixture(&app).await;
        let (admin, _) = app.sign_in("admin").await;
        let (seller1, _) = app.sign_in("seller1").await;
        let std = |name: &str, query: &str| format!("/api/v1/reports/standard/{name}?{query}");
        let (_, r) = get_json(&app, &seller1, &std("receivables", "")).await;
        assert_eq!(pairs(&r, "client", "obligations"), vec![("Клиент А".into(), "9980.00".into())]);
        let (_, r) = get_json(&app, &seller1, &std("sales", "by=shop")).await;
        assert_eq!(pairs(&r, "shop", "revenue"), vec![("Магазин «Тверская»".into(), "9980.00".into())]);
        let (_, r) = get_json(&app, &seller1, &std("payments_by_client", "")).await;
        assert_eq!(pairs(&r, "client", "in"), vec![("Клиент А".into(), "5000.00".into())]);
        let (_, r) = get_json(&app, &seller1, &std("payments_by_fund", "")).await;
        assert_eq!(r["totals"]["in"], "5000.00");
        let kazan = location_id(&app, "Баумана").await;
        let (s, _) = get_json(&app, &seller1, &std("sales", &format!("by=shop&shop_id={kazan}"))).await;
        assert_eq!(s, 403);
        // Storekeepers have no reports.
        let (storekeeper, _) = app.sign_in("storekeeper1").await;
        let (s, _) = get_json(&app, &storekeeper, &std("sales", "")).await;
        assert_eq!(s, 403);

        // Saved reports shared with managers: whatever blocks, relations and filters they
        // combine, a manager's run reads only their shops.
        let specs = [
            json!({"block": "order_lines", "groups": [{"field": "order.shop.name"}], "measures": [{"func": "sum", "field": "amount"}]}),
            json!({"block": "payments", "fields": ["amount", "order.number", "order.shop.name", "client.name"]}),
            json!({"block": "payments", "groups": [{"field": "client.name"}], "measures": [{"func": "sum", "field": "amount"}],
                   "filters": [{"field": "order.shop.name", "op": "contains", "value": "Баумана"}]}),
            json!({"block": "orders", "fields": ["number", "total", "shop.name"]}),
            json!({"block": "reservations", "fields": ["qty", "order.number", "order.total", "order.shop.name"]}),
            json!({"block": "tasks", "fields": ["title", "order.number"]}),
        ];
        for (i, spec) in specs.iter().enumerate() {
            let (s, saved) = app
                .server_fn(&admin, "reports/save", json!({"id": null, "name": format!("Отчёт {i}"), "spec": spec, "roles": ["manager"]}))
                .await;
            assert_eq!(s, 200, "{saved}");
            let id = saved["id"].as_i64().expect("id");
            let (s, all) = get_json(&app, &admin, &format!("/api/v1/reports/{id}/run")).await;
            assert_eq!(s, 200, "{all}");
            let (s, mine) = get_json(&app, &seller1, &format!("/api/v1/reports/{id}/run")).await;
            assert_eq!(s, 200, "{mine}");
            let text = mine["rows"].to_string();
            // Kazan's shop and its order (the second, -000002) never appear.
            assert!(!text.contains("Баумана") && !text.contains("-000002"), "report {i}: {text}");
            if i == 0 || i == 3 {
                assert!(text.contains("Тверская"), "report {i}: {text}");
                assert!(all["rows"].to_string().contains("Баумана"), "report {i}: {all}");
            }
            if i == 2 {
                assert_eq!(mine["rows"], json!([]));
            }
        }
        // Not shared with accountants: 403 for them; the list shows what one may open.
        let (accountant, _) = app.sign_in("accountant").await;
        let (s, list) = get_json(&app, &accountant, "/api/v1/reports").await;
        assert_eq!(s, 200);
        assert_eq!(list, json!([]));
        let (_, list) = get_json(&app, &seller1, "/api/v1/reports").await;
        let first = list[0]["id"].as_i64().expect("shared");
        let (s, _) = get_json(&app, &accountant, &format!("/api/v1/reports/{first}/run")).await;
        assert_eq!(s, 403);
        // Names are unique; pins are per person.
        let (s, e) = app
            .server_fn(&admin, "reports/save", json!({"id": null, "name": "Отчёт 0", "spec": specs[0], "roles": []}))
            .await;
        assert_eq!(s, 409, "{e}");
        let (s, _) = app.server_fn(&seller1, "reports/pin", json!({"id": first, "pinned": true})).await;
        assert_eq!(s, 200);
        let (_, list) = get_json(&app, &seller1, "/api/v1/reports").await;
        assert_eq!(list[0]["pinned"], true);
        let (_, list) = get_json(&app, &admin, "/api/v1/reports").await;
        assert!(list.as_array().expect("list").iter().all(|r| r["pinned"] == false));
        // CSV of a saved report.
        let res = seller1
            .get(app.url(&format!("/api/v1/reports/{first}/run?format=csv&lang=en")))
            .send()
            .await
            .expect("csv");
        assert_eq!(res.status(), 200);
        let csv = res.text().await.expect("text");
        assert!(csv.starts_with("\u{feff}"), "{csv}");
        app
    })
    .await;
}
