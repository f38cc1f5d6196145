//! `/api/v1/locations` and `/api/v1/employees` (read).

use super::ApiResult;
use app::auth::service::Caller;
use app::org::{service, Employee, Location};
use app::state::AppState;
use axum::extract::{Path, State};

/// Every location (shops and warehouses), active first.
#[utoipa::path(get, path = "/api/v1/locations", tag = "organisation", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Location>), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn list_locations(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<Location>> {
    Ok(axum::Json(
        service::list_locations(&state.db, &caller).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/locations/{id}", tag = "organisation", security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Location id")),
    responses((status = 200, body = Location), (status = 401, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn get_location(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Location> {
    Ok(axum::Json(
        service::get_location(&state.db, &caller, id).await?,
    ))
}

/// Every employee, active first (never password hashes).
#[utoipa::path(get, path = "/api/v1/employees", tag = "organisation", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Employee>), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn list_employees(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<Employee>> {
    Ok(axum::Json(
        service::list_employees(&state.db, &caller).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/employees/{id}", tag = "organisation", security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Employee id")),
    responses((status = 200, body = Employee), (status = 401, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn get_employee(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Employee> {
    Ok(axum::Json(
        service::get_employee(&state.db, &caller, id).await?,
    ))
}
