//! Stock benchmark (DESIGN.md §6), on SQLite and on PostgreSQL:
//! 1. availability of one product at every location, 100k products × 50 locations (p50/p99);
//! 2. reservations through the REST API with many concurrent clients, beside the bare
//!    conditional UPDATE on the same database in the same run (and their ratio);
//! 3. time from a reservation to its live event at 1,000 connected WebSocket clients
//!    (p50/p99), beside a bare axum + tokio broadcast fan-out in the same run.
//!
//! `cargo bench -p server --bench stock -- [--db sqlite|postgres|both] [--products N]
//!  [--locations N] [--clients N] [--seconds N] [--sockets N]`. PostgreSQL: an admin URL in
//! `VITRINA_BENCH_PG` (default postgres://postgres@127.0.0.1:5432/postgres); the bench
//! creates and drops its own database. Figures go to standard output.

mod common;

use app::auth::service::Caller;
use app::auth::Role;
use app::db::{Backend, Db};
use app::live::hub::Hub;
use common::{
    bare_fanout, database, db_arg, drop_database, fanout_stats, ms, num_arg, open_sockets, out,
    percentile, serve,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Options {
    dbs: Vec<Backend>,
    products: i64,
    locations: i64,
    clients: usize,
    seconds: u64,
    sockets: usize,
}

fn options() -> Options {
    let num = num_arg;
    let dbs = db_arg();
    Options {
        dbs,
        products: num("--products", 100_000),
        locations: num("--locations", 50),
        clients: num("--clients", 8) as usize,
        seconds: num("--seconds", 5) as u64,
        sockets: num("--sockets", 1_000) as usize,
    }
}

/// Seeds with set-based SQL both dialects accept (a recursive CTE feeding INSERT … SELECT).
async fn seed(db: &Db, products: i64, locations: i64) -> i64 {
    let now = app::db::now_ms();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO location (name, kind, city, address, lat_micro, lon_micro, active, created_at, updated_at) \
         SELECT 'Bench shop ' || i, 'shop', 'City ' || i, 'Street ' || i, \
                40000000 + (i * 123457) % 30000000, 20000000 + (i * 765431) % 100000000, 1, $2, $2 FROM n",
    )
    .bind(locations)
    .bind(now)
    .execute(&db.pool)
    .await
    .expect("locations");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO product (sku, name, name_search, category_id, unit, price, cost, active, created_at, updated_at) \
         SELECT 'B-' || i, 'Bench product ' || i, 'bench product ' || i, NULL, 'pcs', 10000 + i, 6000, 1, $2, $2 FROM n",
    )
    .bind(products)
    .bind(now)
    .execute(&db.pool)
    .await
    .expect("products");
    sqlx::query(
        "INSERT INTO stock_level (product_id, location_id, on_hand, reserved, updated_at) \
         SELECT p.id, l.id, ((p.id * 7 + l.id * 13) % 40) * 1000 + 1000000000, 0, 0 FROM product p CROSS JOIN location l",
    )
    .execute(&db.pool)
    .await
    .expect("levels");
    let (home,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM location")
        .fetch_one(&db.pool)
        .await
        .expect("home");
    home
}

async fn availability(db: &Db, products: i64, home: i64) {
    let mut times = Vec::with_capacity(2000);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..2100 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let product = 1 + (x % products as u64) as i64;
        let started = Instant::now();
        let rows = app::stock::availability::locations_for(db, product, Some(home))
            .await
            .expect("availability");
        let took = started.elapsed();
        assert!(!rows.is_empty());
        if round >= 100 {
            times.push(took); // the first 100 warm the cache
        }
    }
    times.sort();
    out(format!(
        "  availability of one product at every location: p50 {}  p99 {}  ({} queries)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        times.len()
    ));
}

async fn reservations(db: &Db, base: &str, token: &str, o: &Options, home: i64, ceiling: f64) {
    let window = Duration::from_secs(o.seconds);
    let o_products = o.products;
    // Bare conditional UPDATE, the floor the API is compared with.
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..o.clients {
        let (db, done) = (db.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0i64;
            while started.elapsed() < window {
                let product = 1 + (c as i64 * 7919 + i) % 1000 % o_products;
                let r = sqlx::query(
                    "UPDATE stock_level SET reserved = reserved + 1000, updated_at = $3 \
                     WHERE product_id = $1 AND location_id = $2 AND on_hand - reserved >= 1000",
                )
                .bind(product)
                .bind(home)
                .bind(0i64)
                .execute(&db.pool)
                .await;
                if r.is_ok() {
                    done.fetch_add(1, Ordering::Relaxed);
                }
                i += 1;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let bare = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    // The bare updates reserved without reservation rows: undo them before the API run.
    sqlx::query("UPDATE stock_level SET reserved = 0 WHERE location_id = $1")
        .bind(home)
        .execute(&db.pool)
        .await
        .expect("reset");

    let done = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..o.clients {
        let (client, done, refused) = (client.clone(), done.clone(), refused.clone());
        let url = format!("{base}/api/v1/reservations");
        let token = token.to_string();
        tasks.push(tokio::spawn(async move {
            let mut i = 0i64;
            while started.elapsed() < window {
                let product = 1 + (1000 + (c as i64 * 7919 + i) % 1000) % o_products;
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"product_id": product, "location_id": home, "qty": 1, "client": "bench"}))
                    .send()
                    .await;
                match res.map(|r| r.status().as_u16()) {
                    Ok(201) => done.fetch_add(1, Ordering::Relaxed),
                    _ => refused.fetch_add(1, Ordering::Relaxed),
                };
                i += 1;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let api = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    out(format!(
        "  reservations, {} clients: API {:.0}/s, bare conditional UPDATE {:.0}/s, ratio {:.0} %  (API errors: {}); \
         the API is {:.0} % of the transport ceiling, and that ceiling is {:.0} % of the bare UPDATE",
        o.clients,
        api,
        bare,
        100.0 * api / bare.max(1.0),
        refused.load(Ordering::Relaxed),
        100.0 * api / ceiling.max(1.0),
        100.0 * ceiling / bare.max(1.0),
    ));
    let (oversold, mismatched): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM stock_level WHERE reserved > on_hand), \
                (SELECT COUNT(*) FROM stock_level s WHERE s.location_id = $1 AND s.reserved <> \
                    COALESCE((SELECT SUM(r.qty) FROM reservation r WHERE r.product_id = s.product_id \
                              AND r.location_id = s.location_id AND r.status = 'active'), 0))",
    )
    .bind(home)
    .fetch_one(&db.pool)
    .await
    .expect("oversell check");
    out(format!(
        "  after the run: {oversold} oversold levels, {mismatched} levels whose reserved ≠ Σ active reservations"
    ));
}

async fn live_fanout(db: &Db, base: &str, hub: &Hub, token: &str, o: &Options, home: i64) {
    const EVENTS: usize = 30;
    // The first event of a reservation (stock_changed) is what screens react to.
    let handles = open_sockets(
        &format!("{}/ws", base.replace("http://", "ws://")),
        Some(("authorization".into(), format!("Bearer {token}"))),
        o.sockets,
        |t| t.contains("stock_changed"),
    )
    .await;
    let caller = Caller {
        id: 1,
        login: "bench".into(),
        name: "bench".into(),
        role: Role::Admin,
        home_location_id: Some(home),
        granted_shops: Vec::new(),
    };
    let mut sent = Vec::with_capacity(EVENTS);
    for i in 0..EVENTS {
        let input = app::stock::ReserveInput {
            product_id: 1 + (2000 + i as i64) % o.products,
            location_id: home,
            qty: app::quantity::Qty(1000),
            // A client hold: reserving for an order now needs an open order (none here).
            order_id: None,
            client: "bench".into(),
        };
        sent.push(Instant::now());
        app::stock::reservations::reserve(db, hub, &caller, input)
            .await
            .expect("reserve");
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    hub.shut_down();
    let mut all = Vec::new();
    for h in handles {
        all.push(h.await.unwrap_or_default());
    }
    fanout_stats(
        &format!(
            "reservation → event at {} sockets (from the reserve call)",
            o.sockets
        ),
        &sent,
        all,
    );
}

/// The transport's ceiling: the same clients POSTing the same JSON to a bare axum handler
/// that parses it and answers 201, with no authentication and no database.
async fn bare_http(o: &Options) -> f64 {
    let app = axum::Router::new().route(
        "/api/v1/reservations",
        axum::routing::post(
            |axum::Json(body): axum::Json<serde_json::Value>| async move {
                (
                    http::StatusCode::CREATED,
                    axum::Json(serde_json::json!({"id": body["product_id"]})),
                )
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let window = Duration::from_secs(o.seconds);
    let done = Arc::new(AtomicU64::new(0));
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..o.clients {
        let (client, done) = (client.clone(), done.clone());
        let url = format!("http://{addr}/api/v1/reservations");
        tasks.push(tokio::spawn(async move {
            let mut i = 0i64;
            while started.elapsed() < window {
                let res = client
                    .post(&url)
                    .bearer_auth("bench")
                    .json(&serde_json::json!({"product_id": c as i64 * 1000 + i, "location_id": 1, "qty": 1, "order_id": 1}))
                    .send()
                    .await;
                if matches!(res.map(|r| r.status().as_u16()), Ok(201)) {
                    done.fetch_add(1, Ordering::Relaxed);
                }
                i += 1;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let rate = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    out(format!(
        "== transport ceiling: bare axum POST + JSON, no auth, no database, {} clients: {rate:.0}/s",
        o.clients
    ));
    rate
}

fn main() {
    let o = options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let ceiling = bare_http(&o).await;
        for backend in &o.dbs {
            out(format!(
                "== {backend:?}: {} products × {} locations",
                o.products, o.locations
            ));
            let (db, url, cleanup) = database(*backend).await;
            db.migrate().await.expect("migrate");
            let started = Instant::now();
            let home = seed(&db, o.products, o.locations).await;
            out(format!(
                "  seeded in {:.1} s",
                started.elapsed().as_secs_f64()
            ));
            let admin = app::org::EmployeeInput {
                login: "bench".into(),
                name: "Bench".into(),
                role: Role::Admin,
                home_location_id: Some(home),
                password: Some("bench-pass".into()),
            };
            app::org::service::insert_employee(&db, &admin)
                .await
                .expect("employee");
            availability(&db, o.products, home).await;
            let hub = Hub::new();
            let base = serve(&db, &url, hub.clone()).await;
            let login: serde_json::Value = reqwest::Client::new()
                .post(format!("{base}/api/v1/auth/login"))
                .json(&serde_json::json!({"login": "bench", "password": "bench-pass"}))
                .send()
                .await
                .expect("login")
                .json()
                .await
                .expect("json");
            let token = login["token"].as_str().expect("token").to_string();
            reservations(&db, &base, &token, &o, home, ceiling).await;
            live_fanout(&db, &base, &hub, &token, &o, home).await;
            db.pool.close().await;
            drop_database(cleanup).await;
        }
        bare_fanout(o.sockets).await;
    });
}
