//! Editing an open order: its client, fulfilment, comment and lines. A line kept as it
//! was (same product, location and quantity) keeps its reservation; a removed or changed
//! line gives its reservation back; new lines are reserved when the order holds goods
//! (or its stage reserves). All in one transaction with an "edited" history entry that
//! says what changed, so a refused reservation leaves the order exactly as it was.

use super::actions::{self, Effects, OrderCtx};
use super::service::{active, client_name, get, insert_line, level_numbers, price_lines, publish};
use super::{Order, OrderInput};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Conflict, Field};
use crate::live::hub::Hub;
use crate::process::{service as processes, ActionKind, StageKind};
use crate::quantity::{Money, Qty};
use crate::reports::aggregates;
use crate::stock::reservations;

#[derive(sqlx::FromRow)]
struct Current {
    process_id: i64,
    stage_id: i64,
    number: String,
    client_id: Option<i64>,
    client: Option<String>,
    manager_id: i64,
    shop_id: i64,
    fulfilment: String,
    pickup_location_id: Option<i64>,
    delivery_address: String,
    total: i64,
}

#[derive(sqlx::FromRow)]
struct OldLine {
    id: i64,
    product_id: i64,
    sku: String,
    location_id: i64,
    qty: i64,
    reservation_id: Option<i64>,
}

/// [`update_once`], run again when PostgreSQL reports a deadlock or serialization
/// failure (a bounded number of times; then 503, never a 500).
pub async fn update(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    order_id: i64,
    input: OrderInput,
) -> Result<Order, AppError> {
    crate::db::retry_busy(|| update_once(db, hub, caller, order_id, input.clone())).await
}

/// Replaces what the order says with `input` (its process and selling shop stay).
/// Refused: a closed order (409 `order_closed`), another shop's order (403), bad
/// lines (422), not enough stock for a new line (409 with where it is free).
#[tracing::instrument(skip_all)]
async fn update_once(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    order_id: i64,
    input: OrderInput,
) -> Result<Order, AppError> {
    caller.require(Action::EditOrders)?;
    let input = input.validate()?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    // Take the order's row first (and check the caller may edit it): on PostgreSQL a
    // concurrent move, edit or payment of this order waits here until this edit commits,
    // and then sees what it wrote.
    crate::scope::order_for_edit(&mut tx, caller, order_id).await?;
    sqlx::query("UPDATE orders SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    let track = aggregates::Tracker::order(&mut tx, order_id).await?;
    let cur: Current = sqlx::query_as(
        "SELECT o.process_id AS process_id, o.stage_id AS stage_id, o.number AS number, \
                o.client_id AS client_id, c.name AS client, o.manager_id AS manager_id, \
                o.shop_id AS shop_id, o.fulfilment AS fulfilment, \
                o.pickup_location_id AS pickup_location_id, o.delivery_address AS delivery_address, \
                o.total AS total \
         FROM orders o LEFT JOIN client c ON c.id = o.client_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let process = processes::load(&mut tx, cur.process_id).await?;
    let stage = process.stage(cur.stage_id).ok_or(AppError::Internal)?;
    if stage.kind != StageKind::Open {
        return Err(AppError::conflict(Conflict::OrderClosed));
    }
    if let Some(p) = input.pickup_location_id {
        active(&mut tx, "location", p, Field::Location).await?;
    }
    let client = client_name(&mut tx, input.client_id).await?;
    let (priced, total) = price_lines(&mut tx, &input.lines).await?;
    let old: Vec<OldLine> = sqlx::query_as(
        "SELECT l.id AS id, l.product_id AS product_id, p.sku AS sku, l.location_id AS location_id, \
                l.qty AS qty, \
                (SELECT r.id FROM reservation r WHERE r.id = l.reservation_id AND r.status = 'active') AS reservation_id \
         FROM order_line l JOIN product p ON p.id = l.product_id WHERE l.order_id = $1 ORDER BY l.position",
    )
    .bind(order_id)
    .fetch_all(&mut *tx)
    .await?;
    let held = old.iter().any(|l| l.reservation_id.is_some())
        || stage
            .actions
            .iter()
            .any(|a| a.action == ActionKind::ReserveAll);

    // Pair each new line with an unused old line of the same product, location and
    // quantity: that one stays (with its reservation); every other old line goes.
    let mut kept = vec![false; old.len()];
    let mut changes: Vec<String> = Vec::new();
    let mut fresh = Vec::new();
    for (position, p) in priced.iter().enumerate() {
        let same = old.iter().enumerate().position(|(i, o)| {
            !kept[i]
                && o.product_id == p.line.product_id
                && o.location_id == p.line.location_id
                && o.qty == p.line.qty.0
        });
        match same {
            Some(i) => {
                kept[i] = true;
                sqlx::query(
                    "UPDATE order_line SET position = $1, price = $2, discount = $3, amount = $4 WHERE id = $5",
                )
                .bind(position as i64)
                .bind(p.price.0)
                .bind(p.line.discount.0)
                .bind(p.amount.0)
                .bind(old[i].id)
                .execute(&mut *tx)
                .await?;
            }
            None => fresh.push((position, p)),
        }
    }
    let mut fx = Effects::default();
    for (o, _) in old.iter().zip(&kept).filter(|(_, k)| !**k) {
        if let Some(rid) = o.reservation_id {
            reservations::close_on(&mut tx, caller.id, rid, "released", now).await?;
            fx.levels.push((o.product_id, o.location_id, Some(rid)));
        }
        sqlx::query("DELETE FROM order_line WHERE id = $1")
            .bind(o.id)
            .execute(&mut *tx)
            .await?;
        changes.push(format!("− {} ×{}", o.sku, Qty(o.qty)));
    }
    let mut fresh_ids = Vec::with_capacity(fresh.len());
    for (position, p) in &fresh {
        fresh_ids.push(insert_line(&mut tx, order_id, *position, p, None).await?);
        let sku: (String,) = sqlx::query_as("SELECT sku FROM product WHERE id = $1")
            .bind(p.line.product_id)
            .fetch_one(&mut *tx)
            .await?;
        changes.push(format!("+ {} ×{}", sku.0, p.line.qty));
    }
    if cur.client_id != input.client_id {
        changes.push(format!(
            "{} → {}",
            cur.client.as_deref().unwrap_or("—"),
            client.as_deref().unwrap_or("—")
        ));
    }
    if cur.fulfilment != input.fulfilment.as_str()
        || cur.pickup_location_id != input.pickup_location_id
        || cur.delivery_address != input.delivery_address
    {
        let mut how = input.fulfilment.as_str().to_string();
        if !input.delivery_address.is_empty() {
            how = format!("{how}: {}", input.delivery_address);
        }
        changes.push(how);
    }
    if cur.total != total {
        changes.push(format!("Σ {} → {}", Money(cur.total), Money(total)));
    }
    sqlx::query(
        "UPDATE orders SET client_id = $1, fulfilment = $2, pickup_location_id = $3, delivery_address = $4, \
                comment = $5, total = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(input.client_id)
    .bind(input.fulfilment.as_str())
    .bind(input.pickup_location_id)
    .bind(&input.delivery_address)
    .bind(&input.comment)
    .bind(total)
    .bind(now)
    .bind(order_id)
    .execute(&mut *tx)
    .await?;
    let detail = if changes.is_empty() {
        "—".to_string()
    } else {
        changes.join("; ")
    };
    actions::event(&mut tx, order_id, Some(caller.id), "edited", &detail).await?;
    if held && !fresh.is_empty() {
        let ctx = OrderCtx {
            id: order_id,
            number: cur.number,
            client: client.unwrap_or_default(),
            manager_id: cur.manager_id,
            shop_id: cur.shop_id,
            pickup_location_id: input.pickup_location_id,
        };
        actions::reserve_missing(&mut tx, &ctx, caller.id, &mut fx, Some(&fresh_ids)).await?;
    }
    track.finish(&mut tx, None).await?;
    let levels = level_numbers(&mut tx, &fx).await?;
    tx.commit().await?;
    publish(hub, order_id, &fx, levels);
    get(db, caller, order_id).await
}
