use crate::helpers::{on_each_backend, TestApp};
use serde_json::{json, Value};

/// Creates a product (as admin) and receives `qty` at each given location; returns its id.
pub(crate) async fn product_with_stock(
    app: &TestApp,
    admin: &reqwest::Client,
    sku: &str,
    stock: &[(i64, &str)],
) -> i64 {
    let res = admin
        .post(app.url("/api/v1/products"))
        .json(&json!({"sku": sku, "name": format!("Дрель {sku}"), "unit": "pcs", "price": "4990.00", "cost": "3100",
                      "barcodes": [format!("460{}", sku.len() * 1_000_000 + sku.bytes().map(|b| b as usize).sum::<usize>())]}))
        .send()
        .await
        .expect("create product");
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    for (location, qty) in stock {
        let res = admin
            .post(app.url("/api/v1/stock/receipts"))
            .json(&json!({"location_id": location, "lines": [{"product_id": id, "qty": qty}]}))
            .send()
            .await
            .expect("receipt");
        assert_eq!(
            res.status(),
            201,
            "{}",
            res.text().await.unwrap_or_default()
        );
    }
    id
}

pub(crate) async fn location_id(app: &TestApp, name_part: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM location WHERE name LIKE $1")
        .bind(format!("%{name_part}%"))
        .fetch_one(&app.db.pool)
        .await
        .expect("location");
    id
}

pub(crate) async fn ledger_is_consistent(app: &TestApp) {
    let problems = app::stock::ledger::check(&app.db).await.expect("check");
    assert!(problems.is_empty(), "ledger differs: {problems:?}");
}

#[tokio::test]
async fn availability_lists_every_location_home_first_then_by_distance() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let tver = location_id(&app, "Тверская").await;
        let kazan = location_id(&app, "Баумана").await;
        let podolsk = location_id(&app, "Подольск").await;
        let id = product_with_stock(&app, &admin, "DR-1", &[(kazan, "3"), (podolsk, "12")]).await;

        // seller2 works at Невский (Saint Petersburg).
        let (seller, _) = app.sign_in("seller2").await;
        let rows: Vec<Value> = seller
            .get(app.url(&format!("/api/v1/products/{id}/availability")))
            .send()
            .await
            .expect("availability")
            .json()
            .await
            .expect("json");
        assert_eq!(rows.len(), 7);
        assert_eq!(rows[0]["name"], "Магазин «Невский»");
        assert_eq!(rows[0]["is_home"], true);
        assert_eq!(
            rows[1]["location_id"], tver,
            "Moscow is the nearest to St Petersburg"
        );
        let distances: Vec<i64> = rows
            .iter()
            .skip(1)
            .map(|r| r["distance_km"].as_i64().expect("km"))
            .collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
        let podolsk_row = rows
            .iter()
            .find(|r| r["location_id"] == podolsk)
            .expect("podolsk");
        assert_eq!(podolsk_row["on_hand"], "12");
        assert_eq!(podolsk_row["available"], "12");
        assert_eq!(podolsk_row["kind"], "warehouse");
        app
    })
    .await;
}

#[tokio::test]
async fn reserving_more_than_available_is_409_with_what_is_available_where_and_changes_nothing() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let kazan = location_id(&app, "Баумана").await;
        let podolsk = location_id(&app, "Подольск").await;
        let id = product_with_stock(&app, &admin, "DR-2", &[(kazan, "2"), (podolsk, "7")]).await;
        let (seller, _) = app.sign_in("seller3").await;
        let res = seller
            .post(app.url("/api/v1/reservations"))
            .json(&json!({"product_id": id, "location_id": kazan, "qty": 3, "client": "Иванов, +7 900 000-00-00"}))
            .send()
            .await
            .expect("reserve");
        assert_eq!(res.status(), 409);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"]["code"], "not_enough_stock");
        assert_eq!(body["error"]["available"], "2");
        assert_eq!(body["error"]["elsewhere"][0]["location_id"], podolsk);
        assert_eq!(body["error"]["elsewhere"][0]["available"], "7");
        let (reserved, count): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT reserved FROM stock_level WHERE product_id = $1 AND location_id = $2), (SELECT COUNT(*) FROM reservation)",
        )
        .bind(id)
        .bind(kazan)
        .fetch_one(&app.db.pool)
        .await
        .expect("row");
        assert_eq!((reserved, count), (0, 0));
        app
    })
    .await;
}

#[tokio::test]
async fn many_concurrent_reservations_at_the_last_units_never_oversell() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Вайнера").await;
        let id = product_with_stock(&app, &admin, "LAST-10", &[(shop, "10")]).await;
        let mut sellers = Vec::new();
        for login in ["seller1", "seller2", "seller3", "seller4", "director"] {
            sellers.push(app.sign_in(login).await.0);
        }
        let mut tasks = Vec::new();
        for attempt in 0..40 {
            let client = sellers[attempt % sellers.len()].clone();
            let url = app.url("/api/v1/reservations");
            tasks.push(tokio::spawn(async move {
                client
                    .post(url)
                    .json(&json!({"product_id": id, "location_id": shop, "qty": "1", "client": format!("клиент {attempt}")}))
                    .send()
                    .await
                    .expect("reserve")
                    .status()
                    .as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.expect("task"));
        }
        let won = statuses.iter().filter(|s| **s == 201).count();
        let refused = statuses.iter().filter(|s| **s == 409).count();
        assert_eq!((won, refused), (10, 30), "{statuses:?}");
        let (on_hand, reserved): (i64, i64) =
            sqlx::query_as("SELECT on_hand, reserved FROM stock_level WHERE product_id = $1 AND location_id = $2")
                .bind(id)
                .bind(shop)
                .fetch_one(&app.db.pool)
                .await
                .expect("level");
        assert_eq!((on_hand, reserved), (10_000, 10_000));
        ledger_is_consistent(&app).await;
        app
    })
    .await;
}

#[tokio::test]
async fn release_and_fulfil_keep_balances_and_ledger_in_step() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let id = product_with_stock(&app, &admin, "LIFE-1", &[(shop, "5")]).await;
        let (seller, _) = app.sign_in("seller1").await;
        let reserve = |qty: &'static str| {
            let seller = seller.clone();
            let url = app.url("/api/v1/reservations");
            async move {
                let res = seller
                    .post(url)
                    .json(&json!({"product_id": id, "location_id": shop, "qty": qty}))
                    .send()
                    .await
                    .expect("reserve");
                assert_eq!(res.status(), 201);
                res.json::<Value>().await.expect("json")["id"]
                    .as_i64()
                    .expect("id")
            }
        };
        let a = reserve("2").await;
        let b = reserve("1").await;
        let res = seller
            .delete(app.url(&format!("/api/v1/reservations/{a}")))
            .send()
            .await
            .expect("release");
        assert_eq!(res.status(), 204);
        let res = seller
            .delete(app.url(&format!("/api/v1/reservations/{a}")))
            .send()
            .await
            .expect("release again");
        assert_eq!(res.status(), 409);
        let res = seller
            .post(app.url(&format!("/api/v1/reservations/{b}/fulfil")))
            .send()
            .await
            .expect("fulfil");
        assert_eq!(res.status(), 204);
        let (on_hand, reserved): (i64, i64) = sqlx::query_as(
            "SELECT on_hand, reserved FROM stock_level WHERE product_id = $1 AND location_id = $2",
        )
        .bind(id)
        .bind(shop)
        .fetch_one(&app.db.pool)
        .await
        .expect("level");
        assert_eq!((on_hand, reserved), (4_000, 0));
        let (sales,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM stock_move WHERE kind = 'sale' AND reservation_id = $1",
        )
        .bind(b)
        .fetch_one(&app.db.pool)
        .await
        .expect("moves");
        assert_eq!(sales, 1);
        let res = seller
            .delete(app.url("/api/v1/reservations/999999"))
            .send()
            .await
            .expect("unknown");
        assert_eq!(res.status(), 404);
        ledger_is_consistent(&app).await;
        app
    })
    .await;
}

#[tokio::test]
async fn documents_move_stock_and_refuse_to_go_below_reserved() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Невский").await;
        let warehouse = location_id(&app, "Подольск").await;
        let id = product_with_stock(&app, &admin, "DOC-1", &[(warehouse, "10"), (shop, "3")]).await;
        // The warehouse's storekeeper sends and counts; the shop's manager (seller2, at
        // Невский) receives and writes off: each at their own location.
        let (store, _) = app.sign_in("storekeeper1").await;
        let (seller, _) = app.sign_in("seller2").await;
        let post_as = |who: &reqwest::Client, body: Value| {
            let who = who.clone();
            let url = app.url("/api/v1/stock/documents");
            async move {
                let res = who.post(url).json(&body).send().await.expect("doc");
                let status = res.status().as_u16();
                (status, res.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let post = |body: Value| post_as(&store, body);
        // Transfer 4 from the warehouse: in transit until received.
        let (status, doc) = post(json!({"kind": "transfer", "location_id": warehouse, "to_location_id": shop,
                                         "lines": [{"product_id": id, "qty": "4"}]})).await;
        assert_eq!(status, 201, "{doc}");
        assert_eq!(doc["status"], "in_transit");
        let transfer = doc["id"].as_i64().expect("id");
        let res = store.post(app.url(&format!("/api/v1/stock/documents/{transfer}/receive"))).send().await.expect("receive");
        assert_eq!(res.status(), 403, "received at the shop, by its staff");
        let res = seller.post(app.url(&format!("/api/v1/stock/documents/{transfer}/receive"))).send().await.expect("receive");
        assert_eq!(res.status(), 200);
        let res = seller.post(app.url(&format!("/api/v1/stock/documents/{transfer}/receive"))).send().await.expect("again");
        assert_eq!(res.status(), 409);

        // Reserve 5 of the 7 now at the shop; a write-off of 3 would eat into them.
        let res = seller
            .post(app.url("/api/v1/reservations"))
            .json(&json!({"product_id": id, "location_id": shop, "qty": 5}))
            .send()
            .await
            .expect("reserve");
        assert_eq!(res.status(), 201);
        let (status, body) = post_as(&seller, json!({"kind": "write_off", "location_id": shop, "reason": "брак",
                                          "lines": [{"product_id": id, "qty": "3"}]})).await;
        assert_eq!(status, 409, "{body}");
        let (status, body) = post_as(&seller, json!({"kind": "write_off", "location_id": shop, "reason": "",
                                          "lines": [{"product_id": id, "qty": "1"}]})).await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("reason")));
        let (status, _) = post_as(&seller, json!({"kind": "write_off", "location_id": shop, "reason": "брак",
                                      "lines": [{"product_id": id, "qty": "2"}]})).await;
        assert_eq!(status, 201);

        // Count at the warehouse: 6 on hand, 5 counted → adjustment −1.
        let (status, doc) = post(json!({"kind": "count", "location_id": warehouse,
                                         "lines": [{"product_id": id, "qty": "5"}]})).await;
        assert_eq!(status, 201, "{doc}");
        assert_eq!(doc["lines"][0]["counted"], "5");
        assert_eq!(doc["lines"][0]["qty"], "-1");
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT location_id, on_hand, reserved FROM stock_level WHERE product_id = $1 ORDER BY location_id",
        )
        .bind(id)
        .fetch_all(&app.db.pool)
        .await
        .expect("levels");
        let at = |loc: i64| rows.iter().find(|r| r.0 == loc).map(|r| (r.1, r.2)).expect("level");
        assert_eq!(at(shop), (5_000, 5_000));
        assert_eq!(at(warehouse), (5_000, 0));
        // An accountant may look but not move stock.
        let (accountant, _) = app.sign_in("accountant").await;
        let res = accountant
            .post(app.url("/api/v1/stock/receipts"))
            .json(&json!({"location_id": shop, "lines": [{"product_id": id, "qty": 1}]}))
            .send()
            .await
            .expect("receipt");
        assert_eq!(res.status(), 403);
        ledger_is_consistent(&app).await;
        app
    })
    .await;
}

#[tokio::test]
async fn client_holds_expire_and_release_their_units() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Баумана").await;
        let id = product_with_stock(&app, &admin, "HOLD-1", &[(shop, "1")]).await;
        let (seller, _) = app.sign_in("seller3").await;
        let res = seller
            .post(app.url("/api/v1/reservations"))
            .json(&json!({"product_id": id, "location_id": shop, "qty": 1, "client": "Петрова"}))
            .send()
            .await
            .expect("reserve");
        let hold: Value = res.json().await.expect("json");
        let expires = hold["expires_at"].as_i64().expect("a hold expires");
        assert!(expires - hold["created_at"].as_i64().expect("created") == 72 * 3600 * 1000);
        sqlx::query("UPDATE reservation SET expires_at = 1 WHERE id = $1")
            .bind(hold["id"].as_i64())
            .execute(&app.db.pool)
            .await
            .expect("age the hold");
        let hub = app::live::hub::Hub::new();
        let expired = app::stock::reservations::expire_due(&app.db, &hub)
            .await
            .expect("expire");
        assert_eq!(expired, 1);
        let (reserved,): (i64,) =
            sqlx::query_as("SELECT reserved FROM stock_level WHERE product_id = $1")
                .bind(id)
                .fetch_one(&app.db.pool)
                .await
                .expect("level");
        assert_eq!(reserved, 0);
        ledger_is_consistent(&app).await;
        app
    })
    .await;
}

#[tokio::test]
async fn search_finds_by_barcode_sku_and_any_case_name_fragment() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let res = admin
            .post(app.url("/api/v1/products"))
            .json(&json!({"sku": "SH-220", "name": "Шуруповёрт аккумуляторный", "unit": "pcs", "price": 7990,
                          "barcodes": ["4607001234567"]}))
            .send()
            .await
            .expect("create");
        assert_eq!(res.status(), 201);
        for query in ["4607001234567", "sh-2", "ШУРУПОВЕРТ", "аккумулятор"] {
            let hits: Vec<Value> = admin
                .get(app.url("/api/v1/products"))
                .query(&[("query", query)])
                .send()
                .await
                .expect("search")
                .json()
                .await
                .expect("json");
            assert_eq!(hits.len(), 1, "{query}");
            assert_eq!(hits[0]["sku"], "SH-220");
        }
        let res = admin
            .post(app.url("/api/v1/products"))
            .json(&json!({"sku": "SH-221", "name": "Другой", "unit": "pcs", "price": 1, "barcodes": ["4607001234567"]}))
            .send()
            .await
            .expect("duplicate barcode");
        assert_eq!(res.status(), 409);
        let res = admin
            .post(app.url("/api/v1/products"))
            .json(&json!({"sku": "SH-222", "name": "Дробный", "unit": "pcs", "price": "1.001"}))
            .send()
            .await
            .expect("bad price");
        assert_eq!(res.status(), 400);
        app
    })
    .await;
}

#[tokio::test]
async fn the_overview_of_a_location_filters_low_and_reserved_stock() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Красный").await;
        let plenty = product_with_stock(&app, &admin, "OV-PLENTY", &[(shop, "10")]).await;
        let low = product_with_stock(&app, &admin, "OV-LOW", &[(shop, "1")]).await;
        let (seller, _) = app.sign_in("seller5").await;
        let res = seller
            .post(app.url("/api/v1/reservations"))
            .json(&json!({"product_id": plenty, "location_id": shop, "qty": 3}))
            .send()
            .await
            .expect("reserve");
        assert_eq!(res.status(), 201);
        let ids = |only: &'static str| {
            let seller = seller.clone();
            let app = &app;
            async move {
                let (status, rows) = app
                    .server_fn(
                        &seller,
                        "stock/overview",
                        json!({"filter": {"location_id": shop, "only": only}}),
                    )
                    .await;
                assert_eq!(status, 200, "{rows}");
                rows.as_array()
                    .expect("rows")
                    .iter()
                    .map(|r| r["product_id"].as_i64().expect("id"))
                    .collect::<Vec<_>>()
            }
        };
        let all = ids("all").await;
        assert!(all.contains(&plenty) && all.contains(&low));
        assert_eq!(ids("low").await, vec![low]);
        assert_eq!(ids("reserved").await, vec![plenty]);
        app
    })
    .await;
}

#[tokio::test]
async fn csv_import_previews_reports_row_errors_and_writes_all_or_only_valid_rows() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let csv = "Артикул;Название;Цена;Ед;Штрихкоды;Категория\n\
                   IMP-1;Дрель импортная;4 990,00;шт;4601111111111;Дрели\n\
                   IMP-2;Кабель импортный;95,5;м;;Кабель\n\
                   IMP-3;Без цены;;шт;;\n\
                   IMP-1;Дубль артикула;10;шт;;\n";
        let call = |apply: bool, only_valid: bool| {
            let admin = admin.clone();
            let app = &app;
            async move {
                let (status, report) = app
                    .server_fn(&admin, "catalog/import", json!({"request": {"target": "catalog", "csv": csv, "apply": apply, "only_valid": only_valid}}))
                    .await;
                assert_eq!(status, 200, "{report}");
                report
            }
        };
        let preview = call(false, false).await;
        assert_eq!((preview["rows"].as_u64(), preview["valid"].as_u64()), (Some(4), Some(2)));
        let lines: Vec<u64> = preview["errors"].as_array().expect("errors").iter().map(|e| e["line"].as_u64().expect("line")).collect();
        assert_eq!(lines, vec![4, 5]);
        assert_eq!(preview["errors"][0]["error"]["field"], "price");
        assert_eq!(preview["errors"][1]["error"]["kind"], "sku_taken");
        assert_eq!(preview["preview"][0][2], "4990");
        // With errors and without "only valid rows", nothing is written.
        let refused = call(true, false).await;
        assert_eq!(refused["applied"], false);
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM product WHERE sku LIKE 'IMP-%'")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
        assert_eq!(count, 0);
        let done = call(true, true).await;
        assert_eq!(done["applied"], true);
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM product WHERE sku LIKE 'IMP-%'")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
        assert_eq!(count, 2);

        // Opening stock for a shop, by SKU.
        let shop = location_id(&app, "Невский").await;
        let (status, report) = app
            .server_fn(&admin, "catalog/import", json!({"request": {"target": {"stock": {"location_id": shop}},
                "csv": "sku,qty\nIMP-1,3\nIMP-2,120.5\nNOPE,1\n", "apply": true, "only_valid": true}}))
            .await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["applied"], true);
        assert_eq!(report["errors"][0]["error"]["field"], "sku");
        let (on_hand,): (i64,) = sqlx::query_as(
            "SELECT s.on_hand FROM stock_level s JOIN product p ON p.id = s.product_id WHERE p.sku = 'IMP-2' AND s.location_id = $1",
        )
        .bind(shop)
        .fetch_one(&app.db.pool)
        .await
        .expect("level");
        assert_eq!(on_hand, 120_500);
        ledger_is_consistent(&app).await;
        // An accountant may not import.
        let (accountant, _) = app.sign_in("accountant").await;
        let (status, _) = app
            .server_fn(&accountant, "catalog/import", json!({"request": {"target": "catalog", "csv": csv, "apply": false, "only_valid": false}}))
            .await;
        assert_eq!(status, 403);
        app
    })
    .await;
}

#[tokio::test]
async fn alternatives_link_both_ways_and_archived_products_leave_search() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let a = product_with_stock(&app, &admin, "ALT-A", &[]).await;
        let b = product_with_stock(&app, &admin, "ALT-B", &[(shop, "4")]).await;
        let (status, body) = app
            .server_fn(
                &admin,
                "catalog/alternatives/link",
                json!({"product_id": a, "alternative_id": b}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, cat) = app
            .server_fn(
                &admin,
                "catalog/categories/create",
                json!({"name": "Уровни", "parent_id": null}),
            )
            .await;
        assert_eq!(status, 200, "{cat}");
        let (_, dup) = app
            .server_fn(
                &admin,
                "catalog/categories/create",
                json!({"name": "Уровни", "parent_id": null}),
            )
            .await;
        assert_eq!(dup["kind"], "category_taken");
        for (from, to) in [(a, b), (b, a)] {
            let (status, availability) = app
                .server_fn(&admin, "stock/availability", json!({"product_id": from}))
                .await;
            assert_eq!(status, 200);
            assert_eq!(availability["alternatives"][0]["product"]["id"], to);
        }
        let (_, with_alt) = app
            .server_fn(&admin, "stock/availability", json!({"product_id": a}))
            .await;
        assert_eq!(with_alt["alternatives"][0]["best_available"], "4");
        let (status, _) = app
            .server_fn(
                &admin,
                "catalog/products/active",
                json!({"id": b, "active": false}),
            )
            .await;
        assert_eq!(status, 200);
        let hits: Vec<Value> = admin
            .get(app.url("/api/v1/products"))
            .query(&[("query", "ALT-")])
            .send()
            .await
            .expect("search")
            .json()
            .await
            .expect("json");
        assert_eq!(hits.len(), 1, "the archived product left the search");
        app
    })
    .await;
}
