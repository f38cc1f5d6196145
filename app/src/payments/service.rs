//! Rules and SQL for funds, payments and balances.

use super::{ClientBalance, Direction, Fund, Method, Payment, PaymentInput};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{flag, now_ms, Db};
use crate::error::{AppError, Field, Problem};
use crate::live::{hub::Hub, LiveEvent};
use crate::orders::actions;
use crate::quantity::Money;
use crate::reports::aggregates;
use sqlx::AnyConnection;

pub async fn list_funds(db: &Db, caller: &Caller) -> Result<Vec<Fund>, AppError> {
    caller.require(Action::ViewOrders)?;
    let rows: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT id, name, active FROM fund ORDER BY active DESC, name")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, active)| Fund {
            id,
            name,
            active: active != 0,
        })
        .collect())
}

/// Creates (`id` = None) or renames / (de)activates a fund (admin).
pub async fn save_fund(
    db: &Db,
    caller: &Caller,
    id: Option<i64>,
    name: &str,
    active: bool,
) -> Result<Fund, AppError> {
    caller.require(Action::ManageProcesses)?;
    let name = crate::org::text(name, Field::Fund, 120)?;
    let id = match id {
        None => {
            sqlx::query_as::<_, (i64,)>(
                "INSERT INTO fund (name, active, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(&name)
            .bind(flag(active))
            .bind(now_ms())
            .fetch_one(&db.pool)
            .await?
            .0
        }
        Some(id) => {
            let done = sqlx::query("UPDATE fund SET name = $1, active = $2 WHERE id = $3")
                .bind(&name)
                .bind(flag(active))
                .bind(id)
                .execute(&db.pool)
                .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
    };
    Ok(Fund { id, name, active })
}

/// [`record_once`], run again when PostgreSQL reports a deadlock or serialization
/// failure (a bounded number of times; then 503, never a 500).
pub async fn record(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: PaymentInput,
) -> Result<Payment, AppError> {
    crate::db::retry_busy(|| record_once(db, hub, caller, input.clone())).await
}

/// Records a payment (or a planned one), with a line in the order's history. The order
/// must be one the caller may see; the client is the order's when not given and must
/// match it when given.
#[tracing::instrument(skip_all)]
async fn record_once(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: PaymentInput,
) -> Result<Payment, AppError> {
    caller.require(Action::RecordPayments)?;
    let input = input.validate()?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let fund: Option<(i64,)> = sqlx::query_as("SELECT active FROM fund WHERE id = $1")
        .bind(input.fund_id)
        .fetch_optional(&mut *tx)
        .await?;
    if !matches!(fund, Some((1,))) {
        return Err(AppError::invalid(Field::Fund, Problem::NotFound));
    }
    let mut client_id = input.client_id;
    if let Some(order_id) = input.order_id {
        // The order's row first: its payments and stage are read under the lock.
        let order = crate::scope::order_for_payment(&mut tx, caller, order_id).await?;
        let order_client = order.client_id;
        match (client_id, order_client) {
            (Some(given), Some(theirs)) if given != theirs => {
                return Err(AppError::invalid(Field::Client, Problem::Invalid))
            }
            (None, theirs) => client_id = theirs,
            _ => {}
        }
    }
    if let Some(id) = client_id {
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM client WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(AppError::invalid(Field::Client, Problem::NotFound));
        }
    }
    let track = match input.order_id {
        Some(order_id) => aggregates::Tracker::order(&mut tx, order_id).await?,
        None => aggregates::Tracker::payment(&mut tx, None).await?,
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO payment (direction, method, amount, planned, paid_at, fund_id, order_id, client_id, author_id, comment, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(input.direction.as_str())
    .bind(input.method.as_str())
    .bind(input.amount.0)
    .bind(flag(input.planned))
    .bind(input.paid_at.unwrap_or(now))
    .bind(input.fund_id)
    .bind(input.order_id)
    .bind(client_id)
    .bind(caller.id)
    .bind(&input.comment)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(order_id) = input.order_id {
        let kind = if input.planned {
            "payment_planned"
        } else {
            "payment"
        };
        let sign = if input.direction == Direction::In {
            ""
        } else {
            "−"
        };
        actions::event(
            &mut tx,
            order_id,
            Some(caller.id),
            kind,
            &format!("{sign}{}", input.amount),
        )
        .await?;
    }
    track.finish(&mut tx, Some(id)).await?;
    let payment = load(&mut tx, id).await?;
    tx.commit().await?;
    if let Some(order_id) = input.order_id {
        hub.publish(LiveEvent::OrderChanged { id: order_id });
    }
    if let Some(id) = client_id {
        hub.publish(LiveEvent::ClientChanged { id });
    }
    Ok(payment)
}

/// [`confirm_once`], run again when PostgreSQL reports a deadlock or serialization
/// failure (a bounded number of times; then 503, never a 500).
pub async fn confirm(db: &Db, hub: &Hub, caller: &Caller, id: i64) -> Result<Payment, AppError> {
    crate::db::retry_busy(|| confirm_once(db, hub, caller, id)).await
}

/// A planned payment has arrived: it becomes an actual one, dated now.
async fn confirm_once(db: &Db, hub: &Hub, caller: &Caller, id: i64) -> Result<Payment, AppError> {
    caller.require(Action::RecordPayments)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let row: Option<(Option<i64>, Option<i64>, i64, i64)> = sqlx::query_as(
        "SELECT p.order_id, p.client_id, p.amount, p.planned FROM payment p WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let (order_id, client_id, amount, _) = row.ok_or(AppError::NotFound)?;
    match order_id {
        // The order's row first (in the same order as every other writer of it).
        Some(order_id) => {
            crate::scope::order_for_payment(&mut tx, caller, order_id).await?;
        }
        // A payment without an order belongs to no shop: the chain-wide roles only.
        None if !caller.sees_every_shop() => return Err(AppError::Forbidden),
        None => {}
    }
    let track = match order_id {
        Some(order_id) => aggregates::Tracker::order(&mut tx, order_id).await?,
        None => aggregates::Tracker::payment(&mut tx, Some(id)).await?,
    };
    // Conditional: two people confirming at once confirm it once.
    let done =
        sqlx::query("UPDATE payment SET planned = 0, paid_at = $1 WHERE id = $2 AND planned = 1")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::conflict(crate::error::Conflict::PaymentReceived));
    }
    if let Some(order_id) = order_id {
        actions::event(
            &mut tx,
            order_id,
            Some(caller.id),
            "payment",
            &Money(amount).to_string(),
        )
        .await?;
    }
    track.finish(&mut tx, None).await?;
    let payment = load(&mut tx, id).await?;
    tx.commit().await?;
    if let Some(order_id) = order_id {
        hub.publish(LiveEvent::OrderChanged { id: order_id });
    }
    if let Some(client_id) = client_id {
        hub.publish(LiveEvent::ClientChanged { id: client_id });
    }
    Ok(payment)
}

type PaymentRow = (
    i64,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
    String,
);

const PAYMENT_SELECT: &str =
    "SELECT p.id, p.direction, p.method, p.amount, p.planned, p.paid_at, p.fund_id, f.name, \
        p.order_id, o.number, p.client_id, c.name, e.name, p.comment \
     FROM payment p JOIN fund f ON f.id = p.fund_id JOIN employee e ON e.id = p.author_id \
          LEFT JOIN orders o ON o.id = p.order_id LEFT JOIN client c ON c.id = p.client_id";

fn from_row(r: PaymentRow) -> Result<Payment, AppError> {
    let (
        id,
        direction,
        method,
        amount,
        planned,
        paid_at,
        fund_id,
        fund,
        order_id,
        order_number,
        client_id,
        client,
        author,
        comment,
    ) = r;
    Ok(Payment {
        id,
        direction: Direction::parse(&direction).ok_or(AppError::Internal)?,
        method: Method::parse(&method).ok_or(AppError::Internal)?,
        amount: Money(amount),
        planned: planned != 0,
        paid_at,
        fund_id,
        fund,
        order_id,
        order_number,
        client_id,
        client,
        author,
        comment,
    })
}

async fn load(conn: &mut AnyConnection, id: i64) -> Result<Payment, AppError> {
    let row: PaymentRow = sqlx::query_as(&format!("{PAYMENT_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    from_row(row)
}

/// Payments of an order or of a client, newest first.
pub async fn list(
    db: &Db,
    caller: &Caller,
    order_id: Option<i64>,
    client_id: Option<i64>,
) -> Result<Vec<Payment>, AppError> {
    caller.require(Action::ViewOrders)?;
    if order_id.is_none() && client_id.is_none() {
        return Err(AppError::invalid(Field::Client, Problem::Required));
    }
    let mut conn = db.pool.acquire().await?;
    if let Some(order_id) = order_id {
        crate::scope::order_for_read(&mut conn, caller, order_id).await?;
    }
    let rows: Vec<PaymentRow> = sqlx::query_as(&format!(
        "{PAYMENT_SELECT} WHERE ($1 = 0 OR p.order_id = $1) AND ($2 = 0 OR p.client_id = $2) \
         ORDER BY p.paid_at DESC, p.id DESC"
    ))
    .bind(order_id.unwrap_or(0))
    .bind(client_id.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    // A client's payments: those of orders of the caller's shops (and, for the
    // chain-wide roles, those without an order).
    let mut shops = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let payment = from_row(row)?;
        let visible = match payment.order_id {
            None => caller.sees_every_shop(),
            Some(_) if caller.sees_every_shop() => true,
            Some(order) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = shops.entry(order) {
                    let (shop,): (i64,) =
                        sqlx::query_as("SELECT shop_id FROM orders WHERE id = $1")
                            .bind(order)
                            .fetch_one(&mut *conn)
                            .await?;
                    slot.insert(shop);
                }
                shops.get(&order).is_some_and(|s| caller.sees_shop(*s))
            }
        };
        if visible {
            out.push(payment);
        }
    }
    Ok(out)
}

/// Received − refunded − obligations of every order not cancelled, to the kopeck.
pub async fn client_balance(
    db: &Db,
    caller: &Caller,
    client_id: i64,
) -> Result<ClientBalance, AppError> {
    caller.require(Action::ViewClients)?;
    let (received, refunded, planned): (i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN direction = 'in' AND planned = 0 THEN amount ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN direction = 'out' AND planned = 0 THEN amount ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN direction = 'in' AND planned = 1 THEN amount ELSE 0 END), 0) AS BIGINT) \
         FROM payment WHERE client_id = $1",
    )
    .bind(client_id)
    .fetch_one(&db.pool)
    .await?;
    let (obligations,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(o.total), 0) AS BIGINT) FROM orders o JOIN stage s ON s.id = o.stage_id \
         WHERE o.client_id = $1 AND s.kind <> 'cancelled'",
    )
    .bind(client_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(ClientBalance {
        received: Money(received),
        refunded: Money(refunded),
        obligations: Money(obligations),
        balance: Money(received - refunded - obligations),
        planned: Money(planned),
    })
}
