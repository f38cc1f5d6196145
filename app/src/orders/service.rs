//! Rules and SQL for orders: shop scoping, creation (numbered, lines priced and summed
//! exactly, first stage's actions run), the order card, the list and stage moves.

use super::actions::{self, Effects, OrderCtx};
use super::{
    line_amount, Fulfilment, Order, OrderEvent, OrderFilter, OrderInput, OrderLine, OrderLineInput,
    OrderSummary, StageMove, StageRef,
};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Conflict, Field, Problem};
use crate::live::{hub::Hub, LiveEvent};
use crate::process::{service as processes, ProcessKind, StageKind};
use crate::quantity::{Money, Qty};
use crate::reports::aggregates;
use sqlx::AnyConnection;

pub(crate) fn check_shop(scope: &Option<Vec<i64>>, shop_id: i64) -> Result<(), AppError> {
    match scope {
        Some(shops) if !shops.contains(&shop_id) => Err(AppError::Forbidden),
        _ => Ok(()),
    }
}

/// Next value of a named counter, inside the caller's transaction (gapless: a rolled
/// back transaction gives its number back).
pub async fn next_number(conn: &mut AnyConnection, name: &str) -> Result<i64, AppError> {
    sqlx::query("INSERT INTO counter (name, value) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .execute(&mut *conn)
        .await?;
    let (value,): (i64,) =
        sqlx::query_as("UPDATE counter SET value = value + 1 WHERE name = $1 RETURNING value")
            .bind(name)
            .fetch_one(&mut *conn)
            .await?;
    Ok(value)
}

pub(super) async fn active(
    conn: &mut AnyConnection,
    table: &str,
    id: i64,
    field: Field,
) -> Result<(), AppError> {
    let row: Option<(i64,)> = sqlx::query_as(&format!("SELECT active FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some((1,)) => Ok(()),
        _ => Err(AppError::invalid(field, Problem::NotFound)),
    }
}

/// Publishes what a committed change did.
pub(super) fn publish(
    hub: &Hub,
    order_id: i64,
    fx: &Effects,
    levels: Vec<(i64, i64, i64, i64, Option<i64>)>,
) {
    for (product_id, location_id, on_hand, reserved, reservation_id) in levels {
        hub.publish(LiveEvent::StockChanged {
            product_id,
            location_id,
            on_hand: Qty(on_hand),
            reserved: Qty(reserved),
            reservation_id,
        });
    }
    for id in &fx.docs {
        hub.publish(LiveEvent::StockDocChanged { id: *id });
    }
    for employee_id in &fx.notified {
        hub.publish(LiveEvent::Notified {
            employee_id: *employee_id,
        });
    }
    hub.publish(LiveEvent::OrderChanged { id: order_id });
}

/// Reads the numbers of the levels an action touched (inside the transaction, so the
/// events carry exactly what was committed).
pub(super) async fn level_numbers(
    conn: &mut AnyConnection,
    fx: &Effects,
) -> Result<Vec<(i64, i64, i64, i64, Option<i64>)>, AppError> {
    let mut out = Vec::with_capacity(fx.levels.len());
    for &(product_id, location_id, reservation) in &fx.levels {
        let (on_hand, reserved): (i64, i64) = sqlx::query_as(
            "SELECT on_hand, reserved FROM stock_level WHERE product_id = $1 AND location_id = $2",
        )
        .bind(product_id)
        .bind(location_id)
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or((0, 0));
        out.push((product_id, location_id, on_hand, reserved, reservation));
    }
    Ok(out)
}

/// The client's name (422 when there is no such client).
pub(super) async fn client_name(
    conn: &mut AnyConnection,
    client_id: Option<i64>,
) -> Result<Option<String>, AppError> {
    let Some(id) = client_id else {
        return Ok(None);
    };
    let row: Option<(String,)> = sqlx::query_as("SELECT name FROM client WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Some(r.0))
        .ok_or(AppError::invalid(Field::Client, Problem::NotFound))
}

/// A line with its unit price settled (given, or the product's) and its amount.
pub(super) struct Priced<'a> {
    pub line: &'a OrderLineInput,
    pub price: Money,
    pub amount: Money,
}

/// Checks every line's product and location are active, prices the lines and sums them.
pub(super) async fn price_lines<'a>(
    conn: &mut AnyConnection,
    lines: &'a [OrderLineInput],
) -> Result<(Vec<Priced<'a>>, i64), AppError> {
    let mut priced = Vec::with_capacity(lines.len());
    let mut total: i64 = 0;
    for line in lines {
        let product: Option<(i64, i64, String)> =
            sqlx::query_as("SELECT price, active, unit FROM product WHERE id = $1")
                .bind(line.product_id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some((price, 1, unit)) = product else {
            return Err(AppError::invalid(Field::Product, Problem::NotFound));
        };
        crate::catalog::check_whole(&unit, line.qty)?;
        active(conn, "location", line.location_id, Field::Location).await?;
        let price = line.price.unwrap_or(Money(price));
        let amount = line_amount(line.qty, price, line.discount)?;
        total = Money(total)
            .checked_add(amount, Field::Amount)?
            .check(Field::Amount)?
            .0;
        priced.push(Priced {
            line,
            price,
            amount,
        });
    }
    Ok((priced, total))
}

pub(super) async fn insert_line(
    conn: &mut AnyConnection,
    order_id: i64,
    position: usize,
    p: &Priced<'_>,
    reservation_id: Option<i64>,
) -> Result<i64, AppError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO order_line (order_id, position, product_id, location_id, qty, price, discount, amount, reservation_id, cost) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
                 (SELECT (p.cost * $5 + 500) / 1000 FROM product p WHERE p.id = $3)) RETURNING id",
    )
    .bind(order_id)
    .bind(position as i64)
    .bind(p.line.product_id)
    .bind(p.line.location_id)
    .bind(p.line.qty.0)
    .bind(p.price.0)
    .bind(p.line.discount.0)
    .bind(p.amount.0)
    .bind(reservation_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// [`create_once`], run again when PostgreSQL reports a deadlock or serialization
/// failure (a bounded number of times; then 503, never a 500).
pub async fn create(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: OrderInput,
) -> Result<Order, AppError> {
    let made = crate::db::retry_busy(|| create_once(db, hub, caller, input.clone(), None)).await?;
    Ok(made.0)
}

/// [`create`] under an idempotency key: a later request with the same key and order gets
/// the order the first one made (`true`: a replay), never a second order.
pub async fn create_keyed(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: OrderInput,
    key: crate::idempotency::Key,
) -> Result<(Order, bool), AppError> {
    let keyed = crate::idempotency::Keyed::new(key, crate::idempotency::Kind::Order, &input)?;
    {
        let mut conn = db.pool.acquire().await?;
        if let Some(id) = crate::idempotency::lookup(&mut conn, caller.id, &keyed).await? {
            return Ok((get(db, caller, id).await?, true));
        }
    }
    crate::db::retry_busy(|| create_once(db, hub, caller, input.clone(), Some(&keyed))).await
}

/// Creates an order with its lines on the first stage of its process and runs that
/// stage's actions (typically: reserve every line), all or nothing. Not enough stock
/// for a line answers 409 with what is available where, and nothing is written.
#[tracing::instrument(skip_all)]
async fn create_once(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: OrderInput,
    keyed: Option<&crate::idempotency::Keyed>,
) -> Result<(Order, bool), AppError> {
    caller.require(Action::EditOrders)?;
    let input = input.validate()?;
    let now = db.now();
    let mut tx = db.begin_write().await?;
    if let Some(keyed) = keyed {
        let claim = crate::idempotency::claim(&mut tx, caller.id, keyed).await?;
        if let crate::idempotency::Claim::Replay(id) = claim {
            drop(tx);
            return Ok((get(db, caller, id).await?, true));
        }
    }
    let scope = caller.scope();
    let process_id = match input.process_id {
        Some(id) => id,
        None => sqlx::query_as::<_, (i64,)>(
            "SELECT id FROM process WHERE kind = 'order' AND active = 1 ORDER BY id LIMIT 1",
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.0)
        .ok_or(AppError::invalid(Field::Process, Problem::Required))?,
    };
    let process = match processes::load(&mut tx, process_id).await {
        Ok(p) if p.kind == ProcessKind::Order && p.active => p,
        Ok(_) | Err(AppError::NotFound) => {
            return Err(AppError::invalid(Field::Process, Problem::NotFound))
        }
        Err(e) => return Err(e),
    };
    let first = process
        .stages
        .first()
        .ok_or(AppError::invalid(Field::Process, Problem::Invalid))?
        .clone();
    let shop_id = input
        .shop_id
        .or(caller.home_location_id)
        .ok_or(AppError::invalid(Field::Location, Problem::Required))?;
    active(&mut tx, "location", shop_id, Field::Location).await?;
    check_shop(&scope, shop_id)?;
    if let Some(p) = input.pickup_location_id {
        active(&mut tx, "location", p, Field::Location).await?;
    }
    let client = client_name(&mut tx, input.client_id).await?;
    let (priced, total) = price_lines(&mut tx, &input.lines).await?;
    // Numbered by the year of the selling shop's own calendar, and kept under its local
    // day for the reports.
    let zone = crate::time::zones::of_location(&mut tx, shop_id).await?;
    let year = zone.year(now);
    let local_day = zone.local_day(now);
    let seq = next_number(&mut tx, &format!("order:{year}")).await?;
    let number = format!("{year}-{seq:06}");
    let (order_id,): (i64,) = sqlx::query_as(
        "INSERT INTO orders (number, process_id, stage_id, client_id, manager_id, shop_id, fulfilment, \
            pickup_location_id, delivery_address, comment, total, created_by, created_at, updated_at, local_day) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING id",
    )
    .bind(&number)
    .bind(process.id)
    .bind(first.id)
    .bind(input.client_id)
    .bind(caller.id)
    .bind(shop_id)
    .bind(input.fulfilment.as_str())
    .bind(input.pickup_location_id)
    .bind(&input.delivery_address)
    .bind(&input.comment)
    .bind(total)
    .bind(caller.id)
    .bind(now)
    .bind(local_day)
    .fetch_one(&mut *tx)
    .await?;
    for (position, line) in priced.iter().enumerate() {
        insert_line(&mut tx, order_id, position, line, None).await?;
    }
    actions::event(&mut tx, order_id, Some(caller.id), "created", &first.name).await?;
    let ctx = OrderCtx {
        id: order_id,
        number,
        client: client.unwrap_or_default(),
        manager_id: caller.id,
        shop_id,
        pickup_location_id: input.pickup_location_id,
    };
    let fx = actions::enter_stage(&mut tx, &ctx, &first, caller.id).await?;
    aggregates::Tracker::new_order(order_id)
        .finish(&mut tx, None)
        .await?;
    let levels = level_numbers(&mut tx, &fx).await?;
    if let Some(keyed) = keyed {
        crate::idempotency::settle(&mut tx, caller.id, keyed, order_id).await?;
    }
    tx.commit().await?;
    publish(hub, order_id, &fx, levels);
    Ok((get(db, caller, order_id).await?, false))
}

/// [`move_to_once`], run again when PostgreSQL reports a deadlock or serialization
/// failure (a bounded number of times; then 503, never a 500).
pub async fn move_to(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    order_id: i64,
    to_stage_id: i64,
    comment: &str,
) -> Result<Order, AppError> {
    let comment = crate::org::text_optional(comment, Field::Comment, 1000)?;
    crate::db::retry_busy(|| move_to_once(db, hub, caller, order_id, to_stage_id, &comment)).await
}

/// Moves an order to another stage of its process and runs that stage's actions in the
/// same transaction. Refused: a move the process does not allow for the caller's role
/// (403), an order that left `from` meanwhile or whose fulfilment the move is not for
/// (409), a guard of the transition that is not met (409 naming it and what is missing),
/// an action that can't run (409 with its reason, e.g. not enough stock) — and then
/// nothing changes. `comment` goes into the history with the move.
#[tracing::instrument(skip_all)]
async fn move_to_once(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    order_id: i64,
    to_stage_id: i64,
    comment: &str,
) -> Result<Order, AppError> {
    let mut tx = db.begin_write().await?;
    // The order's row first: a concurrent payment or edit waits, then sees this move.
    crate::scope::order_for_move(&mut tx, caller, order_id).await?;
    let row: Option<MoveRow> = sqlx::query_as(
        "SELECT o.process_id, o.stage_id, o.number, c.name, o.manager_id, o.shop_id, o.pickup_location_id, \
                o.fulfilment \
         FROM orders o LEFT JOIN client c ON c.id = o.client_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (process_id, from, number, client, manager_id, shop_id, pickup_location_id, fulfilment) =
        row.ok_or(AppError::NotFound)?;
    let fulfilment = Fulfilment::parse(&fulfilment).unwrap_or(Fulfilment::Pickup);
    let process = processes::load(&mut tx, process_id).await?;
    let (target, transition) =
        process.check_move(from, to_stage_id, caller.role, Some(fulfilment))?;
    let (target, guards) = (target.clone(), transition.guards.clone());
    super::guards::check(&mut tx, order_id, &guards, comment).await?;
    let now = now_ms();
    let closes = matches!(target.kind, StageKind::Done | StageKind::Cancelled);
    let track = aggregates::Tracker::order(&mut tx, order_id).await?;
    let moved = sqlx::query(
        "UPDATE orders SET stage_id = $1, updated_at = $2, closed_at = $3 WHERE id = $4 AND stage_id = $5",
    )
    .bind(to_stage_id)
    .bind(now)
    .bind(closes.then_some(now))
    .bind(order_id)
    .bind(from)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Err(AppError::conflict(Conflict::StageMoved));
    }
    let from_name = process
        .stage(from)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let mut detail = format!("{from_name} → {}", target.name);
    if !comment.is_empty() {
        detail.push_str(": ");
        detail.push_str(comment);
    }
    actions::event(&mut tx, order_id, Some(caller.id), "stage", &detail).await?;
    let ctx = OrderCtx {
        id: order_id,
        number,
        client: client.unwrap_or_default(),
        manager_id,
        shop_id,
        pickup_location_id,
    };
    let mut fx = actions::enter_stage(&mut tx, &ctx, &target, caller.id).await?;
    if closes {
        actions::release_strays(&mut tx, order_id, caller.id, &mut fx).await?;
    }
    track.finish(&mut tx, None).await?;
    let levels = level_numbers(&mut tx, &fx).await?;
    tx.commit().await?;
    publish(hub, order_id, &fx, levels);
    get(db, caller, order_id).await
}

/// process, stage, number, client, manager, shop, pickup location, fulfilment
type MoveRow = (
    i64,
    i64,
    String,
    Option<String>,
    i64,
    i64,
    Option<i64>,
    String,
);

/// id, product, name, sku, location, name, qty, price, discount, amount, reservation, status
type LineRow = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    i64,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<String>,
);

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: i64,
    number: String,
    process_id: i64,
    process_name: String,
    stage_id: i64,
    client_id: Option<i64>,
    client: Option<String>,
    manager_id: i64,
    manager: String,
    shop_id: i64,
    shop: String,
    fulfilment: String,
    pickup_location_id: Option<i64>,
    delivery_address: String,
    comment: String,
    total: i64,
    created_at: i64,
}

/// The order card: lines with their reservations, payments so far, history, and the
/// stages the caller may move it to.
pub async fn get(db: &Db, caller: &Caller, id: i64) -> Result<Order, AppError> {
    caller.require(Action::ViewOrders)?;
    let mut conn = db.pool.acquire().await?;
    let scope = caller.scope();
    let row: Option<OrderRow> = sqlx::query_as(
        "SELECT o.id AS id, o.number AS number, o.process_id AS process_id, p.name AS process_name, \
                o.stage_id AS stage_id, o.client_id AS client_id, c.name AS client, o.manager_id AS manager_id, \
                e.name AS manager, o.shop_id AS shop_id, l.name AS shop, o.fulfilment AS fulfilment, \
                o.pickup_location_id AS pickup_location_id, o.delivery_address AS delivery_address, \
                o.comment AS comment, o.total AS total, o.created_at AS created_at \
         FROM orders o JOIN process p ON p.id = o.process_id JOIN employee e ON e.id = o.manager_id \
              JOIN location l ON l.id = o.shop_id LEFT JOIN client c ON c.id = o.client_id \
         WHERE o.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let OrderRow {
        id,
        number,
        process_id,
        process_name,
        stage_id,
        client_id,
        client,
        manager_id,
        manager,
        shop_id,
        shop,
        fulfilment,
        pickup_location_id,
        delivery_address,
        comment,
        total,
        created_at,
    } = row.ok_or(AppError::NotFound)?;
    check_shop(&scope, shop_id)?;
    let process = processes::load(&mut conn, process_id).await?;
    let stage = process
        .stage(stage_id)
        .map(StageRef::from)
        .ok_or(AppError::Internal)?;
    let lines: Vec<LineRow> =
        sqlx::query_as(
            "SELECT ol.id, ol.product_id, p.name, p.sku, ol.location_id, l.name, ol.qty, ol.price, ol.discount, ol.amount, \
                    ol.reservation_id, r.status \
             FROM order_line ol JOIN product p ON p.id = ol.product_id JOIN location l ON l.id = ol.location_id \
                  LEFT JOIN reservation r ON r.id = ol.reservation_id \
             WHERE ol.order_id = $1 ORDER BY ol.position",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let history: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
        "SELECT ev.at, e.name, ev.kind, ev.detail FROM order_event ev LEFT JOIN employee e ON e.id = ev.author_id \
         WHERE ev.order_id = $1 ORDER BY ev.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let paid = paid_for(&mut conn, id).await?;
    let fulfilment_kind = Fulfilment::parse(&fulfilment).unwrap_or(Fulfilment::Pickup);
    let moves = process
        .moves_from(stage_id, caller.role, Some(fulfilment_kind))
        .into_iter()
        .map(|s| StageMove {
            id: s.id,
            name: s.name.clone(),
            color: s.color.clone(),
            kind: s.kind,
            guards: process
                .transition(stage_id, s.id)
                .map(|t| t.guards.kinds())
                .unwrap_or_default(),
        })
        .collect();
    Ok(Order {
        id,
        number,
        process_id,
        process: process_name,
        stage,
        client_id,
        client,
        manager_id,
        manager,
        shop_id,
        shop,
        fulfilment: Fulfilment::parse(&fulfilment).ok_or(AppError::Internal)?,
        pickup_location_id,
        delivery_address,
        comment,
        total: Money(total),
        paid: Money(paid),
        balance: Money(paid - total),
        lines: lines
            .into_iter()
            .map(
                |(
                    lid,
                    product_id,
                    product,
                    sku,
                    location_id,
                    location,
                    qty,
                    price,
                    discount,
                    amount,
                    reservation_id,
                    status,
                )| {
                    OrderLine {
                        id: lid,
                        product_id,
                        product,
                        sku,
                        location_id,
                        location,
                        qty: Qty(qty),
                        price: Money(price),
                        discount: Money(discount),
                        amount: Money(amount),
                        reservation_id,
                        reservation_status: status,
                    }
                },
            )
            .collect(),
        moves,
        history: history
            .into_iter()
            .map(|(at, author, kind, detail)| OrderEvent {
                at,
                author,
                kind,
                detail,
            })
            .collect(),
        created_at,
    })
}

/// Received minus refunded for an order (actual payments only).
pub async fn paid_for(conn: &mut AnyConnection, order_id: i64) -> Result<i64, AppError> {
    let (paid,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN direction = 'in' THEN amount ELSE -amount END), 0) AS BIGINT) \
         FROM payment WHERE order_id = $1 AND planned = 0",
    )
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(paid)
}

/// Orders the caller may see, newest first, filtered.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &Db,
    caller: &Caller,
    f: &OrderFilter,
) -> Result<Vec<OrderSummary>, AppError> {
    caller.require(Action::ViewOrders)?;
    let mut conn = db.pool.acquire().await?;
    let scope = caller.scope();
    let mut sql = String::from(
        "SELECT o.id, o.number, o.stage_id, s.name, s.color, s.kind, c.name, e.name, l.name, \
                o.fulfilment, o.comment, o.total, \
                CAST(COALESCE((SELECT SUM(CASE WHEN py.direction = 'in' THEN py.amount ELSE -py.amount END) \
                               FROM payment py WHERE py.order_id = o.id AND py.planned = 0), 0) AS BIGINT), \
                o.created_at \
         FROM orders o JOIN stage s ON s.id = o.stage_id JOIN employee e ON e.id = o.manager_id \
              JOIN location l ON l.id = o.shop_id LEFT JOIN client c ON c.id = o.client_id WHERE 1 = 1",
    );
    // Every filter value is a bound parameter; only the clause text is assembled here.
    let mut binds: Vec<Bind> = Vec::new();
    let mut add = |clause: &str, value: Option<i64>, binds: &mut Vec<Bind>| {
        if let Some(v) = value {
            binds.push(Bind::Int(v));
            sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
        }
    };
    add(" AND o.process_id = ?", f.process_id, &mut binds);
    add(" AND o.stage_id = ?", f.stage_id, &mut binds);
    add(" AND o.shop_id = ?", f.shop_id, &mut binds);
    add(" AND o.manager_id = ?", f.manager_id, &mut binds);
    add(" AND o.client_id = ?", f.client_id, &mut binds);
    add(" AND o.created_at >= ?", f.from, &mut binds);
    add(" AND o.created_at < ?", f.to, &mut binds);
    if let Some(search) = f.q.as_deref().and_then(text_search) {
        sql.push_str(&search.clause(&mut binds));
    }
    if let Some(shops) = &scope {
        if shops.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = shops
            .iter()
            .map(|s| {
                binds.push(Bind::Int(*s));
                format!("${}", binds.len())
            })
            .collect();
        sql.push_str(&format!(" AND o.shop_id IN ({})", marks.join(", ")));
    }
    binds.push(Bind::Int(f.limit.unwrap_or(200).clamp(1, 1000)));
    sql.push_str(&format!(
        " ORDER BY o.created_at DESC, o.id DESC LIMIT ${}",
        binds.len()
    ));
    let mut q = sqlx::query_as::<
        _,
        (
            i64,
            String,
            i64,
            String,
            String,
            String,
            Option<String>,
            String,
            String,
            String,
            String,
            i64,
            i64,
            i64,
        ),
    >(&sql);
    for b in binds {
        q = match b {
            Bind::Int(v) => q.bind(v),
            Bind::Text(v) => q.bind(v),
        };
    }
    let rows = q.fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                number,
                stage_id,
                stage,
                color,
                kind,
                client,
                manager,
                shop,
                fulfilment,
                comment,
                total,
                paid,
                created_at,
            )| OrderSummary {
                id,
                number,
                stage: StageRef {
                    id: stage_id,
                    name: stage,
                    color,
                    kind: StageKind::parse(&kind).unwrap_or(StageKind::Open),
                },
                client,
                manager,
                shop,
                fulfilment: Fulfilment::parse(&fulfilment).unwrap_or(Fulfilment::Pickup),
                comment,
                total: Money(total),
                paid: Money(paid),
                created_at,
            },
        )
        .collect())
}

/// A value bound to the order list's query.
enum Bind {
    Int(i64),
    Text(String),
}

/// What the order list's search box looks for (see [`OrderFilter::q`]).
#[derive(Debug, PartialEq, Eq)]
struct TextSearch {
    /// `%…%` over the order number.
    number: String,
    /// `%…%` over the client's folded name (`client.name_search`).
    name: String,
    /// `%…%` over a stored phone (digits, `7…` for Russian numbers), when the text
    /// reads as a phone of five digits or more.
    phone: Option<String>,
}

/// The search of a typed text; `None` when there is nothing to look for.
fn text_search(text: &str) -> Option<TextSearch> {
    let text: String = text.trim().chars().take(100).collect();
    // `%` and `_` are LIKE's wildcards: a typed one means nothing here.
    let text = text.replace(['%', '_'], "");
    if text.is_empty() {
        return None;
    }
    let phone = crate::customers::Phone::search_digits(&text)
        .filter(|d| d.len() >= 5)
        .map(|digits| {
            // Stored numbers are `7XXXXXXXXXX`: a full Russian number typed any way
            // (+7…, 8…, ten digits) is found by its last ten digits.
            if digits.len() >= 10 && digits.len() <= 11 {
                format!("%{}", &digits[digits.len() - 10..])
            } else {
                format!("%{digits}%")
            }
        });
    Some(TextSearch {
        number: format!("%{text}%"),
        name: format!("%{}%", crate::catalog::search_key(&text)),
        phone,
    })
}

impl TextSearch {
    /// ` AND (…)` with its values appended to `binds`.
    fn clause(self, binds: &mut Vec<Bind>) -> String {
        let mut mark = |v: String| {
            binds.push(Bind::Text(v));
            format!("${}", binds.len())
        };
        let mut any = vec![
            format!("o.number LIKE {}", mark(self.number)),
            format!("c.name_search LIKE {}", mark(self.name)),
        ];
        if let Some(phone) = self.phone {
            any.push(format!(
                "EXISTS (SELECT 1 FROM client_phone p WHERE p.client_id = o.client_id AND p.phone LIKE {})",
                mark(phone)
            ));
        }
        format!(" AND ({})", any.join(" OR "))
    }
}

#[cfg(test)]
mod search_tests {
    use super::*;

    #[test]
    fn a_typed_phone_is_found_by_its_last_ten_digits() {
        let s = text_search(" +7 (999) 123-45-67 ").expect("search");
        assert_eq!(s.phone.as_deref(), Some("%9991234567"));
        let s = text_search("89991234567").expect("search");
        assert_eq!(s.phone.as_deref(), Some("%9991234567"));
        let s = text_search("123-45").expect("search");
        assert_eq!(s.phone.as_deref(), Some("%12345%"));
    }

    #[test]
    fn a_part_of_a_number_or_a_name_is_not_a_phone() {
        let s = text_search("301").expect("search");
        assert_eq!((s.number.as_str(), s.phone), ("%301%", None));
        let s = text_search("ИВАНОВ").expect("search");
        assert_eq!(s.name, "%иванов%");
        assert_eq!(s.phone, None);
        assert_eq!(text_search("  %_ "), None);
    }
}
