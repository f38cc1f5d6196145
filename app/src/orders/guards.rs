//! The conditions a transition sets before an order may take it (the process designer
//! ticks them): paid in full, nothing in transit, every line reserved, a document
//! generated, a comment written. Checked on the mover's transaction after the order's
//! row is taken, so a payment or an edit racing the move is seen or waits.

use crate::error::AppError;
use crate::process::{GuardKind, Guards};
use crate::quantity::Money;
use sqlx::AnyConnection;

fn refused(guard: GuardKind, detail: String) -> AppError {
    AppError::GuardFailed { guard, detail }
}

/// Checks every guard that is on, in a fixed order; the first one that fails refuses
/// the move with what is missing.
pub async fn check(
    conn: &mut AnyConnection,
    order_id: i64,
    guards: &Guards,
    comment: &str,
) -> Result<(), AppError> {
    for guard in guards.kinds() {
        match guard {
            GuardKind::Comment => {
                if comment.trim().is_empty() {
                    return Err(refused(guard, String::new()));
                }
            }
            GuardKind::Paid => {
                let due = due(conn, order_id, guards.planned_counts).await?;
                if due > 0 {
                    return Err(refused(guard, format!("{} ₽", Money(due))));
                }
            }
            GuardKind::NoTransit => {
                let moving = in_transit(conn, order_id).await?;
                if !moving.is_empty() {
                    return Err(refused(guard, describe_transit(&moving)));
                }
            }
            GuardKind::Reserved => {
                let names: Vec<(String,)> = sqlx::query_as(
                    "SELECT p.name FROM order_line l JOIN product p ON p.id = l.product_id \
                     WHERE l.order_id = $1 AND NOT EXISTS (SELECT 1 FROM reservation r \
                           WHERE r.id = l.reservation_id AND r.status = 'active') \
                     ORDER BY l.position",
                )
                .bind(order_id)
                .fetch_all(&mut *conn)
                .await?;
                if !names.is_empty() {
                    let names: Vec<String> = names.into_iter().map(|n| n.0).collect();
                    return Err(refused(guard, names.join(", ")));
                }
            }
            GuardKind::Document => {
                let template = guards.document_template_id.unwrap_or(0);
                let found: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM document WHERE order_id = $1 AND template_id = $2 LIMIT 1",
                )
                .bind(order_id)
                .bind(template)
                .fetch_optional(&mut *conn)
                .await?;
                if found.is_none() {
                    let name: Option<(String,)> =
                        sqlx::query_as("SELECT name FROM doc_template WHERE id = $1")
                            .bind(template)
                            .fetch_optional(&mut *conn)
                            .await?;
                    return Err(refused(guard, name.map(|n| n.0).unwrap_or_default()));
                }
            }
        }
    }
    Ok(())
}

/// What is still due on the order: its total minus what was received and not refunded
/// (and, when `planned_counts`, minus planned payments still expected). Negative when
/// overpaid.
pub async fn due(
    conn: &mut AnyConnection,
    order_id: i64,
    planned_counts: bool,
) -> Result<i64, AppError> {
    let (total,): (i64,) = sqlx::query_as("SELECT total FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?;
    let (paid,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN direction = 'in' THEN amount ELSE -amount END), 0) AS BIGINT) \
         FROM payment WHERE order_id = $1 AND (planned = 0 OR $2 = 1)",
    )
    .bind(order_id)
    .bind(i64::from(planned_counts))
    .fetch_one(&mut *conn)
    .await?;
    // Both are bounded (Money::MAX per payment, a bounded number of lines): i64 holds
    // any difference the API can produce; saturate rather than wrap all the same.
    Ok(total.saturating_sub(paid))
}

/// A line whose goods are on their way: (transfer, product name).
pub struct Moving {
    pub transfer_id: i64,
    pub product: String,
}

/// The order's lines waiting for a transfer still in transit, by transfer.
pub async fn in_transit(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<Moving>, AppError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT d.id, p.name FROM order_line l JOIN stock_doc d ON d.id = l.transfer_id \
              JOIN product p ON p.id = l.product_id \
         WHERE l.order_id = $1 AND d.status = 'in_transit' ORDER BY d.id, l.position",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(transfer_id, product)| Moving {
            transfer_id,
            product,
        })
        .collect())
}

/// "№12 (Product A, Product B); №13 (Product C)": language-neutral.
pub fn describe_transit(moving: &[Moving]) -> String {
    let mut parts: Vec<(i64, Vec<&str>)> = Vec::new();
    for m in moving {
        match parts.iter_mut().find(|(t, _)| *t == m.transfer_id) {
            Some((_, names)) => names.push(&m.product),
            None => parts.push((m.transfer_id, vec![&m.product])),
        }
    }
    parts
        .iter()
        .map(|(t, names)| format!("№{t} ({})", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transit_is_described_by_transfer() {
        let moving = vec![
            Moving {
                transfer_id: 12,
                product: "A".into(),
            },
            Moving {
                transfer_id: 12,
                product: "B".into(),
            },
            Moving {
                transfer_id: 13,
                product: "C".into(),
            },
        ];
        assert_eq!(describe_transit(&moving), "№12 (A, B); №13 (C)");
    }
}
