//! Stock overview of one location: every product it holds, filtered by category, or only
//! what runs low, or only what is reserved.

use super::{Only, OverviewFilter, OverviewRow};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::catalog::Unit;
use crate::db::Db;
use crate::error::AppError;
use crate::quantity::Qty;

/// Available below this many units counts as "low" (until per-product minimums exist).
pub const LOW_BELOW: Qty = Qty(2_000);

pub async fn overview(
    db: &Db,
    caller: &Caller,
    f: OverviewFilter,
) -> Result<Vec<OverviewRow>, AppError> {
    caller.require(Action::ViewStock)?;
    let only = match f.only {
        Only::All => "all",
        Only::Low => "low",
        Only::Reserved => "reserved",
    };
    let rows: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT p.id, p.sku, p.name, p.unit, s.on_hand, s.reserved \
         FROM stock_level s JOIN product p ON p.id = s.product_id \
         WHERE s.location_id = $1 AND p.active = 1 \
           AND ($2 IS NULL OR p.category_id = $2 OR p.category_id IN (SELECT id FROM category WHERE parent_id = $2)) \
           AND ($3 = 'all' OR ($3 = 'low' AND s.on_hand - s.reserved < $4) OR ($3 = 'reserved' AND s.reserved > 0)) \
         ORDER BY p.name LIMIT 500",
    )
    .bind(f.location_id)
    .bind(f.category_id)
    .bind(only)
    .bind(LOW_BELOW.0)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(product_id, sku, name, unit, on_hand, reserved)| {
            Ok(OverviewRow {
                product_id,
                sku,
                name,
                unit: Unit::parse(&unit).ok_or(AppError::Internal)?,
                on_hand: Qty(on_hand),
                reserved: Qty(reserved),
                available: Qty(on_hand - reserved),
            })
        })
        .collect()
}
