//! `Idempotency-Key` on the POSTs that create, on both databases: the same key twice
//! (one after the other, and many at once for the last unit) gives one record and the
//! same answer; the key reused for another request is 422; a refused request leaves the
//! key free; keys are per author.

use crate::helpers::{on_each_backend, TestApp};
use crate::stock::{ledger_is_consistent, location_id, product_with_stock};
use serde_json::{json, Value};

/// POST with an idempotency key: (status, replayed header, body).
async fn post_keyed(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    key: &str,
    body: &Value,
) -> (u16, bool, Value) {
    let res = client
        .post(app.url(path))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    let replayed = res
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true");
    (status, replayed, res.json().await.unwrap_or(Value::Null))
}

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    n
}

async fn reserved(app: &TestApp, product: i64, location: i64) -> String {
    let (r,): (i64,) = sqlx::query_as(
        "SELECT reserved FROM stock_level WHERE product_id = $1 AND location_id = $2",
    )
    .bind(product)
    .bind(location)
    .fetch_one(&app.db.pool)
    .await
    .expect("level");
    app::quantity::Qty(r).to_string()
}

#[tokio::test]
async fn the_same_key_twice_gives_one_reservation_one_order_one_payment_and_the_same_answer() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let drill = product_with_stock(&app, &admin, "IDEM-1", &[(moscow, "5")]).await;
        let (seller1, _) = app.sign_in("seller1").await;

        // A reservation: the replay answers 201 with the same body and says it is one.
        let hold = json!({"product_id": drill, "location_id": moscow, "qty": "2", "client": "Иванов"});
        let key = "7d1c0a52-3b4e-4f6a-9d8c-1e2f3a4b5c6d";
        let (s1, r1, first) = post_keyed(&app, &seller1, "/api/v1/reservations", key, &hold).await;
        assert_eq!(s1, 201, "{first}");
        assert!(!r1, "the first answer is no replay");
        let (s2, r2, second) = post_keyed(&app, &seller1, "/api/v1/reservations", key, &hold).await;
        assert_eq!(s2, 201, "{second}");
        assert!(r2, "the second answer says it is a replay");
        assert_eq!(first, second, "the same answer");
        let id = first["id"].as_i64().expect("id");
        let holds = count(&app, "SELECT COUNT(*) FROM reservation WHERE product_id = $1", drill).await;
        assert_eq!(holds, 1, "one reservation");
        assert_eq!(reserved(&app, drill, moscow).await, "2", "reserved once");
        // The key quoted, as the IETF draft writes it, is the same key.
        let (s3, r3, third) =
            post_keyed(&app, &seller1, "/api/v1/reservations", &format!("\"{key}\""), &hold).await;
        assert_eq!((s3, r3, third["id"].as_i64()), (201, true, Some(id)));

        // The same key for another request is refused and changes nothing.
        let other = json!({"product_id": drill, "location_id": moscow, "qty": "1", "client": "Иванов"});
        let (s4, _, reused) = post_keyed(&app, &seller1, "/api/v1/reservations", key, &other).await;
        assert_eq!(s4, 422, "{reused}");
        assert_eq!(reused["error"]["code"], "conflict", "{reused}");
        assert_eq!(reserved(&app, drill, moscow).await, "2");

        // Keys are per author: seller2's same key is a new request of theirs.
        let (seller2, _) = app.sign_in("seller2").await;
        let (s5, r5, theirs) = post_keyed(&app, &seller2, "/api/v1/reservations", key, &hold).await;
        assert_eq!((s5, r5), (201, false), "{theirs}");
        assert_ne!(theirs["id"].as_i64(), Some(id));
        assert_eq!(reserved(&app, drill, moscow).await, "4");

        // An order, twice with one key: one order, one number, its line reserved once.
        let order = json!({"fulfilment": "pickup", "lines": [{"product_id": drill, "location_id": moscow, "qty": "1"}]});
        let okey = "order-5a0e-offline-1";
        let (o1, _, made) = post_keyed(&app, &seller1, "/api/v1/orders", okey, &order).await;
        assert_eq!(o1, 201, "{made}");
        let (o2, or2, again) = post_keyed(&app, &seller1, "/api/v1/orders", okey, &order).await;
        assert_eq!((o2, or2), (201, true), "{again}");
        assert_eq!(made, again, "the same order, the same answer");
        let order_id = made["id"].as_i64().expect("order");
        let orders = count(&app, "SELECT COUNT(*) FROM order_line WHERE product_id = $1", drill).await;
        assert_eq!(orders, 1, "one order line");
        assert_eq!(reserved(&app, drill, moscow).await, "5");

        // A payment, twice with one key: one payment, paid counts it once.
        let (_, funds) = app.server_fn(&admin, "funds/list", json!({})).await;
        let fund = funds[0]["id"].as_i64().expect("fund");
        let pay = json!({"direction": "in", "method": "cash", "amount": "100.00", "fund_id": fund, "order_id": order_id});
        let pkey = "pay-1";
        let (p1, _, paid) = post_keyed(&app, &seller1, "/api/v1/payments", pkey, &pay).await;
        assert_eq!(p1, 201, "{paid}");
        let (p2, pr2, repaid) = post_keyed(&app, &seller1, "/api/v1/payments", pkey, &pay).await;
        assert_eq!((p2, pr2), (201, true), "{repaid}");
        assert_eq!(paid, repaid);
        let payments = count(&app, "SELECT COUNT(*) FROM payment WHERE order_id = $1", order_id).await;
        assert_eq!(payments, 1, "one payment");

        // The key's kind is part of it: a reservation key is no order key.
        let (k, _, body) = post_keyed(&app, &seller1, "/api/v1/orders", key, &order).await;
        assert_eq!(k, 422, "{body}");

        // Hostile keys: empty, too long, not visible ASCII.
        for bad in ["", &"k".repeat(201), "ключ"] {
            let res = seller1
                .post(app.url("/api/v1/reservations"))
                .header("Idempotency-Key", http_header(bad))
                .json(&hold)
                .send()
                .await
                .expect("request");
            assert_eq!(res.status().as_u16(), 422, "key {bad:?}");
        }
        ledger_is_consistent(&app).await;
        app
    })
    .await;
}

/// A header value from text that may not be ASCII (sent as its UTF-8 bytes).
fn http_header(text: &str) -> reqwest::header::HeaderValue {
    reqwest::header::HeaderValue::from_bytes(text.as_bytes()).expect("header bytes")
}

#[tokio::test]
async fn replays_at_once_for_the_last_unit_make_one_reservation_and_a_refusal_leaves_the_key_free()
{
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let last = product_with_stock(&app, &admin, "IDEM-LAST", &[(moscow, "1")]).await;
        let (seller1, _) = app.sign_in("seller1").await;
        let hold = json!({"product_id": last, "location_id": moscow, "qty": "1"});

        // A queue replaying one operation eight times at once (a flaky link): one
        // reservation of the last unit, and every answer is that reservation.
        let tries =
            (0..8).map(|_| post_keyed(&app, &seller1, "/api/v1/reservations", "last-unit", &hold));
        let answers = futures::future::join_all(tries).await;
        let ids: Vec<Option<i64>> = answers.iter().map(|(_, _, b)| b["id"].as_i64()).collect();
        for (status, _, body) in &answers {
            assert_eq!(
                *status, 201,
                "every replay is answered with the reservation: {body}"
            );
        }
        assert!(ids.iter().all(|i| *i == ids[0] && i.is_some()), "{ids:?}");
        assert_eq!(
            answers.iter().filter(|a| !a.1).count(),
            1,
            "one first answer"
        );
        assert_eq!(reserved(&app, last, moscow).await, "1");

        // Sold out: another key is refused (409) and that key stays free, so the same
        // operation succeeds once stock is back.
        let (s, _, refused) =
            post_keyed(&app, &seller1, "/api/v1/reservations", "later", &hold).await;
        assert_eq!(s, 409, "{refused}");
        assert_eq!(refused["error"]["code"], "not_enough_stock");
        let id = ids[0].expect("id");
        let (status, _) = crate::scope::rest(
            &app,
            &seller1,
            "DELETE",
            &format!("/api/v1/reservations/{id}"),
            None,
        )
        .await;
        assert_eq!(status, 204);
        let (s, replayed, again) =
            post_keyed(&app, &seller1, "/api/v1/reservations", "later", &hold).await;
        assert_eq!((s, replayed), (201, false), "{again}");
        ledger_is_consistent(&app).await;
        app
    })
    .await;
}
