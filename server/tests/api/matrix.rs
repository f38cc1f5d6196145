//! The object-level matrix (DESIGN.md §5a): every endpoint and server function that takes
//! the id of a shop's record × every role × (a record of the caller's own shop | of another
//! shop), on both databases. The manager is seller1 (Moscow); the storekeeper is
//! storekeeper1 with Moscow granted under Shop access, so "own" is Moscow for both and
//! "other" is Kazan. A second test fails when an id-taking endpoint is in neither the
//! matrix nor the list of chain-wide records (with the reason they are chain-wide).

use crate::documents::{template, upload, PNG};
use crate::helpers::{on_each_backend, TestApp};
use crate::scope::rest;
use crate::stock::{location_id, product_with_stock};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Admin,
    Director,
    Accountant,
    Manager,
    Storekeeper,
}

const ROLES: [(Who, &str); 5] = [
    (Who::Admin, "admin"),
    (Who::Director, "director"),
    (Who::Accountant, "accountant"),
    (Who::Manager, "seller1"),
    (Who::Storekeeper, "storekeeper1"),
];

/// Who may act on a record of their own shop (`own`) or of another.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// See an order and what hangs on it: the chain-wide roles, or one's own shop.
    See,
    /// Edit an order or reserve for it: admins and directors, or a manager of the shop.
    Edit,
    /// Record or confirm a payment: the chain-wide roles, or a manager of the shop.
    Pay,
    /// Generate a document: anyone but storekeepers, within what they see.
    Generate,
    /// Stock at a location, closing a client hold there: admins, directors, its staff.
    Stock,
    /// A task: admins, directors, its creator or assignee, the linked order's shop staff.
    Task,
}

fn allowed(rule: Rule, who: Who, own: bool) -> bool {
    let chain = matches!(who, Who::Admin | Who::Director | Who::Accountant);
    let boss = matches!(who, Who::Admin | Who::Director);
    match rule {
        Rule::See => chain || own,
        Rule::Edit => boss || (who == Who::Manager && own),
        Rule::Pay => chain || (who == Who::Manager && own),
        Rule::Generate => chain || (who == Who::Manager && own),
        Rule::Stock => boss || (matches!(who, Who::Manager | Who::Storekeeper) && own),
        // The demo accountant's home shop is Moscow: staff of the linked order's shop.
        Rule::Task => boss || own,
    }
}

/// The records of one shop the matrix acts on.
#[derive(Debug, Clone, Copy)]
struct Ids {
    shop: i64,
    product: i64,
    order: i64,
    hold: i64,
    transfer: i64,
    task: i64,
    planned_payment: i64,
    document: i64,
    file: i64,
    fund: i64,
}

enum Call {
    Rest(&'static str, String, Option<Value>),
    ServerFn(&'static str, Value),
}

struct Case {
    /// `GET /api/v1/orders/{id}` or `server fn orders/get`: what the coverage test matches.
    name: &'static str,
    rule: Rule,
    call: fn(&Ids) -> Call,
}

fn cases() -> Vec<Case> {
    use Call::*;
    let c = |name, rule, call| Case { name, rule, call };
    vec![
        c("GET /api/v1/orders/{id}", Rule::See, |r| {
            Rest("GET", format!("/api/v1/orders/{}", r.order), None)
        }),
        c("PUT /api/v1/orders/{id}", Rule::Edit, |r| {
            Rest(
                "PUT",
                format!("/api/v1/orders/{}", r.order),
                Some(json!({"fulfilment": "pickup",
                "lines": [{"product_id": r.product, "location_id": r.shop, "qty": "1"}]})),
            )
        }),
        c("POST /api/v1/orders/{id}/stage", Rule::See, |r| {
            Rest(
                "POST",
                format!("/api/v1/orders/{}/stage", r.order),
                Some(json!({"stage_id": 999_999})),
            )
        }),
        c("GET /api/v1/orders/{id}/documents", Rule::See, |r| {
            Rest("GET", format!("/api/v1/orders/{}/documents", r.order), None)
        }),
        c("POST /api/v1/orders/{id}/documents", Rule::Generate, |r| {
            Rest(
                "POST",
                format!("/api/v1/orders/{}/documents", r.order),
                Some(json!({"template_id": 999_999})),
            )
        }),
        c("GET /api/v1/documents/{id}/pdf", Rule::See, |r| {
            Rest("GET", format!("/api/v1/documents/{}/pdf", r.document), None)
        }),
        c("GET /api/v1/files/{id}", Rule::See, |r| {
            Rest("GET", format!("/api/v1/files/{}", r.file), None)
        }),
        c("GET /api/v1/files/{id}/thumbnail", Rule::See, |r| {
            Rest("GET", format!("/api/v1/files/{}/thumbnail", r.file), None)
        }),
        c("GET /api/v1/files", Rule::See, |r| {
            Rest(
                "GET",
                format!("/api/v1/files?owner_kind=order&owner_id={}", r.order),
                None,
            )
        }),
        c("GET /api/v1/comments", Rule::See, |r| {
            Rest(
                "GET",
                format!("/api/v1/comments?record_kind=order&record_id={}", r.order),
                None,
            )
        }),
        c("POST /api/v1/payments", Rule::Pay, |r| {
            Rest(
                "POST",
                "/api/v1/payments".into(),
                Some(json!({"direction": "in", "method": "cash",
                "amount": "1.00", "fund_id": r.fund, "order_id": r.order})),
            )
        }),
        c("POST /api/v1/payments/{id}/confirm", Rule::Pay, |r| {
            Rest(
                "POST",
                format!("/api/v1/payments/{}/confirm", r.planned_payment),
                None,
            )
        }),
        c("POST /api/v1/reservations", Rule::Edit, |r| {
            Rest(
                "POST",
                "/api/v1/reservations".into(),
                Some(json!({"product_id": r.product,
                "location_id": r.shop, "qty": 1, "order_id": r.order})),
            )
        }),
        c("DELETE /api/v1/reservations/{id}", Rule::Stock, |r| {
            Rest("DELETE", format!("/api/v1/reservations/{}", r.hold), None)
        }),
        c("POST /api/v1/reservations/{id}/fulfil", Rule::Stock, |r| {
            Rest(
                "POST",
                format!("/api/v1/reservations/{}/fulfil", r.hold),
                None,
            )
        }),
        c("POST /api/v1/stock/documents", Rule::Stock, |r| {
            Rest(
                "POST",
                "/api/v1/stock/documents".into(),
                Some(json!({"kind": "write_off",
                "location_id": r.shop, "reason": "бой", "lines": [{"product_id": r.product, "qty": "1"}]})),
            )
        }),
        c("POST /api/v1/stock/receipts", Rule::Stock, |r| {
            Rest(
                "POST",
                "/api/v1/stock/receipts".into(),
                Some(json!({"location_id": r.shop,
                "lines": [{"product_id": r.product, "qty": "1"}]})),
            )
        }),
        c(
            "POST /api/v1/stock/documents/{id}/receive",
            Rule::Stock,
            |r| {
                Rest(
                    "POST",
                    format!("/api/v1/stock/documents/{}/receive", r.transfer),
                    None,
                )
            },
        ),
        c("POST /api/v1/tasks/{id}/stage", Rule::Task, |r| {
            Rest(
                "POST",
                format!("/api/v1/tasks/{}/stage", r.task),
                Some(json!({"stage_id": 999_999})),
            )
        }),
        c("POST /api/v1/tasks", Rule::See, |r| {
            Rest(
                "POST",
                "/api/v1/tasks".into(),
                Some(json!({"kind": "task", "title": "Перезвонить", "order_id": r.order})),
            )
        }),
        c("server fn orders/get", Rule::See, |r| {
            ServerFn("orders/get", json!({"id": r.order}))
        }),
        c("server fn orders/update", Rule::Edit, |r| {
            ServerFn(
                "orders/update",
                json!({"id": r.order, "input": {"fulfilment": "pickup",
                "lines": [{"product_id": r.product, "location_id": r.shop, "qty": "1"}]}}),
            )
        }),
        c("server fn orders/move", Rule::See, |r| {
            ServerFn("orders/move", json!({"id": r.order, "stage_id": 999_999}))
        }),
        c("server fn orders/create", Rule::Edit, |r| {
            ServerFn(
                "orders/create",
                json!({"input": {"fulfilment": "pickup", "shop_id": r.shop,
                "lines": [{"product_id": r.product, "location_id": r.shop, "qty": "1"}]}}),
            )
        }),
        c("server fn payments/list", Rule::See, |r| {
            ServerFn(
                "payments/list",
                json!({"order_id": r.order, "client_id": null}),
            )
        }),
        c("server fn payments/record", Rule::Pay, |r| {
            ServerFn(
                "payments/record",
                json!({"input": {"direction": "in", "method": "card",
                "amount": "1.00", "fund_id": r.fund, "order_id": r.order}}),
            )
        }),
        c("server fn payments/confirm", Rule::Pay, |r| {
            ServerFn("payments/confirm", json!({"id": r.planned_payment}))
        }),
        c("server fn stock/reserve", Rule::Edit, |r| {
            ServerFn(
                "stock/reserve",
                json!({"input": {"product_id": r.product, "location_id": r.shop,
                "qty": "1", "order_id": r.order}}),
            )
        }),
        c("server fn stock/release", Rule::Stock, |r| {
            ServerFn("stock/release", json!({"id": r.hold}))
        }),
        c("server fn stock/fulfil", Rule::Stock, |r| {
            ServerFn("stock/fulfil", json!({"id": r.hold}))
        }),
        c("server fn stock/docs/create", Rule::Stock, |r| {
            ServerFn(
                "stock/docs/create",
                json!({"input": {"kind": "count", "location_id": r.shop,
                "lines": [{"product_id": r.product, "qty": "40"}]}}),
            )
        }),
        c("server fn stock/docs/receive", Rule::Stock, |r| {
            ServerFn("stock/docs/receive", json!({"id": r.transfer}))
        }),
        c("server fn tasks/get", Rule::Task, |r| {
            ServerFn("tasks/get", json!({"id": r.task}))
        }),
        c("server fn tasks/move", Rule::Task, |r| {
            ServerFn("tasks/move", json!({"id": r.task, "stage_id": 999_999}))
        }),
        c("server fn tasks/create", Rule::See, |r| {
            ServerFn(
                "tasks/create",
                json!({"input": {"kind": "task", "title": "Проверить", "order_id": r.order}}),
            )
        }),
        c("server fn comments/list", Rule::See, |r| {
            ServerFn(
                "comments/list",
                json!({"record_kind": "order", "record_id": r.order}),
            )
        }),
        c("server fn comments/add", Rule::See, |r| {
            ServerFn(
                "comments/add",
                json!({"input": {"record_kind": "order", "record_id": r.order, "body": "проверка"}}),
            )
        }),
        c("server fn comments/mentionable", Rule::See, |r| {
            ServerFn(
                "comments/mentionable",
                json!({"record_kind": "order", "record_id": r.order}),
            )
        }),
        c("server fn comments/list (task)", Rule::Task, |r| {
            ServerFn(
                "comments/list",
                json!({"record_kind": "task", "record_id": r.task}),
            )
        }),
        c("server fn files/list", Rule::See, |r| {
            ServerFn(
                "files/list",
                json!({"owner_kind": "order", "owner_id": r.order}),
            )
        }),
        c("server fn documents/for_order", Rule::See, |r| {
            ServerFn("documents/for_order", json!({"order_id": r.order}))
        }),
        c("server fn documents/generate", Rule::Generate, |r| {
            ServerFn(
                "documents/generate",
                json!({"order_id": r.order, "template_id": 999_999}),
            )
        }),
    ]
}

/// Endpoints and server functions that take an id of a record that belongs to no shop,
/// with why; the coverage test accepts these instead of a matrix row.
const CHAIN_WIDE: &[(&str, &str)] = &[
    (
        "telephony/",
        "a call's card opens only for the employee it rang for (or a director or admin); linking it to an order goes through order_for_read; the log is scoped by who took the call and their shop (telephony.rs)",
    ),
    (
        "campaigns",
        "campaigns are the chain's: admins and directors run them, managers see them with only their shops' clients among the recipients (campaigns.rs)",
    ),
    (
        "locations",
        "the organisation: everyone reads it, admins change it (roles.rs)",
    ),
    (
        "employees",
        "the organisation: everyone reads it, admins change it (roles.rs)",
    ),
    ("org/", "the organisation: admins only (roles.rs)"),
    ("auth/tokens", "admins only (roles.rs)"),
    ("products", "one catalog for the chain"),
    ("catalog/", "one catalog for the chain"),
    (
        "stock/availability",
        "every location's stock is visible to everyone by design",
    ),
    (
        "stock/documents/{id}",
        "reading stock documents is chain-wide, like the stock",
    ),
    (
        "stock/docs/get",
        "reading stock documents is chain-wide, like the stock",
    ),
    (
        "stock/docs/list",
        "reading stock documents is chain-wide, like the stock",
    ),
    ("clients", "clients are the chain's (cards, balances)"),
    (
        "chats",
        "membership, not shops (chat.rs: private chats are for members only)",
    ),
    ("chat/", "membership, not shops (chat.rs)"),
    ("attachments", "follow their message or comment (chat.rs)"),
    ("comments/change", "one's own comments only (chat.rs)"),
    (
        "notifications/read",
        "one's own notifications only (notify.rs)",
    ),
    (
        "reports",
        "saved reports are shared by role; their figures are scoped (reports.rs)",
    ),
    (
        "home/",
        "takes no record id: each list is the caller's own or their shops' (home.rs)",
    ),
    ("processes/save", "admins only (roles.rs)"),
    ("funds/save", "admins only (roles.rs)"),
    (
        "orders/sourcing",
        "a suggestion over every location's stock, which everyone sees by design",
    ),
    ("templates/", "admins only (roles.rs)"),
];

async fn order_at(app: &TestApp, seller: &reqwest::Client, product: i64, shop: i64) -> i64 {
    let (status, order) = app
        .server_fn(
            seller,
            "orders/create",
            json!({"input": {"fulfilment": "pickup", "lines": [
            {"product_id": product, "location_id": shop, "qty": "1"}]}}),
        )
        .await;
    assert_eq!(status, 200, "{order}");
    order["id"].as_i64().expect("order")
}

async fn records(
    app: &TestApp,
    admin: &reqwest::Client,
    seller: &reqwest::Client,
    shop: i64,
    product: i64,
) -> Ids {
    let podolsk = location_id(app, "Подольск").await;
    let order = order_at(app, seller, product, shop).await;
    let (_, hold) = rest(
        app,
        &app.sign_in("seller5").await.0,
        "POST",
        "/api/v1/reservations",
        Some(json!({"product_id": product, "location_id": shop, "qty": 1, "client": "Клиент"})),
    )
    .await;
    let (_, transfer) = rest(
        app,
        admin,
        "POST",
        "/api/v1/stock/documents",
        Some(
            json!({"kind": "transfer", "location_id": podolsk, "to_location_id": shop,
                    "lines": [{"product_id": product, "qty": "1"}]}),
        ),
    )
    .await;
    let (_, task) = app
        .server_fn(
            seller,
            "tasks/create",
            json!({"input": {"kind": "task", "title": "Задача магазина", "order_id": order}}),
        )
        .await;
    let (_, funds) = app.server_fn(admin, "funds/list", json!({})).await;
    let fund = funds[0]["id"].as_i64().expect("fund");
    let (_, planned) = rest(
        app,
        admin,
        "POST",
        "/api/v1/payments",
        Some(
            json!({"direction": "in", "method": "bank", "amount": "5.00", "planned": true,
                    "fund_id": fund, "order_id": order}),
        ),
    )
    .await;
    let invoice = template(app, admin, "invoice", "ru").await;
    let (_, document) = rest(
        app,
        admin,
        "POST",
        &format!("/api/v1/orders/{order}/documents"),
        Some(json!({"template_id": invoice})),
    )
    .await;
    let (_, file) = upload(app, admin, "order", order, "scan.png", PNG.to_vec()).await;
    let id = |v: &Value, what: &str| v["id"].as_i64().unwrap_or_else(|| panic!("{what}: {v}"));
    Ids {
        shop,
        product,
        order,
        hold: id(&hold, "hold"),
        transfer: id(&transfer, "transfer"),
        task: id(&task, "task"),
        planned_payment: id(&planned, "planned payment"),
        document: id(&document, "document"),
        file: id(&file, "file"),
        fund,
    }
}

#[tokio::test]
async fn every_record_endpoint_answers_by_role_and_shop() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let kazan = location_id(&app, "Баумана").await;
        let podolsk = location_id(&app, "Подольск").await;
        let product = product_with_stock(
            &app,
            &admin,
            "MX-1",
            &[(moscow, "60"), (kazan, "60"), (podolsk, "60")],
        )
        .await;
        let storekeeper = app.id_of_employee("storekeeper1").await;
        sqlx::query("INSERT INTO employee_shop (employee_id, location_id) VALUES ($1, $2)")
            .bind(storekeeper)
            .bind(moscow)
            .execute(&app.db.pool)
            .await
            .expect("grant Moscow to the storekeeper");
        let (seller1, _) = app.sign_in("seller1").await;
        let (seller3, _) = app.sign_in("seller3").await;
        let own = records(&app, &admin, &seller1, moscow, product).await;
        let other = records(&app, &admin, &seller3, kazan, product).await;

        let mut failures = Vec::new();
        let mut checked = 0;
        for (who, login) in ROLES {
            let (client, _) = app.sign_in(login).await;
            for case in cases() {
                for (is_own, ids) in [(true, &own), (false, &other)] {
                    let (status, body) = match (case.call)(ids) {
                        Call::Rest(method, path, body) => {
                            rest(&app, &client, method, &path, body).await
                        }
                        Call::ServerFn(name, args) => app.server_fn(&client, name, args).await,
                    };
                    checked += 1;
                    let want = allowed(case.rule, who, is_own);
                    let ok = if want {
                        !matches!(status, 401 | 403) && status < 500
                    } else {
                        status == 403
                    };
                    if !ok {
                        let scope = if is_own { "own shop" } else { "other shop" };
                        failures.push(format!(
                            "{} as {who:?} on the {scope}: {status} (expected {}) {body}",
                            case.name,
                            if want { "let through" } else { "403" }
                        ));
                    }
                }
            }
        }
        eprintln!(
            "matrix: {} cases × {} roles × 2 scopes = {checked} calls",
            cases().len(),
            ROLES.len()
        );
        assert!(
            failures.is_empty(),
            "{} unexpected answers:\n{}",
            failures.len(),
            failures.join("\n")
        );
        crate::stock::ledger_is_consistent(&app).await;
        app
    })
    .await;
}

fn covered(name: &str, matrix: &BTreeSet<String>) -> bool {
    matrix.contains(name)
        || CHAIN_WIDE.iter().any(|(prefix, _)| {
            let bare = name.split_once(' ').map(|(_, p)| p).unwrap_or(name);
            let bare = bare.strip_prefix("fn ").unwrap_or(bare);
            bare.trim_start_matches("/api/v1/").starts_with(prefix)
        })
}

/// Every documented REST path with an id, and every server function taking one, is in
/// the matrix or named chain-wide (with its reason) above.
#[tokio::test]
async fn the_matrix_covers_every_endpoint_that_takes_a_record_id() {
    let matrix: BTreeSet<String> = cases().iter().map(|c| c.name.to_string()).collect();
    let mut missing = Vec::new();
    // Server functions: a parameter named `id` or `…_id` (a record's id), from the source.
    let fns = crate::helpers::server_functions();
    for (name, args) in &fns {
        let takes_id = args.split(',').any(|a| {
            let param = a.split(':').next().unwrap_or("").trim();
            param == "id" || param.ends_with("_id")
        });
        let full = format!("server fn {name}");
        if takes_id && !covered(&full, &matrix) {
            missing.push(full);
        }
    }
    // REST: every documented path with `{id}` (one backend: the document is the same).
    let app = crate::helpers::spawn_app(app::db::Backend::Sqlite).await;
    let doc = app.openapi().await;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.contains("{id}") {
            continue;
        }
        for method in item.as_object().expect("item").keys() {
            let name = format!("{} {path}", method.to_uppercase());
            if !covered(&name, &matrix) {
                missing.push(name);
            }
        }
    }
    app.cleanup().await;
    assert!(
        missing.is_empty(),
        "take a record id but are neither in the matrix nor chain-wide: {missing:?}"
    );
}
