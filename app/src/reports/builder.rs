//! The constructor: a [`Spec`] becomes one SQL query over the base tables. Every
//! identifier in the SQL comes from the whitelist in [`fields`]; every value typed by a
//! person is a bound parameter; the caller's shops are enforced on the block's rows and
//! on every join that reaches an order. A grouped report over a period runs month by
//! month (progress, cancel) when its measures can be merged.
//!
//! Dates are days on each row's shop's calendar (DESIGN.md §5c): an instant column is
//! grouped, filtered and cut into periods by its local day — the row's stored one where
//! it keeps one (orders, payments), else the instant plus its location's offset at that
//! instant (the block's `zone`; the company's calendar for rows without a location). The
//! period also bounds the instant itself (a day's widest span, ±15 h), so an index on it
//! still serves.

use super::fields::{self, Block, Kind, Scope};
use super::{Column, Spec, Table, Value};
use crate::db::Backend;
use crate::error::{AppError, Field, Problem};
use crate::quantity::{Money, Qty};
use crate::time::zones::ChainZones;
use crate::time::{parse_day, DAY_MS};
use sqlx::{AnyConnection, Row};
use std::cmp::Ordering;
use std::collections::HashMap;

/// How far an instant may be from its local day's UTC span (offsets run from −12 h to
/// +14 h).
const SPAN_MARGIN_MS: i64 = 15 * 3_600_000;
/// The last day an open period reaches (far beyond any record).
const END_DAY: i64 = 1_000_000;
pub const MAX_ROWS: u32 = 10_000;
/// Groups a report may produce before it is refused (add filters or coarser groups).
pub const MAX_GROUPS: usize = 200_000;

/// How a result column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Out {
    Int,
    Money,
    Qty,
    Text,
    Day,
    Week,
    Month,
}

/// How a measure's slices combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merge {
    Add,
    Min,
    Max,
    /// avg and distinct: not mergeable across slices.
    None,
}

#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
}

/// A checked, ready-to-run report.
#[derive(Debug)]
pub struct Plan {
    select: Vec<String>,
    outs: Vec<Out>,
    merges: Vec<Merge>,
    groups: usize,
    from: String,
    wheres: Vec<String>,
    binds: Vec<Bind>,
    pub columns: Vec<Column>,
    /// The date column, its local day and the period (local days, `[from, to)`), when
    /// the report has one.
    period: Option<Period>,
    sort: Vec<(usize, bool)>,
    limit: u32,
    listing: bool,
    /// The column a listing is ordered by.
    key: &'static str,
}

#[derive(Debug)]
struct Period {
    instant: String,
    day: String,
    from: i64,
    to: i64,
    bounded: bool,
}

fn bad(field: Field) -> AppError {
    AppError::invalid(field, Problem::Invalid)
}

struct Joins<'z> {
    zones: &'z ChainZones,
    scope: Option<Vec<i64>>,
    joins: Vec<(String, String)>,
    sql: String,
}

impl Joins<'_> {
    /// The alias of the table reached by `rels` from the block's table (t0), joining
    /// what is missing. Orders reached this way are limited to the caller's shops.
    fn alias(&mut self, rels: &[&'static fields::Rel]) -> String {
        let mut alias = "t0".to_string();
        let mut path = String::new();
        for rel in rels {
            path.push_str(rel.name);
            path.push('.');
            if let Some((_, a)) = self.joins.iter().find(|(p, _)| *p == path) {
                alias = a.clone();
                continue;
            }
            let next = format!("t{}", self.joins.len() + 1);
            self.sql.push_str(&format!(
                " LEFT JOIN {} {next} ON {next}.id = {alias}.{}",
                rel.table, rel.fk
            ));
            if rel.table == "orders" {
                if let Some(shops) = &self.scope {
                    self.sql
                        .push_str(&format!(" AND {next}.shop_id IN ({})", in_list(shops)));
                }
            }
            self.joins.push((path.clone(), next.clone()));
            alias = next;
        }
        alias
    }

    fn expr(
        &mut self,
        block: &Block,
        path: &str,
    ) -> Result<(String, Kind, String, String), AppError> {
        let r = fields::resolve(block, path).ok_or(bad(Field::ReportField))?;
        let alias = self.alias(&r.rels);
        let sql = if r.col.sql.contains("{t}") {
            r.col.sql.replace("{t}", &alias)
        } else {
            format!("{alias}.{}", r.col.sql)
        };
        Ok((
            sql,
            r.col.kind,
            r.label(crate::i18n::Lang::En),
            r.label(crate::i18n::Lang::Ru),
        ))
    }

    /// The local day of an instant field, as SQL (see the module's note).
    fn day(&mut self, block: &Block, path: &str) -> Result<String, AppError> {
        let r = fields::resolve(block, path).ok_or(bad(Field::ReportField))?;
        if r.col.kind != Kind::Time {
            return Err(bad(Field::ReportField));
        }
        let alias = self.alias(&r.rels);
        let table = r.rels.last().map_or(block.table, |rel| rel.table);
        if let Some(stored) = fields::stored_local_day(table, r.col.name) {
            return Ok(format!("{alias}.{stored}"));
        }
        let instant = format!("{alias}.{}", r.col.sql);
        let location = match block.zone {
            Some((path, column)) => {
                let (rels, _) = fields::walk(block, path).ok_or(AppError::Internal)?;
                Some(format!("{}.{column}", self.alias(&rels)))
            }
            None => None,
        };
        Ok(self.zones.day_sql(location.as_deref(), &instant))
    }
}

/// Ids as a SQL list (numbers only); `-1` when empty, so nothing matches.
pub(crate) fn in_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        // No shop: nothing matches.
        return "-1".into();
    }
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn out_of(kind: Kind) -> Out {
    match kind {
        Kind::Id | Kind::Int | Kind::Bool => Out::Int,
        Kind::Money => Out::Money,
        Kind::Qty => Out::Qty,
        Kind::Text => Out::Text,
        Kind::Time => Out::Day,
    }
}

fn column(id: String, en: String, ru: String) -> Column {
    Column {
        id,
        label_en: en,
        label_ru: ru,
    }
}

/// Checks a spec and plans its query. `scope`: the caller's shops (None = all).
/// `shop_id`, `from`, `to`: run parameters (override the spec's period). `zones`: the
/// chain's, for reading dates on each shop's calendar.
pub fn plan(
    backend: Backend,
    spec: &Spec,
    scope: Option<Vec<i64>>,
    params: &super::Params,
    zones: &ChainZones,
) -> Result<Plan, AppError> {
    let block = fields::block(&spec.block).ok_or(bad(Field::Report))?;
    if spec.groups.len() > 4
        || spec.fields.len() > 30
        || spec.measures.len() > 10
        || spec.filters.len() > 30
        || spec.sort.len() > 4
    {
        return Err(AppError::invalid(Field::Report, Problem::TooLong));
    }
    let listing = spec.groups.is_empty() && spec.measures.is_empty();
    if listing && spec.fields.is_empty() {
        return Err(AppError::invalid(Field::ReportField, Problem::Required));
    }
    let mut j = Joins {
        zones,
        scope: scope.clone(),
        joins: Vec::new(),
        sql: format!("{} t0", fields::source(block.table)),
    };
    let mut select = Vec::new();
    let mut outs = Vec::new();
    let mut merges = Vec::new();
    let mut columns = Vec::new();
    if listing {
        for path in &spec.fields {
            let (e, kind, en, ru) = j.expr(block, path)?;
            let out = out_of(kind);
            select.push(match out {
                Out::Text => e,
                Out::Day => format!("CAST({} AS BIGINT)", j.day(block, path)?),
                _ => format!("CAST({e} AS BIGINT)"),
            });
            outs.push(out);
            columns.push(column(path.clone(), en, ru));
        }
    }
    for g in &spec.groups {
        let (e, kind, en, ru) = j.expr(block, &g.field)?;
        let day = if kind == Kind::Time {
            j.day(block, &g.field)?
        } else {
            String::new()
        };
        let (sql, out, id) = match (kind, g.bucket.as_deref()) {
            (Kind::Time, None | Some("day")) => (
                format!("CAST({day} AS BIGINT)"),
                Out::Day,
                format!("{}:day", g.field),
            ),
            // Weeks from Monday (1970-01-01 was a Thursday).
            (Kind::Time, Some("week")) => (
                format!("CAST(((({day}) + 3) / 7) * 7 - 3 AS BIGINT)"),
                Out::Week,
                format!("{}:week", g.field),
            ),
            (Kind::Time, Some("month")) => (
                format!(
                    "CAST({} AS BIGINT)",
                    super::aggregates::month_sql(backend, &format!("({day})"))
                ),
                Out::Month,
                format!("{}:month", g.field),
            ),
            (Kind::Time, Some(_)) | (_, Some(_)) => return Err(bad(Field::ReportField)),
            (Kind::Text, None) => (e, Out::Text, g.field.clone()),
            (k, None) => (format!("CAST({e} AS BIGINT)"), out_of(k), g.field.clone()),
        };
        select.push(sql);
        outs.push(out);
        columns.push(column(id, en, ru));
    }
    let groups = if listing { 0 } else { spec.groups.len() };
    for m in &spec.measures {
        let (sql, out, merge, en, ru) = match (m.func.as_str(), m.field.as_deref()) {
            ("count", None) => (
                "CAST(COUNT(*) AS BIGINT)".to_string(),
                Out::Int,
                Merge::Add,
                "Count".to_string(),
                "Количество записей".to_string(),
            ),
            ("margin", None) => {
                let (rev, cost) = block.margin.ok_or(bad(Field::Measure))?;
                let (r, _, _, _) = j.expr(block, rev)?;
                let (c, _, _, _) = j.expr(block, cost)?;
                (
                    format!("CAST(COALESCE(SUM({r}), 0) - COALESCE(SUM({c}), 0) AS BIGINT)"),
                    Out::Money,
                    Merge::Add,
                    "Margin".to_string(),
                    "Маржа".to_string(),
                )
            }
            (func, Some(path)) => {
                let (e, kind, en, ru) = j.expr(block, path)?;
                let numeric = kind.is_numeric();
                match func {
                    "distinct" => (
                        format!("CAST(COUNT(DISTINCT {e}) AS BIGINT)"),
                        Out::Int,
                        Merge::None,
                        format!("Distinct: {en}"),
                        format!("Различных: {ru}"),
                    ),
                    "sum" if numeric => (
                        format!("CAST(COALESCE(SUM({e}), 0) AS BIGINT)"),
                        out_of(kind),
                        Merge::Add,
                        format!("Sum: {en}"),
                        format!("Сумма: {ru}"),
                    ),
                    "avg" if numeric => (
                        format!("CAST(ROUND(AVG({e})) AS BIGINT)"),
                        out_of(kind),
                        Merge::None,
                        format!("Average: {en}"),
                        format!("Среднее: {ru}"),
                    ),
                    "min" | "max" if numeric || kind == Kind::Time => {
                        let inner = if kind == Kind::Time {
                            j.day(block, path)?
                        } else {
                            e
                        };
                        let (agg, merge, en_f, ru_f) = if func == "min" {
                            ("MIN", Merge::Min, "Min", "Минимум")
                        } else {
                            ("MAX", Merge::Max, "Max", "Максимум")
                        };
                        (
                            format!("CAST({agg}({inner}) AS BIGINT)"),
                            out_of(kind),
                            merge,
                            format!("{en_f}: {en}"),
                            format!("{ru_f}: {ru}"),
                        )
                    }
                    _ => return Err(bad(Field::Measure)),
                }
            }
            _ => return Err(bad(Field::Measure)),
        };
        let id = format!("{}:{}", m.func, m.field.as_deref().unwrap_or(""));
        select.push(sql);
        outs.push(out);
        merges.push(merge);
        columns.push(column(id, en, ru));
    }
    // Filters: identifiers from the whitelist, values bound.
    let mut wheres = Vec::new();
    let mut binds = Vec::new();
    for f in &spec.filters {
        let (e, kind, _, _) = j.expr(block, &f.field)?;
        // Dates compare as local days.
        let e = if kind == Kind::Time {
            j.day(block, &f.field)?
        } else {
            e
        };
        let values: Vec<&str> = if f.op == "in" {
            f.value.split(',').map(str::trim).collect()
        } else {
            vec![f.value.as_str()]
        };
        if values.len() > 200 || f.value.len() > 2000 {
            return Err(AppError::invalid(Field::Filter, Problem::TooLong));
        }
        let mut placeholders = Vec::new();
        for v in &values {
            binds.push(filter_value(kind, v, &f.op)?);
            placeholders.push(format!("${}", binds.len()));
        }
        let p = &placeholders;
        let cond = match (f.op.as_str(), kind) {
            // A date that is not there is no day: it neither equals nor differs.
            ("ne", Kind::Time) => format!("{e} <> {}", p[0]),
            ("eq", _) => format!("{e} = {}", p[0]),
            ("ne", _) => format!("({e} <> {} OR {e} IS NULL)", p[0]),
            ("lt", _) => format!("{e} < {}", p[0]),
            ("le", _) => format!("{e} <= {}", p[0]),
            ("ge", _) => format!("{e} >= {}", p[0]),
            ("gt", _) => format!("{e} > {}", p[0]),
            // Case-sensitive on both databases (SQLite's LIKE folds ASCII only).
            ("contains", Kind::Text) => match backend {
                Backend::Sqlite => format!("instr({e}, {}) > 0", p[0]),
                Backend::Postgres => format!("strpos({e}, {}) > 0", p[0]),
            },
            ("in", Kind::Time) => return Err(bad(Field::Filter)),
            ("in", _) => format!("{e} IN ({})", p.join(", ")),
            _ => return Err(bad(Field::Filter)),
        };
        wheres.push(cond);
    }
    // The period, on the block's date.
    let from = params
        .from
        .as_deref()
        .filter(|s| !s.is_empty())
        .or(spec_from(spec));
    let to = params
        .to
        .as_deref()
        .filter(|s| !s.is_empty())
        .or(spec_to(spec));
    let mut period = None;
    if from.is_some() || to.is_some() {
        let date = block.date.ok_or(bad(Field::Period))?;
        let (instant, _, _, _) = j.expr(block, date)?;
        let day = j.day(block, date)?;
        let in_range = |d: i64| (0..END_DAY).contains(&d);
        let lo = match from {
            Some(d) => parse_day(d)
                .filter(|d| in_range(*d))
                .ok_or(bad(Field::Period))?,
            None => 0,
        };
        let hi = match to {
            Some(d) => {
                parse_day(d)
                    .filter(|d| in_range(*d))
                    .ok_or(bad(Field::Period))?
                    + 1
            }
            None => END_DAY,
        };
        if hi <= lo {
            return Err(AppError::invalid(Field::Period, Problem::OutOfRange));
        }
        period = Some(Period {
            instant,
            day,
            from: lo,
            to: hi,
            bounded: to.is_some(),
        });
    }
    // One shop, through the block's own path to a shop.
    if let Some(shop) = params.shop_id {
        if let Some(s) = &scope {
            if !s.contains(&shop) {
                return Err(AppError::Forbidden);
            }
        }
        let path = match block.scope {
            Scope::Shop => "shop.id",
            Scope::Order | Scope::OrderIfAny => "order.shop.id",
            Scope::Chain if block.id.starts_with("stock") => "location.id",
            Scope::Chain => return Err(bad(Field::Location)),
        };
        let (e, _, _, _) = j.expr(block, path)?;
        binds.push(Bind::Int(shop));
        wheres.push(format!("{e} = ${}", binds.len()));
    }
    // Row security on the block's own rows.
    if let Some(shops) = &scope {
        let list = in_list(shops);
        match block.scope {
            Scope::Shop => wheres.push(format!("t0.shop_id IN ({list})")),
            Scope::Order => wheres.push(format!(
                "t0.order_id IN (SELECT id FROM orders WHERE shop_id IN ({list}))"
            )),
            Scope::OrderIfAny => wheres.push(format!(
                "(t0.order_id IS NULL OR t0.order_id IN (SELECT id FROM orders WHERE shop_id IN ({list})))"
            )),
            Scope::Chain => {}
        }
    }
    let width = columns.len();
    let mut sort = Vec::new();
    for s in &spec.sort {
        if s.column >= width {
            return Err(bad(Field::ReportField));
        }
        sort.push((s.column, s.desc));
    }
    let limit = spec.limit.unwrap_or(1000).clamp(1, MAX_ROWS);
    Ok(Plan {
        select,
        outs,
        merges,
        groups,
        from: j.sql,
        wheres,
        binds,
        columns,
        period,
        sort,
        limit,
        listing,
        key: fields::key(block.table),
    })
}

fn spec_from(spec: &Spec) -> Option<&str> {
    spec.from.as_deref().filter(|s| !s.is_empty())
}

fn spec_to(spec: &Spec) -> Option<&str> {
    spec.to.as_deref().filter(|s| !s.is_empty())
}

/// A typed filter value (dates: the local day's number).
fn filter_value(kind: Kind, v: &str, op: &str) -> Result<Bind, AppError> {
    let bad = || bad(Field::Filter);
    Ok(match kind {
        Kind::Id | Kind::Int => Bind::Int(v.trim().parse().map_err(|_| bad())?),
        Kind::Money => Bind::Int(Money::parse(v, Field::Filter)?.0),
        Kind::Qty => Bind::Int(Qty::parse(v, Field::Filter)?.0),
        Kind::Bool => Bind::Int(match v.trim().to_lowercase().as_str() {
            "1" | "true" | "yes" | "да" => 1,
            "0" | "false" | "no" | "нет" => 0,
            _ => return Err(bad()),
        }),
        Kind::Time => Bind::Int(parse_day(v.trim()).ok_or_else(bad)?),
        Kind::Text => {
            if op == "contains" && v.is_empty() {
                return Err(AppError::invalid(Field::Filter, Problem::Required));
            }
            Bind::Text(v.to_string())
        }
    })
}

impl Plan {
    /// The periods the run is split into: month by month when the report groups, has a
    /// bounded period and only measures that add up (or min/max); else one piece.
    pub fn slices(&self) -> Vec<Option<(i64, i64)>> {
        let mergeable =
            !self.listing && self.groups > 0 && self.merges.iter().all(|m| *m != Merge::None);
        match &self.period {
            Some(p) if mergeable && p.bounded => {
                let mut out = Vec::new();
                let mut start = p.from;
                while start < p.to {
                    let month = super::aggregates::month_of_day(start);
                    let next = super::aggregates::first_day_of_month(month + 1);
                    let end = next.clamp(start + 1, p.to);
                    out.push(Some((start, end)));
                    start = end;
                }
                // Long periods: at most 24 pieces.
                if out.len() > 24 {
                    let per = out.len().div_ceil(24);
                    out = out
                        .chunks(per)
                        .map(|c| Some((c[0].map_or(0, |s| s.0), c[c.len() - 1].map_or(0, |s| s.1))))
                        .collect();
                }
                out
            }
            Some(p) => vec![Some((p.from, p.to))],
            None => vec![None],
        }
    }

    fn sql(&self, slice: Option<(i64, i64)>, with_groups: bool) -> (String, Vec<Bind>) {
        let mut binds = self.binds.clone();
        let mut wheres = self.wheres.clone();
        if let (Some(p), Some((lo, hi))) = (&self.period, slice) {
            let n = binds.len();
            binds.push(Bind::Int(lo * DAY_MS - SPAN_MARGIN_MS));
            binds.push(Bind::Int(hi * DAY_MS + SPAN_MARGIN_MS));
            binds.push(Bind::Int(lo));
            binds.push(Bind::Int(hi));
            let (e, d) = (&p.instant, &p.day);
            wheres.push(format!(
                "{e} >= ${} AND {e} < ${} AND {d} >= ${} AND {d} < ${}",
                n + 1,
                n + 2,
                n + 3,
                n + 4
            ));
        }
        let select = if with_groups {
            self.select.join(", ")
        } else {
            self.select[self.groups..].join(", ")
        };
        let mut sql = format!("SELECT {select} FROM {}", self.from);
        if !wheres.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&wheres.join(" AND "));
        }
        if with_groups && self.groups > 0 {
            let by: Vec<String> = (1..=self.groups).map(|i| i.to_string()).collect();
            sql.push_str(&format!(" GROUP BY {}", by.join(", ")));
        }
        if self.listing {
            sql.push_str(&format!(
                " ORDER BY t0.{} LIMIT {}",
                self.key,
                self.limit + 1
            ));
        } else if with_groups {
            sql.push_str(&format!(" LIMIT {}", MAX_GROUPS + 1));
        }
        (sql, binds)
    }

    async fn fetch(
        &self,
        conn: &mut AnyConnection,
        slice: Option<(i64, i64)>,
        with_groups: bool,
    ) -> Result<Vec<Vec<Value>>, AppError> {
        let (sql, binds) = self.sql(slice, with_groups);
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = match b {
                Bind::Int(i) => q.bind(i),
                Bind::Text(t) => q.bind(t),
            };
        }
        let rows = q.fetch_all(&mut *conn).await?;
        let outs = if with_groups {
            &self.outs[..]
        } else {
            &self.outs[self.groups..]
        };
        rows.iter()
            .map(|row| {
                outs.iter()
                    .enumerate()
                    .map(|(i, out)| {
                        Ok(match out {
                            Out::Text => row
                                .try_get::<Option<String>, _>(i)?
                                .map_or(Value::Null, Value::Text),
                            _ => match row.try_get::<Option<i64>, _>(i)? {
                                None => Value::Null,
                                Some(v) => match out {
                                    Out::Int => Value::Int(v),
                                    Out::Money => Value::Money(Money(v)),
                                    Out::Qty => Value::Qty(Qty(v)),
                                    Out::Day => Value::Day(v),
                                    Out::Week => Value::Week(v),
                                    Out::Month => Value::Month(v),
                                    Out::Text => Value::Null,
                                },
                            },
                        })
                    })
                    .collect::<Result<Vec<Value>, sqlx::Error>>()
                    .map_err(AppError::from)
            })
            .collect()
    }

    /// Runs one slice and merges it into `acc` (group key → row).
    pub async fn run_slice(
        &self,
        conn: &mut AnyConnection,
        slice: Option<(i64, i64)>,
        acc: &mut Acc,
    ) -> Result<(), AppError> {
        let rows = self.fetch(conn, slice, true).await?;
        if self.listing {
            acc.rows.extend(rows);
            return Ok(());
        }
        for row in rows {
            let key: Vec<String> = row[..self.groups]
                .iter()
                .map(|v| format!("{v:?}"))
                .collect();
            match acc.index.get(&key) {
                Some(&i) => {
                    let into = &mut acc.rows[i];
                    for (m, merge) in self.merges.iter().enumerate() {
                        let c = self.groups + m;
                        into[c] = merge_values(*merge, &into[c], &row[c]);
                    }
                }
                None => {
                    acc.index.insert(key, acc.rows.len());
                    acc.rows.push(row);
                }
            }
            if acc.rows.len() > MAX_GROUPS {
                return Err(AppError::invalid(Field::Report, Problem::TooLong));
            }
        }
        Ok(())
    }

    /// Sorts, cuts to the limit and adds totals.
    pub async fn finish(
        &self,
        conn: &mut AnyConnection,
        acc: Acc,
        sliced: bool,
    ) -> Result<Table, AppError> {
        let mut rows = acc.rows;
        let totals = if self.listing || self.groups == 0 {
            None
        } else if sliced {
            let mut t: Vec<Value> = vec![Value::Null; self.columns.len()];
            for row in &rows {
                for (m, merge) in self.merges.iter().enumerate() {
                    let c = self.groups + m;
                    t[c] = merge_values(*merge, &t[c], &row[c]);
                }
            }
            Some(t)
        } else {
            let slice = self.period.as_ref().map(|p| (p.from, p.to));
            let measures = self.fetch(conn, slice, false).await?;
            measures.into_iter().next().map(|m| {
                let mut t = vec![Value::Null; self.groups];
                t.extend(m);
                t
            })
        };
        let order: Vec<(usize, bool)> = if self.sort.is_empty() {
            (0..self.groups.max(usize::from(self.listing)))
                .map(|c| (c, false))
                .collect()
        } else {
            self.sort.clone()
        };
        if !self.listing || !self.sort.is_empty() {
            rows.sort_by(|a, b| {
                for (c, desc) in &order {
                    let o = cmp_values(&a[*c], &b[*c]);
                    let o = if *desc { o.reverse() } else { o };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
        }
        let truncated = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        Ok(Table {
            columns: self.columns.clone(),
            rows,
            totals,
            truncated,
            period: None,
        })
    }
}

/// Rows gathered so far.
#[derive(Default)]
pub struct Acc {
    rows: Vec<Vec<Value>>,
    index: HashMap<Vec<String>, usize>,
}

fn merge_values(merge: Merge, a: &Value, b: &Value) -> Value {
    if *a == Value::Null {
        return b.clone();
    }
    if *b == Value::Null {
        return a.clone();
    }
    let pick = |x: i64, y: i64| match merge {
        Merge::Add => x + y,
        Merge::Min => x.min(y),
        Merge::Max => x.max(y),
        Merge::None => x,
    };
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Value::Int(pick(*x, *y)),
        (Value::Money(x), Value::Money(y)) => Value::Money(Money(pick(x.0, y.0))),
        (Value::Qty(x), Value::Qty(y)) => Value::Qty(Qty(pick(x.0, y.0))),
        (Value::Day(x), Value::Day(y)) => Value::Day(pick(*x, *y)),
        _ => a.clone(),
    }
}

fn rank(v: &Value) -> Option<i64> {
    match v {
        Value::Int(x) | Value::Day(x) | Value::Week(x) | Value::Month(x) | Value::Percent(x) => {
            Some(*x)
        }
        Value::Money(m) => Some(m.0),
        Value::Qty(q) => Some(q.0),
        _ => None,
    }
}

/// Nulls first, numbers by value, text by text.
pub fn cmp_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        _ => match (rank(a), rank(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => a.text().cmp(&b.text()),
        },
    }
}

/// Runs a plan to the end on one connection (tests, REST).
pub async fn run(conn: &mut AnyConnection, plan: &Plan) -> Result<Table, AppError> {
    let slices = plan.slices();
    let sliced = slices.len() > 1;
    let mut acc = Acc::default();
    for s in slices {
        plan.run_slice(conn, s, &mut acc).await?;
    }
    plan.finish(conn, acc, sliced).await
}
