//! Server functions for locations and employees: guard, validate, call the service.

use super::{Employee, EmployeeForm, Location, LocationForm};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

#[server(endpoint = "org/locations/list", input = Json)]
pub async fn list_locations() -> Result<Vec<Location>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list_locations(&state.db, &caller).await
        }
        .await,
    )
}

/// Creates (`id` = None) or updates a location.
#[server(endpoint = "org/locations/save", input = Json)]
pub async fn save_location(id: Option<i64>, form: LocationForm) -> Result<Location, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            caller.require(crate::auth::Action::ManageOrganisation)?;
            let input = form.validate()?;
            match id {
                None => service::create_location(&state.db, &state.hub, &caller, input).await,
                Some(id) => {
                    service::update_location(&state.db, &state.hub, &caller, id, input).await
                }
            }
        }
        .await,
    )
}

#[server(endpoint = "org/locations/active", input = Json)]
pub async fn set_location_active(id: i64, active: bool) -> Result<Location, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::set_location_active(&state.db, &state.hub, &caller, id, active).await
        }
        .await,
    )
}

#[server(endpoint = "org/employees/list", input = Json)]
pub async fn list_employees() -> Result<Vec<Employee>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list_employees(&state.db, &caller).await
        }
        .await,
    )
}

/// Creates (`id` = None) or updates an employee.
#[server(endpoint = "org/employees/save", input = Json)]
pub async fn save_employee(id: Option<i64>, form: EmployeeForm) -> Result<Employee, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            caller.require(crate::auth::Action::ManageOrganisation)?;
            let input = form.validate(id.is_none())?;
            match id {
                None => service::create_employee(&state.db, &state.hub, &caller, input).await,
                Some(id) => {
                    service::update_employee(&state.db, &state.hub, &caller, id, input).await
                }
            }
        }
        .await,
    )
}

#[server(endpoint = "org/employees/active", input = Json)]
pub async fn set_employee_active(id: i64, active: bool) -> Result<Employee, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::set_employee_active(&state.db, &state.hub, &caller, id, active).await
        }
        .await,
    )
}
