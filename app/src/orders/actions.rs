//! What a stage does when an order enters it. Everything here runs on the caller's
//! transaction, so a stage change and all its actions commit together or not at all.

use crate::db::now_ms;
use crate::error::AppError;
use crate::notify::service::{insert as notify, NewNotification};
use crate::notify::NotificationKind;
use crate::process::{ActionKind, Stage};
use crate::quantity::Qty;
use crate::stock::{ledger, reservations, DocInput, DocKind, DocLine, ReserveInput};
use sqlx::AnyConnection;

/// The order as the actions need it.
pub struct OrderCtx {
    pub id: i64,
    pub number: String,
    pub client: String,
    pub manager_id: i64,
    pub shop_id: i64,
    pub pickup_location_id: Option<i64>,
}

/// What to publish after the commit.
#[derive(Default)]
pub struct Effects {
    /// Levels that changed: (product, location, reservation).
    pub levels: Vec<(i64, i64, Option<i64>)>,
    pub docs: Vec<i64>,
    pub notified: Vec<i64>,
}

struct Line {
    id: i64,
    product_id: i64,
    location_id: i64,
    qty: i64,
    reservation: Option<i64>,
}

async fn lines(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<Line>, AppError> {
    let rows: Vec<(i64, i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT l.id, l.product_id, l.location_id, l.qty, \
                (SELECT r.id FROM reservation r WHERE r.id = l.reservation_id AND r.status = 'active') \
         FROM order_line l WHERE l.order_id = $1 ORDER BY l.position",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, product_id, location_id, qty, reservation)| Line {
            id,
            product_id,
            location_id,
            qty,
            reservation,
        })
        .collect())
}

/// Writes one line of the order's history.
pub async fn event(
    conn: &mut AnyConnection,
    order_id: i64,
    author: Option<i64>,
    kind: &str,
    detail: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO order_event (order_id, at, author_id, kind, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order_id)
    .bind(now_ms())
    .bind(author)
    .bind(kind)
    .bind(detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn reserve_line(
    conn: &mut AnyConnection,
    order: &OrderCtx,
    line: &Line,
    author: i64,
    now: i64,
) -> Result<i64, AppError> {
    let input = ReserveInput {
        product_id: line.product_id,
        location_id: line.location_id,
        qty: Qty(line.qty),
        order_id: Some(order.id),
        client: order.client.clone(),
    };
    let Some((rid, _, _)) =
        reservations::reserve_on(conn, &input, &order.client, author, now, None).await?
    else {
        return Err(
            ledger::shortage(conn, line.product_id, line.location_id, Qty(line.qty)).await?,
        );
    };
    sqlx::query("UPDATE order_line SET reservation_id = $1 WHERE id = $2")
        .bind(rid)
        .bind(line.id)
        .execute(&mut *conn)
        .await?;
    Ok(rid)
}

/// Reserves every line of the order (or only the lines `only` names) that holds no
/// active reservation, with one history entry for them all; not enough stock for any
/// line fails with its shortage.
pub async fn reserve_missing(
    conn: &mut AnyConnection,
    order: &OrderCtx,
    author: i64,
    fx: &mut Effects,
    only: Option<&[i64]>,
) -> Result<(), AppError> {
    let now = now_ms();
    let mut n = 0;
    for line in lines(conn, order.id).await? {
        if line.reservation.is_none() && only.is_none_or(|ids| ids.contains(&line.id)) {
            let rid = reserve_line(conn, order, &line, author, now).await?;
            fx.levels
                .push((line.product_id, line.location_id, Some(rid)));
            n += 1;
        }
    }
    if n > 0 {
        event(conn, order.id, Some(author), "reserved", &n.to_string()).await?;
    }
    Ok(())
}

/// Releases the order's reservations that no line holds (made for it through the
/// reservations API) when it is done or cancelled, so none outlives its order unseen.
pub async fn release_strays(
    conn: &mut AnyConnection,
    order_id: i64,
    author: i64,
    fx: &mut Effects,
) -> Result<(), AppError> {
    let strays: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, product_id, location_id FROM reservation WHERE order_id = $1 AND status = 'active' ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let now = now_ms();
    for (rid, product_id, location_id) in &strays {
        reservations::close_on(conn, author, *rid, "released", now).await?;
        fx.levels.push((*product_id, *location_id, Some(*rid)));
    }
    if !strays.is_empty() {
        event(
            conn,
            order_id,
            Some(author),
            "released",
            &strays.len().to_string(),
        )
        .await?;
    }
    Ok(())
}

/// Runs `stage`'s actions for `order`, in order. An action that can't run (not enough
/// stock, say) fails the whole move with its reason.
pub async fn enter_stage(
    conn: &mut AnyConnection,
    order: &OrderCtx,
    stage: &Stage,
    author: i64,
) -> Result<Effects, AppError> {
    let now = now_ms();
    let mut fx = Effects::default();
    for action in &stage.actions {
        match action.action {
            ActionKind::ReserveAll => reserve_missing(conn, order, author, &mut fx, None).await?,
            ActionKind::ReleaseAll => {
                let mut n = 0;
                for line in lines(conn, order.id).await? {
                    if let Some(rid) = line.reservation {
                        reservations::close_on(conn, author, rid, "released", now).await?;
                        fx.levels
                            .push((line.product_id, line.location_id, Some(rid)));
                        n += 1;
                    }
                }
                if n > 0 {
                    event(conn, order.id, Some(author), "released", &n.to_string()).await?;
                }
            }
            ActionKind::Fulfil => {
                // Goods still on their way can't be handed out: the shop's shelf is not
                // where this order's goods are.
                let moving = super::guards::in_transit(conn, order.id).await?;
                if !moving.is_empty() {
                    return Err(AppError::InTransit {
                        detail: super::guards::describe_transit(&moving),
                    });
                }
                let mut n = 0;
                for line in lines(conn, order.id).await? {
                    // A line without a reservation is reserved first, so a sale never
                    // takes goods another order holds.
                    let rid = match line.reservation {
                        Some(rid) => rid,
                        None => reserve_line(conn, order, &line, author, now).await?,
                    };
                    reservations::close_on(conn, author, rid, "fulfilled", now).await?;
                    fx.levels
                        .push((line.product_id, line.location_id, Some(rid)));
                    n += 1;
                }
                if n > 0 {
                    event(conn, order.id, Some(author), "fulfilled", &n.to_string()).await?;
                }
            }
            ActionKind::CreateTransfer => {
                let to = order.pickup_location_id.unwrap_or(order.shop_id);
                let mut by_source: Vec<(i64, Vec<Line>)> = Vec::new();
                for line in lines(conn, order.id).await? {
                    if line.location_id == to {
                        continue;
                    }
                    match by_source.iter_mut().find(|(s, _)| *s == line.location_id) {
                        Some((_, v)) => v.push(line),
                        None => by_source.push((line.location_id, vec![line])),
                    }
                }
                for (source, group) in by_source {
                    // The goods leave the source: its reservation gives way to the transfer,
                    // and the line now waits for them at the destination.
                    for line in &group {
                        if let Some(rid) = line.reservation {
                            reservations::close_on(conn, author, rid, "released", now).await?;
                        }
                    }
                    let doc = DocInput {
                        kind: DocKind::Transfer,
                        location_id: source,
                        to_location_id: Some(to),
                        lines: group
                            .iter()
                            .map(|l| DocLine {
                                product_id: l.product_id,
                                qty: Qty(l.qty),
                            })
                            .collect(),
                        reason: String::new(),
                        comment: format!("{} {}", order_number_label(), order.number),
                    };
                    let (doc_id, touched) =
                        crate::stock::documents::create_on(conn, author, &doc, now).await?;
                    for line in &group {
                        // The line now waits for this transfer: receiving it reserves
                        // the goods for the order where they arrive.
                        sqlx::query(
                            "UPDATE order_line SET location_id = $1, reservation_id = NULL, transfer_id = $2 \
                             WHERE id = $3",
                        )
                        .bind(to)
                        .bind(doc_id)
                        .bind(line.id)
                        .execute(&mut *conn)
                        .await?;
                    }
                    fx.levels
                        .extend(touched.into_iter().map(|(p, l)| (p, l, None)));
                    fx.docs.push(doc_id);
                    event(
                        conn,
                        order.id,
                        Some(author),
                        "transfer",
                        &doc_id.to_string(),
                    )
                    .await?;
                }
            }
            ActionKind::GenerateDocument => {
                let id: i64 = action.param.parse().map_err(|_| {
                    AppError::invalid(crate::error::Field::Action, crate::error::Problem::Invalid)
                })?;
                let template = crate::documents::generate::template_on(conn, id, true).await?;
                crate::documents::generate::generate_on(conn, order.id, &template, author).await?;
            }
            ActionKind::Notify => {
                let who = crate::process::service::recipients(
                    conn,
                    &action.param,
                    Some(order.manager_id),
                )
                .await?;
                let subject = format!("{} {}", order_number_label(), order.number);
                let link = format!("/orders/{}", order.id);
                for employee_id in who {
                    if employee_id == author || fx.notified.contains(&employee_id) {
                        continue;
                    }
                    let n = NewNotification {
                        employee_id,
                        kind: NotificationKind::OrderStage,
                        subject: &subject,
                        detail: &stage.name,
                        link: &link,
                        due_at: None,
                    };
                    notify(conn, &n, now).await?;
                    fx.notified.push(employee_id);
                }
            }
        }
    }
    Ok(fx)
}

/// When a transfer is received: each open order's line that waited for it gets a
/// reservation of its goods where they arrived, on the receiver's transaction (orders
/// taken in id order). Returns the orders changed and the levels touched. A line that
/// can't be reserved (its goods were counted short on arrival, say) stays unreserved
/// and its history says so; the receipt itself is never refused for it.
pub async fn transfer_received(
    conn: &mut AnyConnection,
    doc_id: i64,
    to: i64,
    author: i64,
) -> Result<(Vec<i64>, Vec<(i64, i64, Option<i64>)>), AppError> {
    let waiting: Vec<(i64, i64, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT l.order_id, l.id, l.product_id, l.qty, c.name \
         FROM order_line l JOIN orders o ON o.id = l.order_id JOIN stage s ON s.id = o.stage_id \
              LEFT JOIN client c ON c.id = o.client_id \
         WHERE l.transfer_id = $1 AND l.location_id = $2 AND s.kind = 'open' \
           AND NOT EXISTS (SELECT 1 FROM reservation r WHERE r.id = l.reservation_id AND r.status = 'active') \
         ORDER BY l.order_id, l.id",
    )
    .bind(doc_id)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let now = now_ms();
    let mut orders: Vec<i64> = Vec::new();
    let mut levels = Vec::new();
    for (order_id, line_id, product_id, qty, client) in waiting {
        if !orders.contains(&order_id) {
            crate::scope::lock_order(conn, order_id).await?;
            orders.push(order_id);
        }
        let client = client.unwrap_or_default();
        let input = ReserveInput {
            product_id,
            location_id: to,
            qty: Qty(qty),
            order_id: Some(order_id),
            client: client.clone(),
        };
        match reservations::reserve_on(conn, &input, &client, author, now, None).await? {
            Some((rid, _, _)) => {
                sqlx::query("UPDATE order_line SET reservation_id = $1 WHERE id = $2")
                    .bind(rid)
                    .bind(line_id)
                    .execute(&mut *conn)
                    .await?;
                levels.push((product_id, to, Some(rid)));
                event(
                    conn,
                    order_id,
                    Some(author),
                    "transfer_received",
                    &format!("№{doc_id}"),
                )
                .await?;
            }
            None => {
                event(
                    conn,
                    order_id,
                    Some(author),
                    "transfer_short",
                    &format!("№{doc_id}"),
                )
                .await?;
            }
        }
    }
    Ok((orders, levels))
}

/// "№" in both languages: stored texts (history, transfer comments) stay language-neutral.
fn order_number_label() -> &'static str {
    "№"
}
