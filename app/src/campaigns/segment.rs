//! A segment's filter as SQL over `client c`: every condition is a bound parameter, so
//! a filter never writes SQL of its own. Counted live as it is built, and expanded into
//! the queue in one `INSERT … SELECT` when a campaign starts.

use super::{SegmentCount, SegmentFilter};
use crate::error::AppError;
use sqlx::AnyConnection;

/// A `WHERE` clause over `client c` and its parameters (all integers), numbered from
/// `first`.
pub struct Condition {
    pub sql: String,
    pub binds: Vec<i64>,
}

/// Orders that count as purchases: not cancelled.
const LIVE_ORDER: &str =
    "JOIN stage s ON s.id = o.stage_id WHERE o.client_id = c.id AND s.kind <> 'cancelled'";

/// Who may receive mail: consent, an email, the address not known to be dead.
pub const REACHABLE: &str = "c.consent = 1 AND c.email <> '' AND c.email_invalid = 0";

impl Condition {
    /// Builds the condition; `categories` are the filter's categories with every
    /// subcategory (see [`with_subcategories`]); `shops` limits the clients to those
    /// who bought at one of these shops (a manager's view), when given.
    pub fn of(
        filter: &SegmentFilter,
        categories: &[i64],
        shops: Option<&[i64]>,
        first: usize,
    ) -> Result<Condition, AppError> {
        filter.validate()?;
        let mut parts: Vec<String> = vec!["1 = 1".into()];
        let mut binds: Vec<i64> = Vec::new();
        let param = |binds: &mut Vec<i64>, value: i64| {
            binds.push(value);
            format!("${}", first + binds.len() - 1)
        };
        let day = |text: &Option<String>| text.as_deref().and_then(crate::time::parse_day);

        // Purchases: at a shop, in a period, of a category — one order meeting all three.
        let (from, to) = (day(&filter.purchased_from), day(&filter.purchased_to));
        if !filter.shop_ids.is_empty() || from.is_some() || to.is_some() || !categories.is_empty() {
            let mut sql = format!("EXISTS (SELECT 1 FROM orders o {LIVE_ORDER}");
            if !filter.shop_ids.is_empty() {
                let list: Vec<String> = filter
                    .shop_ids
                    .iter()
                    .map(|id| param(&mut binds, *id))
                    .collect();
                sql.push_str(&format!(" AND o.shop_id IN ({})", list.join(", ")));
            }
            if let Some(from) = from {
                sql.push_str(&format!(" AND o.local_day >= {}", param(&mut binds, from)));
            }
            if let Some(to) = to {
                sql.push_str(&format!(" AND o.local_day <= {}", param(&mut binds, to)));
            }
            if !categories.is_empty() {
                let list: Vec<String> =
                    categories.iter().map(|id| param(&mut binds, *id)).collect();
                sql.push_str(&format!(
                    " AND EXISTS (SELECT 1 FROM order_line l JOIN product p ON p.id = l.product_id \
                     WHERE l.order_id = o.id AND p.category_id IN ({}))",
                    list.join(", ")
                ));
            }
            sql.push(')');
            parts.push(sql);
        }
        let spent = format!("(SELECT COALESCE(SUM(o.total), 0) FROM orders o {LIVE_ORDER})");
        if let Some(min) = filter.min_spent {
            parts.push(format!("{spent} >= {}", param(&mut binds, min.0)));
        }
        if let Some(max) = filter.max_spent {
            parts.push(format!("{spent} <= {}", param(&mut binds, max.0)));
        }
        // Balance as on the card: received − refunded − orders not cancelled.
        let balance = format!(
            "((SELECT COALESCE(SUM(CASE WHEN y.direction = 'in' THEN y.amount ELSE -y.amount END), 0) \
               FROM payment y WHERE y.client_id = c.id AND y.planned = 0) - {spent})"
        );
        match filter.in_debt {
            Some(true) => parts.push(format!("{balance} < 0")),
            Some(false) => parts.push(format!("{balance} >= 0")),
            None => {}
        }
        if let Some(min) = filter.min_debt {
            parts.push(format!("-{balance} >= {}", param(&mut binds, min.0)));
        }
        let last = format!("(SELECT MAX(o.local_day) FROM orders o {LIVE_ORDER})");
        if let Some(before) = day(&filter.last_order_before) {
            parts.push(format!("{last} < {}", param(&mut binds, before)));
        }
        if let Some(after) = day(&filter.last_order_after) {
            parts.push(format!("{last} >= {}", param(&mut binds, after)));
        }
        match filter.has_email {
            Some(true) => parts.push("c.email <> ''".into()),
            Some(false) => parts.push("c.email = ''".into()),
            None => {}
        }
        match filter.consent {
            Some(true) => parts.push("c.consent = 1".into()),
            Some(false) => parts.push("c.consent = 0".into()),
            None => {}
        }
        if let Some(shops) = shops {
            if shops.is_empty() {
                parts.push("1 = 0".into());
            } else {
                let list: Vec<String> = shops.iter().map(|id| param(&mut binds, *id)).collect();
                parts.push(format!(
                    "EXISTS (SELECT 1 FROM orders o WHERE o.client_id = c.id AND o.shop_id IN ({}))",
                    list.join(", ")
                ));
            }
        }
        Ok(Condition {
            sql: parts.join(" AND "),
            binds,
        })
    }
}

/// The filter's categories with all their subcategories (the tree is small: read whole).
pub async fn with_subcategories(
    conn: &mut AnyConnection,
    filter: &SegmentFilter,
) -> Result<Vec<i64>, AppError> {
    if filter.category_ids.is_empty() {
        return Ok(Vec::new());
    }
    let tree: Vec<(i64, Option<i64>)> = sqlx::query_as("SELECT id, parent_id FROM category")
        .fetch_all(&mut *conn)
        .await?;
    let mut found: Vec<i64> = filter.category_ids.clone();
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        for (id, p) in &tree {
            if *p == Some(parent) && !found.contains(id) {
                found.push(*id);
            }
        }
        i += 1;
    }
    Ok(found)
}

/// The one client per address who gets a campaign's message: the oldest card with it.
pub fn reachable_ids_sql(condition: &Condition) -> String {
    format!(
        "SELECT MIN(c.id) FROM client c WHERE {} AND {REACHABLE} GROUP BY LOWER(c.email)",
        condition.sql
    )
}

/// How many clients match, and how many of them can receive mail (one per address).
pub async fn count(
    conn: &mut AnyConnection,
    filter: &SegmentFilter,
    shops: Option<&[i64]>,
) -> Result<SegmentCount, AppError> {
    let categories = with_subcategories(conn, filter).await?;
    // The condition appears twice (all, and reachable): the second copy is numbered on.
    let first = Condition::of(filter, &categories, shops, 1)?;
    let second = Condition::of(filter, &categories, shops, first.binds.len() + 1)?;
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM client c WHERE {cond}), \
                (SELECT COUNT(*) FROM ({reachable}) x)",
        cond = first.sql,
        reachable = reachable_ids_sql(&second),
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
    for b in first.binds.iter().chain(second.binds.iter()) {
        query = query.bind(*b);
    }
    let (matching, reachable) = query.fetch_one(&mut *conn).await?;
    Ok(SegmentCount {
        matching,
        reachable,
    })
}

/// Puts one `queued` row per reachable client of the filter into the campaign's queue;
/// returns how many. Runs inside the transaction that starts the campaign.
pub async fn expand(
    conn: &mut AnyConnection,
    campaign_id: i64,
    filter: &SegmentFilter,
) -> Result<i64, AppError> {
    let categories = with_subcategories(conn, filter).await?;
    let condition = Condition::of(filter, &categories, None, 2)?;
    let sql = format!(
        "INSERT INTO campaign_recipient (campaign_id, client_id, email, status) \
         SELECT $1, c.id, c.email, 'queued' FROM client c WHERE c.id IN ({})",
        reachable_ids_sql(&condition)
    );
    let mut query = sqlx::query(&sql).bind(campaign_id);
    for b in &condition.binds {
        query = query.bind(*b);
    }
    let done = query.execute(&mut *conn).await?;
    Ok(done.rows_affected() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Money;

    #[test]
    fn an_empty_filter_is_no_condition_and_parameters_are_numbered_from_first() {
        let c = Condition::of(&SegmentFilter::default(), &[], None, 1).expect("ok");
        assert_eq!(c.sql, "1 = 1");
        assert!(c.binds.is_empty());
        let f = SegmentFilter {
            shop_ids: vec![3, 4],
            min_spent: Some(Money(10_000)),
            purchased_from: Some("2026-01-01".into()),
            ..Default::default()
        };
        let c = Condition::of(&f, &[7], Some(&[1]), 2).expect("ok");
        assert!(c.sql.contains("o.shop_id IN ($2, $3)"), "{}", c.sql);
        assert!(c.sql.contains("o.local_day >= $4"), "{}", c.sql);
        assert!(c.sql.contains("p.category_id IN ($5)"), "{}", c.sql);
        assert!(c.sql.contains(">= $6"), "{}", c.sql);
        assert!(c.sql.contains("o.shop_id IN ($7)"), "{}", c.sql);
        assert_eq!(c.binds.len(), 6);
        assert_eq!(c.binds[0], 3);
        assert_eq!(c.binds[4], 10_000);
    }

    #[test]
    fn a_filter_with_a_bad_date_is_refused_before_any_sql() {
        let f = SegmentFilter {
            last_order_before: Some("yesterday'; DROP TABLE client; --".into()),
            ..Default::default()
        };
        assert!(Condition::of(&f, &[], None, 1).is_err());
    }
}
