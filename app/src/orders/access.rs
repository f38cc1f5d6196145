//! Which shops' orders an employee works with beyond their home shop. Directors,
//! accountants and admins see every shop anyway; an admin widens the others here.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{auth::api::caller, error::with_status};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopAccess {
    pub employee_id: i64,
    pub name: String,
    pub home_location_id: Option<i64>,
    /// Extra shops, besides home.
    pub shops: Vec<i64>,
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::ShopAccess;
    use crate::auth::service::Caller;
    use crate::auth::Action;
    use crate::db::Db;
    use crate::error::{AppError, Field, Problem};
    use crate::live::{hub::Hub, LiveEvent};

    /// Managers and storekeepers with their extra shops (admin).
    pub async fn list(db: &Db, caller: &Caller) -> Result<Vec<ShopAccess>, AppError> {
        caller.require(Action::ManageOrganisation)?;
        let people: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, name, home_location_id FROM employee \
             WHERE active = 1 AND role IN ('manager', 'storekeeper') ORDER BY name",
        )
        .fetch_all(&db.pool)
        .await?;
        let grants: Vec<(i64, i64)> =
            sqlx::query_as("SELECT employee_id, location_id FROM employee_shop")
                .fetch_all(&db.pool)
                .await?;
        Ok(people
            .into_iter()
            .map(|(employee_id, name, home_location_id)| ShopAccess {
                employee_id,
                name,
                home_location_id,
                shops: grants
                    .iter()
                    .filter(|g| g.0 == employee_id)
                    .map(|g| g.1)
                    .collect(),
            })
            .collect())
    }

    /// Replaces an employee's extra shops, all or nothing.
    pub async fn set(
        db: &Db,
        hub: &Hub,
        caller: &Caller,
        employee_id: i64,
        shops: Vec<i64>,
    ) -> Result<(), AppError> {
        caller.require(Action::ManageOrganisation)?;
        if shops.len() > 200 {
            return Err(AppError::invalid(Field::Location, Problem::TooLong));
        }
        let mut tx = db.begin_write().await?;
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM employee WHERE id = $1")
            .bind(employee_id)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(AppError::NotFound);
        }
        sqlx::query("DELETE FROM employee_shop WHERE employee_id = $1")
            .bind(employee_id)
            .execute(&mut *tx)
            .await?;
        for shop in shops {
            let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM location WHERE id = $1")
                .bind(shop)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(AppError::invalid(Field::Location, Problem::NotFound));
            }
            sqlx::query(
                "INSERT INTO employee_shop (employee_id, location_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(employee_id)
            .bind(shop)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        hub.publish(LiveEvent::EmployeeChanged { id: employee_id });
        Ok(())
    }
}

#[server(endpoint = "org/access/list", input = Json)]
pub async fn list_access() -> Result<Vec<ShopAccess>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "org/access/set", input = Json)]
pub async fn set_access(employee_id: i64, shops: Vec<i64>) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::set(&state.db, &state.hub, &caller, employee_id, shops).await
        }
        .await,
    )
}
