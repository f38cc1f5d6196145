//! Where a product is: every active location's numbers, the caller's own location first
//! and the rest by distance, who holds the reservations, and the alternatives.

use super::{AlternativeStock, Availability, LocationStock};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::catalog::service::{alternatives_of, load_product};
use crate::catalog::{ProductHit, Unit};
use crate::db::Db;
use crate::error::AppError;
use crate::org::LocationKind;
use crate::quantity::{Money, Qty};

type LevelRow = (i64, String, String, String, String, i64, i64, i64, i64);

/// Great-circle distance in whole kilometres between two points in micro-degrees.
/// (Ordering only; floating point is fine here, unlike for money or quantities.)
pub fn distance_km(a: (i64, i64), b: (i64, i64)) -> i64 {
    let rad = |micro: i64| (micro as f64 / 1_000_000.0).to_radians();
    let (lat1, lon1, lat2, lon2) = (rad(a.0), rad(a.1), rad(b.0), rad(b.1));
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    (2.0 * 6371.0 * h.sqrt().asin()).round() as i64
}

/// Numbers at every active location, home first, then nearest first.
pub async fn locations_for(
    db: &Db,
    product_id: i64,
    home: Option<i64>,
) -> Result<Vec<LocationStock>, AppError> {
    let rows: Vec<LevelRow> = sqlx::query_as(
        "SELECT l.id, l.name, l.kind, l.city, l.address, l.lat_micro, l.lon_micro, \
                COALESCE(s.on_hand, 0), COALESCE(s.reserved, 0) \
         FROM location l LEFT JOIN stock_level s ON s.location_id = l.id AND s.product_id = $1 \
         WHERE l.active = 1",
    )
    .bind(product_id)
    .fetch_all(&db.pool)
    .await?;
    let origin = home
        .and_then(|h| rows.iter().find(|r| r.0 == h))
        .map(|r| (r.5, r.6));
    let mut list: Vec<LocationStock> = rows
        .into_iter()
        .map(
            |(id, name, kind, city, address, lat, lon, on_hand, reserved)| {
                Ok(LocationStock {
                    location_id: id,
                    name,
                    kind: LocationKind::parse(&kind).ok_or(AppError::Internal)?,
                    city,
                    address,
                    distance_km: origin.map(|o| distance_km(o, (lat, lon))),
                    is_home: Some(id) == home,
                    on_hand: Qty(on_hand),
                    reserved: Qty(reserved),
                    available: Qty(on_hand - reserved),
                })
            },
        )
        .collect::<Result<_, AppError>>()?;
    list.sort_by(|a, b| {
        b.is_home
            .cmp(&a.is_home)
            .then(
                a.distance_km
                    .unwrap_or(i64::MAX)
                    .cmp(&b.distance_km.unwrap_or(i64::MAX)),
            )
            .then(a.name.cmp(&b.name))
    });
    Ok(list)
}

pub async fn availability(
    db: &Db,
    caller: &Caller,
    product_id: i64,
) -> Result<Availability, AppError> {
    caller.require(Action::ViewStock)?;
    let mut conn = db.pool.acquire().await?;
    let product = load_product(&mut conn, product_id).await?;
    let alternative_ids = alternatives_of(&mut conn, product_id).await?;
    drop(conn);
    let locations = locations_for(db, product_id, caller.home_location_id).await?;
    let reservations = super::reservations::active_for_product(db, caller, product_id).await?;
    let mut alternatives = Vec::with_capacity(alternative_ids.len());
    for id in alternative_ids {
        let (sku, name, unit, price): (String, String, String, i64) =
            sqlx::query_as("SELECT sku, name, unit, price FROM product WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await?;
        let spots = locations_for(db, id, caller.home_location_id).await?;
        let total: i64 = spots.iter().map(|s| s.available.0).sum();
        let best = spots
            .iter()
            .filter(|s| s.available.is_positive())
            .max_by_key(|s| s.available.0);
        alternatives.push(AlternativeStock {
            product: ProductHit {
                id,
                sku,
                name,
                unit: Unit::parse(&unit).ok_or(AppError::Internal)?,
                price: Money(price),
                available: Qty(total),
                exact_barcode: false,
            },
            best_location: best.map(|b| b.name.clone()),
            best_available: best.map(|b| b.available).unwrap_or_default(),
        });
    }
    Ok(Availability {
        product,
        locations,
        reservations,
        alternatives,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moscow_to_saint_petersburg_is_about_634_km() {
        let moscow = (55_757_400, 37_611_900);
        let spb = (59_935_700, 30_325_700);
        let d = distance_km(moscow, spb);
        assert!((625..=645).contains(&d), "{d}");
        assert_eq!(distance_km(moscow, moscow), 0);
    }
}
