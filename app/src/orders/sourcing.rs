//! A sourcing suggestion at order entry: the plan that serves the order's lines from the
//! fewest locations, nearest first — the seller's shop, then other shops by distance
//! (where the client can go or the goods come from), then warehouses (delivery). The
//! seller takes it with one button or still picks per line.

use crate::quantity::Qty;
use serde::{Deserialize, Serialize};

/// A line to source: the product and how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Need {
    pub product_id: i64,
    pub qty: Qty,
}

/// Where one line would come from (`None`: no location has enough).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlannedLine {
    pub product_id: i64,
    pub location_id: Option<i64>,
    pub location: Option<String>,
}

/// The suggestion: one entry per line, in the lines' order, and how many locations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourcingPlan {
    pub lines: Vec<PlannedLine>,
    pub locations: usize,
}

/// A location as the planner ranks it: lower `rank` is preferred.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub rank: i64,
}

/// The plan over `candidates` (ranked) with `free(product, location)` available: first
/// the single most preferred location that has every line, else greedily the location
/// that covers most of the lines still open (the preferred one on a tie), until no
/// location adds any. Pure, so it is tested without a database.
pub fn plan(
    needs: &[Need],
    candidates: &[Candidate],
    free: impl Fn(i64, i64) -> i64,
) -> SourcingPlan {
    let mut ranked: Vec<&Candidate> = candidates.iter().collect();
    ranked.sort_by_key(|c| (c.rank, c.id));
    let has = |c: &Candidate, n: &Need| free(n.product_id, c.id) >= n.qty.0;
    let mut chosen: Vec<Option<&Candidate>> = vec![None; needs.len()];
    if let Some(one) = ranked
        .iter()
        .copied()
        .find(|c| needs.iter().all(|n| has(c, n)))
    {
        chosen = vec![Some(one); needs.len()];
    } else {
        loop {
            let best = ranked
                .iter()
                .map(|c| {
                    let c: &Candidate = c;
                    let covers = needs
                        .iter()
                        .zip(&chosen)
                        .filter(|(n, pick)| pick.is_none() && has(c, n))
                        .count();
                    (covers, c)
                })
                .filter(|(covers, _)| *covers > 0)
                // Most lines first; `max_by_key` keeps the last maximum, so reverse the
                // preference to keep the most preferred of equals.
                .max_by_key(|(covers, c)| (*covers, std::cmp::Reverse((c.rank, c.id))));
            let Some((_, c)) = best else { break };
            let c: &Candidate = c;
            for (n, pick) in needs.iter().zip(chosen.iter_mut()) {
                if pick.is_none() && has(c, n) {
                    *pick = Some(c);
                }
            }
        }
    }
    let mut used: Vec<i64> = chosen.iter().flatten().map(|c| c.id).collect();
    used.sort_unstable();
    used.dedup();
    SourcingPlan {
        lines: needs
            .iter()
            .zip(chosen)
            .map(|(n, c)| PlannedLine {
                product_id: n.product_id,
                location_id: c.map(|c| c.id),
                location: c.map(|c| c.name.clone()),
            })
            .collect(),
        locations: used.len(),
    }
}

/// The suggestion for an order's lines, seen from `shop` (the seller's shop when none).
#[cfg(feature = "ssr")]
pub async fn suggest(
    db: &crate::db::Db,
    caller: &crate::auth::service::Caller,
    shop: Option<i64>,
    needs: Vec<Need>,
) -> Result<SourcingPlan, crate::error::AppError> {
    use crate::error::{AppError, Field, Problem};
    caller.require(crate::auth::Action::EditOrders)?;
    if needs.len() > 200 {
        return Err(AppError::invalid(Field::Product, Problem::TooLong));
    }
    for n in &needs {
        n.qty.check(Field::Quantity)?;
    }
    let home = shop.or(caller.home_location_id);
    let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, name, kind, lat_micro, lon_micro FROM location WHERE active = 1 ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    let here = rows.iter().find(|r| Some(r.0) == home).map(|r| (r.3, r.4));
    let candidates: Vec<Candidate> = rows
        .iter()
        .map(|(id, name, kind, lat, lon)| {
            // The seller's shop, then shops by distance, then warehouses by distance.
            let distance = here.map_or(0, |(hl, hn)| {
                let (dl, dn) = ((lat - hl).abs(), (lon - hn).abs());
                // A ranking, not a distance: squared degrees in whole units are enough.
                (dl / 1000).saturating_mul(dl / 1000) + (dn / 1000).saturating_mul(dn / 1000)
            });
            let rank = if Some(*id) == home {
                0
            } else if kind == "shop" {
                1 + distance
            } else {
                i64::MAX / 2 + distance.min(i64::MAX / 4)
            };
            Candidate {
                id: *id,
                name: name.clone(),
                rank,
            }
        })
        .collect();
    let mut free = std::collections::HashMap::new();
    let mut products: Vec<i64> = needs.iter().map(|n| n.product_id).collect();
    products.sort_unstable();
    products.dedup();
    for chunk in products.chunks(100) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT product_id, location_id, on_hand - reserved FROM stock_level WHERE product_id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
        for p in chunk {
            q = q.bind(*p);
        }
        for (p, l, f) in q.fetch_all(&db.pool).await? {
            free.insert((p, l), f);
        }
    }
    // Two lines of one product from one place need the sum: count them together.
    let mut merged: Vec<Need> = Vec::new();
    for n in &needs {
        match merged.iter_mut().find(|m| m.product_id == n.product_id) {
            Some(m) => m.qty = Qty(m.qty.0.saturating_add(n.qty.0)),
            None => merged.push(n.clone()),
        }
    }
    let whole = plan(&merged, &candidates, |p, l| {
        free.get(&(p, l)).copied().unwrap_or(0)
    });
    // Back to the lines as entered.
    let lines = needs
        .iter()
        .map(|n| {
            whole
                .lines
                .iter()
                .find(|l| l.product_id == n.product_id)
                .cloned()
                .unwrap_or(PlannedLine {
                    product_id: n.product_id,
                    location_id: None,
                    location: None,
                })
        })
        .collect();
    Ok(SourcingPlan {
        lines,
        locations: whole.locations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, rank: i64) -> Candidate {
        Candidate {
            id,
            name: format!("L{id}"),
            rank,
        }
    }

    fn need(product_id: i64, units: i64) -> Need {
        Need {
            product_id,
            qty: Qty(units * 1000),
        }
    }

    #[test]
    fn one_location_with_everything_wins_nearest_first() {
        // Shop 1 (the seller's) lacks product 2; shops 2 and 3 have both; 2 is nearer.
        let stock = |p: i64, l: i64| match (p, l) {
            (1, _) => 5000,
            (2, 2) | (2, 3) => 5000,
            _ => 0,
        };
        let plan = plan(
            &[need(1, 1), need(2, 2)],
            &[c(1, 0), c(3, 9), c(2, 4)],
            stock,
        );
        assert_eq!(plan.locations, 1);
        assert!(plan.lines.iter().all(|l| l.location_id == Some(2)));
    }

    #[test]
    fn otherwise_the_fewest_locations_and_what_nobody_has_is_said() {
        // Nobody has all three: the own shop has 1 and 2, the warehouse 3; 4 is nowhere.
        let stock = |p: i64, l: i64| match (p, l) {
            (1, 1) | (2, 1) | (3, 9) | (1, 9) => 5000,
            _ => 0,
        };
        let plan = plan(
            &[need(1, 1), need(2, 1), need(3, 1), need(4, 1)],
            &[c(1, 0), c(9, 100)],
            stock,
        );
        assert_eq!(plan.locations, 2);
        let at: Vec<Option<i64>> = plan.lines.iter().map(|l| l.location_id).collect();
        assert_eq!(at, vec![Some(1), Some(1), Some(9), None]);
    }

    #[test]
    fn not_enough_is_not_enough() {
        let plan = plan(&[need(1, 3)], &[c(1, 0)], |_, _| 2000);
        assert_eq!(plan.lines[0].location_id, None);
        assert_eq!(plan.locations, 0);
    }
}
