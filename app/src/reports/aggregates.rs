//! The aggregates behind the standard reports, kept up to date in the writer's own
//! transaction. A writer reads what an order (or a payment without an order) contributes
//! to the aggregates before and after its change ([`Facts::of_order`]) and applies the
//! difference ([`apply`]); [`rebuild`] recomputes everything from the base tables (new
//! databases with data, the benchmark, and the test that the two always agree).

use crate::db::{Backend, Db};
use crate::error::AppError;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 (UTC) of a time in ms.
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

pub use crate::time::{first_day_of_month, month_of_day};

/// The year of a month index.
pub fn year_of_month(month: i64) -> i64 {
    month.div_euclid(12)
}

/// One row an order or payment adds to an aggregate table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    SalesShop {
        day: i64,
        shop: i64,
        manager: i64,
    },
    SalesProduct {
        day: i64,
        shop: i64,
        product: i64,
    },
    Pay {
        day: i64,
        shop: i64,
        manager: i64,
        process: i64,
        fund: i64,
        direction: String,
    },
    PayClient {
        day: i64,
        shop: i64,
        client: i64,
        manager: i64,
        direction: String,
    },
    Client {
        client: i64,
        shop: i64,
    },
    Due {
        order: i64,
        client: i64,
        shop: i64,
        day: i64,
    },
}

/// Measures of a key, in the order of its table's columns.
type Measures = [i64; 6];

/// What some records contribute to the aggregates.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Facts(BTreeMap<Key, Measures>);

impl Facts {
    fn add(&mut self, key: Key, m: Measures) {
        let slot = self.0.entry(key).or_insert([0; 6]);
        for (s, v) in slot.iter_mut().zip(m) {
            *s += v;
        }
    }

    /// What an order, its lines and its payments contribute now (empty when it does
    /// not exist).
    pub async fn of_order(conn: &mut AnyConnection, order_id: i64) -> Result<Facts, AppError> {
        let mut facts = Facts::default();
        let order: Option<OrderFact> = sqlx::query_as(
            "SELECT o.shop_id, o.manager_id, o.process_id, o.client_id, o.local_day, o.total, s.kind \
             FROM orders o JOIN stage s ON s.id = o.stage_id WHERE o.id = $1",
        )
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((shop, manager, process, client, day, total, stage_kind)) = order else {
            return Ok(facts);
        };
        let client = client.unwrap_or(0);
        let live = stage_kind != "cancelled";
        if live {
            let lines: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
                "SELECT product_id, qty, amount, cost FROM order_line WHERE order_id = $1",
            )
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?;
            let (mut revenue, mut cost) = (0, 0);
            for (product, qty, amount, line_cost) in &lines {
                facts.add(
                    Key::SalesProduct {
                        day,
                        shop,
                        product: *product,
                    },
                    [1, *qty, *amount, *line_cost, 0, 0],
                );
                revenue += amount;
                cost += line_cost;
            }
            facts.add(
                Key::SalesShop { day, shop, manager },
                [1, lines.len() as i64, revenue, cost, 0, 0],
            );
            facts.add(Key::Client { client, shop }, [1, total, cost, 0, 0, 0]);
        }
        let payments: Vec<PaymentFact> =
            sqlx::query_as(&format!("{PAYMENT_FACT} WHERE order_id = $1 ORDER BY id"))
                .bind(order_id)
                .fetch_all(&mut *conn)
                .await?;
        let parts: Vec<PartFact> = sqlx::query_as(
            "SELECT pp.payment_id, pp.fund_id, pp.amount FROM payment_part pp \
             JOIN payment p ON p.id = pp.payment_id WHERE p.order_id = $1",
        )
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut due = if live { total } else { 0 };
        for p in payments {
            due += add_payment(&mut facts, &p, &parts, shop, manager, process);
        }
        if live && due > 0 {
            facts.add(
                Key::Due {
                    order: order_id,
                    client,
                    shop,
                    day,
                },
                [due, 0, 0, 0, 0, 0],
            );
        }
        Ok(facts)
    }

    /// What a payment that belongs to no order contributes (empty for an order's: the
    /// order's facts carry those).
    pub async fn of_payment(conn: &mut AnyConnection, payment_id: i64) -> Result<Facts, AppError> {
        let mut facts = Facts::default();
        let p: Option<PaymentFact> = sqlx::query_as(&format!(
            "{PAYMENT_FACT} WHERE id = $1 AND order_id IS NULL"
        ))
        .bind(payment_id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(p) = p {
            let parts: Vec<PartFact> = sqlx::query_as(
                "SELECT payment_id, fund_id, amount FROM payment_part WHERE payment_id = $1",
            )
            .bind(payment_id)
            .fetch_all(&mut *conn)
            .await?;
            add_payment(&mut facts, &p, &parts, 0, 0, 0);
        }
        Ok(facts)
    }
}

/// (shop, manager, process, client, local day, total, stage kind)
type OrderFact = (i64, i64, i64, Option<i64>, i64, i64, String);

/// (id, direction, amount, planned, local day, fund_id, client_id)
type PaymentFact = (i64, String, i64, i64, i64, i64, Option<i64>);
const PAYMENT_FACT: &str =
    "SELECT id, direction, amount, planned, local_day, fund_id, client_id FROM payment";

/// (payment, fund, amount): what a payment passed on to another fund.
type PartFact = (i64, i64, i64);

/// Adds a payment's rows; returns how it changes what the order still owes. By fund, the
/// payment counts in its own fund with what that keeps, and adds the parts it passed on
/// to theirs (counted 0 times there).
fn add_payment(
    facts: &mut Facts,
    p: &PaymentFact,
    parts: &[PartFact],
    shop: i64,
    manager: i64,
    process: i64,
) -> i64 {
    let (id, direction, amount, planned, day, fund, client) = p;
    let client = client.unwrap_or(0);
    let incoming = direction == "in";
    if *planned != 0 {
        if incoming {
            facts.add(Key::Client { client, shop }, [0, 0, 0, 0, 0, *amount]);
        }
        return 0;
    }
    let day = *day;
    let passed: Vec<&PartFact> = parts.iter().filter(|pp| pp.0 == *id).collect();
    let kept = amount - passed.iter().map(|pp| pp.2).sum::<i64>();
    let by_fund = std::iter::once((*fund, 1, kept)).chain(passed.iter().map(|pp| (pp.1, 0, pp.2)));
    for (fund, count, part) in by_fund {
        facts.add(
            Key::Pay {
                day,
                shop,
                manager,
                process,
                fund,
                direction: direction.clone(),
            },
            [count, part, 0, 0, 0, 0],
        );
    }
    facts.add(
        Key::PayClient {
            day,
            shop,
            client,
            manager,
            direction: direction.clone(),
        },
        [1, *amount, 0, 0, 0, 0],
    );
    if incoming {
        facts.add(Key::Client { client, shop }, [0, 0, 0, *amount, 0, 0]);
        -amount
    } else {
        facts.add(Key::Client { client, shop }, [0, 0, 0, 0, *amount, 0]);
        *amount
    }
}

/// Watches one order (or one payment without an order) across a change in a
/// transaction: `start` before the change, `finish` after it, on the same connection.
pub struct Tracker {
    order_id: Option<i64>,
    payment_id: Option<i64>,
    before: Facts,
}

impl Tracker {
    /// Takes the order's row first (PostgreSQL): what it contributed is read under the
    /// lock, so a concurrent writer of the same order can't apply a stale difference.
    pub async fn order(conn: &mut AnyConnection, order_id: i64) -> Result<Tracker, AppError> {
        sqlx::query(&format!(
            "SELECT id FROM orders WHERE id = $1{}",
            crate::db::for_update(conn)
        ))
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(Tracker {
            order_id: Some(order_id),
            payment_id: None,
            before: Facts::of_order(conn, order_id).await?,
        })
    }

    /// An order created in this transaction (it contributed nothing before).
    pub fn new_order(order_id: i64) -> Tracker {
        Tracker {
            order_id: Some(order_id),
            payment_id: None,
            before: Facts::default(),
        }
    }

    /// A payment without an order that is about to be written or changed.
    pub async fn payment(
        conn: &mut AnyConnection,
        payment_id: Option<i64>,
    ) -> Result<Tracker, AppError> {
        let before = match payment_id {
            Some(id) => Facts::of_payment(conn, id).await?,
            None => Facts::default(),
        };
        Ok(Tracker {
            order_id: None,
            payment_id,
            before,
        })
    }

    /// Applies the difference. `payment_id` names a payment created by the change.
    pub async fn finish(
        self,
        conn: &mut AnyConnection,
        payment_id: Option<i64>,
    ) -> Result<(), AppError> {
        let after = match (self.order_id, self.payment_id.or(payment_id)) {
            (Some(order), _) => Facts::of_order(conn, order).await?,
            (None, Some(payment)) => Facts::of_payment(conn, payment).await?,
            (None, None) => Facts::default(),
        };
        apply(conn, &self.before, &after).await
    }
}

/// Writes `after − before` into the aggregate tables.
pub async fn apply(
    conn: &mut AnyConnection,
    before: &Facts,
    after: &Facts,
) -> Result<(), AppError> {
    let mut delta: BTreeMap<Key, Measures> = BTreeMap::new();
    for (key, m) in &after.0 {
        if !matches!(key, Key::Due { .. }) {
            delta.insert(key.clone(), *m);
        }
    }
    for (key, m) in &before.0 {
        if matches!(key, Key::Due { .. }) {
            continue;
        }
        let slot = delta.entry(key.clone()).or_insert([0; 6]);
        for (s, v) in slot.iter_mut().zip(m) {
            *s -= v;
        }
    }
    for (key, m) in delta {
        if m.iter().all(|v| *v == 0) {
            continue;
        }
        upsert(conn, &key, m).await?;
    }
    // What is due is set, not added: one row per order.
    let due_after: Vec<(&Key, &Measures)> = after
        .0
        .iter()
        .filter(|(k, _)| matches!(k, Key::Due { .. }))
        .collect();
    let due_before: Vec<&Key> = before
        .0
        .keys()
        .filter(|k| matches!(k, Key::Due { .. }))
        .collect();
    for key in due_before {
        if let Key::Due { order, .. } = key {
            if !due_after
                .iter()
                .any(|(k, _)| matches!(k, Key::Due { order: o, .. } if o == order))
            {
                sqlx::query("DELETE FROM agg_due WHERE order_id = $1")
                    .bind(order)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    for (key, m) in due_after {
        if let Key::Due {
            order,
            client,
            shop,
            day,
        } = key
        {
            sqlx::query(
                "INSERT INTO agg_due (order_id, client_id, shop_id, day, due) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (order_id) DO UPDATE SET client_id = excluded.client_id, \
                 shop_id = excluded.shop_id, day = excluded.day, due = excluded.due",
            )
            .bind(order)
            .bind(client)
            .bind(shop)
            .bind(day)
            .bind(m[0])
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

async fn upsert(conn: &mut AnyConnection, key: &Key, m: Measures) -> Result<(), AppError> {
    // Day-grain keys are written at every grain: the day, its month and its year.
    let grains = |day: i64| {
        let month = month_of_day(day);
        [(0_i64, day), (1_i64, month), (2_i64, year_of_month(month))]
    };
    match key {
        Key::SalesShop { day, shop, manager } => {
            for (grain, bucket) in grains(*day) {
                sqlx::query(
                    "INSERT INTO agg_sales_shop (grain, bucket, shop_id, manager_id, orders, lines, revenue, cost) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (grain, bucket, shop_id, manager_id) DO UPDATE SET \
                     orders = agg_sales_shop.orders + excluded.orders, lines = agg_sales_shop.lines + excluded.lines, \
                     revenue = agg_sales_shop.revenue + excluded.revenue, cost = agg_sales_shop.cost + excluded.cost",
                )
                .bind(grain)
                .bind(bucket)
                .bind(shop)
                .bind(manager)
                .bind(m[0])
                .bind(m[1])
                .bind(m[2])
                .bind(m[3])
                .execute(&mut *conn)
                .await?;
            }
        }
        Key::SalesProduct { day, shop, product } => {
            for (grain, bucket) in grains(*day) {
                sqlx::query(
                    "INSERT INTO agg_sales_product (grain, bucket, shop_id, product_id, lines, qty, revenue, cost) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (grain, bucket, shop_id, product_id) DO UPDATE SET \
                     lines = agg_sales_product.lines + excluded.lines, qty = agg_sales_product.qty + excluded.qty, \
                     revenue = agg_sales_product.revenue + excluded.revenue, cost = agg_sales_product.cost + excluded.cost",
                )
                .bind(grain)
                .bind(bucket)
                .bind(shop)
                .bind(product)
                .bind(m[0])
                .bind(m[1])
                .bind(m[2])
                .bind(m[3])
                .execute(&mut *conn)
                .await?;
            }
        }
        Key::Pay {
            day,
            shop,
            manager,
            process,
            fund,
            direction,
        } => {
            for (grain, bucket) in grains(*day) {
                sqlx::query(
                    "INSERT INTO agg_pay (grain, bucket, shop_id, manager_id, process_id, fund_id, direction, payments, amount) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (grain, bucket, shop_id, manager_id, process_id, fund_id, direction) DO UPDATE SET \
                     payments = agg_pay.payments + excluded.payments, amount = agg_pay.amount + excluded.amount",
                )
                .bind(grain)
                .bind(bucket)
                .bind(shop)
                .bind(manager)
                .bind(process)
                .bind(fund)
                .bind(direction)
                .bind(m[0])
                .bind(m[1])
                .execute(&mut *conn)
                .await?;
            }
        }
        Key::PayClient {
            day,
            shop,
            client,
            manager,
            direction,
        } => {
            for (grain, bucket) in grains(*day) {
                sqlx::query(
                    "INSERT INTO agg_pay_client (grain, bucket, shop_id, client_id, manager_id, direction, payments, amount) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (grain, bucket, shop_id, client_id, manager_id, direction) DO UPDATE SET \
                     payments = agg_pay_client.payments + excluded.payments, amount = agg_pay_client.amount + excluded.amount",
                )
                .bind(grain)
                .bind(bucket)
                .bind(shop)
                .bind(client)
                .bind(manager)
                .bind(direction)
                .bind(m[0])
                .bind(m[1])
                .execute(&mut *conn)
                .await?;
            }
        }
        Key::Client { client, shop } => {
            sqlx::query(
                "INSERT INTO agg_client (client_id, shop_id, orders, obligations, cost, received, refunded, planned) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (client_id, shop_id) DO UPDATE SET \
                 orders = agg_client.orders + excluded.orders, obligations = agg_client.obligations + excluded.obligations, \
                 cost = agg_client.cost + excluded.cost, received = agg_client.received + excluded.received, \
                 refunded = agg_client.refunded + excluded.refunded, planned = agg_client.planned + excluded.planned",
            )
            .bind(client)
            .bind(shop)
            .bind(m[0])
            .bind(m[1])
            .bind(m[2])
            .bind(m[3])
            .bind(m[4])
            .bind(m[5])
            .execute(&mut *conn)
            .await?;
        }
        Key::Due { .. } => {}
    }
    Ok(())
}

/// `year * 12 + month - 1` of a day-number SQL expression, in the dialect's SQL.
pub fn month_sql(backend: Backend, day: &str) -> String {
    match backend {
        Backend::Sqlite => format!(
            "(CAST(strftime('%Y', ({day}) * 86400, 'unixepoch') AS INTEGER) * 12 \
             + CAST(strftime('%m', ({day}) * 86400, 'unixepoch') AS INTEGER) - 1)"
        ),
        Backend::Postgres => format!(
            "(CAST(EXTRACT(YEAR FROM DATE '1970-01-01' + CAST({day} AS INTEGER)) AS BIGINT) * 12 \
             + CAST(EXTRACT(MONTH FROM DATE '1970-01-01' + CAST({day} AS INTEGER)) AS BIGINT) - 1)"
        ),
    }
}

/// Builds the aggregates once per database (a counter row marks it): a database that
/// had orders before the reports arrived gets them summed on its first start.
pub async fn install(db: &Db) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let first = sqlx::query(
        "INSERT INTO counter (name, value) VALUES ('report_aggregates', 1) ON CONFLICT (name) DO NOTHING",
    )
    .execute(&mut *tx)
    .await?;
    // Once, after the migration that keyed them by local days: the days of every order
    // and payment from their shops' zones, then the aggregates again.
    let local = sqlx::query(
        "INSERT INTO counter (name, value) VALUES ('local_days', 1) ON CONFLICT (name) DO NOTHING",
    )
    .execute(&mut *tx)
    .await?;
    if local.rows_affected() == 1 {
        crate::time::zones::recompute_local_days(&mut tx).await?;
    }
    if first.rows_affected() == 1 || local.rows_affected() == 1 {
        rebuild_on(&mut tx, db.backend).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Recomputes every aggregate from the base tables, in one transaction.
pub async fn rebuild(db: &Db) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    rebuild_on(&mut tx, db.backend).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn rebuild_on(conn: &mut AnyConnection, backend: Backend) -> Result<(), AppError> {
    for table in [
        "agg_sales_shop",
        "agg_sales_product",
        "agg_pay",
        "agg_pay_client",
        "agg_client",
        "agg_due",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
    }
    // Days on the selling shop's calendar (payments without an order: the company's).
    let day = "o.local_day";
    let pay_day = "p.local_day";
    // Per order: its lines' count, revenue and cost (orders not cancelled).
    let live_orders = "FROM orders o JOIN stage s ON s.id = o.stage_id AND s.kind <> 'cancelled' \
        LEFT JOIN (SELECT order_id, COUNT(*) AS n, SUM(amount) AS revenue, SUM(cost) AS cost \
                   FROM order_line GROUP BY order_id) l ON l.order_id = o.id";
    let statements = [
        format!(
            "INSERT INTO agg_sales_shop (grain, bucket, shop_id, manager_id, orders, lines, revenue, cost) \
             SELECT 0, {day}, o.shop_id, o.manager_id, COUNT(*), COALESCE(SUM(l.n), 0), \
                    COALESCE(SUM(l.revenue), 0), COALESCE(SUM(l.cost), 0) \
             {live_orders} GROUP BY {day}, o.shop_id, o.manager_id"
        ),
        format!(
            "INSERT INTO agg_sales_product (grain, bucket, shop_id, product_id, lines, qty, revenue, cost) \
             SELECT 0, {day}, o.shop_id, ol.product_id, COUNT(*), SUM(ol.qty), SUM(ol.amount), SUM(ol.cost) \
             FROM order_line ol JOIN orders o ON o.id = ol.order_id \
                  JOIN stage s ON s.id = o.stage_id AND s.kind <> 'cancelled' \
             GROUP BY {day}, o.shop_id, ol.product_id"
        ),
        format!(
            "INSERT INTO agg_pay (grain, bucket, shop_id, manager_id, process_id, fund_id, direction, payments, amount) \
             SELECT 0, {pay_day}, COALESCE(o.shop_id, 0), COALESCE(o.manager_id, 0), COALESCE(o.process_id, 0), \
                    x.fund_id, p.direction, SUM(x.n), SUM(x.amount) \
             FROM (SELECT p2.id AS payment_id, p2.fund_id AS fund_id, 1 AS n, \
                          p2.amount - COALESCE((SELECT SUM(pp.amount) FROM payment_part pp \
                                                WHERE pp.payment_id = p2.id), 0) AS amount \
                   FROM payment p2 \
                   UNION ALL \
                   SELECT pp.payment_id, pp.fund_id, 0, pp.amount FROM payment_part pp) x \
             JOIN payment p ON p.id = x.payment_id LEFT JOIN orders o ON o.id = p.order_id \
             WHERE p.planned = 0 \
             GROUP BY {pay_day}, COALESCE(o.shop_id, 0), COALESCE(o.manager_id, 0), COALESCE(o.process_id, 0), \
                      x.fund_id, p.direction"
        ),
        format!(
            "INSERT INTO agg_pay_client (grain, bucket, shop_id, client_id, manager_id, direction, payments, amount) \
             SELECT 0, {pay_day}, COALESCE(o.shop_id, 0), COALESCE(p.client_id, 0), COALESCE(o.manager_id, 0), \
                    p.direction, COUNT(*), SUM(p.amount) \
             FROM payment p LEFT JOIN orders o ON o.id = p.order_id WHERE p.planned = 0 \
             GROUP BY {pay_day}, COALESCE(o.shop_id, 0), COALESCE(p.client_id, 0), COALESCE(o.manager_id, 0), p.direction"
        ),
        // Clients: order side and payment side, summed per (client, shop).
        format!(
            "INSERT INTO agg_client (client_id, shop_id, orders, obligations, cost, received, refunded, planned) \
             SELECT client_id, shop_id, SUM(orders), SUM(obligations), SUM(cost), SUM(received), SUM(refunded), SUM(planned) \
             FROM (SELECT COALESCE(o.client_id, 0) AS client_id, o.shop_id AS shop_id, COUNT(*) AS orders, \
                          SUM(o.total) AS obligations, COALESCE(SUM(l.cost), 0) AS cost, \
                          0 AS received, 0 AS refunded, 0 AS planned \
                   {live_orders} GROUP BY COALESCE(o.client_id, 0), o.shop_id \
                   UNION ALL \
                   SELECT COALESCE(p.client_id, 0), COALESCE(o.shop_id, 0), 0, 0, 0, \
                          SUM(CASE WHEN p.planned = 0 AND p.direction = 'in' THEN p.amount ELSE 0 END), \
                          SUM(CASE WHEN p.planned = 0 AND p.direction = 'out' THEN p.amount ELSE 0 END), \
                          SUM(CASE WHEN p.planned = 1 AND p.direction = 'in' THEN p.amount ELSE 0 END) \
                   FROM payment p LEFT JOIN orders o ON o.id = p.order_id \
                   GROUP BY COALESCE(p.client_id, 0), COALESCE(o.shop_id, 0)) x \
             GROUP BY client_id, shop_id"
        ),
        format!(
            "INSERT INTO agg_due (order_id, client_id, shop_id, day, due) \
             SELECT o.id, COALESCE(o.client_id, 0), o.shop_id, {day}, o.total - COALESCE(pd.paid, 0) \
             FROM orders o JOIN stage s ON s.id = o.stage_id AND s.kind <> 'cancelled' \
                  LEFT JOIN (SELECT order_id, SUM(CASE WHEN direction = 'in' THEN amount ELSE -amount END) AS paid \
                             FROM payment WHERE planned = 0 AND order_id IS NOT NULL GROUP BY order_id) pd \
                  ON pd.order_id = o.id \
             WHERE o.total - COALESCE(pd.paid, 0) > 0"
        ),
    ];
    for sql in &statements {
        sqlx::query(sql).execute(&mut *conn).await?;
    }
    // Months from days, then years from months.
    for (table, keys, sums) in [
        (
            "agg_sales_shop",
            "shop_id, manager_id",
            "SUM(orders), SUM(lines), SUM(revenue), SUM(cost)",
        ),
        (
            "agg_sales_product",
            "shop_id, product_id",
            "SUM(lines), SUM(qty), SUM(revenue), SUM(cost)",
        ),
        (
            "agg_pay",
            "shop_id, manager_id, process_id, fund_id, direction",
            "SUM(payments), SUM(amount)",
        ),
        (
            "agg_pay_client",
            "shop_id, client_id, manager_id, direction",
            "SUM(payments), SUM(amount)",
        ),
    ] {
        let month = month_sql(backend, "bucket");
        for (grain, bucket, from_grain) in [(1, month.as_str(), 0), (2, "(bucket / 12)", 1)] {
            sqlx::query(&format!(
                "INSERT INTO {table} SELECT {grain}, {bucket}, {keys}, {sums} FROM {table} \
                 WHERE grain = {from_grain} GROUP BY {bucket}, {keys}"
            ))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Every aggregate row that carries something, for comparing the incremental path with
/// a rebuild (tests).
pub async fn snapshot(db: &Db) -> Result<Vec<String>, AppError> {
    use sqlx::Row;
    let mut out = Vec::new();
    for (table, keys, measures) in [
        (
            "agg_sales_shop",
            "grain, bucket, shop_id, manager_id",
            "orders, lines, revenue, cost",
        ),
        (
            "agg_sales_product",
            "grain, bucket, shop_id, product_id",
            "lines, qty, revenue, cost",
        ),
        (
            "agg_pay",
            "grain, bucket, shop_id, manager_id, process_id, fund_id",
            "payments, amount",
        ),
        (
            "agg_pay_client",
            "grain, bucket, shop_id, client_id, manager_id",
            "payments, amount",
        ),
        (
            "agg_client",
            "client_id, shop_id",
            "orders, obligations, cost, received, refunded, planned",
        ),
        ("agg_due", "order_id, client_id, shop_id, day", "due"),
    ] {
        let direction = if table.starts_with("agg_pay") {
            "direction"
        } else {
            "''"
        };
        let cast = |cols: &str| {
            cols.split(", ")
                .map(|c| format!("CAST({c} AS BIGINT)"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let rows = sqlx::query(&format!(
            "SELECT {direction}, {}, {} FROM {table} ORDER BY {keys}, 1",
            cast(keys),
            cast(measures)
        ))
        .fetch_all(&db.pool)
        .await?;
        let (nk, nm) = (keys.split(", ").count(), measures.split(", ").count());
        for row in rows {
            let dir: String = row.try_get(0)?;
            let mut values = Vec::new();
            for i in 1..=nk + nm {
                values.push(row.try_get::<i64, _>(i)?);
            }
            // Rows the incremental path left at zero carry nothing.
            if values[nk..].iter().all(|v| *v == 0) {
                continue;
            }
            out.push(format!("{table} {dir} {values:?}"));
        }
    }
    Ok(out)
}
