//! The ledger: every change of on-hand stock is a `stock_move` row written in the same
//! transaction as the `stock_level` balance it changes. Decreases are conditional updates,
//! so on hand never drops below what is reserved, whatever runs concurrently.

use super::Discrepancy;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Elsewhere, Shortage};
use crate::live::{hub::Hub, LiveEvent};
use crate::quantity::Qty;
use sqlx::AnyConnection;

/// One ledger entry to apply.
pub struct Move {
    pub product_id: i64,
    pub location_id: i64,
    /// Signed: positive adds stock.
    pub qty: i64,
    pub kind: &'static str,
    pub doc_id: Option<i64>,
    pub reservation_id: Option<i64>,
    pub author_id: i64,
}

/// Applies a move: ledger row plus balance. A decrease larger than what is available
/// (on hand − reserved) changes nothing and answers [`AppError::NotEnoughStock`].
pub async fn apply(conn: &mut AnyConnection, m: &Move) -> Result<(), AppError> {
    let now = now_ms();
    if m.qty >= 0 {
        sqlx::query(
            "INSERT INTO stock_level (product_id, location_id, on_hand, reserved, updated_at) \
             VALUES ($1, $2, $3, 0, $4) \
             ON CONFLICT (product_id, location_id) \
             DO UPDATE SET on_hand = stock_level.on_hand + excluded.on_hand, updated_at = excluded.updated_at",
        )
        .bind(m.product_id)
        .bind(m.location_id)
        .bind(m.qty)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    } else {
        let done = sqlx::query(
            "UPDATE stock_level SET on_hand = on_hand + $3, updated_at = $4 \
             WHERE product_id = $1 AND location_id = $2 AND on_hand - reserved >= $5",
        )
        .bind(m.product_id)
        .bind(m.location_id)
        .bind(m.qty)
        .bind(now)
        .bind(-m.qty)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Err(shortage(conn, m.product_id, m.location_id, Qty(-m.qty)).await?);
        }
    }
    record(conn, m, now).await
}

/// Writes the ledger row only (callers that changed the balance themselves).
pub async fn record(conn: &mut AnyConnection, m: &Move, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO stock_move (product_id, location_id, qty, kind, doc_id, reservation_id, author_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(m.product_id)
    .bind(m.location_id)
    .bind(m.qty)
    .bind(m.kind)
    .bind(m.doc_id)
    .bind(m.reservation_id)
    .bind(m.author_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The "not enough" answer: what is available here and at the other locations.
pub async fn shortage(
    conn: &mut AnyConnection,
    product_id: i64,
    location_id: i64,
    requested: Qty,
) -> Result<AppError, AppError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT l.id, l.name, COALESCE(s.on_hand - s.reserved, 0) \
         FROM location l LEFT JOIN stock_level s ON s.location_id = l.id AND s.product_id = $1 \
         WHERE l.active = 1 OR l.id = $2 ORDER BY 3 DESC, l.name",
    )
    .bind(product_id)
    .bind(location_id)
    .fetch_all(&mut *conn)
    .await?;
    let available = rows
        .iter()
        .find(|r| r.0 == location_id)
        .map(|r| Qty(r.2))
        .unwrap_or_default();
    let elsewhere = rows
        .into_iter()
        .filter(|r| r.0 != location_id && r.2 > 0)
        .map(|(location_id, name, available)| Elsewhere {
            location_id,
            name,
            available: Qty(available),
        })
        .collect();
    Ok(AppError::NotEnoughStock {
        shortage: Shortage {
            product_id,
            location_id,
            requested,
            available,
            elsewhere,
        },
    })
}

/// Publishes the current numbers of the given product × location pairs (after commit).
pub async fn publish_levels(db: &Db, hub: &Hub, pairs: &[(i64, i64)]) {
    let mut seen = Vec::with_capacity(pairs.len());
    for &(product_id, location_id) in pairs {
        if seen.contains(&(product_id, location_id)) {
            continue;
        }
        seen.push((product_id, location_id));
        publish_level(db, hub, product_id, location_id, None).await;
    }
}

/// Publishes one level's current numbers, naming the reservation that changed them.
pub async fn publish_level(
    db: &Db,
    hub: &Hub,
    product_id: i64,
    location_id: i64,
    reservation_id: Option<i64>,
) {
    let level: Result<Option<(i64, i64)>, _> = sqlx::query_as(
        "SELECT on_hand, reserved FROM stock_level WHERE product_id = $1 AND location_id = $2",
    )
    .bind(product_id)
    .bind(location_id)
    .fetch_optional(&db.pool)
    .await;
    let (on_hand, reserved) = match level {
        Ok(Some(l)) => l,
        Ok(None) => (0, 0),
        Err(e) => {
            tracing::warn!(error = %e, "could not read a level to publish");
            return;
        }
    };
    hub.publish(LiveEvent::StockChanged {
        product_id,
        location_id,
        on_hand: Qty(on_hand),
        reserved: Qty(reserved),
        reservation_id,
    });
}

/// `vitrina check`: every product × location where `on_hand ≠ Σ moves` or
/// `reserved ≠ Σ active reservations`.
pub async fn check(db: &Db) -> Result<Vec<Discrepancy>, AppError> {
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT k.product_id, k.location_id, \
                COALESCE(s.on_hand, 0), \
                CAST(COALESCE((SELECT SUM(m.qty) FROM stock_move m WHERE m.product_id = k.product_id AND m.location_id = k.location_id), 0) AS BIGINT), \
                COALESCE(s.reserved, 0), \
                CAST(COALESCE((SELECT SUM(r.qty) FROM reservation r WHERE r.product_id = k.product_id AND r.location_id = k.location_id AND r.status = 'active'), 0) AS BIGINT) \
         FROM (SELECT product_id, location_id FROM stock_level \
               UNION SELECT product_id, location_id FROM stock_move \
               UNION SELECT product_id, location_id FROM reservation WHERE status = 'active') k \
         LEFT JOIN stock_level s ON s.product_id = k.product_id AND s.location_id = k.location_id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.2 != r.3 || r.4 != r.5)
        .map(
            |(product_id, location_id, on_hand, ledger, reserved, active)| Discrepancy {
                product_id,
                location_id,
                on_hand: Qty(on_hand),
                ledger: Qty(ledger),
                reserved: Qty(reserved),
                active_reservations: Qty(active),
            },
        )
        .collect())
}

/// An open order's line whose active reservation is not where the line will be
/// fulfilled from (or belongs to another order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misplaced {
    pub order_id: i64,
    pub line_id: i64,
    pub line_location_id: i64,
    pub reservation_id: i64,
    pub reservation_location_id: i64,
}

/// `vitrina check`, second part: every active reservation an open order's line holds is
/// at the line's location, for that order and product.
pub async fn check_order_reservations(db: &Db) -> Result<Vec<Misplaced>, AppError> {
    let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT l.order_id, l.id, l.location_id, r.id, r.location_id \
         FROM order_line l JOIN orders o ON o.id = l.order_id JOIN stage s ON s.id = o.stage_id \
              JOIN reservation r ON r.id = l.reservation_id \
         WHERE s.kind = 'open' AND r.status = 'active' \
           AND (r.location_id <> l.location_id OR r.product_id <> l.product_id \
                OR r.order_id IS NULL OR r.order_id <> l.order_id) \
         ORDER BY l.order_id, l.id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(order_id, line_id, line_location_id, reservation_id, reservation_location_id)| {
                Misplaced {
                    order_id,
                    line_id,
                    line_location_id,
                    reservation_id,
                    reservation_location_id,
                }
            },
        )
        .collect())
}
