//! Reservations: a conditional update of `reserved` (never read-then-write), so the last
//! units go to exactly one seller under any concurrency, on either database.

use super::ledger::{self, Move};
use super::{ReservationInfo, ReserveInput};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Backend, Db};
use crate::error::{AppError, Conflict, Field, Problem};
use crate::idempotency;
use crate::live::{hub::Hub, LiveEvent};
use crate::quantity::Qty;
use sqlx::AnyConnection;
use std::sync::OnceLock;

/// How long a client hold lasts: `VITRINA_HOLD_HOURS` (default 72 hours, three days).
pub fn hold_ttl_ms() -> i64 {
    static TTL: OnceLock<i64> = OnceLock::new();
    *TTL.get_or_init(|| {
        std::env::var("VITRINA_HOLD_HOURS")
            .ok()
            .and_then(|h| h.parse::<i64>().ok())
            .filter(|h| *h > 0)
            .unwrap_or(72)
            * 3600
            * 1000
    })
}

async fn check_target(db: &Db, input: &ReserveInput) -> Result<(), AppError> {
    let product: Option<(i64, String)> =
        sqlx::query_as("SELECT active, unit FROM product WHERE id = $1")
            .bind(input.product_id)
            .fetch_optional(&db.pool)
            .await?;
    let Some((1, unit)) = product else {
        return Err(AppError::invalid(Field::Product, Problem::NotFound));
    };
    crate::catalog::check_whole(&unit, input.qty)?;
    let location: Option<(i64,)> = sqlx::query_as("SELECT active FROM location WHERE id = $1")
        .bind(input.location_id)
        .fetch_optional(&db.pool)
        .await?;
    if !matches!(location, Some((1,))) {
        return Err(AppError::invalid(Field::Location, Problem::NotFound));
    }
    Ok(())
}

const LEVEL: &str = "UPDATE stock_level SET reserved = reserved + $3, updated_at = $4 \
         WHERE product_id = $1 AND location_id = $2 AND on_hand - reserved >= $3 \
           AND EXISTS (SELECT 1 FROM product WHERE id = $1 AND active = 1 \
                       AND (unit NOT IN ('pcs', 'pack') OR $3 % 1000 = 0)) \
           AND EXISTS (SELECT 1 FROM location WHERE id = $2 AND active = 1) \
         RETURNING on_hand, reserved";
const ROW: &str = "INSERT INTO reservation (product_id, location_id, qty, order_id, client, status, created_by, created_at, expires_at)";

/// The conditional update of `reserved` on an active product at an active location with
/// enough available, and the reservation row, as one unit: `None` when there is not
/// enough (nothing written). Returns the reservation id and the level's new numbers.
async fn write(
    db: &Db,
    input: &ReserveInput,
    client: &str,
    author: i64,
    now: i64,
    expires_at: Option<i64>,
) -> Result<Option<(i64, i64, i64)>, AppError> {
    match db.backend {
        // PostgreSQL: one statement (a writable CTE) is atomic on its own, so the
        // reservation costs one round trip instead of BEGIN, UPDATE, INSERT and COMMIT.
        Backend::Postgres => Ok(sqlx::query_as(&format!(
            "WITH level AS ({LEVEL}) {ROW} \
             SELECT $1, $2, $3, $5, $6, 'active', $7, $4, $8 FROM level \
             RETURNING id, (SELECT on_hand FROM level), (SELECT reserved FROM level)"
        ))
        .bind(input.product_id)
        .bind(input.location_id)
        .bind(input.qty.0)
        .bind(now)
        .bind(input.order_id)
        .bind(client)
        .bind(author)
        .bind(expires_at)
        .fetch_optional(&db.pool)
        .await?),
        // SQLite has no writable CTEs and one writer: holds queue up, and whoever gets
        // the write gate writes every queued one in one transaction (group commit).
        Backend::Sqlite => {
            let (reply, answer) = tokio::sync::oneshot::channel();
            let job = Queued {
                input: input.clone(),
                client: client.to_string(),
                author,
                now,
                expires_at,
                reply,
            };
            db.hold_queue
                .lock()
                .map_err(|_| AppError::Internal)?
                .push(job);
            write_queued(db, answer).await
        }
    }
}

/// What writing a hold gave: its id and the level's numbers, `None` when not enough.
type Written = Result<Option<(i64, i64, i64)>, AppError>;

/// A client hold waiting for the SQLite writer.
#[derive(Debug)]
pub(crate) struct Queued {
    input: ReserveInput,
    client: String,
    author: i64,
    now: i64,
    expires_at: Option<i64>,
    reply: tokio::sync::oneshot::Sender<Written>,
}

/// Waits for this hold's answer, or for the write gate; with the gate, writes every hold
/// queued so far in one transaction. A hold that fails with an error (not a shortage)
/// rolls the batch back, and then each is written alone, so one can't fail the others.
async fn write_queued(db: &Db, mut answer: tokio::sync::oneshot::Receiver<Written>) -> Written {
    loop {
        let gate = tokio::select! {
            done = &mut answer => return done.map_err(|_| AppError::Internal)?,
            gate = db.write_gate() => gate?,
        };
        let jobs = std::mem::take(&mut *db.hold_queue.lock().map_err(|_| AppError::Internal)?);
        if jobs.is_empty() {
            // Ours was written by the one before: its answer is on the way.
            drop(gate);
            continue;
        }
        let mut tx = db.begin_with_gate(gate).await?;
        let mut results = Vec::with_capacity(jobs.len());
        let mut failed = false;
        for j in &jobs {
            match reserve_on(&mut tx, &j.input, &j.client, j.author, j.now, j.expires_at).await {
                Ok(r) => results.push(r),
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            drop(tx);
            for j in jobs {
                let alone = async {
                    let mut tx = db.begin_write().await?;
                    let r = reserve_on(&mut tx, &j.input, &j.client, j.author, j.now, j.expires_at)
                        .await?;
                    tx.commit().await?;
                    Ok(r)
                }
                .await;
                let _ = j.reply.send(alone);
            }
        } else {
            let committed = tx.commit().await;
            for (j, r) in jobs.into_iter().zip(results) {
                let _ = j.reply.send(match &committed {
                    Ok(()) => Ok(r),
                    Err(_) => Err(AppError::Busy),
                });
            }
        }
    }
}

/// The conditional update and the reservation row on a connection whose transaction
/// the caller owns (an order's stage change reserves its lines this way). `None`: not
/// enough available (nothing written).
pub(crate) async fn reserve_on(
    conn: &mut AnyConnection,
    input: &ReserveInput,
    client: &str,
    author: i64,
    now: i64,
    expires_at: Option<i64>,
) -> Result<Option<(i64, i64, i64)>, AppError> {
    let level: Option<(i64, i64)> = sqlx::query_as(LEVEL)
        .bind(input.product_id)
        .bind(input.location_id)
        .bind(input.qty.0)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((on_hand, reserved)) = level else {
        return Ok(None);
    };
    let (id,): (i64,) = sqlx::query_as(&format!(
        "{ROW} VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8) RETURNING id"
    ))
    .bind(input.product_id)
    .bind(input.location_id)
    .bind(input.qty.0)
    .bind(input.order_id)
    .bind(client)
    .bind(author)
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some((id, on_hand, reserved)))
}

/// What a request to reserve must pass before anything is written; returns the client
/// text trimmed.
async fn admit(db: &Db, caller: &Caller, input: &ReserveInput) -> Result<String, AppError> {
    caller.require(Action::Reserve)?;
    if !input.qty.is_positive() {
        return Err(AppError::invalid(Field::Quantity, Problem::OutOfRange));
    }
    input.qty.check(Field::Quantity)?;
    let client = input.client.trim().to_string();
    if client.chars().count() > 200 {
        return Err(AppError::invalid(Field::Name, Problem::TooLong));
    }
    if let Some(order_id) = input.order_id {
        // Checked before the write and not under its lock: the order's lines are what
        // holds its goods; a reservation made for it as it closes is released with it
        // by the order's next edit or cancel, never left without an owner.
        let mut conn = db.pool.acquire().await?;
        crate::scope::check_reserve_for_order(&mut conn, caller, order_id).await?;
    }
    Ok(client)
}

/// Reserves `qty` at a location. Refused with what is available here and elsewhere when
/// there is not enough; nothing is written then.
#[tracing::instrument(skip_all)]
pub async fn reserve(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: ReserveInput,
) -> Result<ReservationInfo, AppError> {
    let client = admit(db, caller, &input).await?;
    let now = now_ms();
    // A reservation for an order has no expiry: it lasts while the order is open and is
    // released when the order is done or cancelled (`orders::service::move_to`).
    let expires_at = input.order_id.is_none().then(|| now + hold_ttl_ms());
    let written = write(db, &input, &client, caller.id, now, expires_at).await?;
    let Some((id, on_hand, reserved)) = written else {
        return Err(refusal(db, &input).await);
    };
    Ok(made(
        hub,
        caller,
        input,
        client,
        id,
        (on_hand, reserved),
        now,
        expires_at,
    ))
}

/// Why nothing was reserved: the product or location is not there, or not enough.
async fn refusal(db: &Db, input: &ReserveInput) -> AppError {
    let why = async {
        check_target(db, input).await?;
        let mut conn = db.pool.acquire().await?;
        Err::<(), AppError>(
            ledger::shortage(&mut conn, input.product_id, input.location_id, input.qty).await?,
        )
    };
    match why.await {
        Err(e) => e,
        Ok(()) => AppError::Internal,
    }
}

#[allow(clippy::too_many_arguments)]
fn made(
    hub: &Hub,
    caller: &Caller,
    input: ReserveInput,
    client: String,
    id: i64,
    (on_hand, reserved): (i64, i64),
    now: i64,
    expires_at: Option<i64>,
) -> ReservationInfo {
    hub.publish(LiveEvent::StockChanged {
        product_id: input.product_id,
        location_id: input.location_id,
        on_hand: Qty(on_hand),
        reserved: Qty(reserved),
        reservation_id: Some(id),
    });
    ReservationInfo {
        id,
        product_id: input.product_id,
        location_id: input.location_id,
        qty: input.qty,
        order_id: input.order_id,
        client,
        created_by: caller.name.clone(),
        created_at: now,
        expires_at,
        status: "active".into(),
        can_close: true,
    }
}

/// [`reserve`] under an idempotency key (the tablet's offline queue, the online shop):
/// the first request with the key reserves, any later one with the same key and request
/// gets that reservation back (`true`: a replay) and nothing else is reserved, even for
/// the last unit and even when both arrive at once. Keyed holds skip the SQLite group
/// commit: the claim and the hold are one transaction of their own.
#[tracing::instrument(skip_all)]
pub async fn reserve_keyed(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: ReserveInput,
    key: idempotency::Key,
) -> Result<(ReservationInfo, bool), AppError> {
    let keyed = idempotency::Keyed::new(key, idempotency::Kind::Reservation, &input)?;
    {
        let mut conn = db.pool.acquire().await?;
        if let Some(id) = idempotency::lookup(&mut conn, caller.id, &keyed).await? {
            return Ok((by_id(db, caller, id).await?, true));
        }
    }
    let client = admit(db, caller, &input).await?;
    let now = now_ms();
    let expires_at = input.order_id.is_none().then(|| now + hold_ttl_ms());
    let (keyed_r, input_r, client_r) = (&keyed, &input, &client);
    let written = crate::db::retry_busy(|| async move {
        let mut tx = db.begin_write().await?;
        let claim = idempotency::claim(&mut tx, caller.id, keyed_r).await?;
        if let idempotency::Claim::Replay(id) = claim {
            return Ok(Err(id));
        }
        let w = reserve_on(&mut tx, input_r, client_r, caller.id, now, expires_at).await?;
        let Some(w) = w else {
            return Ok(Ok(None));
        };
        idempotency::settle(&mut tx, caller.id, keyed_r, w.0).await?;
        tx.commit().await?;
        Ok::<_, AppError>(Ok(Some(w)))
    })
    .await?;
    match written {
        Err(id) => Ok((by_id(db, caller, id).await?, true)),
        Ok(None) => Err(refusal(db, &input).await),
        Ok(Some((id, on_hand, reserved))) => Ok((
            made(
                hub,
                caller,
                input,
                client,
                id,
                (on_hand, reserved),
                now,
                expires_at,
            ),
            false,
        )),
    }
}

/// One reservation as the caller sees it.
pub async fn by_id(db: &Db, caller: &Caller, id: i64) -> Result<ReservationInfo, AppError> {
    let row: Option<ReservationRow> =
        sqlx::query_as(&format!("{RESERVATION_SELECT} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|r| info_from(caller, r)).ok_or(AppError::NotFound)
}

/// Closes an active reservation as `released`, `expired` or `fulfilled` (the last one
/// also takes the goods off on-hand with a sale move). A person's request (`caller`)
/// may close only a client hold within their scope; the expiry sweep passes `None`.
async fn close(
    db: &Db,
    hub: &Hub,
    caller: Option<&Caller>,
    author_id: i64,
    id: i64,
    status: &'static str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    if let Some(caller) = caller {
        crate::scope::hold_for_change(&mut tx, caller, id).await?;
    }
    let (product_id, location_id) = close_on(&mut tx, author_id, id, status, now_ms()).await?;
    tx.commit().await?;
    ledger::publish_level(db, hub, product_id, location_id, Some(id)).await;
    Ok(())
}

/// [`close`] on a connection whose transaction the caller owns; returns the product and
/// location whose level changed (publish after commit).
pub(crate) async fn close_on(
    conn: &mut AnyConnection,
    author_id: i64,
    id: i64,
    status: &'static str,
    now: i64,
) -> Result<(i64, i64), AppError> {
    let closed: Option<(i64, i64, i64)> = sqlx::query_as(
        "UPDATE reservation SET status = $1, closed_at = $2 WHERE id = $3 AND status = 'active' \
         RETURNING product_id, location_id, qty",
    )
    .bind(status)
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((product_id, location_id, qty)) = closed else {
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM reservation WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        return Err(match exists {
            Some(_) => AppError::conflict(Conflict::ReservationClosed),
            None => AppError::NotFound,
        });
    };
    let take = if status == "fulfilled" { qty } else { 0 };
    let done = sqlx::query(
        "UPDATE stock_level SET reserved = reserved - $3, on_hand = on_hand - $4, updated_at = $5 \
         WHERE product_id = $1 AND location_id = $2 AND reserved >= $3",
    )
    .bind(product_id)
    .bind(location_id)
    .bind(qty)
    .bind(take)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        tracing::error!(
            id,
            "reserved below an active reservation: run `vitrina check`"
        );
        return Err(AppError::Internal);
    }
    if take > 0 {
        let m = Move {
            product_id,
            location_id,
            qty: -take,
            kind: "sale",
            doc_id: None,
            reservation_id: Some(id),
            author_id,
        };
        ledger::record(conn, &m, now).await?;
    }
    Ok((product_id, location_id))
}

pub async fn release(db: &Db, hub: &Hub, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require(Action::Reserve)?;
    close(db, hub, Some(caller), caller.id, id, "released").await
}

/// Fulfilment: the reservation becomes a sale move.
pub async fn fulfil(db: &Db, hub: &Hub, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require(Action::Reserve)?;
    close(db, hub, Some(caller), caller.id, id, "fulfilled").await
}

/// Releases every client hold whose time is up; returns how many. Run periodically.
pub async fn expire_due(db: &Db, hub: &Hub) -> Result<usize, AppError> {
    let due: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, created_by FROM reservation WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= $1",
    )
    .bind(now_ms())
    .fetch_all(&db.pool)
    .await?;
    let mut expired = 0;
    for (id, author) in due {
        match close(db, hub, None, author, id, "expired").await {
            Ok(()) => expired += 1,
            // Released or fulfilled meanwhile: nothing to do.
            Err(AppError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(expired)
}

type ReservationRow = (
    i64,
    i64,
    i64,
    i64,
    Option<i64>,
    String,
    String,
    i64,
    Option<i64>,
    String,
    i64,
);

const RESERVATION_SELECT: &str = "SELECT r.id, r.product_id, r.location_id, r.qty, r.order_id, r.client, e.name, \
     r.created_at, r.expires_at, r.status, r.created_by FROM reservation r JOIN employee e ON e.id = r.created_by";

fn info_from(caller: &Caller, row: ReservationRow) -> ReservationInfo {
    let (
        id,
        product_id,
        location_id,
        qty,
        order_id,
        client,
        created_by,
        created_at,
        expires_at,
        status,
        author_id,
    ) = row;
    let can_close = crate::scope::may_close_hold(caller, order_id, location_id, author_id).is_ok();
    ReservationInfo {
        id,
        product_id,
        location_id,
        qty: Qty(qty),
        order_id,
        client,
        created_by,
        created_at,
        expires_at,
        status,
        can_close,
    }
}

/// Active reservations of a product, oldest first.
pub async fn active_for_product(
    db: &Db,
    caller: &Caller,
    product_id: i64,
) -> Result<Vec<ReservationInfo>, AppError> {
    let rows: Vec<ReservationRow> = sqlx::query_as(&format!(
        "{RESERVATION_SELECT} WHERE r.product_id = $1 AND r.status = 'active' ORDER BY r.created_at, r.id"
    ))
    .bind(product_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| info_from(caller, r)).collect())
}
