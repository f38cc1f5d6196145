//! Two instances on one PostgreSQL database, as a load balancer runs them: a report run
//! started on one is polled and cancelled through the other; who is online is the same
//! list on both; the chat flood limit counts posts made through either. (The browser
//! test through HAProxy is end2end/tests/instances.spec.mjs.)

use crate::helpers::{backends, spawn_app, start_instance};
use crate::live::{next_event, open_at};
use app::db::{Backend, Db};
use serde_json::{json, Value};

async fn post(client: &reqwest::Client, base: &str, endpoint: &str, body: Value) -> (u16, Value) {
    let res = client
        .post(format!("{base}/api/{endpoint}"))
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn two_instances_share_report_runs_presence_and_the_flood_limit() {
    if !backends().contains(&Backend::Postgres) {
        eprintln!("!!! VITRINA_TEST_PG=off: the two-instance test is SKIPPED");
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let a = app.base.clone();
    let second = Db::connect(&app.url).await.expect("second pool");
    let b = start_instance(&app.url, second.clone()).await;

    // A constructor run: started on A, read and cancelled on B, read again on A.
    let (director, _) = app.sign_in("director").await;
    let spec = json!({"block": "payments", "from": "2000-01-01",
        "groups": [{"field": "fund.name"}], "measures": [{"func": "count"}]});
    let (status, run) = post(
        &director,
        &a,
        "reports/start",
        json!({"spec": spec, "id": null, "params": {}}),
    )
    .await;
    assert_eq!(status, 200, "{run}");
    let (status, state) = post(&director, &b, "reports/status", json!({"run": run})).await;
    assert_eq!(status, 200, "B knows A's run: {state}");
    assert!(
        ["running", "done"].contains(&state["state"].as_str().unwrap_or("")),
        "{state}"
    );
    let was_running = state["state"] == "running";
    let (status, _) = post(&director, &b, "reports/cancel", json!({"run": run})).await;
    assert_eq!(status, 200, "B cancels A's run");
    let mut last = Value::Null;
    for _ in 0..200 {
        let (status, state) = post(&director, &a, "reports/status", json!({"run": run})).await;
        assert_eq!(status, 200);
        last = state;
        if last["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // B's cancel reaches A's run; a run that ended between the read and the cancel stays
    // done (the cancel is conditional on `running`, and so is the end's write).
    if was_running {
        assert!(
            ["cancelled", "done"].contains(&last["state"].as_str().unwrap_or("")),
            "{last}"
        );
    } else {
        assert_eq!(last["state"], "done", "{last}");
    }
    // Someone else's run is not found on either instance.
    let (admin, _) = app.sign_in("admin").await;
    let (status, _) = post(&admin, &b, "reports/status", json!({"run": run})).await;
    assert_eq!(status, 404);
    let (status, _) = post(&admin, &a, "reports/cancel", json!({"run": run})).await;
    assert_eq!(status, 404);
    // A finished run through the other instance: the table itself crosses.
    let (_, run) = post(
        &director,
        &b,
        "reports/start",
        json!({"spec": spec, "id": null, "params": {}}),
    )
    .await;
    let mut table = Value::Null;
    for _ in 0..100 {
        let (_, state) = post(&director, &a, "reports/status", json!({"run": run})).await;
        if state["state"] == "done" {
            table = state["table"].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        table["columns"].as_array().is_some_and(|c| c.len() == 2),
        "{table}"
    );

    // Presence: seller1 on A, seller2 on B; each sees the other within a few beats.
    let (_, token1) = app.sign_in("seller1").await;
    let (_, token2) = app.sign_in("seller2").await;
    let id1 = app.id_of_employee("seller1").await;
    let id2 = app.id_of_employee("seller2").await;
    let mut on_a = open_at(&a, Some(("cookie", format!("vitrina_session={token1}"))))
        .await
        .expect("socket on A");
    let mut on_b = open_at(&b, Some(("cookie", format!("vitrina_session={token2}"))))
        .await
        .expect("socket on B");
    let lists = |id: i64| {
        move |v: &Value| {
            v["type"] == "presence"
                && v["online"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|u| u["id"] == id))
        }
    };
    let started = std::time::Instant::now();
    next_event(&mut on_b, lists(id1)).await;
    next_event(&mut on_a, lists(id2)).await;
    eprintln!("presence crossed instances in {:?}", started.elapsed());
    // seller1 leaves A: B's list drops them.
    drop(on_a);
    next_event(&mut on_b, |v| {
        v["type"] == "presence"
            && v["online"]
                .as_array()
                .is_some_and(|l| !l.iter().any(|u| u["id"] == id1))
    })
    .await;

    // The flood limit (20 posts in 10 s) counts posts through both instances.
    let (seller, _) = app.sign_in("seller3").await;
    let (_, chats) = post(&seller, &a, "chat/list", json!({})).await;
    let general = chats
        .as_array()
        .and_then(|l| l.iter().find(|c| c["kind"] == "general"))
        .and_then(|c| c["id"].as_i64());
    let general = match general {
        Some(id) => id,
        None => {
            let (id,): (i64,) = sqlx::query_as("SELECT id FROM chat WHERE kind = 'general'")
                .fetch_one(&app.db.pool)
                .await
                .expect("the general chat");
            id
        }
    };
    let mut accepted = 0;
    let mut refused = 0;
    for i in 0..24 {
        let base = if i % 2 == 0 { &a } else { &b };
        let res = seller
            .post(format!("{base}/api/v1/chats/{general}/messages"))
            .json(&json!({"body": format!("сообщение {i}")}))
            .send()
            .await
            .expect("post");
        match res.status().as_u16() {
            201 | 200 => accepted += 1,
            429 => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(
        (accepted, refused),
        (20, 4),
        "20 in 10 s across both instances"
    );
    second.pool.close().await;
    app.cleanup().await;
}

#[tokio::test]
async fn two_instances_sweeping_holds_at_once_warn_and_release_each_hold_once() {
    if !backends().contains(&Backend::Postgres) {
        eprintln!("!!! VITRINA_TEST_PG=off: the two-instance sweep test is SKIPPED");
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let (seller, _) = app.sign_in("seller1").await;
    let (admin, _) = app.sign_in("admin").await;
    let shop = crate::stock::location_id(&app, "Тверская").await;
    let product = crate::stock::product_with_stock(&app, &admin, "SWEEP-1", &[(shop, "50")]).await;
    let (reserved_before,): (i64,) = sqlx::query_as(
        "SELECT reserved FROM stock_level WHERE product_id = $1 AND location_id = $2",
    )
    .bind(product)
    .bind(shop)
    .fetch_one(&app.db.pool)
    .await
    .expect("level");
    let mut holds = Vec::new();
    for i in 0..6 {
        let res = seller
            .post(app.url("/api/v1/reservations"))
            .json(
                &json!({"product_id": product, "location_id": shop, "qty": "1",
                          "client": format!("Клиент {i}, +7 916 000-10-0{i}")}),
            )
            .send()
            .await
            .expect("hold");
        assert_eq!(res.status(), 201);
        holds.push(
            res.json::<Value>().await.expect("json")["id"]
                .as_i64()
                .expect("id"),
        );
    }
    let now = app::db::now_ms();
    let ids: Vec<String> = holds.iter().map(|h| h.to_string()).collect();
    let set = |sql: String| {
        let pool = app.db.pool.clone();
        async move { sqlx::query(&sql).execute(&pool).await.expect("update") }
    };
    // Ending in a minute: both instances' sweeps warn at the same moment.
    set(format!(
        "UPDATE reservation SET expires_at = {}, notified_at = NULL WHERE id IN ({})",
        now + 60_000,
        ids.join(",")
    ))
    .await;
    let (notes_before,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notification WHERE kind = 'hold_expiring'")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
    let second = Db::connect(&app.url).await.expect("second pool");
    let (hub1, hub2) = (app::live::hub::Hub::new(), app::live::hub::Hub::new());
    let lead = 3_600_000;
    let (w1, w2) = tokio::join!(
        app::notify::service::warn_expiring_holds(&app.db, &hub1, app::db::now_ms(), lead),
        app::notify::service::warn_expiring_holds(&second, &hub2, app::db::now_ms(), lead),
    );
    let (w1, w2) = (w1.expect("sweep 1"), w2.expect("sweep 2"));
    let (notes_after,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notification WHERE kind = 'hold_expiring'")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
    assert_eq!(
        notes_after - notes_before,
        6,
        "one warning per hold ({w1} + {w2})"
    );
    assert_eq!(w1 + w2, 6);

    // Due: both sweeps release at the same moment; each hold is released once.
    set(format!(
        "UPDATE reservation SET expires_at = {} WHERE id IN ({})",
        now - 1,
        ids.join(",")
    ))
    .await;
    let (e1, e2) = tokio::join!(
        app::stock::reservations::expire_due(&app.db, &hub1),
        app::stock::reservations::expire_due(&second, &hub2),
    );
    let (e1, e2) = (e1.expect("expiry 1"), e2.expect("expiry 2"));
    assert_eq!(e1 + e2, 6, "each hold released once ({e1} + {e2})");
    let (reserved_after,): (i64,) = sqlx::query_as(
        "SELECT reserved FROM stock_level WHERE product_id = $1 AND location_id = $2",
    )
    .bind(product)
    .bind(shop)
    .fetch_one(&app.db.pool)
    .await
    .expect("level");
    assert_eq!(
        reserved_after, reserved_before,
        "the reserved count is back"
    );
    assert!(app::stock::ledger::check(&app.db)
        .await
        .expect("check")
        .is_empty());
    second.pool.close().await;
    app.cleanup().await;
}
