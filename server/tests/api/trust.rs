//! A second writer and an attacker, on both databases: concurrent payments, edits and
//! stage moves of one order keep the report aggregates equal to a rebuild; parallel
//! wrong passwords can't pass the login limit, and the owner elsewhere is not locked
//! out; hostile text and numbers are 422, never a 500, and every report still answers.

use crate::helpers::{on_each_backend, TestApp};
use crate::scope::{moscow_order, rest};
use crate::stock::{location_id, product_with_stock};
use serde_json::{json, Value};

async fn stage_id(app: &TestApp, order: i64, name: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT s.id FROM stage s JOIN orders o ON o.process_id = s.process_id WHERE o.id = $1 AND s.name = $2",
    )
    .bind(order)
    .bind(name)
    .fetch_one(&app.db.pool)
    .await
    .expect("stage");
    id
}

#[tokio::test]
async fn concurrent_payments_edits_and_moves_of_one_order_keep_the_aggregates_exact() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let drill = product_with_stock(&app, &admin, "RACE-1", &[(moscow, "50")]).await;
        let (seller1, _) = app.sign_in("seller1").await;
        let (order, _) = moscow_order(&app, &seller1, drill).await;
        let (_, funds) = app.server_fn(&admin, "funds/list", json!({})).await;
        let fund = funds[0]["id"].as_i64().expect("fund");
        let (new, confirmed, cancelled) = (
            stage_id(&app, order, "Новый").await,
            stage_id(&app, order, "Подтверждён").await,
            stage_id(&app, order, "Отменён").await,
        );

        let payments = (0..20).map(|_| {
            let (app, seller1) = (&app, &seller1);
            async move {
                let body = json!({"direction": "in", "method": "cash", "amount": "10.00", "fund_id": fund, "order_id": order});
                rest(app, seller1, "POST", "/api/v1/payments", Some(body)).await.0
            }
        });
        let mover = async {
            let mut answers = Vec::new();
            for _ in 0..3 {
                for to in [confirmed, cancelled, new] {
                    let (status, body) = app
                        .server_fn(&admin, "orders/move", json!({"id": order, "stage_id": to}))
                        .await;
                    answers.push((status, body));
                }
            }
            answers
        };
        let editor = async {
            let mut answers = Vec::new();
            for qty in ["2", "1", "3"] {
                let input = json!({"fulfilment": "pickup", "lines": [{"product_id": drill, "location_id": moscow, "qty": qty}]});
                answers.push(rest(&app, &seller1, "PUT", &format!("/api/v1/orders/{order}"), Some(input)).await);
            }
            answers
        };
        let (paid, moves, edits) = tokio::join!(futures::future::join_all(payments), mover, editor);
        assert!(paid.iter().all(|s| *s == 201), "payments: {paid:?}");
        for (status, body) in &moves {
            assert_eq!(*status, 200, "a move: {body}");
        }
        for (status, body) in &edits {
            // An edit that meets the cancelled stage is refused (409); never a 5xx.
            assert!(*status == 200 || *status == 409, "an edit: {status} {body}");
        }

        let (status, card) = app.server_fn(&seller1, "orders/get", json!({"id": order})).await;
        assert_eq!(status, 200);
        assert_eq!(card["paid"], "200", "{card}");
        let incremental = app::reports::aggregates::snapshot(&app.db).await.expect("snapshot");
        app::reports::aggregates::rebuild(&app.db).await.expect("rebuild");
        let rebuilt = app::reports::aggregates::snapshot(&app.db).await.expect("snapshot");
        assert_eq!(incremental, rebuilt, "incremental aggregates drifted from a rebuild");
        // Payments by fund read the aggregates: its "in" is exactly the SQL over payments.
        let (sum,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payment WHERE direction = 'in' AND planned = 0",
        )
        .fetch_one(&app.db.pool)
        .await
        .expect("sum");
        let (status, report) = rest(&app, &admin, "GET", "/api/v1/reports/standard/payments_by_fund", None).await;
        assert_eq!(status, 200, "{report}");
        let report_in: i64 = report["totals"]
            .as_object()
            .and_then(|t| t.get("in"))
            .and_then(Value::as_str)
            .and_then(|v| app::quantity::Money::parse(v, app::error::Field::Amount).ok())
            .map(|m| m.0)
            .unwrap_or(-1);
        assert_eq!(report_in, sum, "{report}");
        crate::stock::ledger_is_consistent(&app).await;
        app
    })
    .await;
}

async fn login_from(app: &TestApp, login: &str, password: &str, address: Option<&str>) -> u16 {
    let mut req = app
        .client()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"login": login, "password": password}));
    if let Some(a) = address {
        req = req.header("x-forwarded-for", a);
    }
    req.send().await.expect("login").status().as_u16()
}

#[tokio::test]
async fn parallel_wrong_passwords_cannot_pass_the_limit_or_lock_the_owner_out_elsewhere() {
    on_each_backend(|app| async move {
        let guesses = (0..30).map(|i| {
            let app = &app;
            async move { login_from(app, "seller2", &format!("guess{i}"), None).await }
        });
        let answers = futures::future::join_all(guesses).await;
        let wrong = answers.iter().filter(|s| **s == 401).count();
        let limited = answers.iter().filter(|s| **s == 429).count();
        assert_eq!(wrong + limited, 30, "{answers:?}");
        assert!(wrong <= 10, "{wrong} guesses were checked: {answers:?}");
        // The guesser's address is locked for the minute, even with the right password…
        assert_eq!(login_from(&app, "seller2", "demo", None).await, 429);
        // …the owner at the shop (another address) signs in.
        assert_eq!(
            login_from(&app, "seller2", "demo", Some("203.0.113.7")).await,
            200
        );
        // A forged X-Forwarded-For is only believed from a local proxy; here the test
        // itself is local, so each address counts on its own.
        assert_eq!(
            login_from(&app, "seller2", "wrong", Some("198.51.100.1")).await,
            401
        );
        app
    })
    .await;
}

#[tokio::test]
async fn text_with_control_characters_is_422_with_its_field_everywhere() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (status, body) = rest(
            &app,
            &admin,
            "POST",
            "/api/v1/clients",
            Some(json!({"name": "Ан\u{0}на", "phones": []})),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["field"], "name");
        assert_eq!(body["error"]["problem"], "control_character");
        let (status, body) = app
            .server_fn(
                &admin,
                "clients/save",
                json!({"id": null, "input": {"name": "Анна", "phones": ["+7\u{1b}900"]}}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["field"], "phones");
        let (status, _) = rest(&app, &admin, "GET", "/api/v1/products?query=%00", None).await;
        assert_eq!(status, 422);
        let (status, _) = rest(&app, &admin, "GET", "/api/v1/orders/%00", None).await;
        assert_eq!(status, 422);
        let (status, _) = app
            .server_fn(
                &admin,
                "tasks/create",
                json!({"input": {"kind": "task", "title": "a\u{7}b"}}),
            )
            .await;
        assert_eq!(status, 422);
        // The login form (a URL-encoded server function) and the REST login.
        let res = app
            .client()
            .post(app.url("/api/auth/login"))
            .form(&[("login", "adm\u{0}in"), ("password", "demo")])
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), 422);
        assert_eq!(app.try_login("adm\u{0}in", "demo").await.0, 422);
        // Tabs and line breaks are text.
        let (status, body) = rest(
            &app,
            &admin,
            "POST",
            "/api/v1/clients",
            Some(json!({"name": "Анна", "notes": "строка 1\nстрока 2\tи т. д.", "phones": []})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        app
    })
    .await;
}

#[tokio::test]
async fn money_and_quantities_beyond_their_range_are_422_and_reports_keep_answering() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let drill = product_with_stock(&app, &admin, "RANGE-1", &[(moscow, "5")]).await;
        let (seller1, _) = app.sign_in("seller1").await;
        let (order, _) = moscow_order(&app, &seller1, drill).await;
        let (_, funds) = app.server_fn(&admin, "funds/list", json!({})).await;
        let fund = funds[0]["id"].as_i64().expect("fund");
        for amount in ["92233720368547758.07", "1000000000.01"] {
            let body = json!({"direction": "in", "method": "card", "amount": amount, "fund_id": fund, "order_id": order});
            let (status, answer) = rest(&app, &seller1, "POST", "/api/v1/payments", Some(body)).await;
            assert!(status == 422 || status == 400, "{amount}: {status} {answer}");
            assert_ne!(status, 201);
        }
        let body = json!({"direction": "in", "method": "card", "amount": "1000000000.00", "fund_id": fund, "order_id": order});
        let (status, answer) = rest(&app, &seller1, "POST", "/api/v1/payments", Some(body)).await;
        assert_eq!(status, 201, "the largest amount is accepted: {answer}");
        // Half a drill (a piece-counted product): refused everywhere.
        let half = json!({"product_id": drill, "location_id": moscow, "qty": "0.5"});
        let (status, answer) = rest(&app, &seller1, "POST", "/api/v1/reservations", Some(half)).await;
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["error"]["problem"], "not_whole");
        let doc = json!({"kind": "receipt", "location_id": moscow, "lines": [{"product_id": drill, "qty": "0.5"}]});
        let (status, _) = rest(&app, &admin, "POST", "/api/v1/stock/documents", Some(doc)).await;
        assert_eq!(status, 422);
        let (status, _) = app
            .server_fn(&seller1, "orders/create", json!({"input": {"fulfilment": "pickup", "lines": [
                {"product_id": drill, "location_id": moscow, "qty": "1.5"}]}}))
            .await;
        assert_eq!(status, 422);
        let huge = json!({"input": {"fulfilment": "pickup", "lines": [
            {"product_id": drill, "location_id": moscow, "qty": "1000", "price": "999999999.99"}]}});
        let (status, _) = app.server_fn(&seller1, "orders/create", huge).await;
        assert_eq!(status, 422);
        // Every standard report still answers for the whole chain.
        for name in ["receivables", "balance", "payments_by_process", "payments_by_client", "payments_by_manager", "payments_by_fund", "sales"] {
            let (status, body) = rest(&app, &admin, "GET", &format!("/api/v1/reports/standard/{name}"), None).await;
            assert_eq!(status, 200, "{name}: {body}");
        }
        app
    })
    .await;
}
