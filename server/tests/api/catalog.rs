//! Editing a product's card and the category tree, on both databases.

use crate::helpers::{on_each_backend, TestApp};
use crate::stock::{location_id, product_with_stock};
use serde_json::{json, Value};

async fn search(app: &TestApp, client: &reqwest::Client, query: &str) -> Vec<Value> {
    client
        .get(app.url(&format!("/api/v1/products?query={query}")))
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn a_product_card_is_edited_all_or_nothing_and_its_unit_is_kept_once_stock_moved() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let id = product_with_stock(&app, &admin, "EDIT-1", &[(shop, "2")]).await;
        let other = product_with_stock(&app, &admin, "EDIT-2", &[]).await;
        let (_, taken) = app
            .server_fn(&admin, "catalog/products/get", json!({"id": other}))
            .await;
        let taken_code = taken["barcodes"][0].as_str().expect("barcode").to_string();

        let edit = |barcodes: Vec<&str>, unit: &str| {
            json!({"sku": "EDIT-1N", "name": "Дрель ударная 800 Вт", "unit": unit, "price": "5490.50",
                   "cost": "3300", "barcodes": barcodes})
        };
        let res = admin
            .put(app.url(&format!("/api/v1/products/{id}")))
            .json(&edit(vec!["4600000000017"], "pcs"))
            .send()
            .await
            .expect("edit");
        assert_eq!(res.status(), 200);
        let p: Value = res.json().await.expect("json");
        assert_eq!(p["name"], "Дрель ударная 800 Вт");
        assert_eq!(p["price"], "5490.5");
        assert_eq!(p["barcodes"], json!(["4600000000017"]));
        // Search follows the new name and barcode; the old barcode is gone.
        assert_eq!(search(&app, &admin, "4600000000017").await[0]["id"], id);
        assert_eq!(search(&app, &admin, "ударная").await[0]["id"], id);

        // Another product's barcode: 409, and nothing of the edit is written.
        let res = admin
            .put(app.url(&format!("/api/v1/products/{id}")))
            .json(&json!({"sku": "EDIT-1X", "name": "Другое имя", "unit": "pcs", "price": "1", "barcodes": [taken_code]}))
            .send()
            .await
            .expect("edit");
        assert_eq!(res.status(), 409);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"]["code"], "conflict");
        let (_, now) = app
            .server_fn(&admin, "catalog/products/get", json!({"id": id}))
            .await;
        assert_eq!(now["sku"], "EDIT-1N");
        assert_eq!(now["barcodes"], json!(["4600000000017"]));

        // The unit can't change under existing stock; it can where nothing moved.
        let res = admin
            .put(app.url(&format!("/api/v1/products/{id}")))
            .json(&edit(vec![], "kg"))
            .send()
            .await
            .expect("edit");
        assert_eq!(res.status(), 409);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"]["kind"], "unit_in_use", "{body}");
        let (status, body) = app
            .server_fn(
                &admin,
                "catalog/products/update",
                json!({"id": other, "input": {"sku": "EDIT-2", "name": "Кабель ВВГ", "unit": "m", "price": "95"}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["unit"], "m");

        // Bad input, unknown product, a seller.
        let res = admin
            .put(app.url(&format!("/api/v1/products/{id}")))
            .json(&json!({"sku": "", "name": "x", "unit": "pcs", "price": "1"}))
            .send()
            .await
            .expect("edit");
        assert_eq!(res.status(), 422);
        let res = admin
            .put(app.url("/api/v1/products/999999"))
            .json(&edit(vec![], "pcs"))
            .send()
            .await
            .expect("edit");
        assert_eq!(res.status(), 404);
        let (seller, _) = app.sign_in("seller1").await;
        let res = seller
            .put(app.url(&format!("/api/v1/products/{id}")))
            .json(&edit(vec![], "pcs"))
            .send()
            .await
            .expect("edit");
        assert_eq!(res.status(), 403);
        app
    })
    .await;
}

#[tokio::test]
async fn categories_are_renamed_and_moved_but_never_under_themselves() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let create = |name: &str, parent: Option<i64>| json!({"name": name, "parent_id": parent});
        let (_, tools) = app
            .server_fn(&admin, "catalog/categories/create", create("Инструмент", None))
            .await;
        let tools = tools["id"].as_i64().expect("id");
        let (_, drills) = app
            .server_fn(&admin, "catalog/categories/create", create("Дрели", Some(tools)))
            .await;
        let drills = drills["id"].as_i64().expect("id");
        let (_, cordless) = app
            .server_fn(&admin, "catalog/categories/create", create("Аккумуляторные", Some(drills)))
            .await;
        let cordless = cordless["id"].as_i64().expect("id");

        let update = |id: i64, name: &str, parent: Option<i64>| {
            json!({"id": id, "name": name, "parent_id": parent})
        };
        let (status, body) = app
            .server_fn(&admin, "catalog/categories/update", update(drills, "Дрели и шуруповёрты", Some(tools)))
            .await;
        assert_eq!(status, 200, "{body}");
        // Under its own grandchild, or under itself: refused.
        for parent in [cordless, tools] {
            let target = if parent == tools { tools } else { drills };
            let (status, body) = app
                .server_fn(&admin, "catalog/categories/update", update(target, "x", Some(parent)))
                .await;
            assert_eq!(status, 422, "{body}");
            assert_eq!(body["field"], "category");
        }
        // Moved to the top level.
        let (status, _) = app
            .server_fn(&admin, "catalog/categories/update", update(cordless, "Аккумуляторные", None))
            .await;
        assert_eq!(status, 200);
        let (_, all) = app.server_fn(&admin, "catalog/categories", json!({})).await;
        let find = |id: i64| {
            all.as_array()
                .expect("list")
                .iter()
                .find(|c| c["id"] == id)
                .cloned()
                .expect("category")
        };
        assert_eq!(find(drills)["name"], "Дрели и шуруповёрты");
        assert_eq!(find(cordless)["parent_id"], Value::Null);
        let (status, _) = app
            .server_fn(&admin, "catalog/categories/update", update(999_999, "Нет", None))
            .await;
        assert_eq!(status, 404);
        let (seller, _) = app.sign_in("seller2").await;
        let (status, _) = app
            .server_fn(&seller, "catalog/categories/update", update(tools, "Мой", None))
            .await;
        assert_eq!(status, 403);
        app
    })
    .await;
}

#[tokio::test]
async fn a_streamed_import_reports_progress_line_by_line_then_the_report() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let mut csv = String::from("sku,name,price,unit\n");
        for i in 0..600 {
            csv.push_str(&format!("STREAM-{i},Саморез {i} мм,{i}.50,шт\n"));
        }
        let res = admin
            .post(app.url("/api/catalog/import/stream"))
            .json(&json!({"request": {"target": "catalog", "csv": csv, "apply": true, "only_valid": false}}))
            .send()
            .await
            .expect("import");
        assert_eq!(res.status(), 200);
        let text = res.text().await.expect("body");
        assert!(text.is_ascii(), "lines are ASCII");
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        let checking: Vec<i64> = lines
            .iter()
            .filter(|l| l["progress"]["phase"] == "checking")
            .map(|l| l["progress"]["done"].as_i64().expect("done"))
            .collect();
        assert_eq!(checking, vec![0, 250, 500, 600]);
        let writing: Vec<i64> = lines
            .iter()
            .filter(|l| l["progress"]["phase"] == "writing")
            .map(|l| l["progress"]["done"].as_i64().expect("done"))
            .collect();
        assert_eq!(writing, vec![0, 0, 250, 500, 600]);
        let last = lines.last().expect("a last line");
        let report = &last["finished"]["Ok"];
        assert_eq!(report["rows"], 600, "{last}");
        assert_eq!(report["applied"], true);
        assert_eq!(report["preview"][0][1], "Саморез 0 мм");
        assert_eq!(search(&app, &admin, "STREAM-599").await.len(), 1);

        // A refusal (a seller importing the catalog) is a plain 403 before any stream.
        let (seller, _) = app.sign_in("seller1").await;
        let res = seller
            .post(app.url("/api/catalog/import/stream"))
            .json(&json!({"request": {"target": "catalog", "csv": "sku,name,price\n", "apply": false, "only_valid": false}}))
            .send()
            .await
            .expect("import");
        assert_eq!(res.status(), 403);
        app
    })
    .await;
}

/// The README promises CSV files up to 20 MB: a 15 MB one is read and checked whole
/// (through the server function the import screen calls), and one over 20 MB is refused
/// with a clear error, not a transport failure.
#[tokio::test]
async fn a_fifteen_megabyte_csv_is_checked_whole_and_one_over_the_limit_is_refused() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let name = "Саморез по дереву оцинкованный потай крестовой шлиц PH2 упаковка ".repeat(2);
        let mut csv = String::from("sku,name,price\n");
        let mut rows = 0;
        while csv.len() < 15 * 1024 * 1024 {
            rows += 1;
            csv.push_str(&format!("BIG15-{rows},{name} {rows},{}.90\n", rows % 900 + 1));
        }
        let (status, report) = app
            .server_fn(&admin, "catalog/import", json!({"request": {"target": "catalog", "csv": csv, "apply": false, "only_valid": false}}))
            .await;
        assert_eq!(status, 200, "{}", report.to_string().chars().take(300).collect::<String>());
        let head: String = report.to_string().chars().take(400).collect();
        assert_eq!(report["rows"].as_u64(), Some(rows as u64), "{head}");
        assert_eq!(report["valid"].as_u64(), Some(rows as u64));
        assert_eq!(report["applied"], false);

        let too_big = "x".repeat(21 * 1024 * 1024);
        let (status, body) = app
            .server_fn(&admin, "catalog/import", json!({"request": {"target": "catalog", "csv": too_big, "apply": false, "only_valid": false}}))
            .await;
        assert_eq!(status, 413, "{}", body.to_string().chars().take(300).collect::<String>());
        app
    })
    .await;
}

#[tokio::test]
async fn a_product_card_shows_the_cost_price_to_those_who_may_see_it_and_a_scan_is_marked_exact() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let id = product_with_stock(&app, &admin, "CARD-1", &[]).await;
        let (_, full) = app
            .server_fn(&admin, "catalog/products/get", json!({"id": id}))
            .await;
        let barcode = full["barcodes"][0].as_str().expect("barcode").to_string();
        for (login, sees) in [
            ("seller1", false),
            ("storekeeper1", true),
            ("accountant", true),
            ("director", true),
        ] {
            let (client, _) = app.sign_in(login).await;
            let (status, card) = app
                .server_fn(&client, "catalog/products/get", json!({"id": id}))
                .await;
            assert_eq!(status, 200, "{login}");
            assert_eq!(card.get("cost").is_some(), sees, "{login}: {card}");
            let rest: Value = client
                .get(app.url(&format!("/api/v1/products/{id}")))
                .send()
                .await
                .expect("get")
                .json()
                .await
                .expect("json");
            assert_eq!(rest.get("cost").is_some(), sees, "{login} over REST");
            assert_eq!(rest["barcodes"][0], barcode.as_str());
        }
        // The barcode itself is an exact hit; a part of the SKU is not.
        let hits = search(&app, &admin, &barcode).await;
        assert_eq!(hits[0]["id"], id);
        assert_eq!(hits[0]["exact_barcode"], true);
        let hits = search(&app, &admin, "CARD-").await;
        assert_eq!(hits[0]["exact_barcode"], false);
        app
    })
    .await;
}
