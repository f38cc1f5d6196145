//! Saved constructor reports: a name, a definition, the roles it is shared with, pins
//! to each person's dashboard. Admins and directors build and see every report; others
//! see those shared with their role. Running one always applies the runner's shops.

use super::builder::{self, Plan};
use super::{Params, Pinned, SavedReport, Spec, Table};
use crate::auth::service::Caller;
use crate::auth::{Action, Role};
use crate::db::{now_ms, Db};
use crate::error::{AppError, Conflict, Field, Problem};

/// Checks a definition and plans it for the caller (their shops applied).
pub async fn plan_for(
    db: &Db,
    caller: &Caller,
    spec: &Spec,
    params: &Params,
) -> Result<Plan, AppError> {
    let scope = caller.scope();
    let mut conn = db.pool.acquire().await?;
    let zones = crate::time::zones::chain(&mut conn).await?;
    builder::plan(db.backend, spec, scope, params, &zones)
}

type Row = (i64, String, String, String, i64, String, i64, Option<i64>);

const SELECT: &str =
    "SELECT r.id, r.name, r.spec, r.roles, r.owner_id, e.name, r.updated_at, p.position \
     FROM report r JOIN employee e ON e.id = r.owner_id \
     LEFT JOIN report_pin p ON p.report_id = r.id AND p.employee_id = $1";

fn from_row(r: Row) -> Result<SavedReport, AppError> {
    let (id, name, spec, roles, owner_id, owner, updated_at, pin) = r;
    Ok(SavedReport {
        id,
        name,
        spec: serde_json::from_str(&spec).map_err(|_| AppError::Internal)?,
        roles: roles.split(',').filter_map(Role::parse).collect(),
        owner_id,
        owner,
        pinned: pin.is_some(),
        updated_at,
    })
}

fn may_see(caller: &Caller, r: &SavedReport) -> bool {
    Action::BuildReports.allowed(caller.role)
        || r.owner_id == caller.id
        || r.roles.contains(&caller.role)
}

pub async fn list(db: &Db, caller: &Caller) -> Result<Vec<SavedReport>, AppError> {
    caller.require(Action::ViewReports)?;
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY p.position, r.name"))
        .bind(caller.id)
        .fetch_all(&db.pool)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let r = from_row(r)?;
        if may_see(caller, &r) {
            out.push(r);
        }
    }
    out.sort_by(|a, b| b.pinned.cmp(&a.pinned).then(a.name.cmp(&b.name)));
    Ok(out)
}

pub async fn get(db: &Db, caller: &Caller, id: i64) -> Result<SavedReport, AppError> {
    caller.require(Action::ViewReports)?;
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE r.id = $2"))
        .bind(caller.id)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    let r = from_row(row.ok_or(AppError::NotFound)?)?;
    if !may_see(caller, &r) {
        return Err(AppError::Forbidden);
    }
    Ok(r)
}

/// Creates (`id` None) or replaces a report.
pub async fn save(
    db: &Db,
    caller: &Caller,
    id: Option<i64>,
    name: &str,
    spec: &Spec,
    roles: &[Role],
) -> Result<SavedReport, AppError> {
    caller.require(Action::BuildReports)?;
    let name = crate::org::text(name, Field::Name, 120)?;
    // Refuse what could not run (unknown fields, bad filters) before it is saved.
    builder::plan(
        db.backend,
        spec,
        None,
        &Params::default(),
        &Default::default(),
    )?;
    let json = serde_json::to_string(spec).map_err(|_| AppError::Internal)?;
    if json.len() > 64_000 {
        return Err(AppError::invalid(Field::Report, Problem::TooLong));
    }
    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let roles = roles.join(",");
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM report WHERE name = $1")
        .bind(&name)
        .fetch_optional(&mut *tx)
        .await?;
    if matches!(taken, Some((other,)) if Some(other) != id) {
        return Err(AppError::conflict(Conflict::ReportNameTaken));
    }
    let id = match id {
        None => {
            sqlx::query_as::<_, (i64,)>(
                "INSERT INTO report (name, spec, roles, owner_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(&name)
            .bind(&json)
            .bind(&roles)
            .bind(caller.id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .0
        }
        Some(id) => {
            let done = sqlx::query(
                "UPDATE report SET name = $1, spec = $2, roles = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(&name)
            .bind(&json)
            .bind(&roles)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
    };
    tx.commit().await?;
    get(db, caller, id).await
}

pub async fn delete(db: &Db, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require(Action::BuildReports)?;
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM report_pin WHERE report_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let done = sqlx::query("DELETE FROM report WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Pins a report to (or unpins it from) the caller's dashboard.
pub async fn pin(db: &Db, caller: &Caller, id: i64, pinned: bool) -> Result<(), AppError> {
    get(db, caller, id).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM report_pin WHERE employee_id = $1 AND report_id = $2")
        .bind(caller.id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if pinned {
        sqlx::query(
            "INSERT INTO report_pin (employee_id, report_id, position) \
             SELECT $1, $2, COALESCE(MAX(position), 0) + 1 FROM report_pin WHERE employee_id = $1",
        )
        .bind(caller.id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Runs a saved report the caller may see (from [`get`] or [`list`]) with parameters
/// (period, shop), to the end.
pub async fn run(
    db: &Db,
    caller: &Caller,
    report: &SavedReport,
    params: &Params,
) -> Result<Table, AppError> {
    let plan = plan_for(db, caller, &report.spec, params).await?;
    super::jobs::run_now(db, &plan).await
}

/// The caller's pinned reports, each run now; nothing for roles without reports.
pub async fn dashboard(db: &Db, caller: &Caller) -> Result<Vec<Pinned>, AppError> {
    if !Action::ViewReports.allowed(caller.role) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for r in list(db, caller).await?.into_iter().filter(|r| r.pinned) {
        let result = run(db, caller, &r, &Params::default()).await;
        out.push(Pinned {
            id: r.id,
            name: r.name,
            chart: r.spec.chart,
            result,
        });
    }
    Ok(out)
}
