//! `/api/v1/reports`: the standard reports and saved constructor reports, run with
//! parameters, as JSON, CSV or XLSX. The caller's shops always apply.

use app::auth::service::Caller;
use app::error::{AppError, Field, Problem};
use app::i18n::Lang;
use app::reports::{export, saved, standard, Params, SalesBy, SavedReport, Standard, Table, Value};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Map};

/// The reports the caller may open (shared with their role; all for admins and
/// directors), pinned first.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [SavedReport]), (status = 403, body = crate::openapi::ErrorBody)))]
pub async fn list_reports(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<SavedReport>>, AppError> {
    Ok(axum::Json(saved::list(&state.db, &caller).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    /// First day, `YYYY-MM-DD` (the current month by default for standard reports).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, included.
    pub to: Option<String>,
    /// Only this shop (one of the caller's).
    pub shop_id: Option<i64>,
    /// Only this manager (standard reports).
    pub manager_id: Option<i64>,
    /// Sales: `shop`, `category`, `product`, `manager` or `day`.
    pub by: Option<String>,
    /// Payments by process / client: a row per manager too.
    pub per_manager: Option<bool>,
    /// Every day there is (the last 20 years) instead of `from` / `to`.
    pub all_time: Option<bool>,
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<String>,
    /// Column labels' language for CSV and XLSX: `ru` or `en` (else the request's).
    pub lang: Option<String>,
}

impl RunQuery {
    fn params(&self) -> Result<Params, AppError> {
        Ok(Params {
            from: self.from.clone(),
            to: self.to.clone(),
            shop_id: self.shop_id,
            manager_id: self.manager_id,
            by: match self.by.as_deref().filter(|b| !b.is_empty()) {
                Some(b) => Some(
                    SalesBy::parse(b).ok_or(AppError::invalid(Field::Kind, Problem::Invalid))?,
                ),
                None => None,
            },
            per_manager: self.per_manager.unwrap_or(false),
            all_time: self.all_time.unwrap_or(false),
            today: None,
        })
    }
}

/// One cell as plain JSON: money, quantities and percents as exact decimal strings,
/// dates as `YYYY-MM-DD` (months `YYYY-MM`).
fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Int(i) => json!(i),
        other => json!(other.text()),
    }
}

fn json_row(table: &Table, row: &[Value]) -> serde_json::Value {
    let mut map = Map::new();
    for (c, v) in table.columns.iter().zip(row) {
        map.insert(c.id.clone(), json_value(v));
    }
    serde_json::Value::Object(map)
}

fn respond(
    table: Table,
    q: &RunQuery,
    headers: &HeaderMap,
    title: &str,
) -> Result<Response, AppError> {
    let lang = q
        .lang
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or_else(|| Lang::of_request(headers));
    let file = |ext: &str| {
        let safe: String = title
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("attachment; filename=\"{safe}.{ext}\"")
    };
    match q.format.as_deref().unwrap_or("json") {
        "json" => {
            let rows: Vec<serde_json::Value> =
                table.rows.iter().map(|r| json_row(&table, r)).collect();
            let totals = table.totals.as_ref().map(|t| json_row(&table, t));
            Ok(axum::Json(json!({
                "columns": table.columns,
                "rows": rows,
                "totals": totals,
                "truncated": table.truncated,
                "period": table.period.as_ref().map(|(from, to)| json!({"from": from, "to": to})),
            }))
            .into_response())
        }
        "csv" => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, file("csv")),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            export::csv(&table, lang),
        )
            .into_response()),
        "xlsx" => Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (header::CONTENT_DISPOSITION, file("xlsx")),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            export::xlsx(&table, lang, title)?,
        )
            .into_response()),
        _ => Err(AppError::invalid(Field::Kind, Problem::Invalid)),
    }
}

/// A standard report: `receivables`, `payments_by_process`, `payments_by_client`,
/// `payments_by_manager`, `payments_by_fund`, `balance` or `sales`.
#[utoipa::path(get, path = "/api/v1/reports/standard/{name}", tag = "reports",
    params(("name" = String, Path), RunQuery), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "columns, rows (objects keyed by column id), totals; or the CSV / XLSX file"),
        (status = 403, body = crate::openapi::ErrorBody), (status = 404, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn run_standard(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Query(q): Query<RunQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let report = Standard::parse(&name).ok_or(AppError::NotFound)?;
    let table = standard::run(&state.db, &caller, report, &q.params()?).await?;
    respond(table, &q, &headers, report.as_str())
}

/// Runs a saved report with parameters (period, shop).
#[utoipa::path(get, path = "/api/v1/reports/{id}/run", tag = "reports",
    params(("id" = i64, Path), RunQuery), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "columns, rows (objects keyed by column id), totals; or the CSV / XLSX file"),
        (status = 403, body = crate::openapi::ErrorBody), (status = 404, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn run_saved(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<RunQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let report = saved::get(&state.db, &caller, id).await?;
    let table = saved::run(&state.db, &caller, &report, &q.params()?).await?;
    respond(table, &q, &headers, &format!("report-{}", report.id))
}
