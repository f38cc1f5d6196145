//! Server functions of orders.

use super::{Order, OrderFilter, OrderInput, OrderSummary};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::edit, super::service, crate::auth::api::caller, crate::error::with_status};

#[server(endpoint = "orders/list", input = Json)]
pub async fn list_orders(filter: OrderFilter) -> Result<Vec<OrderSummary>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list(&state.db, &caller, &filter).await
        }
        .await,
    )
}

#[server(endpoint = "orders/get", input = Json)]
pub async fn get_order(id: i64) -> Result<Order, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::get(&state.db, &caller, id).await
        }
        .await,
    )
}

#[server(endpoint = "orders/create", input = Json)]
pub async fn create_order(input: OrderInput) -> Result<Order, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::create(&state.db, &state.hub, &caller, input).await
        }
        .await,
    )
}

/// Moves an order to another stage (running that stage's actions).
#[server(endpoint = "orders/move", input = Json)]
pub async fn move_order(id: i64, stage_id: i64) -> Result<Order, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::move_to(&state.db, &state.hub, &caller, id, stage_id).await
        }
        .await,
    )
}

/// Changes an open order's client, fulfilment, comment and lines (see `edit::update`).
#[server(endpoint = "orders/update", input = Json)]
pub async fn update_order(id: i64, input: OrderInput) -> Result<Order, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            edit::update(&state.db, &state.hub, &caller, id, input).await
        }
        .await,
    )
}
