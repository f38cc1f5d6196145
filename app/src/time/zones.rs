//! Zones on the server: names checked against the time-zone database (bundled with
//! `jiff`, so a machine without tzdata still knows them), each shop's zone (its own, else
//! the company's), cached, and the stored local days of orders and payments that the
//! report aggregates are keyed by.

use super::{Zone, DAY_MS, DEFAULT_ZONE};
use crate::error::{AppError, Field, Problem};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use sqlx::AnyConnection;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// 2000-01-01 and 2038-01-01 (UTC), the span a [`Zone`] carries offsets for.
const FROM_S: i64 = 946_684_800;
const UNTIL_MS: i64 = 2_145_916_800_000;

fn cache() -> &'static Mutex<HashMap<String, Arc<Zone>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Zone>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// A zone by its IANA name (`Europe/Moscow`): 422 when the database has no such zone.
pub fn named(name: &str) -> Result<Arc<Zone>, AppError> {
    let name = name.trim();
    if let Some(z) = cache().lock().ok().and_then(|c| c.get(name).cloned()) {
        return Ok(z);
    }
    let bad = || AppError::invalid(Field::TimeZone, Problem::Invalid);
    if name.is_empty() || name.len() > 64 {
        return Err(bad());
    }
    let tz = TimeZone::get(name).map_err(|_| bad())?;
    let start = Timestamp::from_second(FROM_S).map_err(|_| AppError::Internal)?;
    let mut offsets = vec![(i64::MIN, tz.to_offset(start).seconds())];
    for t in tz.following(start) {
        let at = t.timestamp().as_millisecond();
        if at >= UNTIL_MS {
            break;
        }
        let seconds = t.offset().seconds();
        if offsets.last().map(|o| o.1) != Some(seconds) {
            offsets.push((at, seconds));
        }
    }
    let zone = Arc::new(Zone {
        name: name.to_string(),
        offsets,
    });
    if let Ok(mut c) = cache().lock() {
        c.insert(name.to_string(), zone.clone());
    }
    Ok(zone)
}

/// A zone name as stored: empty (the company's, for a shop) or a known zone.
pub fn check_name(name: &str, allow_empty: bool) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() && allow_empty {
        return Ok(String::new());
    }
    named(name).map(|z| z.name.clone())
}

/// The company's zone (Settings → Company), Moscow when none was set.
pub async fn company(conn: &mut AnyConnection) -> Result<Arc<Zone>, AppError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT time_zone FROM company WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?;
    let name = row.map(|r| r.0).filter(|n| !n.is_empty());
    Ok(named(name.as_deref().unwrap_or(DEFAULT_ZONE)).unwrap_or_else(|_| Arc::new(Zone::utc())))
}

/// A location's zone: its own, else the company's. An unknown location has the
/// company's zone (shop 0: payments without an order).
pub async fn of_location(conn: &mut AnyConnection, id: i64) -> Result<Arc<Zone>, AppError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT time_zone FROM location WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match row.map(|r| r.0).filter(|n| !n.is_empty()) {
        Some(name) => Ok(named(&name).unwrap_or_else(|_| Arc::new(Zone::utc()))),
        None => company(conn).await,
    }
}

/// The zone a person sees times in: their home shop's, else the company's.
pub async fn of_employee(
    conn: &mut AnyConnection,
    home_location_id: Option<i64>,
) -> Result<Arc<Zone>, AppError> {
    match home_location_id {
        Some(id) => of_location(conn, id).await,
        None => company(conn).await,
    }
}

/// Every zone of the chain at once, for SQL that reads instants on each row's calendar
/// (the report constructor).
#[derive(Debug, Clone)]
pub struct ChainZones {
    pub company: Arc<Zone>,
    /// Locations whose zone is not the company's.
    pub locations: Vec<(i64, Arc<Zone>)>,
}

impl Default for ChainZones {
    fn default() -> Self {
        ChainZones {
            company: Arc::new(Zone::utc()),
            locations: Vec::new(),
        }
    }
}

impl ChainZones {
    /// The offset (ms) at `column` of the zone of the location whose id is `location`
    /// (SQL; NULL or an unknown id: the company's), as one SQL expression.
    pub fn offset_sql(&self, location: Option<&str>, column: &str) -> String {
        let company = offset_case(&self.company, column);
        let Some(location) = location else {
            return company;
        };
        // Locations grouped by zone: one branch per zone, not per shop.
        let mut by_zone: Vec<(&Zone, Vec<i64>)> = Vec::new();
        for (id, zone) in &self.locations {
            match by_zone.iter_mut().find(|(z, _)| z.name == zone.name) {
                Some((_, ids)) => ids.push(*id),
                None => by_zone.push((zone, vec![*id])),
            }
        }
        if by_zone.is_empty() {
            return company;
        }
        let mut sql = String::from("CASE");
        for (zone, ids) in by_zone {
            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
            sql.push_str(&format!(
                " WHEN {location} IN ({}) THEN ({})",
                ids.join(", "),
                offset_case(zone, column)
            ));
        }
        sql.push_str(&format!(" ELSE ({company}) END"));
        sql
    }

    /// The local day (days since 1970-01-01) of the instant `column` on that location's
    /// calendar, as SQL.
    pub fn day_sql(&self, location: Option<&str>, column: &str) -> String {
        format!(
            "(({column}) + ({})) / {DAY_MS}",
            self.offset_sql(location, column)
        )
    }
}

/// The company's zone and every location's that differs from it.
pub async fn chain(conn: &mut AnyConnection) -> Result<ChainZones, AppError> {
    let company = company(conn).await?;
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, time_zone FROM location WHERE time_zone <> '' ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    let mut locations = Vec::new();
    for (id, name) in rows {
        if let Ok(zone) = named(&name) {
            if zone.name != company.name {
                locations.push((id, zone));
            }
        }
    }
    Ok(ChainZones { company, locations })
}

/// Writes the local days of every order and payment again from their instants and their
/// shops' zones (after a zone changes, a migration, or data loaded with its own times):
/// a few set-based updates per shop and change of offset, not one per row. The caller
/// rebuilds the aggregates after it, in the same transaction.
pub async fn recompute_local_days(conn: &mut AnyConnection) -> Result<(), AppError> {
    let shops: Vec<(i64,)> = sqlx::query_as("SELECT id FROM location ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let mut zones = Vec::with_capacity(shops.len() + 1);
    for (id,) in shops {
        zones.push((id, of_location(conn, id).await?));
    }
    let company = company(conn).await?;
    // One pass per shop over each table: the offset of every span of the zone is a
    // CASE on the instant, so 2011's and 2014's Moscow offsets land right too.
    for (shop, zone) in &zones {
        let orders = offset_case(zone, "created_at");
        sqlx::query(&format!(
            "UPDATE orders SET local_day = (created_at + {orders}) / {DAY_MS} WHERE shop_id = $1"
        ))
        .bind(shop)
        .execute(&mut *conn)
        .await?;
        let payments = offset_case(zone, "paid_at");
        sqlx::query(&format!(
            "UPDATE payment SET local_day = (paid_at + {payments}) / {DAY_MS} \
             WHERE order_id IN (SELECT id FROM orders WHERE shop_id = $1)"
        ))
        .bind(shop)
        .execute(&mut *conn)
        .await?;
    }
    let payments = offset_case(&company, "paid_at");
    sqlx::query(&format!(
        "UPDATE payment SET local_day = (paid_at + {payments}) / {DAY_MS} WHERE order_id IS NULL"
    ))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The zone's offset (ms) at `column` as SQL: a number, or a CASE over its spans.
fn offset_case(zone: &Zone, column: &str) -> String {
    let spans = spans(zone);
    if spans.len() == 1 {
        return spans[0].2.to_string();
    }
    let mut sql = String::from("CASE");
    for (_, until, offset) in &spans[..spans.len() - 1] {
        sql.push_str(&format!(" WHEN {column} < {until} THEN {offset}"));
    }
    sql.push_str(&format!(" ELSE {} END", spans[spans.len() - 1].2));
    sql
}

/// `[from, until)` in UTC ms with one offset (in ms) each, covering every instant from 0.
fn spans(zone: &Zone) -> Vec<(i64, i64, i64)> {
    let mut out = Vec::with_capacity(zone.offsets.len());
    for (i, (from, seconds)) in zone.offsets.iter().enumerate() {
        let until = zone.offsets.get(i + 1).map(|o| o.0).unwrap_or(i64::MAX);
        out.push(((*from).max(0), until, i64::from(*seconds) * 1000));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_chains_zones_are_known_with_their_offsets_now() {
        let now = 1_796_000_000_000; // 2026-12
        for (name, hours) in [
            ("Europe/Moscow", 3),
            ("Europe/Samara", 4),
            ("Asia/Yekaterinburg", 5),
            ("Asia/Novosibirsk", 7),
        ] {
            let zone = named(name).expect("known zone");
            assert_eq!(zone.offset_ms(now), hours * 3_600_000, "{name}");
        }
        // Moscow kept UTC+4 from 2011 to 2014: the history is there too.
        let moscow = named("Europe/Moscow").expect("zone");
        assert_eq!(moscow.offset_ms(1_356_998_400_000), 4 * 3_600_000); // 2013-01-01
        assert!(named("Mars/Olympus").is_err());
        assert!(check_name("", true).is_ok());
        assert!(check_name("", false).is_err());
    }

    #[test]
    fn offsets_become_one_sql_expression() {
        assert_eq!(offset_case(&Zone::fixed("x", 3600), "t"), "3600000");
        let two = Zone {
            name: "y".into(),
            offsets: vec![(i64::MIN, 14_400), (1_414_274_400_000, 10_800)],
        };
        assert_eq!(
            offset_case(&two, "t"),
            "CASE WHEN t < 1414274400000 THEN 14400000 ELSE 10800000 END"
        );
    }

    #[test]
    fn a_chain_reads_each_location_in_its_zone_and_the_rest_in_the_company_s() {
        let chain = ChainZones {
            company: Arc::new(Zone::fixed("msk", 3 * 3600)),
            locations: vec![
                (5, Arc::new(Zone::fixed("nsk", 7 * 3600))),
                (6, Arc::new(Zone::fixed("nsk", 7 * 3600))),
            ],
        };
        assert_eq!(
            chain.offset_sql(Some("t0.shop_id"), "t0.created_at"),
            "CASE WHEN t0.shop_id IN (5, 6) THEN (25200000) ELSE (10800000) END"
        );
        assert_eq!(chain.offset_sql(None, "t0.created_at"), "10800000");
        assert_eq!(
            ChainZones::default().day_sql(Some("x"), "t"),
            "((t) + (0)) / 86400000"
        );
    }

    #[test]
    fn spans_cover_every_instant_once() {
        let zone = named("Europe/Moscow").expect("zone");
        let spans = spans(&zone);
        assert_eq!(spans[0].0, 0);
        for pair in spans.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
        }
        assert_eq!(spans.last().map(|s| s.1), Some(i64::MAX));
    }
}
