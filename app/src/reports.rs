//! Reports across the chain. The standard reports ([`standard`]: client balances and
//! receivables with ageing, payments by process / client / manager / fund, the client
//! "Balance", sales and margin) read aggregates kept up to date in the same transaction
//! as every order and payment ([`aggregates`]); the constructor ([`builder`]) turns a
//! report definition ([`Spec`]) into SQL over the base tables, only through a whitelist
//! of blocks, fields and relations ([`fields`]), with the caller's shops enforced. Saved
//! reports are shared with roles and pinned to the dashboard ([`saved`]); long runs show
//! progress and can be cancelled ([`jobs`]); results export to CSV and XLSX ([`export`]).

use crate::quantity::{Money, Qty};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod aggregates;
pub mod api;
#[cfg(feature = "ssr")]
pub mod builder;
#[cfg(feature = "ssr")]
pub mod export;
pub mod fields;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod saved;
#[cfg(feature = "ssr")]
pub mod standard;
pub mod ui;

/// One cell of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Value {
    Null,
    Int(i64),
    Money(Money),
    Qty(Qty),
    Text(String),
    /// Days since 1970-01-01.
    Day(i64),
    /// The Monday a week starts on (days since 1970-01-01).
    Week(i64),
    /// `year * 12 + month - 1`.
    Month(i64),
    /// Hundredths of a percent (12.34 % is 1234).
    Percent(i64),
}

impl Value {
    /// A number to draw on a chart (money in roubles, quantities in units).
    pub fn chart_number(&self) -> Option<f64> {
        match self {
            Value::Int(v) => Some(*v as f64),
            Value::Money(m) => Some(m.0 as f64 / 100.0),
            Value::Qty(q) => Some(q.0 as f64 / 1000.0),
            Value::Percent(p) => Some(*p as f64 / 100.0),
            _ => None,
        }
    }

    /// The text of a cell as shown and exported (dates as ISO dates, numbers with a
    /// decimal point).
    pub fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(v) => v.to_string(),
            Value::Money(m) => format!("{:.2}", m.to_decimal()),
            Value::Qty(q) => q.to_string(),
            Value::Text(t) => t.clone(),
            Value::Day(d) | Value::Week(d) => crate::time::day_text(*d),
            Value::Month(m) => format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1),
            Value::Percent(p) => format!("{}.{:02}", p / 100, (p % 100).abs()),
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Value::Int(_) | Value::Money(_) | Value::Qty(_) | Value::Percent(_)
        )
    }
}

/// A column: its id (a translation is looked up for it) and a label for ids the UI
/// doesn't know (a constructor field path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub id: String,
    pub label_en: String,
    pub label_ru: String,
}

impl Column {
    pub fn label(&self, lang: crate::i18n::Lang) -> &str {
        match lang {
            crate::i18n::Lang::Ru => &self.label_ru,
            crate::i18n::Lang::En => &self.label_en,
        }
    }
}

/// A report's result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    /// The totals of the numeric columns over every row (also those not returned).
    pub totals: Option<Vec<Value>>,
    /// More rows matched than were returned.
    pub truncated: bool,
    /// The period the report covers (`YYYY-MM-DD`, both ends included), for reports
    /// over a period: what the picker shows when its boxes were left empty.
    #[serde(default)]
    pub period: Option<(String, String)>,
}

/// The standard reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Standard {
    /// Per client: obligations, paid, balance and what is due by age.
    Receivables,
    /// Payments in, out and net by business process.
    PaymentsByProcess,
    /// Payments by client.
    PaymentsByClient,
    /// Payments by manager.
    PaymentsByManager,
    /// Payments by fund: in, out, net.
    PaymentsByFund,
    /// Per client: their processes' sum, margin and outstanding obligations.
    Balance,
    /// Sales and margin by shop, category, product, manager or day.
    Sales,
}

impl Standard {
    pub const ALL: [Standard; 7] = [
        Standard::Receivables,
        Standard::PaymentsByProcess,
        Standard::PaymentsByClient,
        Standard::PaymentsByManager,
        Standard::PaymentsByFund,
        Standard::Balance,
        Standard::Sales,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Standard::Receivables => "receivables",
            Standard::PaymentsByProcess => "payments_by_process",
            Standard::PaymentsByClient => "payments_by_client",
            Standard::PaymentsByManager => "payments_by_manager",
            Standard::PaymentsByFund => "payments_by_fund",
            Standard::Balance => "balance",
            Standard::Sales => "sales",
        }
    }

    pub fn parse(text: &str) -> Option<Standard> {
        Standard::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the report reads a period (the others are as of now).
    pub fn has_period(self) -> bool {
        !matches!(self, Standard::Receivables | Standard::Balance)
    }
}

/// What sales are grouped by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum SalesBy {
    #[default]
    Shop,
    Category,
    Product,
    Manager,
    Day,
}

impl SalesBy {
    pub const ALL: [SalesBy; 5] = [
        SalesBy::Shop,
        SalesBy::Category,
        SalesBy::Product,
        SalesBy::Manager,
        SalesBy::Day,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            SalesBy::Shop => "shop",
            SalesBy::Category => "category",
            SalesBy::Product => "product",
            SalesBy::Manager => "manager",
            SalesBy::Day => "day",
        }
    }
    pub fn parse(text: &str) -> Option<SalesBy> {
        SalesBy::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Parameters of a standard report. Dates are `YYYY-MM-DD`, both ends included; the
/// period defaults to the current month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct Params {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Only this shop (must be one of the caller's).
    #[serde(default)]
    pub shop_id: Option<i64>,
    /// Only this manager's orders and payments.
    #[serde(default)]
    pub manager_id: Option<i64>,
    /// Sales: the grouping.
    #[serde(default)]
    pub by: Option<SalesBy>,
    /// Payments by process and by client: one row per manager and process / client.
    #[serde(default)]
    pub per_manager: bool,
    /// Every day there is (the last 20 years) instead of `from`/`to`.
    #[serde(default)]
    pub all_time: bool,
    /// Today on the viewer's calendar (days since 1970), set by the server for the
    /// default period; not read from a request.
    #[serde(skip)]
    pub today: Option<i64>,
}

/// A constructor report's definition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spec {
    /// The data block: orders, order_lines, payments, stock_levels, stock_moves,
    /// reservations, clients, tasks.
    pub block: String,
    /// The period on the block's date (`YYYY-MM-DD`, both ends included).
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Group by these fields (with a date bucket for times).
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Without groups: these fields are listed row by row.
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub measures: Vec<Measure>,
    #[serde(default)]
    pub filters: Vec<Filter>,
    /// Sort by a result column (its index), descending or not.
    #[serde(default)]
    pub sort: Vec<Sort>,
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub chart: Chart,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub field: String,
    /// day, week or month for time fields.
    #[serde(default)]
    pub bucket: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// sum, count, avg, min, max, distinct, margin
    pub func: String,
    /// The field (none for count and margin).
    #[serde(default)]
    pub field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub field: String,
    /// eq, ne, lt, le, gt, ge, contains, in (comma separated values)
    pub op: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub column: usize,
    #[serde(default)]
    pub desc: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Chart {
    #[default]
    None,
    Bar,
    Line,
    Pie,
}

/// A saved report as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SavedReport {
    pub id: i64,
    pub name: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub spec: Spec,
    /// Roles it is shared with.
    pub roles: Vec<crate::auth::Role>,
    pub owner_id: i64,
    pub owner: String,
    pub pinned: bool,
    pub updated_at: i64,
}

/// A pinned report on the dashboard, run now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pinned {
    pub id: i64,
    pub name: String,
    pub chart: Chart,
    pub result: Result<Table, crate::error::AppError>,
}

/// Where a run stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RunState {
    Running { done: u32, of: u32 },
    Done { table: Table },
    Failed { error: crate::error::AppError },
    Cancelled,
}
