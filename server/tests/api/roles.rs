//! Every endpoint × every role (and a visitor): who is refused, with which status.

use crate::helpers::on_each_backend;
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Visitor,
    Admin,
    Director,
    Accountant,
    Manager,
    Storekeeper,
}

const EVERYONE: &[Who] = &[
    Who::Admin,
    Who::Director,
    Who::Accountant,
    Who::Manager,
    Who::Storekeeper,
];
const ADMIN: &[Who] = &[Who::Admin];
const CATALOG: &[Who] = &[Who::Admin, Who::Director, Who::Storekeeper];
const NOT_ACCOUNTANT: &[Who] = &[Who::Admin, Who::Director, Who::Manager, Who::Storekeeper];
const SELLERS: &[Who] = &[Who::Admin, Who::Director, Who::Manager];
const PAYERS: &[Who] = &[Who::Admin, Who::Director, Who::Accountant, Who::Manager];
const NOT_STOREKEEPER: &[Who] = &[Who::Admin, Who::Director, Who::Accountant, Who::Manager];
const BUILDERS: &[Who] = &[Who::Admin, Who::Director];

impl Who {
    fn login(self) -> Option<&'static str> {
        match self {
            Who::Visitor => None,
            Who::Admin => Some("admin"),
            Who::Director => Some("director"),
            Who::Accountant => Some("accountant"),
            Who::Manager => Some("seller1"),
            Who::Storekeeper => Some("storekeeper1"),
        }
    }
}

/// The caller's home location in the demo chain, from the number the table's body
/// functions get (`n * 10 + who`): the storekeeper's is the Podolsk warehouse (6), the
/// others' the Moscow shop (1).
fn own_location(n: u32) -> i64 {
    if n % 10 == Who::Storekeeper as u32 {
        6
    } else {
        1
    }
}

enum Call {
    Rest(&'static str, &'static str),
    /// A REST call with a JSON body.
    RestJson(&'static str, &'static str, fn(u32) -> Value),
    ServerFn(&'static str, fn(u32) -> Value),
}

struct Endpoint {
    call: Call,
    /// Signed-in roles that may call it (everyone else signed in gets 403).
    allowed: &'static [Who],
    /// A visitor gets this (401 almost everywhere).
    visitor: u16,
}

fn table() -> Vec<Endpoint> {
    use Call::*;
    let e = |call, allowed, visitor| Endpoint {
        call,
        allowed,
        visitor,
    };
    vec![
        e(Rest("GET", "/api/v1/me"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/locations"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/locations/1"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/employees"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/employees/1"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/openapi.json"), EVERYONE, 200),
        e(Rest("GET", "/api/v1/products?query=a"), EVERYONE, 401),
        e(
            RestJson(
                "POST",
                "/api/v1/products",
                |n| json!({"sku": format!("R-{n}"), "name": "Товар", "unit": "pcs", "price": 1}),
            ),
            CATALOG,
            401,
        ),
        e(Rest("GET", "/api/v1/products/1"), EVERYONE, 401),
        e(
            Rest("GET", "/api/v1/products/1/availability"),
            EVERYONE,
            401,
        ),
        e(
            RestJson(
                "POST",
                "/api/v1/reservations",
                |_| json!({"product_id": 1, "location_id": 1, "qty": 1}),
            ),
            NOT_ACCOUNTANT,
            401,
        ),
        e(
            Rest("DELETE", "/api/v1/reservations/999999"),
            NOT_ACCOUNTANT,
            401,
        ),
        e(
            Rest("POST", "/api/v1/reservations/999999/fulfil"),
            NOT_ACCOUNTANT,
            401,
        ),
        e(
            RestJson(
                "POST",
                "/api/v1/stock/receipts",
                // At the caller's own location (the storekeeper's is the Podolsk warehouse):
                // which records is scope.rs's matrix, this table is about roles.
                |n| json!({"location_id": own_location(n), "lines": [{"product_id": 1, "qty": 1}]}),
            ),
            NOT_ACCOUNTANT,
            401,
        ),
        e(
            RestJson(
                "POST",
                "/api/v1/stock/documents",
                |n| json!({"kind": "receipt", "location_id": own_location(n), "lines": [{"product_id": 1, "qty": 1}]}),
            ),
            NOT_ACCOUNTANT,
            401,
        ),
        e(Rest("GET", "/api/v1/stock/documents"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/stock/documents/1"), EVERYONE, 401),
        e(
            Rest("POST", "/api/v1/stock/documents/999999/receive"),
            NOT_ACCOUNTANT,
            401,
        ),
        e(
            ServerFn("catalog/search", |_| json!({"query": "a"})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "catalog/products/create",
                |n| json!({"input": {"sku": format!("S-{n}"), "name": "Товар", "unit": "pcs", "price": 1}}),
            ),
            CATALOG,
            401,
        ),
        e(
            ServerFn("stock/availability", |_| json!({"product_id": 1})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "stock/reserve",
                |_| json!({"input": {"product_id": 1, "location_id": 1, "qty": 1}}),
            ),
            NOT_ACCOUNTANT,
            401,
        ),
        e(
            ServerFn("stock/release", |_| json!({"id": 999_999})),
            NOT_ACCOUNTANT,
            401,
        ),
        e(
            ServerFn("stock/fulfil", |_| json!({"id": 999_999})),
            NOT_ACCOUNTANT,
            401,
        ),
        e(
            ServerFn(
                "stock/docs/create",
                |n| json!({"input": {"kind": "receipt", "location_id": own_location(n), "lines": [{"product_id": 1, "qty": 1}]}}),
            ),
            NOT_ACCOUNTANT,
            401,
        ),
        e(
            ServerFn("stock/docs/receive", |_| json!({"id": 999_999})),
            NOT_ACCOUNTANT,
            401,
        ),
        e(
            ServerFn("stock/docs/list", |_| json!({"location_id": null})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("stock/docs/get", |_| json!({"id": 999_999})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("stock/overview", |_| json!({"filter": {"location_id": 1}})),
            EVERYONE,
            401,
        ),
        e(ServerFn("catalog/categories", |_| json!({})), EVERYONE, 401),
        e(
            ServerFn(
                "catalog/categories/create",
                |n| json!({"name": format!("Категория {n}"), "parent_id": null}),
            ),
            CATALOG,
            401,
        ),
        e(
            ServerFn(
                "catalog/products/active",
                |_| json!({"id": 999_999, "active": true}),
            ),
            CATALOG,
            401,
        ),
        e(
            ServerFn(
                "catalog/alternatives/link",
                |_| json!({"product_id": 999_999, "alternative_id": 999_998}),
            ),
            CATALOG,
            401,
        ),
        e(
            ServerFn(
                "catalog/import",
                |_| json!({"request": {"target": "catalog", "csv": "sku,name,price\n", "apply": false, "only_valid": false}}),
            ),
            CATALOG,
            401,
        ),
        e(
            RestJson(
                "PUT",
                "/api/v1/products/1",
                |n| json!({"sku": format!("ROLE-{n}"), "name": "Товар", "unit": "pcs", "price": "1"}),
            ),
            CATALOG,
            401,
        ),
        e(
            ServerFn("catalog/products/get", |_| json!({"id": 999_999})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "catalog/products/update",
                |n| json!({"id": 999_999, "input": {"sku": format!("ROLE-{n}"), "name": "Товар", "unit": "pcs", "price": "1"}}),
            ),
            CATALOG,
            401,
        ),
        e(
            ServerFn(
                "catalog/categories/update",
                |_| json!({"id": 999_999, "name": "Категория", "parent_id": null}),
            ),
            CATALOG,
            401,
        ),
        e(
            ServerFn(
                "catalog/import/stream",
                |_| json!({"request": {"target": "catalog", "csv": "sku,name,price\n", "apply": false, "only_valid": false}}),
            ),
            CATALOG,
            401,
        ),
        e(Rest("GET", "/api/v1/clients?query=916"), EVERYONE, 401),
        e(
            RestJson(
                "POST",
                "/api/v1/clients",
                |n| json!({"name": format!("Клиент {n}"), "phones": ["+7 916 000-00-00"]}),
            ),
            NOT_STOREKEEPER,
            401,
        ),
        e(Rest("GET", "/api/v1/clients/1"), EVERYONE, 401),
        e(
            RestJson(
                "PUT",
                "/api/v1/clients/1",
                |n| json!({"name": format!("Клиент {n}")}),
            ),
            NOT_STOREKEEPER,
            401,
        ),
        e(
            ServerFn("clients/search", |_| json!({"query": "9"})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("clients/get", |_| json!({"id": 999_999})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "clients/save",
                |n| json!({"id": null, "input": {"name": format!("Клиент {n}")}}),
            ),
            NOT_STOREKEEPER,
            401,
        ),
        e(
            ServerFn(
                "clients/phone_owners",
                |_| json!({"phones": ["+7 916 000-00-00"], "except": null}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("processes/list", |_| json!({"kind": null})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("processes/save", |n| {
                json!({"id": null, "input": {"name": format!("Процесс {n}"), "kind": "task",
                    "stages": [{"name": "Новая", "kind": "open"}], "transitions": []}})
            }),
            ADMIN,
            401,
        ),
        e(
            ServerFn("orders/list", |_| json!({"filter": {}})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("orders/get", |_| json!({"id": 999_999})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "orders/create",
                |_| json!({"input": {"fulfilment": "pickup", "lines": [{"product_id": 999_999, "location_id": 1, "qty": "1"}]}}),
            ),
            SELLERS,
            401,
        ),
        e(
            ServerFn(
                "orders/update",
                |_| json!({"id": 999_999, "input": {"fulfilment": "pickup", "lines": [{"product_id": 999_999, "location_id": 1, "qty": "1"}]}}),
            ),
            SELLERS,
            401,
        ),
        e(
            ServerFn("orders/move", |_| json!({"id": 999_999, "stage_id": 1})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "orders/sourcing",
                |_| json!({"lines": [{"product_id": 999_999, "qty": "1"}]}),
            ),
            SELLERS,
            401,
        ),
        e(ServerFn("funds/list", |_| json!({})), EVERYONE, 401),
        e(
            ServerFn(
                "funds/save",
                |n| json!({"id": null, "name": format!("Фонд {n}"), "active": true}),
            ),
            ADMIN,
            401,
        ),
        e(
            ServerFn(
                "payments/record",
                |_| json!({"input": {"direction": "in", "method": "cash", "amount": "1", "fund_id": 999_999, "client_id": 999_999}}),
            ),
            PAYERS,
            401,
        ),
        e(
            ServerFn(
                "payments/list",
                |_| json!({"order_id": 999_999, "client_id": null}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("clients/balance", |_| json!({"client_id": 999_999})),
            EVERYONE,
            401,
        ),
        e(ServerFn("home/summary", |_| json!({})), EVERYONE, 401),
        e(
            ServerFn("notifications/inbox", |_| json!({})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("notifications/read", |_| json!({"id": null})),
            EVERYONE,
            401,
        ),
        e(Rest("GET", "/api/v1/orders"), EVERYONE, 401),
        e(
            RestJson(
                "POST",
                "/api/v1/orders",
                |_| json!({"fulfilment": "pickup", "lines": [{"product_id": 999_999, "location_id": 1, "qty": "1"}]}),
            ),
            SELLERS,
            401,
        ),
        e(Rest("GET", "/api/v1/orders/1"), EVERYONE, 401),
        e(
            RestJson(
                "PUT",
                "/api/v1/orders/1",
                |_| json!({"fulfilment": "pickup", "lines": [{"product_id": 999_999, "location_id": 1, "qty": "1"}]}),
            ),
            SELLERS,
            401,
        ),
        e(
            RestJson("POST", "/api/v1/orders/1/stage", |_| json!({"stage_id": 1})),
            EVERYONE,
            401,
        ),
        e(
            RestJson(
                "POST",
                "/api/v1/payments",
                |_| json!({"direction": "in", "method": "cash", "amount": "1", "fund_id": 999_999, "client_id": 999_999}),
            ),
            PAYERS,
            401,
        ),
        e(Rest("GET", "/api/v1/funds"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/processes"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/clients/1/balance"), EVERYONE, 401),
        e(
            ServerFn("tasks/list", |_| json!({"filter": {}})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("tasks/get", |_| json!({"id": 999_999})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "tasks/create",
                |n| json!({"input": {"kind": "task", "title": format!("Задача {n}")}}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("tasks/move", |_| json!({"id": 999_999, "stage_id": 1})),
            EVERYONE,
            401,
        ),
        e(ServerFn("org/access/list", |_| json!({})), ADMIN, 401),
        e(
            ServerFn(
                "org/access/set",
                |_| json!({"employee_id": 999_999, "shops": []}),
            ),
            ADMIN,
            401,
        ),
        e(Rest("POST", "/api/v1/payments/1/confirm"), PAYERS, 401),
        e(
            ServerFn("payments/confirm", |_| json!({"id": 999_999})),
            PAYERS,
            401,
        ),
        e(Rest("GET", "/api/v1/tasks"), EVERYONE, 401),
        e(
            RestJson(
                "POST",
                "/api/v1/tasks",
                |n| json!({"kind": "task", "title": format!("Задача {n}")}),
            ),
            EVERYONE,
            401,
        ),
        e(
            RestJson(
                "POST",
                "/api/v1/tasks/999999/stage",
                |_| json!({"stage_id": 1}),
            ),
            EVERYONE,
            401,
        ),
        e(Rest("GET", "/healthz"), EVERYONE, 200),
        e(Rest("GET", "/readyz"), EVERYONE, 200),
        e(ServerFn("auth/me", |_| json!({})), EVERYONE, 200),
        e(ServerFn("auth/tokens/list", |_| json!({})), ADMIN, 401),
        e(
            ServerFn(
                "auth/tokens/create",
                |_| json!({"name": "t", "employee_id": 1}),
            ),
            ADMIN,
            401,
        ),
        e(
            ServerFn("auth/tokens/revoke", |_| json!({"id": 999_999})),
            ADMIN,
            401,
        ),
        e(ServerFn("org/locations/list", |_| json!({})), EVERYONE, 401),
        e(
            ServerFn("org/locations/save", |n| {
                json!({"id": null, "form": {"name": format!("Точка {n}"), "kind": "shop", "city": "Тверь",
                    "address": "ул. Советская, 1", "lat": "56.8587", "lon": "35.9176"}})
            }),
            ADMIN,
            401,
        ),
        e(
            ServerFn("org/locations/active", |_| json!({"id": 1, "active": true})),
            ADMIN,
            401,
        ),
        e(ServerFn("org/employees/list", |_| json!({})), EVERYONE, 401),
        e(
            ServerFn("org/employees/save", |n| {
                json!({"id": null, "form": {"login": format!("new{n}"), "name": "Новый", "role": "manager",
                    "home_location_id": "", "password": "secret1"}})
            }),
            ADMIN,
            401,
        ),
        e(
            ServerFn("org/employees/active", |_| json!({"id": 4, "active": true})),
            ADMIN,
            401,
        ),
        // Chats and comments: every employee. (The attachment download comes before any
        // upload, so no role meets someone else's file: 404 for all.)
        e(Rest("GET", "/api/v1/attachments/1"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/chats"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/chats/1/messages"), EVERYONE, 401),
        e(
            RestJson(
                "POST",
                "/api/v1/chats/1/messages",
                |n| json!({"body": format!("Привет {n}")}),
            ),
            EVERYONE,
            401,
        ),
        e(
            Rest(
                "GET",
                "/api/v1/comments?record_kind=client&record_id=999999",
            ),
            EVERYONE,
            401,
        ),
        e(
            RestJson(
                "POST",
                "/api/v1/comments",
                |_| json!({"record_kind": "client", "record_id": 999_999, "body": "x"}),
            ),
            EVERYONE,
            401,
        ),
        e(
            RestJson("POST", "/api/v1/attachments", |n| json!({"file": n})),
            EVERYONE,
            401,
        ),
        // Documents and files (the test chain has no orders, documents or files: 404).
        e(
            Rest("GET", "/api/v1/document-templates"),
            NOT_STOREKEEPER,
            401,
        ),
        e(Rest("GET", "/api/v1/documents"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/documents/1/pdf"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/orders/1/documents"), EVERYONE, 401),
        e(
            RestJson(
                "POST",
                "/api/v1/orders/1/documents",
                |_| json!({"template_id": 1}),
            ),
            NOT_STOREKEEPER,
            401,
        ),
        e(
            Rest("GET", "/api/v1/files?owner_kind=client&owner_id=999999"),
            EVERYONE,
            401,
        ),
        e(
            RestJson(
                "POST",
                "/api/v1/files?owner_kind=order&owner_id=999999",
                |n| json!({"file": n}),
            ),
            NOT_STOREKEEPER,
            401,
        ),
        e(Rest("GET", "/api/v1/files/1"), EVERYONE, 401),
        e(Rest("GET", "/api/v1/files/1/thumbnail"), EVERYONE, 401),
        e(ServerFn("templates/list", |_| json!({})), ADMIN, 401),
        e(
            ServerFn("templates/active", |_| json!({})),
            NOT_STOREKEEPER,
            401,
        ),
        e(
            ServerFn("templates/get", |_| json!({"id": 999_999})),
            ADMIN,
            401,
        ),
        e(
            ServerFn("templates/save", |n| {
                json!({"id": null, "input": {"kind": "invoice", "lang": "ru", "name": format!("Счёт {n}"),
                    "body": "= Счёт {{ doc.number }}", "active": false}})
            }),
            ADMIN,
            401,
        ),
        e(
            ServerFn(
                "templates/starter",
                |_| json!({"kind": "waybill", "lang": "en"}),
            ),
            ADMIN,
            401,
        ),
        e(
            ServerFn(
                "templates/preview",
                |_| json!({"kind": "invoice", "lang": "ru", "body": "= Счёт", "order_id": 999_999}),
            ),
            ADMIN,
            401,
        ),
        e(
            ServerFn("documents/for_order", |_| json!({"order_id": 999_999})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("documents/recent", |_| json!({"kind": null})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "documents/generate",
                |_| json!({"order_id": 999_999, "template_id": 1}),
            ),
            NOT_STOREKEEPER,
            401,
        ),
        e(
            ServerFn(
                "files/list",
                |_| json!({"owner_kind": "order", "owner_id": 999_999}),
            ),
            EVERYONE,
            401,
        ),
        // Reports (the test chain has no saved reports: 404 for those allowed).
        e(Rest("GET", "/api/v1/reports"), NOT_STOREKEEPER, 401),
        e(
            Rest("GET", "/api/v1/reports/standard/sales?by=shop"),
            NOT_STOREKEEPER,
            401,
        ),
        e(Rest("GET", "/api/v1/reports/1/run"), NOT_STOREKEEPER, 401),
        e(
            ServerFn(
                "reports/standard",
                |_| json!({"report": "receivables", "params": {}}),
            ),
            NOT_STOREKEEPER,
            401,
        ),
        e(
            ServerFn(
                "reports/start",
                |_| json!({"spec": {"block": "payments", "measures": [{"func": "count"}]}, "id": null, "params": {}}),
            ),
            BUILDERS,
            401,
        ),
        e(
            ServerFn("reports/status", |_| json!({"run": 999_999})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("reports/cancel", |_| json!({"run": 999_999})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("reports/list", |_| json!({})),
            NOT_STOREKEEPER,
            401,
        ),
        e(ServerFn("reports/dashboard", |_| json!({})), EVERYONE, 401),
        e(
            ServerFn("reports/get", |_| json!({"id": 999_999})),
            NOT_STOREKEEPER,
            401,
        ),
        e(
            ServerFn(
                "reports/save",
                |n| json!({"id": null, "name": format!("Отчёт {n}"), "spec": {"block": "orders", "measures": [{"func": "count"}]}, "roles": []}),
            ),
            BUILDERS,
            401,
        ),
        e(
            ServerFn("reports/delete", |_| json!({"id": 999_999})),
            BUILDERS,
            401,
        ),
        e(
            ServerFn("reports/pin", |_| json!({"id": 999_999, "pinned": true})),
            NOT_STOREKEEPER,
            401,
        ),
        e(
            ServerFn(
                "reports/run_saved",
                |_| json!({"id": 999_999, "params": {}}),
            ),
            NOT_STOREKEEPER,
            401,
        ),
        e(ServerFn("chat/list", |_| json!({})), EVERYONE, 401),
        e(ServerFn("company/get", |_| json!({})), EVERYONE, 401),
        e(
            ServerFn(
                "company/save",
                |_| json!({"input": {"name": "ООО «Витрина»", "legal_address": "", "inn": "", "kpp": "", "ogrn": "", "bank": "", "bik": "", "account": "", "corr_account": "", "director": "", "accountant": "", "phone": "", "email": ""}}),
            ),
            ADMIN,
            401,
        ),
        e(
            ServerFn(
                "chat/create",
                |_| json!({"input": {"title": "x", "member_ids": [999_999]}}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "chat/members",
                |_| json!({"chat_id": 999_999, "member_ids": [1]}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("chat/history", |_| json!({"chat_id": 1, "before": null})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "chat/post",
                |n| json!({"chat_id": 1, "input": {"body": format!("Добрый день {n}")}}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("chat/edit", |_| json!({"id": 999_999, "body": "x"})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("chat/delete", |_| json!({"id": 999_999})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("chat/read", |_| json!({"chat_id": 1, "up_to": null})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("chat/search", |_| json!({"query": "привет"})),
            EVERYONE,
            401,
        ),
        e(ServerFn("chat/colleagues", |_| json!({})), EVERYONE, 401),
        e(
            ServerFn(
                "comments/list",
                |_| json!({"record_kind": "order", "record_id": 999_999}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "comments/mentionable",
                |_| json!({"record_kind": "order", "record_id": 999_999}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "comments/add",
                |_| json!({"input": {"record_kind": "task", "record_id": 999_999, "body": "x"}}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("comments/change", |_| json!({"id": 999_999, "body": null})),
            EVERYONE,
            401,
        ),
        // Campaigns: admins and directors design and send; managers see.
        e(Rest("GET", "/api/v1/campaigns"), SELLERS, 401),
        e(
            RestJson(
                "POST",
                "/api/v1/campaigns",
                |n| json!({"name": format!("Рассылка {n}"), "segment": {}, "subject": "S", "text": "t"}),
            ),
            BUILDERS,
            401,
        ),
        e(Rest("GET", "/api/v1/campaigns/1"), SELLERS, 401),
        e(Rest("POST", "/api/v1/campaigns/1/start"), BUILDERS, 401),
        e(Rest("POST", "/api/v1/campaigns/1/pause"), BUILDERS, 401),
        e(Rest("POST", "/api/v1/campaigns/1/resume"), BUILDERS, 401),
        e(Rest("POST", "/api/v1/campaigns/1/cancel"), BUILDERS, 401),
        e(Rest("GET", "/api/v1/campaigns/1/recipients"), SELLERS, 401),
        e(ServerFn("campaigns/list", |_| json!({})), SELLERS, 401),
        e(
            ServerFn("campaigns/get", |_| json!({"id": 1})),
            SELLERS,
            401,
        ),
        e(
            ServerFn(
                "campaigns/recipients",
                |_| json!({"id": 1, "status": "", "offset": 0}),
            ),
            SELLERS,
            401,
        ),
        e(
            ServerFn("campaigns/count", |_| json!({"filter": {}})),
            SELLERS,
            401,
        ),
        e(ServerFn("campaigns/segments", |_| json!({})), SELLERS, 401),
        e(ServerFn("campaigns/templates", |_| json!({})), SELLERS, 401),
        e(
            ServerFn(
                "campaigns/preview",
                |_| json!({"subject": "S", "text": "t", "html": "", "client_id": null}),
            ),
            BUILDERS,
            401,
        ),
        e(
            ServerFn("campaigns/client_mail", |_| json!({"client_id": 1})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "campaigns/save",
                |n| json!({"id": null, "input": {"name": format!("Ч {n}"), "subject": "S", "text": "t"}}),
            ),
            BUILDERS,
            401,
        ),
        e(
            ServerFn(
                "campaigns/command",
                |_| json!({"id": 999_999, "command": "cancel"}),
            ),
            BUILDERS,
            401,
        ),
        e(
            ServerFn(
                "campaigns/save_segment",
                |n| json!({"name": format!("Сегмент {n}"), "filter": {}}),
            ),
            BUILDERS,
            401,
        ),
        e(
            ServerFn(
                "campaigns/save_template",
                |n| json!({"id": null, "input": {"name": format!("Шаблон {n}"), "subject": "S", "text": "t"}}),
            ),
            BUILDERS,
            401,
        ),
        e(
            ServerFn(
                "campaigns/test_send",
                |_| json!({"subject": "S", "text": "t", "html": "", "client_id": null, "to": "me@example.ru"}),
            ),
            BUILDERS,
            401,
        ),
        e(ServerFn("campaigns/settings", |_| json!({})), ADMIN, 401),
        // Telephony: everyone has a call log and may dial; admins set extensions and the PBX.
        e(Rest("GET", "/api/v1/calls"), EVERYONE, 401),
        e(
            RestJson(
                "POST",
                "/api/v1/calls",
                |_| json!({"phone": "+79161234567"}),
            ),
            EVERYONE,
            401,
        ),
        e(
            RestJson(
                "PUT",
                "/api/v1/employees/999999",
                |_| json!({"extension": ""}),
            ),
            ADMIN,
            401,
        ),
        e(
            ServerFn("telephony/card", |_| json!({"id": 999_999})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "telephony/calls",
                |_| json!({"client_id": null, "order_id": null, "employee_id": null}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn("telephony/dial", |_| json!({"phone": "+79161234567"})),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "telephony/link_order",
                |_| json!({"id": 999_999, "order_id": 999_999}),
            ),
            EVERYONE,
            401,
        ),
        e(
            ServerFn(
                "telephony/set_extension",
                |_| json!({"employee_id": 999_999, "extension": ""}),
            ),
            ADMIN,
            401,
        ),
        e(ServerFn("telephony/settings", |_| json!({})), ADMIN, 401),
        e(
            ServerFn(
                "telephony/save_settings",
                |_| json!({"input": {"connector": "none"}}),
            ),
            ADMIN,
            401,
        ),
        e(
            ServerFn(
                "campaigns/save_settings",
                |_| json!({"input": {"smtp_url": "", "mail_from": "", "rate_per_minute": 6000, "connections": 10}}),
            ),
            ADMIN,
            401,
        ),
    ]
}

#[tokio::test]
async fn every_endpoint_refuses_exactly_the_roles_it_should() {
    on_each_backend(|app| async move {
        let everyone = [
            Who::Visitor,
            Who::Admin,
            Who::Director,
            Who::Accountant,
            Who::Manager,
            Who::Storekeeper,
        ];
        let mut clients = Vec::new();
        for who in everyone {
            let client = match who.login() {
                Some(login) => app.sign_in(login).await.0,
                None => app.client(),
            };
            clients.push((who, client));
        }
        let mut failures = Vec::new();
        for (n, endpoint) in table().into_iter().enumerate() {
            for (who, client) in &clients {
                let (status, name) = match &endpoint.call {
                    Call::Rest(method, path) | Call::RestJson(method, path, _) => {
                        let mut req = match *method {
                            "GET" => client.get(app.url(path)),
                            "DELETE" => client.delete(app.url(path)),
                            "PUT" => client.put(app.url(path)),
                            _ => client.post(app.url(path)),
                        };
                        if let Call::RestJson(_, _, body) = &endpoint.call {
                            req = req.json(&body(n as u32 * 10 + *who as u32));
                        }
                        (
                            req.send().await.expect("request").status().as_u16(),
                            format!("{method} {path}"),
                        )
                    }
                    Call::ServerFn(name, args) => {
                        let (status, _) = app
                            .server_fn(client, name, args(n as u32 * 10 + *who as u32))
                            .await;
                        (status, format!("server fn {name}"))
                    }
                };
                let expected_ok = if *who == Who::Visitor {
                    status == endpoint.visitor
                } else if endpoint.allowed.contains(who) {
                    // Let through: whatever the business answer (404, 409, 422…), never 401/403 or a 5xx.
                    !matches!(status, 401 | 403) && status < 500
                } else {
                    status == 403
                };
                if !expected_ok {
                    failures.push(format!("{name} as {who:?}: got {status}"));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "unexpected answers:\n{}",
            failures.join("\n")
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_role_table_covers_every_documented_endpoint() {
    on_each_backend(|app| async move {
        let doc = app.openapi().await;
        let documented: BTreeSet<String> = doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .flat_map(|(path, item)| {
                item.as_object().expect("item").keys().map(move |method| {
                    format!(
                        "{} {}",
                        method.to_uppercase(),
                        path.replace("{id}", "1").replace("{name}", "sales")
                    )
                })
            })
            .collect();
        let mut covered: BTreeSet<String> = table()
            .iter()
            .filter_map(|e| match e.call {
                Call::Rest(m, p) | Call::RestJson(m, p, _) => Some(format!(
                    "{m} {}",
                    p.split('?').next().unwrap_or(p).replace("999999", "1")
                )),
                Call::ServerFn(..) => None,
            })
            .collect();
        // Covered by their own tests (auth.rs): public login, and logout (it ends the session).
        covered.insert("POST /api/v1/auth/login".into());
        covered.insert("POST /api/v1/auth/logout".into());
        // Webhooks with a token or signature of their own, not a session (campaigns.rs,
        // telephony.rs).
        covered.insert("POST /api/v1/campaigns/bounces".into());
        covered.insert("POST /api/v1/telephony/events".into());
        covered.insert("POST /api/v1/telephony/zadarma".into());
        covered.insert("GET /api/v1/telephony/zadarma".into());
        let missing: Vec<_> = documented.difference(&covered).collect();
        assert!(
            missing.is_empty(),
            "documented but not in the role table: {missing:?}"
        );
        app
    })
    .await;
}

/// Every server function in the app's source is in the role table (or is sign-in/out).
#[test]
fn the_role_table_covers_every_server_function() {
    let found: Vec<String> = crate::helpers::server_functions()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert!(found.len() > 10, "server functions found: {found:?}");
    let table = table();
    let missing: Vec<_> = found
        .iter()
        .filter(|name| !matches!(name.as_str(), "auth/login" | "auth/logout"))
        .filter(|name| {
            !table
                .iter()
                .any(|e| matches!(e.call, Call::ServerFn(n, _) if n == name.as_str()))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "server functions not in the role table: {missing:?}"
    );
}
