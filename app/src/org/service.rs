//! Rules and SQL for locations and employees. Changes publish a live event after commit.

use super::{Employee, EmployeeInput, Location, LocationInput, LocationKind, MicroDegrees};
use crate::auth::service::{hash_password, Caller};
use crate::auth::{Action, Role};
use crate::db::{flag, now_ms, Db};
use crate::error::{AppError, Conflict, Field, Problem};
use crate::live::{hub::Hub, LiveEvent};

type LocationRow = (i64, String, String, String, String, i64, i64, i64, String);

const LOCATION_COLUMNS: &str =
    "id, name, kind, city, address, lat_micro, lon_micro, active, time_zone";

fn location_from(row: LocationRow) -> Result<Location, AppError> {
    let (id, name, kind, city, address, lat, lon, active, time_zone) = row;
    Ok(Location {
        id,
        name,
        kind: LocationKind::parse(&kind).ok_or(AppError::Internal)?,
        city,
        address,
        lat: MicroDegrees(lat),
        lon: MicroDegrees(lon),
        active: active != 0,
        time_zone,
    })
}

#[tracing::instrument(skip_all)]
pub async fn list_locations(db: &Db, caller: &Caller) -> Result<Vec<Location>, AppError> {
    caller.require(Action::ViewOrganisation)?;
    let rows: Vec<LocationRow> = sqlx::query_as(&format!(
        "SELECT {LOCATION_COLUMNS} FROM location ORDER BY active DESC, name"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(location_from).collect()
}

pub async fn get_location(db: &Db, caller: &Caller, id: i64) -> Result<Location, AppError> {
    caller.require(Action::ViewOrganisation)?;
    let row: LocationRow = sqlx::query_as(&format!(
        "SELECT {LOCATION_COLUMNS} FROM location WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&db.pool)
    .await?;
    location_from(row)
}

#[tracing::instrument(skip_all)]
pub async fn create_location(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: LocationInput,
) -> Result<Location, AppError> {
    caller.require(Action::ManageOrganisation)?;
    let time_zone = crate::time::zones::check_name(&input.time_zone, true)?;
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO location (name, kind, city, address, lat_micro, lon_micro, active, created_at, updated_at, time_zone) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8) RETURNING id",
    )
    .bind(&input.name)
    .bind(input.kind.as_str())
    .bind(&input.city)
    .bind(&input.address)
    .bind(input.lat.0)
    .bind(input.lon.0)
    .bind(now)
    .bind(&time_zone)
    .fetch_one(&db.pool)
    .await?;
    hub.publish(LiveEvent::LocationChanged { id });
    get_location(db, caller, id).await
}

#[tracing::instrument(skip_all)]
pub async fn update_location(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    id: i64,
    input: LocationInput,
) -> Result<Location, AppError> {
    caller.require(Action::ManageOrganisation)?;
    let time_zone = crate::time::zones::check_name(&input.time_zone, true)?;
    let mut tx = db.begin_write().await?;
    let before: Option<(String,)> = sqlx::query_as("SELECT time_zone FROM location WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((before,)) = before else {
        return Err(AppError::NotFound);
    };
    sqlx::query(
        "UPDATE location SET name = $1, kind = $2, city = $3, address = $4, lat_micro = $5, \
         lon_micro = $6, updated_at = $7, time_zone = $8 WHERE id = $9",
    )
    .bind(&input.name)
    .bind(input.kind.as_str())
    .bind(&input.city)
    .bind(&input.address)
    .bind(input.lat.0)
    .bind(input.lon.0)
    .bind(now_ms())
    .bind(&time_zone)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if before != time_zone {
        // The shop's days are on another calendar now: its orders' and payments' local
        // days and the report aggregates follow, in the same transaction.
        crate::time::zones::recompute_local_days(&mut tx).await?;
        crate::reports::aggregates::rebuild_on(&mut tx, db.backend).await?;
    }
    tx.commit().await?;
    hub.publish(LiveEvent::LocationChanged { id });
    get_location(db, caller, id).await
}

/// Deactivates or reactivates a location; its history stays.
pub async fn set_location_active(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    id: i64,
    active: bool,
) -> Result<Location, AppError> {
    caller.require(Action::ManageOrganisation)?;
    let done = sqlx::query("UPDATE location SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(flag(active))
        .bind(now_ms())
        .bind(id)
        .execute(&db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    hub.publish(LiveEvent::LocationChanged { id });
    get_location(db, caller, id).await
}

type EmployeeRow = (i64, String, String, String, Option<i64>, i64, String);

const EMPLOYEE_COLUMNS: &str = "id, login, name, role, home_location_id, active, extension";

fn employee_from(row: EmployeeRow) -> Result<Employee, AppError> {
    let (id, login, name, role, home_location_id, active, extension) = row;
    Ok(Employee {
        id,
        login,
        name,
        role: Role::parse(&role).ok_or(AppError::Internal)?,
        home_location_id,
        active: active != 0,
        extension,
    })
}

pub async fn list_employees(db: &Db, caller: &Caller) -> Result<Vec<Employee>, AppError> {
    caller.require(Action::ViewOrganisation)?;
    let rows: Vec<EmployeeRow> = sqlx::query_as(&format!(
        "SELECT {EMPLOYEE_COLUMNS} FROM employee ORDER BY active DESC, name"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(employee_from).collect()
}

pub async fn get_employee(db: &Db, caller: &Caller, id: i64) -> Result<Employee, AppError> {
    caller.require(Action::ViewOrganisation)?;
    let row: EmployeeRow = sqlx::query_as(&format!(
        "SELECT {EMPLOYEE_COLUMNS} FROM employee WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&db.pool)
    .await?;
    employee_from(row)
}

async fn check_home_location(db: &Db, id: Option<i64>) -> Result<(), AppError> {
    if let Some(id) = id {
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM location WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
        if found.is_none() {
            return Err(AppError::invalid(Field::Location, Problem::NotFound));
        }
    }
    Ok(())
}

/// Refuses a change that would leave the company without an active administrator.
/// Inside the changing transaction, with every active admin's row taken first (by id), so
/// two admins demoting each other at once can't both pass.
async fn keep_an_admin(conn: &mut sqlx::AnyConnection, id: i64) -> Result<(), AppError> {
    let admins: Vec<(i64,)> = sqlx::query_as(&format!(
        "SELECT id FROM employee WHERE role = 'admin' AND active = 1 ORDER BY id{}",
        crate::db::for_update(conn)
    ))
    .fetch_all(&mut *conn)
    .await?;
    if admins.iter().all(|(admin,)| *admin == id) {
        return Err(AppError::conflict(Conflict::LastAdmin));
    }
    Ok(())
}

/// Creates an employee. Used by the admin screen, the REST API and `vitrina user add`.
pub async fn insert_employee(db: &Db, input: &EmployeeInput) -> Result<i64, AppError> {
    check_home_location(db, input.home_location_id).await?;
    let password = input
        .password
        .clone()
        .ok_or(AppError::invalid(Field::Password, Problem::Required))?;
    let hash = hash_password(password).await?;
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO employee (login, name, role, home_location_id, password_hash, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
    )
    .bind(&input.login)
    .bind(&input.name)
    .bind(input.role.as_str())
    .bind(input.home_location_id)
    .bind(hash)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn create_employee(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: EmployeeInput,
) -> Result<Employee, AppError> {
    caller.require(Action::ManageOrganisation)?;
    let id = insert_employee(db, &input).await?;
    hub.publish(LiveEvent::EmployeeChanged { id });
    get_employee(db, caller, id).await
}

#[tracing::instrument(skip_all)]
pub async fn update_employee(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    id: i64,
    input: EmployeeInput,
) -> Result<Employee, AppError> {
    caller.require(Action::ManageOrganisation)?;
    let current = get_employee(db, caller, id).await?;
    check_home_location(db, input.home_location_id).await?;
    let hash = match input.password.clone() {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    let mut tx = db.begin_write().await?;
    if current.role == Role::Admin && input.role != Role::Admin && current.active {
        keep_an_admin(&mut tx, id).await?;
    }
    sqlx::query(
        "UPDATE employee SET login = $1, name = $2, role = $3, home_location_id = $4, updated_at = $5 \
         WHERE id = $6",
    )
    .bind(&input.login)
    .bind(&input.name)
    .bind(input.role.as_str())
    .bind(input.home_location_id)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if let Some(hash) = hash {
        sqlx::query("UPDATE employee SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // A new password signs the person out everywhere else.
        sqlx::query("DELETE FROM session WHERE employee_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    hub.publish(LiveEvent::EmployeeChanged { id });
    get_employee(db, caller, id).await
}

/// Deactivation keeps the employee and their history, ends their sessions and blocks login.
pub async fn set_employee_active(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    id: i64,
    active: bool,
) -> Result<Employee, AppError> {
    caller.require(Action::ManageOrganisation)?;
    let current = get_employee(db, caller, id).await?;
    let mut tx = db.begin_write().await?;
    if !active && current.role == Role::Admin {
        keep_an_admin(&mut tx, id).await?;
    }
    sqlx::query("UPDATE employee SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(flag(active))
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if !active {
        sqlx::query("DELETE FROM session WHERE employee_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    hub.publish(LiveEvent::EmployeeChanged { id });
    if !active {
        hub.disconnect_user(id);
    }
    get_employee(db, caller, id).await
}
