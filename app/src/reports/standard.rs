//! The standard reports, read from the aggregates (never from the base tables), limited
//! to the caller's shops.

use super::aggregates::{first_day_of_month, month_of_day, DAY_MS};
use super::{Column, Params, SalesBy, Standard, Table, Value};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Field, Problem};
use crate::quantity::{Money, Qty};
use std::collections::HashMap;

/// Rows shown; the totals cover every row.
pub const MAX_ROWS: usize = 1000;

fn col(id: &str, en: &str, ru: &str) -> Column {
    Column {
        id: id.into(),
        label_en: en.into(),
        label_ru: ru.into(),
    }
}

/// How far back "all time" reaches (the longest period a report reads).
pub const MAX_PERIOD_DAYS: i64 = 366 * 20;

/// A period `[from, to]` in days; the current month by default, the last twenty years
/// for "all time".
pub fn period(params: &Params) -> Result<(i64, i64), AppError> {
    let today = params.today.unwrap_or_else(|| now_ms().div_euclid(DAY_MS));
    if params.all_time {
        return Ok((today - MAX_PERIOD_DAYS, today));
    }
    let parse = |s: &Option<String>| -> Result<Option<i64>, AppError> {
        match s.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(None),
            // A date is a day of the local calendars the aggregates are keyed by.
            Some(s) => crate::time::parse_day(s)
                .map(Some)
                .ok_or(AppError::invalid(Field::Period, Problem::Invalid)),
        }
    };
    let from = parse(&params.from)?.unwrap_or(first_day_of_month(month_of_day(today)));
    let to = parse(&params.to)?.unwrap_or(today);
    if to < from || to - from > MAX_PERIOD_DAYS {
        return Err(AppError::invalid(Field::Period, Problem::OutOfRange));
    }
    Ok((from, to))
}

/// A range of buckets at one grain (0 day, 1 month, 2 year), added (`sign` 1) or taken
/// away (`sign` -1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub grain: i64,
    pub lo: i64,
    pub hi: i64,
    pub sign: i64,
}

/// What reading one bucket costs, in day buckets: a month's rows are about as many as
/// eight days', a year's about as many as ten days'.
const MONTH_COST: i64 = 8;
const YEAR_COST: i64 = 10;

/// `[from, to]` in days as the cheapest signed sum of years, months and days: whole
/// years and months where they fit, and a partial month (year) read as the whole month
/// (year) less the days (months) outside the period when that reads fewer rows. So the
/// last twelve months up to today are about one year row, one month row and a few days
/// per key (the days after today carry nothing), not twelve months and thirty days.
pub fn spans(from: i64, to: i64) -> Vec<Span> {
    let mut out = Vec::new();
    let months = coarsen(
        (from, to),
        0,
        &mut out,
        month_of_day,
        first_day_of_month,
        (1, MONTH_COST),
    );
    if let Some((m1, m2)) = months {
        let years = coarsen(
            (m1, m2),
            1,
            &mut out,
            |m| m.div_euclid(12),
            |y| y * 12,
            (MONTH_COST, YEAR_COST),
        );
        if let Some((y1, y2)) = years {
            out.push(Span {
                grain: 2,
                lo: y1,
                hi: y2,
                sign: 1,
            });
        }
    }
    out
}

/// Covers the fine buckets `[lo, hi]` of `grain`: pushes the fine spans it reads
/// (added, or taken away from a whole coarse bucket) and returns the coarse buckets
/// still to read. `coarse` maps a fine bucket to its coarse one, `first` a coarse bucket
/// to its first fine one; `cost` is (fine, coarse).
fn coarsen(
    (lo, hi): (i64, i64),
    grain: i64,
    out: &mut Vec<Span>,
    coarse: impl Fn(i64) -> i64,
    first: impl Fn(i64) -> i64,
    (fine_cost, coarse_cost): (i64, i64),
) -> Option<(i64, i64)> {
    let span = |lo, hi, sign| Span {
        grain,
        lo,
        hi,
        sign,
    };
    // Reading `inside` fine buckets against the coarse one less `outside` fine ones.
    let whole_is_cheaper =
        |inside: i64, outside: i64| coarse_cost + outside * fine_cost < inside * fine_cost;
    let (c1, c2) = (coarse(lo), coarse(hi));
    let (start, end) = (first(c1), first(c2 + 1) - 1);
    if c1 == c2 {
        let (inside, outside) = (hi - lo + 1, (end - start + 1) - (hi - lo + 1));
        if outside > 0 && !whole_is_cheaper(inside, outside) {
            out.push(span(lo, hi, 1));
            return None;
        }
        if lo > start {
            out.push(span(start, lo - 1, -1));
        }
        if hi < end {
            out.push(span(hi + 1, end, -1));
        }
        return Some((c1, c1));
    }
    let (mut clo, mut chi) = (c1, c2);
    if lo > start {
        let lead_end = first(c1 + 1) - 1;
        if whole_is_cheaper(lead_end - lo + 1, lo - start) {
            out.push(span(start, lo - 1, -1));
        } else {
            out.push(span(lo, lead_end, 1));
            clo = c1 + 1;
        }
    }
    if hi < end {
        let tail_start = first(c2);
        if whole_is_cheaper(hi - tail_start + 1, end - hi) {
            out.push(span(hi + 1, end, -1));
        } else {
            out.push(span(tail_start, hi, 1));
            chi = c2 - 1;
        }
    }
    (clo <= chi).then_some((clo, chi))
}

/// The rows of an aggregate table over some spans, as a derived table `x`: `columns` as
/// they are, `measures` negated in the spans taken away; `filter` limits the rows
/// (shops, manager). Only numbers computed here and names from this module go into it.
fn over(table: &str, columns: &str, measures: &[&str], filter: &str, spans: &[Span]) -> String {
    let parts: Vec<String> = spans
        .iter()
        .map(|s| {
            let measures: Vec<String> = measures
                .iter()
                .map(|m| {
                    if s.sign < 0 {
                        format!("-{m} AS {m}")
                    } else {
                        format!("{m} AS {m}")
                    }
                })
                .collect();
            format!(
                "SELECT {columns}, {} FROM {table} WHERE grain = {} AND bucket BETWEEN {} AND {} AND {filter}",
                measures.join(", "),
                s.grain,
                s.lo,
                s.hi
            )
        })
        .collect();
    format!("({}) x", parts.join(" UNION ALL "))
}

/// The shops condition: the caller's shops, narrowed to one shop when asked.
fn shops(caller: &Caller, params: &Params) -> Result<String, AppError> {
    let scope = caller.scope();
    Ok(match (params.shop_id, scope) {
        (Some(shop), Some(s)) if !s.contains(&shop) => return Err(AppError::Forbidden),
        (Some(shop), _) => format!("shop_id = {shop}"),
        (None, Some(s)) => format!("shop_id IN ({})", super::builder::in_list(&s)),
        (None, None) => "1 = 1".to_string(),
    })
}

async fn names(db: &Db, table: &str) -> Result<HashMap<i64, String>, AppError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(&format!("SELECT id, name FROM {table}"))
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Names of just these ids (`select` answers id, name), 500 at a time.
async fn names_of(
    db: &Db,
    select: &str,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, String>, AppError> {
    let ids: Vec<i64> = ids.collect();
    let mut map = HashMap::new();
    for chunk in ids.chunks(500) {
        let found: Vec<(i64, String)> = sqlx::query_as(&format!(
            "{select} WHERE id IN ({})",
            super::builder::in_list(chunk)
        ))
        .fetch_all(&db.pool)
        .await?;
        map.extend(found);
    }
    Ok(map)
}

fn name_of(map: &HashMap<i64, String>, id: i64) -> Value {
    if id == 0 {
        return Value::Null;
    }
    map.get(&id)
        .map_or(Value::Int(id), |n| Value::Text(n.clone()))
}

/// Sorts by a numeric column (descending), keeps the first rows, sums the numeric
/// columns of every row.
fn finish(columns: Vec<Column>, mut rows: Vec<Vec<Value>>, by: usize) -> Table {
    rows.sort_by(|a, b| super::builder::cmp_values(&b[by], &a[by]));
    let mut totals = vec![Value::Null; columns.len()];
    for row in &rows {
        for (t, v) in totals.iter_mut().zip(row) {
            *t = match (&*t, v) {
                (Value::Null, Value::Money(_) | Value::Int(_) | Value::Qty(_)) => v.clone(),
                (Value::Money(a), Value::Money(b)) => Value::Money(*a + *b),
                (Value::Int(a), Value::Int(b)) => Value::Int(a + b),
                (Value::Qty(a), Value::Qty(b)) => Value::Qty(*a + *b),
                _ => t.clone(),
            };
        }
    }
    let truncated = rows.len() > MAX_ROWS;
    rows.truncate(MAX_ROWS);
    Table {
        columns,
        rows,
        totals: Some(totals),
        truncated,
        period: None,
    }
}

/// Margin in hundredths of a percent of revenue.
fn percent(margin: i64, revenue: i64) -> Value {
    if revenue == 0 {
        Value::Null
    } else {
        Value::Percent(((margin as i128 * 10_000) / revenue as i128) as i64)
    }
}

/// Runs a standard report.
pub async fn run(
    db: &Db,
    caller: &Caller,
    report: Standard,
    params: &Params,
) -> Result<Table, AppError> {
    caller.require(Action::ViewReports)?;
    let shops = shops(caller, params)?;
    let mut params = params.clone();
    if params.today.is_none() {
        let mut conn = db.pool.acquire().await?;
        let zone = crate::time::zones::of_employee(&mut conn, caller.home_location_id).await?;
        params.today = Some(zone.today());
    }
    let params = &params;
    let mut table = match report {
        Standard::Receivables => receivables(db, &shops).await?,
        Standard::Balance => balance(db, &shops).await?,
        Standard::PaymentsByProcess
        | Standard::PaymentsByClient
        | Standard::PaymentsByManager
        | Standard::PaymentsByFund => payments(db, report, params, &shops).await?,
        Standard::Sales => sales(db, params, &shops).await?,
    };
    if report.has_period() {
        // Said back, so the picker shows the period even when its boxes were empty.
        let (from, to) = period(params)?;
        table.period = Some((crate::time::day_text(from), crate::time::day_text(to)));
    }
    Ok(table)
}

/// Per client, summed in SQL, the first rows by `order` (with the client's name) and
/// the totals of every client: 11 numbers per row (see `CLIENT_COLUMNS`).
type ClientRow = (
    i64,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

/// orders, obligations, cost, received, refunded; then what is due in all and by age.
fn client_sql(shops: &str, today: i64, order: &str) -> (String, String) {
    let sums =
        "CAST(SUM(orders) AS BIGINT) AS orders, CAST(SUM(obligations) AS BIGINT) AS obligations, \
                CAST(SUM(cost) AS BIGINT) AS cost, CAST(SUM(received) AS BIGINT) AS received, \
                CAST(SUM(refunded) AS BIGINT) AS refunded";
    let ages = format!(
        "CAST(SUM(due) AS BIGINT) AS due, \
         CAST(SUM(CASE WHEN {today} - day <= 30 THEN due ELSE 0 END) AS BIGINT) AS d30, \
         CAST(SUM(CASE WHEN {today} - day BETWEEN 31 AND 60 THEN due ELSE 0 END) AS BIGINT) AS d60, \
         CAST(SUM(CASE WHEN {today} - day BETWEEN 61 AND 90 THEN due ELSE 0 END) AS BIGINT) AS d90, \
         CAST(SUM(CASE WHEN {today} - day > 90 THEN due ELSE 0 END) AS BIGINT) AS d91"
    );
    let rows = format!(
        "SELECT x.client_id, c.name, x.orders, x.obligations, x.cost, x.received, x.refunded, \
                COALESCE(d.due, 0), COALESCE(d.d30, 0), COALESCE(d.d60, 0), COALESCE(d.d90, 0), COALESCE(d.d91, 0) \
         FROM (SELECT client_id, {sums} FROM agg_client WHERE {shops} GROUP BY client_id) x \
         LEFT JOIN (SELECT client_id, {ages} FROM agg_due WHERE {shops} GROUP BY client_id) d \
              ON d.client_id = x.client_id \
         LEFT JOIN client c ON c.id = x.client_id \
         ORDER BY {order} DESC, x.client_id LIMIT {}",
        MAX_ROWS + 1
    );
    let totals = format!(
        "SELECT 0, CAST(NULL AS TEXT), COALESCE(x.orders, 0), COALESCE(x.obligations, 0), \
                COALESCE(x.cost, 0), COALESCE(x.received, 0), COALESCE(x.refunded, 0), \
                COALESCE(d.due, 0), COALESCE(d.d30, 0), COALESCE(d.d60, 0), COALESCE(d.d90, 0), COALESCE(d.d91, 0) \
         FROM (SELECT {sums} FROM agg_client WHERE {shops}) x \
         CROSS JOIN (SELECT {ages} FROM agg_due WHERE {shops}) d"
    );
    (rows, totals)
}

async fn client_rows(
    db: &Db,
    shops: &str,
    order: &str,
) -> Result<(Vec<ClientRow>, ClientRow), AppError> {
    // Ages in days of the company's calendar (orders carry their shop's local day).
    let today = {
        let mut conn = db.pool.acquire().await?;
        crate::time::zones::company(&mut conn).await?.today()
    };
    let (rows, totals) = client_sql(shops, today, order);
    let rows: Vec<ClientRow> = sqlx::query_as(&rows).fetch_all(&db.pool).await?;
    let totals: ClientRow = sqlx::query_as(&totals).fetch_one(&db.pool).await?;
    Ok((rows, totals))
}

fn client_name(id: i64, name: Option<String>) -> Value {
    match (id, name) {
        (0, _) | (_, None) => Value::Null,
        (_, Some(n)) => Value::Text(n),
    }
}

/// Rows ranked in SQL, cut to the limit, with their totals row.
fn ranked(columns: Vec<Column>, mut rows: Vec<Vec<Value>>, totals: Vec<Value>) -> Table {
    let truncated = rows.len() > MAX_ROWS;
    rows.truncate(MAX_ROWS);
    Table {
        columns,
        rows,
        totals: Some(totals),
        truncated,
        period: None,
    }
}

async fn receivables(db: &Db, shops: &str) -> Result<Table, AppError> {
    let columns = vec![
        col("client", "Client", "Клиент"),
        col("orders", "Orders", "Заказов"),
        col("obligations", "Obligations", "Обязательства"),
        col("paid", "Paid", "Оплачено"),
        col("balance", "Balance", "Сальдо"),
        col("due", "Receivable", "Дебиторская задолженность"),
        col("due_0_30", "0–30 days", "0–30 дней"),
        col("due_31_60", "31–60 days", "31–60 дней"),
        col("due_61_90", "61–90 days", "61–90 дней"),
        col("due_90", "Over 90 days", "Более 90 дней"),
    ];
    let row = |r: ClientRow, total: bool| {
        let (id, name, orders, obligations, _, received, refunded, due, d30, d60, d90, d91) = r;
        let paid = received - refunded;
        let mut row = vec![
            if total {
                Value::Null
            } else {
                client_name(id, name)
            },
            Value::Int(orders),
            Value::Money(Money(obligations)),
            Value::Money(Money(paid)),
            Value::Money(Money(paid - obligations)),
        ];
        row.extend([due, d30, d60, d90, d91].map(|v| Value::Money(Money(v))));
        row
    };
    let (rows, totals) = client_rows(db, shops, "COALESCE(d.due, 0)").await?;
    Ok(ranked(
        columns,
        rows.into_iter().map(|r| row(r, false)).collect(),
        row(totals, true),
    ))
}

async fn balance(db: &Db, shops: &str) -> Result<Table, AppError> {
    let columns = vec![
        col("client", "Client", "Клиент"),
        col("orders", "Processes", "Процессов"),
        col("obligations", "Sum of processes", "Сумма процессов"),
        col("cost", "Cost", "Себестоимость"),
        col("margin", "Margin", "Маржа"),
        col("margin_pct", "Margin, %", "Маржа, %"),
        col("paid", "Paid", "Оплачено"),
        col(
            "outstanding",
            "Outstanding obligations",
            "Непогашенные обязательства",
        ),
        col("balance", "Balance", "Сальдо"),
    ];
    let row = |r: ClientRow, total: bool| {
        let (id, name, orders, obligations, cost, received, refunded, due, ..) = r;
        let paid = received - refunded;
        vec![
            if total {
                Value::Null
            } else {
                client_name(id, name)
            },
            Value::Int(orders),
            Value::Money(Money(obligations)),
            Value::Money(Money(cost)),
            Value::Money(Money(obligations - cost)),
            percent(obligations - cost, obligations),
            Value::Money(Money(paid)),
            Value::Money(Money(due)),
            Value::Money(Money(paid - obligations)),
        ]
    };
    let (rows, totals) = client_rows(db, shops, "x.obligations").await?;
    Ok(ranked(
        columns,
        rows.into_iter().map(|r| row(r, false)).collect(),
        row(totals, true),
    ))
}

async fn payments(
    db: &Db,
    report: Standard,
    params: &Params,
    shops: &str,
) -> Result<Table, AppError> {
    let (from, to) = period(params)?;
    let spans = spans(from, to);
    let manager = params
        .manager_id
        .map_or(String::new(), |m| format!(" AND manager_id = {m}"));
    let per_manager = params.per_manager
        && matches!(
            report,
            Standard::PaymentsByProcess | Standard::PaymentsByClient
        );
    let (table, key, key_col) = match report {
        Standard::PaymentsByProcess => (
            "agg_pay",
            "process_id",
            col("process", "Process", "Процесс"),
        ),
        Standard::PaymentsByClient => (
            "agg_pay_client",
            "client_id",
            col("client", "Client", "Клиент"),
        ),
        Standard::PaymentsByManager => (
            "agg_pay",
            "manager_id",
            col("manager", "Manager", "Менеджер"),
        ),
        _ => ("agg_pay", "fund_id", col("fund", "Fund", "Статья")),
    };
    let (keys, group) = if per_manager {
        (format!("manager_id, {key}"), format!("manager_id, {key}"))
    } else {
        (format!("0, {key}"), key.to_string())
    };
    let filter = format!("{shops}{manager}");
    let rows_of =
        |table: &str, columns: &str| over(table, columns, &["payments", "amount"], &filter, &spans);
    let sums = "CAST(COALESCE(SUM(payments), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN direction = 'in' THEN amount ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN direction = 'out' THEN amount ELSE 0 END), 0) AS BIGINT)";
    // The first rows by money in, ranked by the database; the totals of all rows.
    let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT {keys}, {sums} FROM {} GROUP BY {group} HAVING SUM(payments) <> 0 OR SUM(amount) <> 0 \
         ORDER BY 4 DESC, {group} LIMIT {}",
        rows_of(table, &format!("{group}, direction")),
        MAX_ROWS + 1
    ))
    .fetch_all(&db.pool)
    .await?;
    // The totals from the small table: the same payments by the same shops and managers.
    let (_, _, n_all, in_all, out_all): (i64, i64, i64, i64, i64) = sqlx::query_as(&format!(
        "SELECT 0, 0, {sums} FROM {}",
        rows_of("agg_pay", "direction")
    ))
    .fetch_one(&db.pool)
    .await?;
    let employees = names(db, "employee").await?;
    let lookup = match report {
        Standard::PaymentsByProcess => names(db, "process").await?,
        Standard::PaymentsByManager => employees.clone(),
        Standard::PaymentsByFund => names(db, "fund").await?,
        _ => names_of(db, "SELECT id, name FROM client", rows.iter().map(|r| r.1)).await?,
    };
    let mut columns = Vec::new();
    if per_manager {
        columns.push(col("manager", "Manager", "Менеджер"));
    }
    columns.extend([
        key_col,
        col("payments", "Payments", "Платежей"),
        col("in", "In", "Поступления"),
        col("out", "Out", "Выплаты"),
        col("net", "Net", "Итого"),
    ]);
    let rows = rows
        .into_iter()
        .map(|(manager, key, n, inc, out)| {
            let mut row = Vec::new();
            if per_manager {
                row.push(name_of(&employees, manager));
            }
            row.extend([
                name_of(&lookup, key),
                Value::Int(n),
                Value::Money(Money(inc)),
                Value::Money(Money(out)),
                Value::Money(Money(inc - out)),
            ]);
            row
        })
        .collect();
    let mut totals = vec![Value::Null; columns.len() - 4];
    totals.extend([
        Value::Int(n_all),
        Value::Money(Money(in_all)),
        Value::Money(Money(out_all)),
        Value::Money(Money(in_all - out_all)),
    ]);
    Ok(ranked(columns, rows, totals))
}

async fn sales(db: &Db, params: &Params, shops: &str) -> Result<Table, AppError> {
    let (from, to) = period(params)?;
    let by = params.by.unwrap_or_default();
    let manager = params
        .manager_id
        .map_or(String::new(), |m| format!(" AND manager_id = {m}"));
    let spans = if by == SalesBy::Day {
        vec![Span {
            grain: 0,
            lo: from,
            hi: to,
            sign: 1,
        }]
    } else {
        spans(from, to)
    };
    let filter = format!("{shops}{manager}");
    let shop_rows = |columns: &str| {
        over(
            "agg_sales_shop",
            columns,
            &["orders", "lines", "revenue", "cost"],
            &filter,
            &spans,
        )
    };
    let by_product = matches!(by, SalesBy::Product | SalesBy::Category);
    if by_product && params.manager_id.is_some() {
        // Product figures are kept per shop, not per manager.
        return Err(AppError::invalid(Field::Employee, Problem::Invalid));
    }
    // key, orders, lines, qty, revenue, cost
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = if by_product {
        let key = if by == SalesBy::Product {
            "x.product_id"
        } else {
            "COALESCE(p.category_id, 0)"
        };
        // Products: the best sellers, ranked by the database (there may be many).
        let (join, rank) = if by == SalesBy::Product {
            ("", format!(" ORDER BY 5 DESC, 1 LIMIT {}", MAX_ROWS + 1))
        } else {
            (" JOIN product p ON p.id = x.product_id", String::new())
        };
        sqlx::query_as(&format!(
            "SELECT {key}, 0, CAST(SUM(x.lines) AS BIGINT), CAST(SUM(x.qty) AS BIGINT), \
                    CAST(SUM(x.revenue) AS BIGINT), CAST(SUM(x.cost) AS BIGINT) \
             FROM {}{join} GROUP BY {key} HAVING SUM(x.lines) <> 0{rank}",
            over(
                "agg_sales_product",
                "product_id",
                &["lines", "qty", "revenue", "cost"],
                shops,
                &spans
            )
        ))
        .fetch_all(&db.pool)
        .await?
    } else {
        let key = match by {
            SalesBy::Shop => "shop_id",
            SalesBy::Manager => "manager_id",
            _ => "bucket",
        };
        sqlx::query_as(&format!(
            "SELECT {key}, CAST(SUM(orders) AS BIGINT), CAST(SUM(lines) AS BIGINT), 0, \
                    CAST(SUM(revenue) AS BIGINT), CAST(SUM(cost) AS BIGINT) \
             FROM {} GROUP BY {key} HAVING SUM(orders) <> 0",
            shop_rows(key)
        ))
        .fetch_all(&db.pool)
        .await?
    };
    let lookup = match by {
        SalesBy::Shop => names(db, "location").await?,
        SalesBy::Manager => names(db, "employee").await?,
        SalesBy::Category => names(db, "category").await?,
        SalesBy::Product => {
            // Only the products shown.
            names_of(
                db,
                "SELECT id, sku || ' ' || name FROM product",
                rows.iter().map(|r| r.0),
            )
            .await?
        }
        SalesBy::Day => HashMap::new(),
    };
    let key_col = match by {
        SalesBy::Shop => col("shop", "Shop", "Магазин"),
        SalesBy::Manager => col("manager", "Manager", "Менеджер"),
        SalesBy::Category => col("category", "Category", "Категория"),
        SalesBy::Product => col("product", "Product", "Товар"),
        SalesBy::Day => col("day", "Day", "День"),
    };
    let mut columns = vec![key_col];
    if !by_product {
        columns.push(col("orders", "Orders", "Заказов"));
    }
    columns.push(col("lines", "Lines", "Строк"));
    if by == SalesBy::Product {
        columns.push(col("qty", "Quantity", "Количество"));
    }
    columns.extend([
        col("revenue", "Revenue", "Выручка"),
        col("cost", "Cost", "Себестоимость"),
        col("margin", "Margin", "Маржа"),
        col("margin_pct", "Margin, %", "Маржа, %"),
    ]);
    let rows: Vec<Vec<Value>> = rows
        .into_iter()
        .map(|(key, orders, lines, qty, revenue, cost)| {
            let mut row = vec![match by {
                SalesBy::Day => Value::Day(key),
                SalesBy::Category if key == 0 => Value::Null,
                _ => name_of(&lookup, key),
            }];
            if !by_product {
                row.push(Value::Int(orders));
            }
            row.push(Value::Int(lines));
            if by == SalesBy::Product {
                row.push(Value::Qty(Qty(qty)));
            }
            row.extend([
                Value::Money(Money(revenue)),
                Value::Money(Money(cost)),
                Value::Money(Money(revenue - cost)),
                percent(revenue - cost, revenue),
            ]);
            row
        })
        .collect();
    let revenue_col = columns.len() - 4;
    let mut table = finish(columns, rows, revenue_col);
    if by == SalesBy::Product {
        // Totals of every product, not only of the rows shown, from the small table (the
        // same lines by the same shops). Quantities of different units don't add up.
        let (lines, revenue, cost): (i64, i64, i64) = sqlx::query_as(&format!(
            "SELECT CAST(COALESCE(SUM(lines), 0) AS BIGINT), \
                    CAST(COALESCE(SUM(revenue), 0) AS BIGINT), CAST(COALESCE(SUM(cost), 0) AS BIGINT) \
             FROM {}",
            shop_rows("shop_id")
        ))
        .fetch_one(&db.pool)
        .await?;
        table.totals = Some(vec![
            Value::Null,
            Value::Int(lines),
            Value::Null,
            Value::Money(Money(revenue)),
            Value::Money(Money(cost)),
            Value::Money(Money(revenue - cost)),
            percent(revenue - cost, revenue),
        ]);
    }
    if by == SalesBy::Day {
        table
            .rows
            .sort_by(|a, b| super::builder::cmp_values(&a[0], &b[0]));
    }
    // The total margin % is of the totals, not a sum of percents.
    if let Some(t) = table.totals.as_mut() {
        if let (Some(Value::Money(r)), Some(Value::Money(c))) =
            (t.get(revenue_col).cloned(), t.get(revenue_col + 1).cloned())
        {
            if let Some(p) = t.get_mut(revenue_col + 3) {
                *p = percent(r.0 - c.0, r.0);
            }
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
        crate::time::day_of_civil(y, m, d).expect("a date")
    }

    /// Every day of the spans, with its sign summed.
    fn days_of(spans: &[Span]) -> HashMap<i64, i64> {
        let mut days = HashMap::new();
        for s in spans {
            let (first, last) = match s.grain {
                0 => (s.lo, s.hi),
                1 => (first_day_of_month(s.lo), first_day_of_month(s.hi + 1) - 1),
                _ => (
                    first_day_of_month(s.lo * 12),
                    first_day_of_month(s.hi * 12 + 12) - 1,
                ),
            };
            for d in first..=last {
                *days.entry(d).or_insert(0) += s.sign;
            }
        }
        days.retain(|_, n| *n != 0);
        days
    }

    #[test]
    fn spans_cover_exactly_the_period() {
        let d = |y, m, dd| days_from_civil(y, m, dd);
        let (start, end) = (d(2024, 12, 20), d(2027, 1, 10));
        let mut from = start;
        while from <= end {
            let mut to = from;
            while to <= end {
                let days = days_of(&spans(from, to));
                assert_eq!(days.len() as i64, to - from + 1, "{from}..{to}");
                assert!(days
                    .iter()
                    .all(|(day, n)| *n == 1 && (from..=to).contains(day)));
                to += 1 + (to - from) / 3;
            }
            from += 3;
        }
    }

    #[test]
    fn spans_read_few_buckets() {
        let d = |y, m, dd| days_from_civil(y, m, dd);
        let span = |grain, lo, hi, sign| Span {
            grain,
            lo,
            hi,
            sign,
        };
        let month = |y: i64, m: i64| y * 12 + m - 1;
        // A few days: the days.
        assert_eq!(
            spans(d(2026, 11, 3), d(2026, 11, 20)),
            vec![span(0, d(2026, 11, 3), d(2026, 11, 20), 1)]
        );
        // A whole month: the month row.
        assert_eq!(
            spans(d(2026, 11, 1), d(2026, 11, 30)),
            vec![span(1, month(2026, 11), month(2026, 11), 1)]
        );
        // This month up to the 27th: the month less its last three days.
        assert_eq!(
            spans(d(2026, 11, 1), d(2026, 11, 27)),
            vec![
                span(0, d(2026, 11, 28), d(2026, 11, 30), -1),
                span(1, month(2026, 11), month(2026, 11), 1)
            ]
        );
        // The last 365 days up to 27 Nov 2026: three days of 2025, December 2025 and
        // the year 2026 less December and the last three days of November.
        assert_eq!(
            spans(d(2025, 11, 28), d(2026, 11, 27)),
            vec![
                span(0, d(2025, 11, 28), d(2025, 11, 30), 1),
                span(0, d(2026, 11, 28), d(2026, 11, 30), -1),
                span(1, month(2025, 12), month(2025, 12), 1),
                span(1, month(2026, 12), month(2026, 12), -1),
                span(2, 2026, 2026, 1)
            ]
        );
        // Whole years: the year rows.
        assert_eq!(
            spans(d(2024, 1, 1), d(2025, 12, 31)),
            vec![span(2, 2024, 2025, 1)]
        );
    }
}
