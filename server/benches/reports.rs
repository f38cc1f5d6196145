//! How fast the standard reports answer on a big chain (`cargo bench -p server --bench
//! reports`).
//!
//! Seeds per database, with SQL so it takes minutes, not hours: the demo chain's shops,
//! people and processes, 2,000 products in 50 categories, 20,000 clients, 1,000,000
//! orders over the last year with 5 lines each (5,000,000 order lines; 5 % cancelled)
//! and one payment each (1,000,000 payments; a tenth only half paid), then builds the
//! aggregates from scratch (timed). Then every standard report over HTTP as a director
//! (all shops) for the whole year and for the current month, and a manager's (one
//! shop); then what the aggregates add to recording a payment (`payments/record`).
//! Options: `-- --db sqlite|postgres|both --orders 1000000 --runs 10`; `--backup` also
//! times `backup` of the seeded database and `restore` of it into the other kind
//! (`--backup-only`: that alone).

mod common;

use app::db::{Backend, Db};
use common::{database, db_arg, drop_database, ms, num_arg, out, percentile, serve};
use std::time::{Duration, Instant};

const DAY_MS: i64 = 86_400_000;

/// `WITH` clause of the numbers 1..=n in the dialect.
fn numbers(backend: Backend, n: i64) -> String {
    match backend {
        Backend::Sqlite => {
            format!("WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {n})")
        }
        Backend::Postgres => {
            format!("WITH s(n) AS (SELECT CAST(generate_series(1, {n}) AS BIGINT))")
        }
    }
}

async fn exec(db: &Db, sql: &str) {
    sqlx::query(sql)
        .execute(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
}

async fn one(db: &Db, sql: &str) -> i64 {
    let (v,): (i64,) = sqlx::query_as(sql)
        .fetch_one(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    v
}

async fn seed(db: &Db, orders: i64) {
    let b = db.backend;
    let now = app::db::now_ms();
    server::demo::load_with(db, false, 0).await.expect("demo");
    let author = one(db, "SELECT id FROM employee WHERE login = 'admin'").await;
    exec(
        db,
        &format!(
            "{} INSERT INTO category (name) SELECT 'Категория ' || CAST(n AS TEXT) FROM s",
            numbers(b, 50)
        ),
    )
    .await;
    let cat0 = one(db, "SELECT CAST(MIN(id) AS BIGINT) FROM category").await;
    exec(db, &format!(
        "{} INSERT INTO product (sku, name, name_search, category_id, unit, price, cost, active, created_at, updated_at) \
         SELECT 'B-' || CAST(n AS TEXT), 'Товар ' || CAST(n AS TEXT), 'товар ' || CAST(n AS TEXT), {cat0} + n % 50, 'pcs', \
                10000 + (n % 500) * 100, 6000 + (n % 500) * 60, 1, {now}, {now} FROM s",
        numbers(b, 2000)
    ))
    .await;
    let p0 = one(
        db,
        "SELECT CAST(MIN(id) AS BIGINT) FROM product WHERE sku LIKE 'B-%'",
    )
    .await;
    exec(db, &format!(
        "{} INSERT INTO client (name, name_search, email, notes, consent, created_by, created_at, updated_at) \
         SELECT 'Клиент ' || CAST(n AS TEXT), 'клиент ' || CAST(n AS TEXT), '', '', 0, {author}, {now}, {now} FROM s",
        numbers(b, 20_000)
    ))
    .await;
    let c0 = one(db, "SELECT CAST(MIN(id) AS BIGINT) FROM client").await;
    // Sellers with their shops, and the retail process's stages.
    let sellers: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, home_location_id FROM employee WHERE role = 'manager' AND home_location_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .expect("sellers");
    let process = one(
        db,
        "SELECT id FROM process WHERE kind = 'order' ORDER BY id LIMIT 1",
    )
    .await;
    let stage = |name: &str| {
        format!("(SELECT id FROM stage WHERE process_id = {process} AND name = '{name}')")
    };
    let k = sellers.len() as i64;
    let pick = |i: usize| {
        let mut case = String::from("CASE n % ");
        case.push_str(&k.to_string());
        for (j, s) in sellers.iter().enumerate() {
            case.push_str(&format!(
                " WHEN {j} THEN {}",
                if i == 0 { s.0 } else { s.1 }
            ));
        }
        case.push_str(" END");
        case
    };
    let funds: Vec<(i64,)> = sqlx::query_as("SELECT id FROM fund ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .expect("funds");
    let f0 = funds[0].0;
    let nf = funds.len() as i64;
    let t = Instant::now();
    exec(db, &format!(
        "{} INSERT INTO orders (number, process_id, stage_id, client_id, manager_id, shop_id, fulfilment, \
             delivery_address, comment, total, created_by, created_at, updated_at) \
         SELECT 'B-' || CAST(n AS TEXT), {process}, \
                CASE WHEN n % 20 = 0 THEN {} WHEN n % 20 = 1 THEN {} ELSE {} END, \
                {c0} + n % 20000, {}, {}, 'pickup', '', '', 0, {author}, \
                {now} - (n % 365) * {DAY_MS} - (n % 997) * 60000, {now} FROM s",
        numbers(b, orders),
        stage("Отменён"),
        stage("Новый"),
        stage("Выдан"),
        pick(0),
        pick(1),
    ))
    .await;
    let o0 = one(
        db,
        "SELECT CAST(MIN(id) AS BIGINT) FROM orders WHERE number LIKE 'B-%'",
    )
    .await;
    exec(db, &format!(
        "INSERT INTO order_line (order_id, position, product_id, location_id, qty, price, discount, amount, cost) \
         SELECT o.id, k.k, p.id, o.shop_id, 1000 * (1 + (o.id + k.k) % 3), p.price, 0, \
                p.price * (1 + (o.id + k.k) % 3), p.cost * (1 + (o.id + k.k) % 3) \
         FROM orders o CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) k \
              JOIN product p ON p.id = {p0} + (o.id * 7 + k.k * 13) % 2000 \
         WHERE o.id >= {o0}"
    ))
    .await;
    exec(db, &format!(
        "UPDATE orders SET total = s.t FROM (SELECT order_id, SUM(amount) AS t FROM order_line WHERE order_id >= {o0} GROUP BY order_id) s \
         WHERE s.order_id = orders.id"
    ))
    .await;
    exec(db, &format!(
        "INSERT INTO payment (direction, method, amount, planned, paid_at, fund_id, order_id, client_id, author_id, comment, created_at) \
         SELECT 'in', 'card', CASE WHEN o.id % 10 = 0 THEN o.total / 2 ELSE o.total END, 0, \
                o.created_at + (o.id % 3) * {DAY_MS}, {f0} + o.id % {nf}, o.id, o.client_id, o.manager_id, '', o.created_at \
         FROM orders o WHERE o.id >= {o0}"
    ))
    .await;
    if b == Backend::Postgres {
        exec(db, "ANALYZE").await;
    }
    out(format!(
        "  seeded {orders} orders, their lines and payments in {:.1} s",
        t.elapsed().as_secs_f64()
    ));
    // What an existing database goes through once after the local-time migration: the
    // local days of every order and payment from its shop's zone, then the aggregates.
    let t = Instant::now();
    {
        let mut tx = db.begin_write().await.expect("tx");
        app::time::zones::recompute_local_days(&mut tx)
            .await
            .expect("local days");
        tx.commit().await.expect("commit");
    }
    out(format!(
        "  local days of every order and payment from the shops' zones in {:.1} s",
        t.elapsed().as_secs_f64()
    ));
    let t = Instant::now();
    app::reports::aggregates::rebuild(db)
        .await
        .expect("rebuild");
    // Fresh statistics for the planners (PostgreSQL's and SQLite's).
    exec(db, "ANALYZE").await;
    out(format!(
        "  aggregates built from scratch in {:.1} s",
        t.elapsed().as_secs_f64()
    ));
    for (table, label) in [
        ("order_line", "order lines"),
        ("payment", "payments"),
        ("agg_sales_shop", "agg_sales_shop rows"),
        ("agg_sales_product", "agg_sales_product rows"),
        ("agg_pay", "agg_pay rows"),
        ("agg_pay_client", "agg_pay_client rows"),
        ("agg_client", "agg_client rows"),
        ("agg_due", "agg_due rows"),
    ] {
        let n = one(db, &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}")).await;
        out(format!("    {label:<24} {n:>10}"));
    }
}

/// `--backup`: `vitrina backup` of the seeded database (timed, with its size), then
/// `vitrina restore` of the archive into a new database of the other kind (timed), and
/// the big tables' row counts compared.
async fn backup_round_trip(db: &Db) {
    let archive = std::env::temp_dir().join(format!("vitrina_bench_{}.zip", std::process::id()));
    let store =
        app::files::store::FileStore::folder(&std::env::temp_dir().join("vitrina-bench-files"))
            .expect("store");
    let made = server::backup::backup(db, &store, &archive)
        .await
        .expect("backup");
    out(format!(
        "  backup: {} rows in {} tables, {} ms, archive {} MB",
        made.manifest.rows(),
        made.manifest.tables.len(),
        made.millis,
        made.bytes / 1_000_000
    ));
    let other = match db.backend {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    };
    let (target, _, cleanup) = common::database_named(other, "restore").await;
    let done = server::backup::restore(&target, &store, &archive)
        .await
        .expect("restore");
    out(format!("  restore into {other:?}: {} ms", done.millis));
    for table in ["orders", "order_line", "payment", "agg_sales_product"] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(one(db, &sql).await, one(&target, &sql).await, "{table}");
    }
    target.pool.close().await;
    drop_database(cleanup).await;
    let _ = std::fs::remove_file(&archive);
}

async fn sign_in(base: &str, login: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"login": login, "password": "demo"}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    client
}

async fn time_get(client: &reqwest::Client, url: &str, runs: usize) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let res = client.get(url).send().await.expect("get");
        assert_eq!(res.status(), 200, "{url}");
        let body: serde_json::Value = res.json().await.expect("json");
        times.push(t.elapsed());
        rows = body["rows"].as_array().map_or(0, Vec::len);
    }
    times.sort();
    (times, rows)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let runs = num_arg("--runs", 10).max(1) as usize;
    let orders = num_arg("--orders", 1_000_000).max(100);
    for backend in db_arg() {
        out(format!(
            "== {backend:?}: {orders} orders, {} lines, {orders} payments; {runs} runs each",
            orders * 5
        ));
        let (db, url, cleanup) = database(backend).await;
        db.migrate().await.expect("migrate");
        seed(&db, orders).await;
        if std::env::args().any(|a| a == "--backup" || a == "--backup-only") {
            backup_round_trip(&db).await;
            if std::env::args().any(|a| a == "--backup-only") {
                db.pool.close().await;
                drop_database(cleanup).await;
                continue;
            }
        }
        let base = serve(&db, &url, app::live::hub::Hub::new()).await;
        let director = sign_in(&base, "director").await;
        let seller = sign_in(&base, "seller1").await;
        let today = app::db::now_ms().div_euclid(DAY_MS);
        let day = |d: i64| {
            let (y, m, dd) = app::time::civil(d);
            format!("{y:04}-{m:02}-{dd:02}")
        };
        let year = format!("from={}&to={}", day(today - 364), day(today));
        let reports = [
            ("receivables", String::new()),
            ("balance", String::new()),
            ("payments_by_process", year.clone()),
            ("payments_by_process", format!("{year}&per_manager=true")),
            ("payments_by_client", year.clone()),
            ("payments_by_manager", year.clone()),
            ("payments_by_fund", year.clone()),
            ("sales", format!("{year}&by=shop")),
            ("sales", format!("{year}&by=category")),
            ("sales", format!("{year}&by=product")),
            ("sales", format!("{year}&by=manager")),
            ("sales", format!("{year}&by=day")),
            ("payments_by_client", String::new()),
            ("sales", "by=product".to_string()),
        ];
        let mut worst = Duration::ZERO;
        out(format!(
            "  {:<56} {:>11} {:>11} {:>11} {:>6}",
            "report (HTTP, JSON), director: all shops", "p50", "p99", "max", "rows"
        ));
        for (name, q) in &reports {
            let label = format!(
                "{name} {}",
                if q.is_empty() {
                    "(now / this month)".to_string()
                } else {
                    q.replace(&year, "year")
                }
            );
            let (times, rows) = time_get(
                &director,
                &format!("{base}/api/v1/reports/standard/{name}?{q}"),
                runs,
            )
            .await;
            worst = worst.max(percentile(&times, 0.5));
            out(format!(
                "  {label:<56} {:>11} {:>11} {:>11} {rows:>6}",
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.99)),
                ms(*times.last().unwrap_or(&Duration::ZERO)),
            ));
        }
        out("  manager seller1 (their shop only)".to_string());
        for (name, q) in [
            ("receivables", String::new()),
            ("sales", format!("{year}&by=product")),
            ("payments_by_client", year.clone()),
        ] {
            let (times, rows) = time_get(
                &seller,
                &format!("{base}/api/v1/reports/standard/{name}?{q}"),
                runs,
            )
            .await;
            worst = worst.max(percentile(&times, 0.5));
            out(format!(
                "  {:<56} {:>11} {:>11} {:>11} {rows:>6}",
                format!("{name} {}", q.replace(&year, "year")),
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.99)),
                ms(*times.last().unwrap_or(&Duration::ZERO)),
            ));
        }
        out(format!("  slowest p50 of a standard report: {}", ms(worst)));

        // The constructor reads the base tables (no aggregates): a year of order lines by
        // shop and of payments by fund, month by month as the UI runs them.
        for (label, spec) in [
            (
                "order lines by shop: sum, margin",
                serde_json::json!({"block": "order_lines", "from": day(today - 364), "to": day(today),
                    "groups": [{"field": "order.shop.name"}],
                    "measures": [{"func": "sum", "field": "amount"}, {"func": "margin"}]}),
            ),
            (
                "payments by fund and month: sum, count",
                serde_json::json!({"block": "payments", "from": day(today - 364), "to": day(today),
                    "groups": [{"field": "fund.name"}, {"field": "paid_at", "bucket": "month"}],
                    "measures": [{"func": "sum", "field": "amount"}, {"func": "count"}]}),
            ),
            (
                "payments by fund with the shares passed on, by month",
                serde_json::json!({"block": "fund_entries", "from": day(today - 364), "to": day(today),
                    "groups": [{"field": "fund.name"}, {"field": "paid_at", "bucket": "month"}],
                    "measures": [{"func": "sum", "field": "amount"}]}),
            ),
            (
                "clients by the week they were added (a day from the zone, not stored)",
                serde_json::json!({"block": "clients", "from": day(today - 364), "to": day(today),
                    "groups": [{"field": "created_at", "bucket": "week"}],
                    "measures": [{"func": "count"}]}),
            ),
        ] {
            let spec: app::reports::Spec = serde_json::from_value(spec).expect("spec");
            let zones = {
                let mut conn = db.pool.acquire().await.expect("connection");
                app::time::zones::chain(&mut conn).await.expect("zones")
            };
            let plan = app::reports::builder::plan(
                db.backend,
                &spec,
                None,
                &app::reports::Params::default(),
                &zones,
            )
            .expect("plan");
            let t = Instant::now();
            let table = app::reports::jobs::run_now(&db, &plan).await.expect("run");
            out(format!(
                "  constructor, a year of {label}: {} in {} pieces, {} rows",
                ms(t.elapsed()),
                plan.slices().len(),
                table.rows.len()
            ));
        }

        // What keeping the aggregates costs a writer: recording a payment on an order.
        let fund = one(&db, "SELECT CAST(MIN(id) AS BIGINT) FROM fund").await;
        let shop = one(
            &db,
            "SELECT home_location_id FROM employee WHERE login = 'seller1'",
        )
        .await;
        let targets: Vec<(i64,)> = sqlx::query_as(&format!(
            "SELECT id FROM orders WHERE shop_id = {shop} ORDER BY id DESC LIMIT {}",
            runs * 3
        ))
        .fetch_all(&db.pool)
        .await
        .expect("orders");
        let mut times = Vec::new();
        for (order,) in &targets {
            let t = Instant::now();
            let res = seller
                .post(format!("{base}/api/payments/record"))
                .json(&serde_json::json!({"input": {"direction": "in", "method": "cash", "amount": "1.00", "fund_id": fund, "order_id": order}}))
                .send()
                .await
                .expect("record");
            assert_eq!(res.status(), 200);
            times.push(t.elapsed());
        }
        times.sort();
        out(format!(
            "  payments/record with the aggregates updated in its transaction: p50 {}  p99 {}",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99))
        ));
        db.pool.close().await;
        drop_database(cleanup).await;
    }
}
