//! Stock documents: receipts, transfers (sent, in transit, received), write-offs, returns
//! and counts. Each is written with its ledger moves in one transaction.

use super::ledger::{self, Move};
use super::{DocInput, DocKind, StockDoc, StockDocLine};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Conflict, Field, Problem};
use crate::live::{hub::Hub, LiveEvent};
use crate::quantity::Qty;
use sqlx::AnyConnection;

async fn check_location(db: &Db, id: i64) -> Result<(), AppError> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT active FROM location WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match found {
        Some((1,)) => Ok(()),
        _ => Err(AppError::invalid(Field::Location, Problem::NotFound)),
    }
}

fn validate(input: &DocInput) -> Result<(), AppError> {
    if input.lines.is_empty() || input.lines.len() > 10_000 {
        return Err(AppError::invalid(Field::Product, Problem::Required));
    }
    for line in &input.lines {
        let ok = if input.kind == DocKind::Count {
            line.qty.0 >= 0
        } else {
            line.qty.is_positive()
        };
        if !ok {
            return Err(AppError::invalid(Field::Quantity, Problem::OutOfRange));
        }
        line.qty.check(Field::Quantity)?;
    }
    if matches!(input.kind, DocKind::WriteOff | DocKind::Return) && input.reason.trim().is_empty() {
        return Err(AppError::invalid(Field::Reason, Problem::Required));
    }
    if input.reason.chars().count() > 500 || input.comment.chars().count() > 2000 {
        return Err(AppError::invalid(Field::Reason, Problem::TooLong));
    }
    if input.kind == DocKind::Transfer {
        match input.to_location_id {
            Some(to) if to != input.location_id => {}
            _ => return Err(AppError::invalid(Field::Location, Problem::Invalid)),
        }
    }
    Ok(())
}

/// Creates a document and applies its moves, all or nothing.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: DocInput,
) -> Result<StockDoc, AppError> {
    caller.require(Action::MoveStock)?;
    validate(&input)?;
    check_location(db, input.location_id).await?;
    if let Some(to) = input.to_location_id {
        check_location(db, to).await?;
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    match (input.kind, input.to_location_id) {
        (DocKind::Transfer, Some(to)) => {
            crate::scope::check_transfer(&mut tx, caller, input.location_id, to).await?
        }
        _ => crate::scope::check_location_stock(caller, input.location_id)?,
    }
    let (doc_id, touched) = create_on(&mut tx, caller.id, &input, now).await?;
    tx.commit().await?;
    ledger::publish_levels(db, hub, &touched).await;
    hub.publish(LiveEvent::StockDocChanged { id: doc_id });
    get(db, caller, doc_id).await
}

/// Writes a validated document with its moves on a connection whose transaction the
/// caller owns; returns its id and the levels it touched (publish after commit).
pub(crate) async fn create_on(
    conn: &mut AnyConnection,
    author_id: i64,
    input: &DocInput,
    now: i64,
) -> Result<(i64, Vec<(i64, i64)>), AppError> {
    let status = if input.kind == DocKind::Transfer {
        "in_transit"
    } else {
        "done"
    };
    let (doc_id,): (i64,) = sqlx::query_as(
        "INSERT INTO stock_doc (kind, status, location_id, to_location_id, reason, comment, author_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(input.kind.as_str())
    .bind(status)
    .bind(input.location_id)
    .bind(input.to_location_id.filter(|_| input.kind == DocKind::Transfer))
    .bind(input.reason.trim())
    .bind(input.comment.trim())
    .bind(author_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let mut touched = Vec::with_capacity(input.lines.len());
    for line in &input.lines {
        let unit: Option<(String,)> = sqlx::query_as("SELECT unit FROM product WHERE id = $1")
            .bind(line.product_id)
            .fetch_optional(&mut *conn)
            .await?;
        let Some((unit,)) = unit else {
            return Err(AppError::invalid(Field::Product, Problem::NotFound));
        };
        crate::catalog::check_whole(&unit, line.qty)?;
        let (qty, kind, counted) = match input.kind {
            DocKind::Receipt => (line.qty.0, "receipt", None),
            DocKind::Return => (line.qty.0, "return", None),
            DocKind::WriteOff => (-line.qty.0, "write_off", None),
            DocKind::Transfer => (-line.qty.0, "transfer_out", None),
            DocKind::Count => {
                // The level is taken first: a sale committed meanwhile can't make the
                // adjustment (counted − on hand) wrong.
                let on_hand: Option<(i64,)> = sqlx::query_as(&format!(
                    "SELECT on_hand FROM stock_level WHERE product_id = $1 AND location_id = $2{}",
                    crate::db::for_update(conn)
                ))
                .bind(line.product_id)
                .bind(input.location_id)
                .fetch_optional(&mut *conn)
                .await?;
                (
                    line.qty.0 - on_hand.map(|r| r.0).unwrap_or(0),
                    "adjustment",
                    Some(line.qty.0),
                )
            }
        };
        sqlx::query(
            "INSERT INTO stock_doc_line (doc_id, product_id, qty, counted) VALUES ($1, $2, $3, $4)",
        )
        .bind(doc_id)
        .bind(line.product_id)
        // Counts keep the sign of the difference (surplus or shortage).
        .bind(if input.kind == DocKind::Count {
            qty
        } else {
            qty.abs()
        })
        .bind(counted)
        .execute(&mut *conn)
        .await?;
        if qty != 0 {
            let m = Move {
                product_id: line.product_id,
                location_id: input.location_id,
                qty,
                kind,
                doc_id: Some(doc_id),
                reservation_id: None,
                author_id,
            };
            ledger::apply(conn, &m).await?;
        }
        touched.push((line.product_id, input.location_id));
    }
    Ok((doc_id, touched))
}

/// Receives a transfer at its destination: the goods arrive there.
pub async fn receive_transfer(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    doc_id: i64,
) -> Result<StockDoc, AppError> {
    caller.require(Action::MoveStock)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let dest: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT to_location_id FROM stock_doc WHERE id = $1")
            .bind(doc_id)
            .fetch_optional(&mut *tx)
            .await?;
    match dest {
        Some((Some(to),)) => crate::scope::check_location_stock(caller, to)?,
        Some((None,)) => return Err(AppError::NotFound),
        None => return Err(AppError::NotFound),
    }
    let doc: Option<(i64,)> = sqlx::query_as(
        "UPDATE stock_doc SET status = 'done', received_at = $1, received_by = $2 \
         WHERE id = $3 AND kind = 'transfer' AND status = 'in_transit' RETURNING to_location_id",
    )
    .bind(now)
    .bind(caller.id)
    .bind(doc_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((to,)) = doc else {
        let exists: Option<(String,)> = sqlx::query_as("SELECT kind FROM stock_doc WHERE id = $1")
            .bind(doc_id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match exists {
            Some((kind,)) if kind == "transfer" => AppError::conflict(Conflict::TransferClosed),
            _ => AppError::NotFound,
        });
    };
    let lines: Vec<(i64, i64)> =
        sqlx::query_as("SELECT product_id, qty FROM stock_doc_line WHERE doc_id = $1")
            .bind(doc_id)
            .fetch_all(&mut *tx)
            .await?;
    let mut touched = Vec::with_capacity(lines.len());
    for (product_id, qty) in lines {
        let m = Move {
            product_id,
            location_id: to,
            qty,
            kind: "transfer_in",
            doc_id: Some(doc_id),
            reservation_id: None,
            author_id: caller.id,
        };
        ledger::apply(&mut tx, &m).await?;
        touched.push((product_id, to));
    }
    // The goods an order waited for are held for it where they arrived.
    let (orders, _) =
        crate::orders::actions::transfer_received(&mut tx, doc_id, to, caller.id).await?;
    tx.commit().await?;
    ledger::publish_levels(db, hub, &touched).await;
    hub.publish(LiveEvent::StockDocChanged { id: doc_id });
    for id in orders {
        hub.publish(LiveEvent::OrderChanged { id });
    }
    get(db, caller, doc_id).await
}

type DocRow = (
    i64,
    String,
    String,
    i64,
    String,
    Option<i64>,
    Option<String>,
    String,
    String,
    String,
    i64,
    Option<i64>,
);

const DOC_SELECT: &str = "SELECT d.id, d.kind, d.status, d.location_id, l.name, d.to_location_id, t.name, \
     d.reason, d.comment, e.name, d.created_at, d.received_at \
     FROM stock_doc d JOIN location l ON l.id = d.location_id LEFT JOIN location t ON t.id = d.to_location_id \
     JOIN employee e ON e.id = d.author_id";

fn doc_from(row: DocRow, lines: Vec<StockDocLine>) -> Result<StockDoc, AppError> {
    let (
        id,
        kind,
        status,
        location_id,
        location,
        to_location_id,
        to_location,
        reason,
        comment,
        author,
        created_at,
        received_at,
    ) = row;
    Ok(StockDoc {
        id,
        kind: DocKind::parse(&kind).ok_or(AppError::Internal)?,
        status,
        location_id,
        location,
        to_location_id,
        to_location,
        reason,
        comment,
        author,
        created_at,
        received_at,
        lines,
    })
}

pub async fn get(db: &Db, caller: &Caller, id: i64) -> Result<StockDoc, AppError> {
    caller.require(Action::ViewStock)?;
    let row: DocRow = sqlx::query_as(&format!("{DOC_SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    let lines: Vec<(i64, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT p.id, p.sku, p.name, dl.qty, dl.counted FROM stock_doc_line dl JOIN product p ON p.id = dl.product_id \
         WHERE dl.doc_id = $1 ORDER BY dl.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let lines = lines
        .into_iter()
        .map(|(product_id, sku, name, qty, counted)| StockDocLine {
            product_id,
            sku,
            name,
            qty: Qty(qty),
            counted: counted.map(Qty),
        })
        .collect();
    doc_from(row, lines)
}

/// The newest documents (without lines), optionally of one location.
pub async fn list(
    db: &Db,
    caller: &Caller,
    location_id: Option<i64>,
    limit: i64,
) -> Result<Vec<StockDoc>, AppError> {
    caller.require(Action::ViewStock)?;
    let rows: Vec<DocRow> = sqlx::query_as(&format!(
        "{DOC_SELECT} WHERE ($1 IS NULL OR d.location_id = $1 OR d.to_location_id = $1) ORDER BY d.id DESC LIMIT $2"
    ))
    .bind(location_id)
    .bind(limit.clamp(1, 500))
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(|r| doc_from(r, Vec::new())).collect()
}
