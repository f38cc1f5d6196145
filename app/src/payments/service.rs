//! Rules and SQL for funds, payments and balances.

use super::{
    split_amount, ClientBalance, Direction, Fund, FundSplit, Method, Payment, PaymentInput,
    PaymentPart,
};
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
    let defaults: Vec<(String, i64)> =
        sqlx::query_as("SELECT method, fund_id FROM fund_method ORDER BY method")
            .fetch_all(&db.pool)
            .await?;
    let splits: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT s.fund_id, s.to_fund_id, f.name, s.share_bp FROM fund_split s \
         JOIN fund f ON f.id = s.to_fund_id ORDER BY s.fund_id, s.to_fund_id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, active)| Fund {
            splits: splits
                .iter()
                .filter(|s| s.0 == id)
                .map(|(_, to_fund_id, to_fund, share_bp)| FundSplit {
                    to_fund_id: *to_fund_id,
                    to_fund: to_fund.clone(),
                    share_bp: *share_bp,
                })
                .collect(),
            id,
            name,
            active: active != 0,
            default_for: Method::ALL
                .iter()
                .copied()
                .filter(|m| defaults.iter().any(|(dm, f)| dm == m.as_str() && *f == id))
                .collect(),
        })
        .collect())
}

/// The fund a payment by `method` goes to when none is chosen (an active one).
pub async fn default_fund(
    conn: &mut AnyConnection,
    method: Method,
) -> Result<Option<i64>, AppError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT f.id FROM fund_method m JOIN fund f ON f.id = m.fund_id \
         WHERE m.method = $1 AND f.active = 1",
    )
    .bind(method.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Creates (`id` = None) or renames / (de)activates a fund (admin), and makes it the
/// default of `default_for` (a method has one default fund: it moves here from another).
pub async fn save_fund(
    db: &Db,
    caller: &Caller,
    id: Option<i64>,
    name: &str,
    active: bool,
    default_for: &[Method],
    splits: &[FundSplit],
) -> Result<Fund, AppError> {
    caller.require(Action::ManageProcesses)?;
    let name = crate::org::text(name, Field::Fund, 120)?;
    // Shares: each 0.01 %…100 %, to other funds, each once, 100 % at most in all.
    let mut total = 0_i64;
    for (i, sp) in splits.iter().enumerate() {
        if !(1..=10_000).contains(&sp.share_bp)
            || Some(sp.to_fund_id) == id
            || splits[..i].iter().any(|o| o.to_fund_id == sp.to_fund_id)
        {
            return Err(AppError::invalid(Field::Fund, Problem::Invalid));
        }
        total += sp.share_bp;
    }
    if total > 10_000 || splits.len() > 10 {
        return Err(AppError::invalid(Field::Fund, Problem::OutOfRange));
    }
    if !active && !default_for.is_empty() {
        // An inactive fund takes no payments, so it can't be where they go by default.
        return Err(AppError::invalid(Field::Fund, Problem::Invalid));
    }
    let mut tx = db.begin_write().await?;
    let id = match id {
        None => {
            sqlx::query_as::<_, (i64,)>(
                "INSERT INTO fund (name, active, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(&name)
            .bind(flag(active))
            .bind(now_ms())
            .fetch_one(&mut *tx)
            .await?
            .0
        }
        Some(id) => {
            let done = sqlx::query("UPDATE fund SET name = $1, active = $2 WHERE id = $3")
                .bind(&name)
                .bind(flag(active))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
    };
    sqlx::query("DELETE FROM fund_method WHERE fund_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM fund_split WHERE fund_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let mut saved_splits = Vec::with_capacity(splits.len());
    for sp in splits {
        let target: Option<(String, i64)> =
            sqlx::query_as("SELECT name, active FROM fund WHERE id = $1")
                .bind(sp.to_fund_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((to_fund, 1)) = target else {
            return Err(AppError::invalid(Field::Fund, Problem::NotFound));
        };
        sqlx::query("INSERT INTO fund_split (fund_id, to_fund_id, share_bp) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(sp.to_fund_id)
            .bind(sp.share_bp)
            .execute(&mut *tx)
            .await?;
        saved_splits.push(FundSplit {
            to_fund_id: sp.to_fund_id,
            to_fund,
            share_bp: sp.share_bp,
        });
    }
    let mut methods = default_for.to_vec();
    methods.sort_by_key(|m| m.as_str());
    methods.dedup();
    for method in &methods {
        sqlx::query(
            "INSERT INTO fund_method (method, fund_id) VALUES ($1, $2) \
             ON CONFLICT (method) DO UPDATE SET fund_id = excluded.fund_id",
        )
        .bind(method.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Fund {
        id,
        name,
        active,
        default_for: methods,
        splits: saved_splits,
    })
}

/// [`record_once`], run again when PostgreSQL reports a deadlock or serialization
/// failure (a bounded number of times; then 503, never a 500).
pub async fn record(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: PaymentInput,
) -> Result<Payment, AppError> {
    let made = crate::db::retry_busy(|| record_once(db, hub, caller, input.clone(), None)).await?;
    Ok(made.0)
}

/// [`record`] under an idempotency key: a later request with the same key and payment
/// gets the payment the first one recorded (`true`: a replay), never a second one.
pub async fn record_keyed(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: PaymentInput,
    key: crate::idempotency::Key,
) -> Result<(Payment, bool), AppError> {
    let keyed = crate::idempotency::Keyed::new(key, crate::idempotency::Kind::Payment, &input)?;
    {
        let mut conn = db.pool.acquire().await?;
        if let Some(id) = crate::idempotency::lookup(&mut conn, caller.id, &keyed).await? {
            return Ok((load(&mut conn, id).await?, true));
        }
    }
    crate::db::retry_busy(|| record_once(db, hub, caller, input.clone(), Some(&keyed))).await
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
    keyed: Option<&crate::idempotency::Keyed>,
) -> Result<(Payment, bool), AppError> {
    caller.require(Action::RecordPayments)?;
    let input = input.validate()?;
    let now = db.now();
    let mut tx = db.begin_write().await?;
    if let Some(keyed) = keyed {
        let claim = crate::idempotency::claim(&mut tx, caller.id, keyed).await?;
        if let crate::idempotency::Claim::Replay(id) = claim {
            let payment = load(&mut tx, id).await?;
            drop(tx);
            return Ok((payment, true));
        }
    }
    // No fund chosen: the method's default; without one the payment is refused, never
    // placed in some fund silently.
    let fund_id = match input.fund_id {
        Some(id) => id,
        None => default_fund(&mut tx, input.method)
            .await?
            .ok_or(AppError::invalid(Field::Fund, Problem::Required))?,
    };
    let fund: Option<(i64,)> = sqlx::query_as("SELECT active FROM fund WHERE id = $1")
        .bind(fund_id)
        .fetch_optional(&mut *tx)
        .await?;
    if !matches!(fund, Some((1,))) {
        return Err(AppError::invalid(Field::Fund, Problem::NotFound));
    }
    let mut client_id = input.client_id;
    // The day it lands on in the reports: the order's shop's calendar, else the company's.
    let mut shop = None;
    if let Some(order_id) = input.order_id {
        // The order's row first: its payments and stage are read under the lock.
        let order = crate::scope::order_for_payment(&mut tx, caller, order_id).await?;
        shop = Some(order.shop_id);
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
    let zone = match shop {
        Some(shop) => crate::time::zones::of_location(&mut tx, shop).await?,
        None => crate::time::zones::company(&mut tx).await?,
    };
    let paid_at = input.paid_at.unwrap_or(now);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO payment (direction, method, amount, planned, paid_at, fund_id, order_id, client_id, author_id, comment, created_at, local_day) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(input.direction.as_str())
    .bind(input.method.as_str())
    .bind(input.amount.0)
    .bind(flag(input.planned))
    .bind(paid_at)
    .bind(fund_id)
    .bind(input.order_id)
    .bind(client_id)
    .bind(caller.id)
    .bind(&input.comment)
    .bind(now)
    .bind(zone.local_day(paid_at))
    .fetch_one(&mut *tx)
    .await?;
    // Money received into a fund with a split: the shares go on to their funds now.
    if input.direction == Direction::In {
        let shares: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT to_fund_id, share_bp FROM fund_split WHERE fund_id = $1 ORDER BY to_fund_id",
        )
        .bind(fund_id)
        .fetch_all(&mut *tx)
        .await?;
        for (to, amount) in split_amount(input.amount.0, &shares) {
            sqlx::query(
                "INSERT INTO payment_part (payment_id, fund_id, amount) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(to)
            .bind(amount)
            .execute(&mut *tx)
            .await?;
        }
    }
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
    if let Some(keyed) = keyed {
        crate::idempotency::settle(&mut tx, caller.id, keyed, id).await?;
    }
    tx.commit().await?;
    if let Some(order_id) = input.order_id {
        hub.publish(LiveEvent::OrderChanged { id: order_id });
    }
    if let Some(id) = client_id {
        hub.publish(LiveEvent::ClientChanged { id });
    }
    Ok((payment, false))
}

/// [`confirm_once`], run again when PostgreSQL reports a deadlock or serialization
/// failure (a bounded number of times; then 503, never a 500).
pub async fn confirm(db: &Db, hub: &Hub, caller: &Caller, id: i64) -> Result<Payment, AppError> {
    crate::db::retry_busy(|| confirm_once(db, hub, caller, id)).await
}

/// A planned payment has arrived: it becomes an actual one, dated now.
async fn confirm_once(db: &Db, hub: &Hub, caller: &Caller, id: i64) -> Result<Payment, AppError> {
    caller.require(Action::RecordPayments)?;
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let row: Option<(Option<i64>, Option<i64>, i64, i64)> = sqlx::query_as(
        "SELECT p.order_id, p.client_id, p.amount, p.planned FROM payment p WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let (order_id, client_id, amount, _) = row.ok_or(AppError::NotFound)?;
    let zone = match order_id {
        // The order's row first (in the same order as every other writer of it).
        Some(order_id) => {
            let order = crate::scope::order_for_payment(&mut tx, caller, order_id).await?;
            crate::time::zones::of_location(&mut tx, order.shop_id).await?
        }
        // A payment without an order belongs to no shop: the chain-wide roles only.
        None if !caller.sees_every_shop() => return Err(AppError::Forbidden),
        None => crate::time::zones::company(&mut tx).await?,
    };
    let track = match order_id {
        Some(order_id) => aggregates::Tracker::order(&mut tx, order_id).await?,
        None => aggregates::Tracker::payment(&mut tx, Some(id)).await?,
    };
    // Conditional: two people confirming at once confirm it once.
    let done = sqlx::query(
        "UPDATE payment SET planned = 0, paid_at = $1, local_day = $2 WHERE id = $3 AND planned = 1",
    )
    .bind(now)
    .bind(zone.local_day(now))
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
        parts: Vec::new(),
    })
}

async fn load(conn: &mut AnyConnection, id: i64) -> Result<Payment, AppError> {
    let row: PaymentRow = sqlx::query_as(&format!("{PAYMENT_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let mut payment = from_row(row)?;
    with_parts(conn, std::slice::from_mut(&mut payment)).await?;
    Ok(payment)
}

/// Fills in what each payment passed on to other funds (one query for them all).
async fn with_parts(conn: &mut AnyConnection, payments: &mut [Payment]) -> Result<(), AppError> {
    if payments.is_empty() {
        return Ok(());
    }
    for chunk in payments.chunks_mut(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT pp.payment_id, pp.fund_id, f.name, pp.amount FROM payment_part pp \
             JOIN fund f ON f.id = pp.fund_id WHERE pp.payment_id IN ({}) \
             ORDER BY pp.payment_id, pp.fund_id",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, (i64, i64, String, i64)>(&sql);
        for p in chunk.iter() {
            q = q.bind(p.id);
        }
        let rows = q.fetch_all(&mut *conn).await?;
        for p in chunk.iter_mut() {
            p.parts = rows
                .iter()
                .filter(|r| r.0 == p.id)
                .map(|(_, fund_id, fund, amount)| PaymentPart {
                    fund_id: *fund_id,
                    fund: fund.clone(),
                    amount: Money(*amount),
                })
                .collect();
        }
    }
    Ok(())
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
    // A client's payments: those of orders of the caller's shops (and, for the
    // chain-wide roles, those without an order too), filtered in the query itself.
    let scope = caller.scope();
    let shops = match &scope {
        None => String::new(),
        Some(shops) if shops.is_empty() => " AND 1 = 0".into(),
        Some(shops) => {
            let marks: Vec<String> = (0..shops.len()).map(|i| format!("${}", i + 3)).collect();
            format!(" AND o.shop_id IN ({})", marks.join(", "))
        }
    };
    let sql = format!(
        "{PAYMENT_SELECT} WHERE ($1 = 0 OR p.order_id = $1) AND ($2 = 0 OR p.client_id = $2){shops} \
         ORDER BY p.paid_at DESC, p.id DESC"
    );
    let mut query = sqlx::query_as::<_, PaymentRow>(&sql)
        .bind(order_id.unwrap_or(0))
        .bind(client_id.unwrap_or(0));
    for shop in scope.iter().flatten() {
        query = query.bind(*shop);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut payments = rows
        .into_iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    with_parts(&mut conn, &mut payments).await?;
    Ok(payments)
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
