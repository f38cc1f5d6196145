//! The home page's figures (`home/summary`) and the order list's text search, on both
//! databases: a seller sees only their shop's holds and their own orders; the director's
//! sales are each shop's today and add up to the chain's; the search finds an order by
//! a part of its number, its client's name in any case and a phone typed any way, never
//! another shop's order for a seller.

use crate::helpers::{on_each_backend, TestApp};
use crate::scope::rest;
use crate::stock::{location_id, product_with_stock};
use serde_json::{json, Value};

/// `day` at `hh:mm` local in a zone `hours` east of UTC, as UTC ms.
fn local_instant(day: &str, hh: i64, mm: i64, hours: i64) -> i64 {
    let d = app::time::parse_day(day).expect("day");
    d * 86_400_000 + (hh * 60 + mm) * 60_000 - hours * 3_600_000
}

/// A money string ("14480", "100.5") in kopecks.
fn kopecks(v: &Value) -> i64 {
    let text = v.as_str().unwrap_or_else(|| panic!("money: {v}"));
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<2}");
    whole.parse::<i64>().expect("whole") * 100 + frac[..2].parse::<i64>().expect("kopecks")
}

async fn home(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, body) = app.server_fn(client, "home/summary", json!({})).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn order(app: &TestApp, seller: &reqwest::Client, input: Value) -> Value {
    let (status, order) = app
        .server_fn(seller, "orders/create", json!({ "input": input }))
        .await;
    assert_eq!(status, 200, "{order}");
    order
}

fn ids(list: &Value, key: &str) -> Vec<i64> {
    list.as_array()
        .unwrap_or_else(|| panic!("list: {list}"))
        .iter()
        .map(|x| x[key].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn a_seller_sees_only_their_shops_holds_lapsing_today_and_their_own_open_orders() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let kazan = location_id(&app, "Баумана").await;
        let item = product_with_stock(&app, &admin, "HOME-1", &[(moscow, "10"), (kazan, "10")]).await;
        let noon = local_instant("2026-12-10", 12, 0, 3);
        app.db.set_clock(noon);
        let (seller1, _) = app.sign_in("seller1").await;
        let (seller3, _) = app.sign_in("seller3").await;
        let line = |shop: i64| json!({"fulfilment": "pickup", "lines": [{"product_id": item, "location_id": shop, "qty": "1"}]});
        let mine = order(&app, &seller1, line(moscow)).await["id"].as_i64().expect("id");
        let admins = order(&app, &admin, line(moscow)).await["id"].as_i64().expect("id");
        let kazans = order(&app, &seller3, line(kazan)).await["id"].as_i64().expect("id");
        let hold = |seller: &reqwest::Client, shop: i64, client: &str| {
            let body = json!({"product_id": item, "location_id": shop, "qty": 1, "client": client});
            let app = &app;
            let seller = seller.clone();
            async move {
                let (status, hold) = rest(app, &seller, "POST", "/api/v1/reservations", Some(body)).await;
                assert_eq!(status, 201, "{hold}");
                hold["id"].as_i64().expect("hold")
            }
        };
        let today_moscow = hold(&seller1, moscow, "Клиент сегодня").await;
        let tomorrow_moscow = hold(&seller1, moscow, "Клиент завтра").await;
        let today_kazan = hold(&seller3, kazan, "Клиент Казани").await;
        for (id, at) in [(today_moscow, noon + 3_600_000), (tomorrow_moscow, noon + 86_400_000), (today_kazan, noon + 3_600_000)] {
            sqlx::query("UPDATE reservation SET expires_at = $1 WHERE id = $2")
                .bind(at)
                .bind(id)
                .execute(&app.db.pool)
                .await
                .expect("expiry");
        }

        let day = home(&app, &seller1).await;
        assert_eq!(day["role"], "seller", "{day}");
        assert_eq!(ids(&day["holds"], "id"), vec![today_moscow], "{day}");
        assert_eq!(day["holds"][0]["client"], "Клиент сегодня");
        assert_eq!(ids(&day["orders"], "id"), vec![mine], "not the admin's {admins}, not Kazan's {kazans}");
        assert_eq!(day["mentions"], json!([]));

        let day = home(&app, &seller3).await;
        assert_eq!(ids(&day["holds"], "id"), vec![today_kazan], "{day}");
        assert_eq!(ids(&day["orders"], "id"), vec![kazans], "{day}");

        // A storekeeper's home is the transfers heading to their location.
        let podolsk = location_id(&app, "Подольск").await;
        let (status, doc) = rest(&app, &admin, "POST", "/api/v1/stock/documents", Some(json!({
            "kind": "transfer", "location_id": moscow, "to_location_id": podolsk,
            "lines": [{"product_id": item, "qty": "1"}]}))).await;
        assert_eq!(status, 201, "{doc}");
        let (storekeeper, _) = app.sign_in("storekeeper1").await;
        let day = home(&app, &storekeeper).await;
        assert_eq!(day["role"], "storekeeper", "{day}");
        assert_eq!(ids(&day["transfers"], "id"), vec![doc["id"].as_i64().expect("doc")]);
        app.db.set_clock(app::db::now_ms());
        app
    })
    .await;
}

#[tokio::test]
async fn the_directors_sales_are_each_shops_today_and_add_up_to_the_chain_total() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let nsk = location_id(&app, "Красный проспект").await;
        let item = product_with_stock(&app, &admin, "HOME-2", &[(moscow, "10"), (nsk, "10")]).await;
        let (seller1, _) = app.sign_in("seller1").await;
        let (seller5, _) = app.sign_in("seller5").await;
        let sale = |shop: i64, price: &str| json!({"fulfilment": "pickup",
            "lines": [{"product_id": item, "location_id": shop, "qty": "1", "price": price}]});
        // 20:00 in Novosibirsk on the 10th: its yesterday by the time the others are taken.
        app.db.set_clock(local_instant("2026-12-10", 20, 0, 7));
        order(&app, &seller5, sale(nsk, "200.00")).await;
        // 22:30 in Moscow on the 10th is 02:30 on the 11th in Novosibirsk.
        app.db.set_clock(local_instant("2026-12-10", 22, 30, 3));
        let moscow_order = order(&app, &seller1, sale(moscow, "100.00")).await;
        order(&app, &seller5, sale(nsk, "250.00")).await;

        let (director, _) = app.sign_in("director").await;
        let day = home(&app, &director).await;
        assert_eq!(day["role"], "director", "{day}");
        let sales = &day["sales"];
        let row = |shop: i64| {
            sales["shops"].as_array().expect("shops").iter()
                .find(|r| r["shop_id"] == shop).cloned().unwrap_or_else(|| panic!("shop {shop}: {sales}"))
        };
        assert_eq!((row(moscow)["orders"].as_i64(), kopecks(&row(moscow)["revenue"])), (Some(1), 10_000));
        assert_eq!((row(nsk)["orders"].as_i64(), kopecks(&row(nsk)["revenue"])), (Some(1), 25_000), "{sales}");
        let rows = sales["shops"].as_array().expect("shops");
        assert_eq!(rows.iter().map(|r| kopecks(&r["revenue"])).sum::<i64>(), kopecks(&sales["revenue"]));
        assert_eq!(rows.iter().map(|r| r["orders"].as_i64().expect("n")).sum::<i64>(), sales["orders"].as_i64().expect("n"));
        assert_eq!(kopecks(&sales["revenue"]), 35_000);
        assert_eq!(kopecks(&day["receivables"]["total"]), 55_000, "{day}");

        // A payment today: less is owed, and the accountant sees it by fund.
        let (accountant, _) = app.sign_in("accountant").await;
        let (status, paid) = app.server_fn(&accountant, "payments/record", json!({"input": {
            "direction": "in", "method": "cash", "amount": "100.00", "order_id": moscow_order["id"]}})).await;
        assert_eq!(status, 200, "{paid}");
        let day = home(&app, &director).await;
        assert_eq!(kopecks(&day["receivables"]["total"]), 45_000, "{day}");
        let books = home(&app, &accountant).await;
        assert_eq!(books["role"], "accountant", "{books}");
        assert_eq!(kopecks(&books["payments"]["received"]), 10_000, "{books}");
        assert_eq!(kopecks(&books["receivables"]["total"]), 45_000);

        // A seller gets no chain figures.
        let day = home(&app, &seller1).await;
        assert_eq!(day["role"], "seller");
        assert!(day.get("sales").is_none() && day.get("receivables").is_none(), "{day}");
        app.db.set_clock(app::db::now_ms());
        app
    })
    .await;
}

#[tokio::test]
async fn the_order_list_finds_by_number_name_and_phone_but_not_another_shops_order() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let kazan = location_id(&app, "Баумана").await;
        let item =
            product_with_stock(&app, &admin, "HOME-3", &[(moscow, "10"), (kazan, "10")]).await;
        let (seller1, _) = app.sign_in("seller1").await;
        let (seller3, _) = app.sign_in("seller3").await;
        let client = |seller: &reqwest::Client, name: &str, phone: &str| {
            let (app, seller) = (&app, seller.clone());
            let body = json!({"id": null, "input": {"name": name, "phones": [phone]}});
            async move {
                let (status, c) = app.server_fn(&seller, "clients/save", body).await;
                assert_eq!(status, 200, "{c}");
                c["id"].as_i64().expect("client")
            }
        };
        let maria = client(&seller1, "Мария Ёлкина", "+7 (999) 123-45-67").await;
        let petrov = client(&seller3, "Пётр Петров", "8 912 765-43-21").await;
        let sale = |shop: i64, client: i64| {
            json!({"client_id": client, "fulfilment": "pickup",
            "lines": [{"product_id": item, "location_id": shop, "qty": "1"}]})
        };
        let ours = order(&app, &seller1, sale(moscow, maria)).await;
        let theirs = order(&app, &seller3, sale(kazan, petrov)).await;
        let ours_id = ours["id"].as_i64().expect("id");
        let theirs_id = theirs["id"].as_i64().expect("id");
        let number = ours["number"].as_str().expect("number").to_string();

        let find = |who: reqwest::Client, q: &str| {
            let app = &app;
            let q = q.to_string();
            async move {
                let (status, list) = app
                    .server_fn(&who, "orders/list", json!({"filter": {"q": q}}))
                    .await;
                assert_eq!(status, 200, "{list}");
                ids(&list, "id")
            }
        };
        assert_eq!(find(seller1.clone(), &number).await, vec![ours_id]);
        assert_eq!(
            find(seller1.clone(), &number[number.len() - 3..]).await,
            vec![ours_id],
            "a part of {number}"
        );
        assert_eq!(find(seller1.clone(), "МАРИЯ").await, vec![ours_id]);
        assert_eq!(
            find(seller1.clone(), "елкина").await,
            vec![ours_id],
            "ё is е"
        );
        assert_eq!(find(seller1.clone(), "89991234567").await, vec![ours_id]);
        assert_eq!(find(seller1.clone(), "999 123-45").await, vec![ours_id]);
        assert_eq!(find(seller1.clone(), "нет такого").await, Vec::<i64>::new());
        // Another shop's order stays out of a seller's reach, by name and by phone.
        assert_eq!(find(seller1.clone(), "петров").await, Vec::<i64>::new());
        assert_eq!(
            find(seller1.clone(), "+7 912 765 43 21").await,
            Vec::<i64>::new()
        );
        assert_eq!(find(seller3.clone(), "ПЕТРОВ").await, vec![theirs_id]);
        let (director, _) = app.sign_in("director").await;
        assert_eq!(
            find(director.clone(), "+7 912 765 43 21").await,
            vec![theirs_id]
        );

        // The REST list takes the same `q`, and documents it.
        let res = seller1
            .get(app.url("/api/v1/orders"))
            .query(&[("q", "+7 (999) 123-45-67")])
            .send()
            .await
            .expect("list");
        assert_eq!(res.status(), 200);
        let list: Value = res.json().await.expect("json");
        assert_eq!(ids(&list, "id"), vec![ours_id]);
        let doc = app.openapi().await;
        let params = doc["paths"]["/api/v1/orders"]["get"]["parameters"]
            .as_array()
            .expect("params")
            .clone();
        assert!(
            params.iter().any(|p| p["name"] == "q"
                && p["description"]
                    .as_str()
                    .is_some_and(|d| d.contains("phone"))),
            "{params:?}"
        );
        app
    })
    .await;
}
