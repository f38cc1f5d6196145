//! Who may read or change which record (DESIGN.md §5a). Roles say what kind of action a
//! caller may take ([`crate::auth::Action`]); this module says on which records. Every
//! service asks one helper here, named after the record and the action, before it reads
//! or writes; handlers and the UI never repeat the rule.
//!
//! The rules (the README's role table says the same):
//! - directors, accountants and admins see every shop's records; managers and
//!   storekeepers those of their home shop and the shops granted to them
//!   (Settings → Shop access) — [`Caller::shops`];
//! - changing an order (edit, reserve for it) needs a shop the caller works on (accountants
//!   read only; they record payments anywhere);
//! - stock documents only at the caller's locations: a transfer leaves from one of them,
//!   or is delivery ordered from a warehouse to one of them; receiving happens at one;
//! - a reservation that belongs to an order changes only through that order (409 here);
//!   a client hold is closed by its seller, its location's staff, or a director/admin;
//! - tasks: their assignee, their creator and the staff of the linked order's shop see
//!   and move them; directors and admins all.
//!
//! The `*_for_change` helpers take the row first (`SELECT … FOR UPDATE` on PostgreSQL,
//! see [`crate::db::for_update`]) so what they return stays true until the transaction ends.

use crate::auth::service::Caller;
use crate::auth::{Action, Role};
use crate::db::for_update;
use crate::error::{AppError, Conflict, Field, Problem};
use sqlx::AnyConnection;

impl Caller {
    /// Directors, accountants and admins see every shop's records.
    pub fn sees_every_shop(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Director | Role::Accountant)
    }

    /// Directors and admins change records of every shop.
    pub fn changes_every_shop(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Director)
    }

    /// The home shop and the granted ones.
    pub fn shops(&self) -> Vec<i64> {
        let mut shops: Vec<i64> = self
            .home_location_id
            .into_iter()
            .chain(self.granted_shops.iter().copied())
            .collect();
        shops.sort_unstable();
        shops.dedup();
        shops
    }

    /// The shops whose records the caller sees; `None` means all of them.
    pub fn scope(&self) -> Option<Vec<i64>> {
        (!self.sees_every_shop()).then(|| self.shops())
    }

    /// Whether the caller sees records of this shop.
    pub fn sees_shop(&self, shop_id: i64) -> bool {
        self.sees_every_shop() || self.works_at(shop_id)
    }

    /// Whether this is one of the caller's own shops or locations.
    pub fn works_at(&self, location_id: i64) -> bool {
        self.home_location_id == Some(location_id) || self.granted_shops.contains(&location_id)
    }

    /// Whether the caller may change records of this shop (or stock at this location).
    pub fn changes_shop(&self, shop_id: i64) -> bool {
        self.changes_every_shop() || self.works_at(shop_id)
    }
}

/// 403 unless the caller sees this shop's records.
pub fn check_shop_read(caller: &Caller, shop_id: i64) -> Result<(), AppError> {
    if caller.sees_shop(shop_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// What scope decisions need of an order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderScope {
    pub id: i64,
    pub shop_id: i64,
    pub manager_id: i64,
    pub client_id: Option<i64>,
    /// `open`, `done` or `cancelled`.
    pub stage_kind: String,
}

impl OrderScope {
    pub fn is_open(&self) -> bool {
        self.stage_kind == "open"
    }
}

async fn load_order(
    conn: &mut AnyConnection,
    id: i64,
    lock: bool,
) -> Result<Option<OrderScope>, AppError> {
    // One round trip: the stage's kind comes from a subquery, so `FOR UPDATE` takes the
    // order's row alone (a join would lock the stage row too).
    let row: Option<(i64, i64, i64, Option<i64>, String)> = sqlx::query_as(&format!(
        "SELECT o.id, o.shop_id, o.manager_id, o.client_id, \
                (SELECT s.kind FROM stage s WHERE s.id = o.stage_id) \
         FROM orders o WHERE o.id = $1{}",
        if lock { for_update(conn) } else { "" }
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, shop_id, manager_id, client_id, stage_kind)) = row else {
        return Ok(None);
    };
    Ok(Some(OrderScope {
        id,
        shop_id,
        manager_id,
        client_id,
        stage_kind,
    }))
}

/// Takes the order's row for the rest of the transaction (a no-op on SQLite, whose
/// writers are serialised anyway). Every writer that reads what an order contributes in
/// order to write it back calls this first. 404 when there is no such order.
pub async fn lock_order(conn: &mut AnyConnection, id: i64) -> Result<OrderScope, AppError> {
    load_order(conn, id, true).await?.ok_or(AppError::NotFound)
}

/// An order the caller may see (404 when there is none, 403 when it is another shop's).
pub async fn order_for_read(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: i64,
) -> Result<OrderScope, AppError> {
    caller.require(Action::ViewOrders)?;
    let order = load_order(conn, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    check_shop_read(caller, order.shop_id)?;
    Ok(order)
}

/// An order the caller may move between stages (the transition's roles are checked by
/// the process): one they see, taken for the transaction.
pub async fn order_for_move(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: i64,
) -> Result<OrderScope, AppError> {
    caller.require(Action::ViewOrders)?;
    let order = lock_order(conn, id).await?;
    check_shop_read(caller, order.shop_id)?;
    Ok(order)
}

/// An order the caller may edit (its lines, client, reservations): one of their shops'
/// (any for directors and admins), taken for the transaction. Closed orders are 409.
pub async fn order_for_edit(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: i64,
) -> Result<OrderScope, AppError> {
    caller.require(Action::EditOrders)?;
    let order = lock_order(conn, id).await?;
    check_shop_read(caller, order.shop_id)?;
    if !caller.changes_shop(order.shop_id) {
        return Err(AppError::Forbidden);
    }
    if !order.is_open() {
        return Err(AppError::conflict(Conflict::OrderClosed));
    }
    Ok(order)
}

/// An order a payment is recorded against: one the caller sees (accountants: any),
/// taken for the transaction. An unknown order is 422 (it is a field of the payment).
pub async fn order_for_payment(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: i64,
) -> Result<OrderScope, AppError> {
    caller.require(Action::RecordPayments)?;
    let order = match lock_order(conn, id).await {
        Err(AppError::NotFound) => return Err(AppError::invalid(Field::Order, Problem::NotFound)),
        other => other?,
    };
    check_shop_read(caller, order.shop_id)?;
    Ok(order)
}

/// 403 unless the caller may move stock at this location (receipts, write-offs,
/// returns, counts, receiving a transfer).
pub fn check_location_stock(caller: &Caller, location_id: i64) -> Result<(), AppError> {
    caller.require(Action::MoveStock)?;
    if caller.changes_shop(location_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A transfer leaves from one of the caller's locations, or is a delivery the caller
/// orders from a warehouse to one of theirs (the stock screen's "deliver to my shop").
pub async fn check_transfer(
    conn: &mut AnyConnection,
    caller: &Caller,
    from: i64,
    to: i64,
) -> Result<(), AppError> {
    caller.require(Action::MoveStock)?;
    if caller.changes_shop(from) {
        return Ok(());
    }
    let kind: Option<(String,)> = sqlx::query_as("SELECT kind FROM location WHERE id = $1")
        .bind(from)
        .fetch_optional(&mut *conn)
        .await?;
    match kind {
        Some((kind,)) if kind == "warehouse" && caller.works_at(to) => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// A client hold the caller may release or sell, taken for the transaction. A
/// reservation of an order changes only through the order (409 `reservation_of_order`).
pub async fn hold_for_change(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: i64,
) -> Result<(), AppError> {
    caller.require(Action::Reserve)?;
    let row: Option<(Option<i64>, i64, i64)> = sqlx::query_as(&format!(
        "SELECT order_id, location_id, created_by FROM reservation WHERE id = $1{}",
        for_update(conn)
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let (order_id, location_id, created_by) = row.ok_or(AppError::NotFound)?;
    may_close_hold(caller, order_id, location_id, created_by)
}

/// The rule of [`hold_for_change`] on a reservation already read (the stock screen asks
/// it to show Release and Fulfil only where they will be taken).
pub fn may_close_hold(
    caller: &Caller,
    order_id: Option<i64>,
    location_id: i64,
    created_by: i64,
) -> Result<(), AppError> {
    caller.require(Action::Reserve)?;
    if order_id.is_some() {
        return Err(AppError::conflict(Conflict::ReservationOfOrder));
    }
    if created_by == caller.id || caller.changes_shop(location_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Reserving for an order needs an open order the caller may edit: 422 when there is no
/// such order, 403 when it is another shop's, 409 when it is closed.
pub async fn check_reserve_for_order(
    conn: &mut AnyConnection,
    caller: &Caller,
    order_id: i64,
) -> Result<(), AppError> {
    match order_for_edit(conn, caller, order_id).await {
        Err(AppError::NotFound) => Err(AppError::invalid(Field::Order, Problem::NotFound)),
        other => other.map(|_| ()),
    }
}

/// What scope decisions need of a task.
#[derive(Debug, Clone)]
pub struct TaskScope {
    pub id: i64,
    pub assignee_id: Option<i64>,
}

/// The SQL condition (on `task t` left-joined to `orders o`) of the tasks a caller sees,
/// with its bound values appended to `binds` (numbered from `binds.len() + 1`).
pub fn task_condition(caller: &Caller, binds: &mut Vec<i64>) -> String {
    if caller.changes_every_shop() {
        return "1 = 1".into();
    }
    binds.push(caller.id);
    let me = binds.len();
    let mut cond = format!("(t.assignee_id = ${me} OR t.created_by = ${me}");
    let shops = caller.shops();
    if !shops.is_empty() {
        let marks: Vec<String> = shops
            .into_iter()
            .map(|s| {
                binds.push(s);
                format!("${}", binds.len())
            })
            .collect();
        cond.push_str(&format!(" OR o.shop_id IN ({})", marks.join(", ")));
    }
    cond.push(')');
    cond
}

/// A task the caller may see and work on (comment, move): 404 when there is none, 403
/// when it is neither theirs nor linked to an order of their shops.
pub async fn task_for_read(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: i64,
) -> Result<TaskScope, AppError> {
    caller.require(Action::Tasks)?;
    let row: Option<(Option<i64>, i64, Option<i64>)> = sqlx::query_as(
        "SELECT t.assignee_id, t.created_by, o.shop_id FROM task t \
         LEFT JOIN orders o ON o.id = t.order_id WHERE t.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let (assignee_id, created_by, shop) = row.ok_or(AppError::NotFound)?;
    let allowed = caller.changes_every_shop()
        || assignee_id == Some(caller.id)
        || created_by == caller.id
        || shop.is_some_and(|s| caller.works_at(s));
    if allowed {
        Ok(TaskScope { id, assignee_id })
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role, home: Option<i64>, granted: Vec<i64>) -> Caller {
        Caller {
            id: 7,
            login: "x".into(),
            name: "x".into(),
            role,
            home_location_id: home,
            granted_shops: granted,
        }
    }

    #[test]
    fn managers_see_and_change_their_home_and_granted_shops_only() {
        let m = caller(Role::Manager, Some(1), vec![3]);
        assert_eq!(m.scope(), Some(vec![1, 3]));
        assert!(m.sees_shop(1) && m.sees_shop(3) && !m.sees_shop(2));
        assert!(m.changes_shop(3) && !m.changes_shop(2));
    }

    #[test]
    fn accountants_read_everywhere_but_change_no_shop() {
        let a = caller(Role::Accountant, None, vec![]);
        assert_eq!(a.scope(), None);
        assert!(a.sees_shop(5));
        assert!(!a.changes_shop(5));
        assert!(check_location_stock(&a, 5).is_err());
    }

    #[test]
    fn directors_change_every_shop() {
        let d = caller(Role::Director, None, vec![]);
        assert!(d.changes_shop(42));
        assert!(check_location_stock(&d, 42).is_ok());
    }

    #[test]
    fn the_task_condition_binds_the_caller_and_their_shops() {
        let m = caller(Role::Manager, Some(1), vec![3]);
        let mut binds = vec![100];
        let cond = task_condition(&m, &mut binds);
        assert_eq!(
            cond,
            "(t.assignee_id = $2 OR t.created_by = $2 OR o.shop_id IN ($3, $4))"
        );
        assert_eq!(binds, vec![100, 7, 1, 3]);
        let admin = caller(Role::Admin, None, vec![]);
        assert_eq!(task_condition(&admin, &mut Vec::new()), "1 = 1");
    }
}
