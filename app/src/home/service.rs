//! The home page's figures. Sales, payments and receivables are read from the report
//! aggregates (the standard reports' source), so the home page and the reports agree;
//! "today" is each shop's own calendar (DESIGN.md §5c).

use super::*;
use crate::auth::service::Caller;
use crate::auth::{Action, Role};
use crate::db::Db;
use crate::error::AppError;
use crate::process::StageKind;
use crate::reports::builder::in_list;
use crate::time::zones;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Rows a home list shows at most.
const LIST: i64 = 20;

/// The caller's home figures, by role.
#[tracing::instrument(skip_all)]
pub async fn summary(db: &Db, caller: &Caller) -> Result<RoleHome, AppError> {
    let mut conn = db.pool.acquire().await?;
    let now = db.now();
    Ok(match caller.role {
        Role::Manager => {
            caller.require(Action::ViewOrders)?;
            RoleHome::Seller(SellerHome {
                holds: lapsing_holds(&mut conn, caller, now).await?,
                orders: my_open_orders(&mut conn, caller).await?,
                mentions: unread_mentions(&mut conn, caller).await?,
            })
        }
        Role::Admin | Role::Director => {
            caller.require(Action::ViewReports)?;
            RoleHome::Director(DirectorHome {
                sales: sales_today(&mut conn, caller, now).await?,
                receivables: receivables(&mut conn, caller).await?,
            })
        }
        Role::Accountant => {
            caller.require(Action::ViewReports)?;
            RoleHome::Accountant(AccountantHome {
                receivables: receivables(&mut conn, caller).await?,
                payments: payments_today(&mut conn, caller, now).await?,
            })
        }
        Role::Storekeeper => {
            caller.require(Action::ViewStock)?;
            RoleHome::Storekeeper(StorekeeperHome {
                transfers: inbound_transfers(&mut conn, caller).await?,
            })
        }
    })
}

/// `shop_id IN (…)` of the shops the caller sees (`1 = 1` for the chain-wide roles).
/// Only ids from the caller's record go into it.
fn shop_condition(caller: &Caller, column: &str) -> String {
    match caller.scope() {
        None => "1 = 1".into(),
        Some(shops) => format!("{column} IN ({})", in_list(&shops)),
    }
}

/// Active holds at the caller's own shops whose end falls on today of the caller's
/// calendar (those already past but not yet swept included).
async fn lapsing_holds(
    conn: &mut AnyConnection,
    caller: &Caller,
    now: i64,
) -> Result<Vec<LapsingHold>, AppError> {
    let shops = caller.shops();
    if shops.is_empty() {
        return Ok(Vec::new());
    }
    let zone = zones::of_employee(conn, caller.home_location_id).await?;
    let today = zone.local_day(now);
    let rows: Vec<HoldRow> = sqlx::query_as(&format!(
        "SELECT r.id, r.product_id, p.name AS product, l.name AS location, r.client, r.order_id, \
                o.number AS order_number, r.qty, r.expires_at \
         FROM reservation r JOIN product p ON p.id = r.product_id \
              JOIN location l ON l.id = r.location_id LEFT JOIN orders o ON o.id = r.order_id \
         WHERE r.status = 'active' AND r.expires_at >= $1 AND r.expires_at < $2 \
               AND r.location_id IN ({}) \
         ORDER BY r.expires_at, r.id LIMIT $3",
        in_list(&shops)
    ))
    .bind(zone.day_start(today))
    .bind(zone.day_start(today + 1))
    .bind(LIST)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LapsingHold {
            id: r.id,
            product_id: r.product_id,
            product: r.product,
            location: r.location,
            client: r.client,
            order_id: r.order_id,
            order_number: r.order_number,
            qty: Qty(r.qty),
            expires_at: r.expires_at,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct HoldRow {
    id: i64,
    product_id: i64,
    product: String,
    location: String,
    client: String,
    order_id: Option<i64>,
    order_number: Option<String>,
    qty: i64,
    expires_at: i64,
}

/// The caller's own open orders at the shops they see, newest first.
async fn my_open_orders(
    conn: &mut AnyConnection,
    caller: &Caller,
) -> Result<Vec<MyOrder>, AppError> {
    let rows: Vec<OrderRow> = sqlx::query_as(&format!(
        "SELECT o.id, o.number, c.name AS client, s.id AS stage_id, s.name AS stage, s.color, \
                o.total, o.created_at \
         FROM orders o JOIN stage s ON s.id = o.stage_id LEFT JOIN client c ON c.id = o.client_id \
         WHERE o.manager_id = $1 AND s.kind = 'open' AND {} \
         ORDER BY o.created_at DESC, o.id DESC LIMIT $2",
        shop_condition(caller, "o.shop_id")
    ))
    .bind(caller.id)
    .bind(LIST)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MyOrder {
            id: r.id,
            number: r.number,
            client: r.client,
            stage: StageRef {
                id: r.stage_id,
                name: r.stage,
                color: r.color,
                kind: StageKind::Open,
            },
            total: Money(r.total),
            created_at: r.created_at,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: i64,
    number: String,
    client: Option<String>,
    stage_id: i64,
    stage: String,
    color: String,
    total: i64,
    created_at: i64,
}

/// The caller's own unread mentions (nobody else's notifications are ever read here).
async fn unread_mentions(
    conn: &mut AnyConnection,
    caller: &Caller,
) -> Result<Vec<Mention>, AppError> {
    caller.require(Action::OwnNotifications)?;
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, subject, detail, link, created_at FROM notification \
         WHERE employee_id = $1 AND kind = 'mention' AND read_at IS NULL \
         ORDER BY id DESC LIMIT $2",
    )
    .bind(caller.id)
    .bind(LIST)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, subject, detail, link, created_at)| Mention {
            id,
            subject,
            detail,
            link,
            created_at,
        })
        .collect())
}

/// Today (days since 1970) of every location on its own calendar; key 0 is the
/// company's (payments without an order).
async fn todays(conn: &mut AnyConnection, now: i64) -> Result<HashMap<i64, i64>, AppError> {
    let chain = zones::chain(conn).await?;
    let company = chain.company.local_day(now);
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM location")
        .fetch_all(&mut *conn)
        .await?;
    let mut days: HashMap<i64, i64> = ids.into_iter().map(|(id,)| (id, company)).collect();
    for (id, zone) in &chain.locations {
        days.insert(*id, zone.local_day(now));
    }
    days.insert(0, company);
    Ok(days)
}

/// The lowest and highest of the days (zones differ by at most a day or so).
fn day_range(days: &HashMap<i64, i64>) -> (i64, i64) {
    let lo = days.values().copied().min().unwrap_or(0);
    let hi = days.values().copied().max().unwrap_or(0);
    (lo, hi)
}

/// Today's sales of every active shop the caller sees (zeros included), from the
/// sales aggregate's day buckets, each shop on its own today.
pub async fn sales_today(
    conn: &mut AnyConnection,
    caller: &Caller,
    now: i64,
) -> Result<SalesToday, AppError> {
    let days = todays(conn, now).await?;
    let (lo, hi) = day_range(&days);
    let shops: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT id, name FROM location WHERE kind = 'shop' AND active = 1 AND {} ORDER BY name, id",
        shop_condition(caller, "id")
    ))
    .fetch_all(&mut *conn)
    .await?;
    let sums: Vec<(i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT shop_id, bucket, CAST(SUM(orders) AS BIGINT), CAST(SUM(revenue) AS BIGINT) \
         FROM agg_sales_shop WHERE grain = 0 AND bucket BETWEEN $1 AND $2 AND {} \
         GROUP BY shop_id, bucket",
        shop_condition(caller, "shop_id")
    ))
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    let mut today = SalesToday::default();
    for (shop_id, shop) in shops {
        let day = days.get(&shop_id).copied();
        let (orders, revenue) = sums
            .iter()
            .filter(|(s, bucket, _, _)| *s == shop_id && Some(*bucket) == day)
            .fold((0, 0), |(o, r), (_, _, orders, revenue)| {
                (o + orders, r + revenue)
            });
        today.orders += orders;
        today.revenue = Money(today.revenue.0 + revenue);
        today.shops.push(ShopSales {
            shop_id,
            shop,
            orders,
            revenue: Money(revenue),
        });
    }
    Ok(today)
}

/// What clients owe at the shops the caller sees (the receivables report's source).
pub async fn receivables(
    conn: &mut AnyConnection,
    caller: &Caller,
) -> Result<Receivables, AppError> {
    let shops = shop_condition(caller, "d.shop_id");
    let (total, debtors): (i64, i64) = sqlx::query_as(&format!(
        "SELECT CAST(COALESCE(SUM(x.due), 0) AS BIGINT), CAST(COUNT(*) AS BIGINT) \
         FROM (SELECT d.client_id, SUM(d.due) AS due FROM agg_due d WHERE d.due > 0 AND {shops} \
               GROUP BY d.client_id) x"
    ))
    .fetch_one(&mut *conn)
    .await?;
    let top: Vec<(i64, Option<String>, i64, i64)> = sqlx::query_as(&format!(
        "SELECT d.client_id, c.name, CAST(COUNT(*) AS BIGINT), CAST(SUM(d.due) AS BIGINT) \
         FROM agg_due d LEFT JOIN client c ON c.id = d.client_id \
         WHERE d.due > 0 AND {shops} GROUP BY d.client_id, c.name \
         ORDER BY 4 DESC, d.client_id LIMIT 5"
    ))
    .fetch_all(&mut *conn)
    .await?;
    Ok(Receivables {
        total: Money(total),
        debtors,
        top: top
            .into_iter()
            .map(|(client_id, name, orders, due)| Debtor {
                client_id: (client_id != 0).then_some(client_id),
                name,
                orders,
                due: Money(due),
            })
            .collect(),
    })
}

/// Today's payments by fund (each payment on its shop's today, those without an order
/// on the company's), from the payments aggregate.
pub async fn payments_today(
    conn: &mut AnyConnection,
    caller: &Caller,
    now: i64,
) -> Result<PaymentsToday, AppError> {
    let days = todays(conn, now).await?;
    let (lo, hi) = day_range(&days);
    let rows: Vec<(i64, i64, i64, String, i64)> = sqlx::query_as(&format!(
        "SELECT shop_id, bucket, fund_id, direction, CAST(SUM(amount) AS BIGINT) \
         FROM agg_pay WHERE grain = 0 AND bucket BETWEEN $1 AND $2 AND {} \
         GROUP BY shop_id, bucket, fund_id, direction",
        shop_condition(caller, "shop_id")
    ))
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    let names: HashMap<i64, String> =
        sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM fund")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let mut by_fund: Vec<FundPayments> = Vec::new();
    let mut out = PaymentsToday::default();
    for (shop, bucket, fund_id, direction, amount) in rows {
        if days.get(&shop) != Some(&bucket) {
            continue;
        }
        let pos = match by_fund.iter().position(|f| f.fund_id == fund_id) {
            Some(pos) => pos,
            None => {
                by_fund.push(FundPayments {
                    fund_id,
                    fund: names.get(&fund_id).cloned().unwrap_or_default(),
                    received: Money(0),
                    paid_out: Money(0),
                });
                by_fund.len() - 1
            }
        };
        let fund = &mut by_fund[pos];
        if direction == "in" {
            fund.received = Money(fund.received.0 + amount);
            out.received = Money(out.received.0 + amount);
        } else {
            fund.paid_out = Money(fund.paid_out.0 + amount);
            out.paid_out = Money(out.paid_out.0 + amount);
        }
    }
    by_fund.sort_by(|a, b| a.fund.cmp(&b.fund));
    out.funds = by_fund;
    Ok(out)
}

/// Transfers in transit to one of the caller's own locations, oldest first.
async fn inbound_transfers(
    conn: &mut AnyConnection,
    caller: &Caller,
) -> Result<Vec<InboundTransfer>, AppError> {
    let mine = caller.shops();
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT d.id, f.name, t.name, \
                CAST((SELECT COUNT(*) FROM stock_doc_line x WHERE x.doc_id = d.id) AS BIGINT), d.created_at \
         FROM stock_doc d JOIN location f ON f.id = d.location_id JOIN location t ON t.id = d.to_location_id \
         WHERE d.kind = 'transfer' AND d.status = 'in_transit' AND d.to_location_id IN ({}) \
         ORDER BY d.created_at, d.id LIMIT $1",
        in_list(&mine)
    ))
    .bind(LIST)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, from, to, lines, created_at)| InboundTransfer {
            id,
            from,
            to,
            lines,
            created_at,
        })
        .collect())
}
