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

/// Creates an order; with `key` (an idempotency key the tablet made) a repeat of the
/// same request gets the same order, never a second one.
#[server(endpoint = "orders/create", input = Json)]
pub async fn create_order(
    input: OrderInput,
    #[server(default)] key: Option<String>,
) -> Result<Order, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            match key {
                None => service::create(&state.db, &state.hub, &caller, input).await,
                Some(key) => {
                    let key = crate::idempotency::Key::parse(&key)?;
                    let made = service::create_keyed(&state.db, &state.hub, &caller, input, key);
                    Ok(made.await?.0)
                }
            }
        }
        .await,
    )
}

/// Moves an order to another stage (running that stage's actions); `comment` goes into
/// the history with the move (a transition may require one).
#[server(endpoint = "orders/move", input = Json)]
pub async fn move_order(
    id: i64,
    stage_id: i64,
    #[server(default)] comment: String,
) -> Result<Order, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::move_to(&state.db, &state.hub, &caller, id, stage_id, &comment).await
        }
        .await,
    )
}

/// Where an order's lines could come from: the fewest locations, nearest first, seen
/// from `shop_id` (the caller's shop when left out).
#[server(endpoint = "orders/sourcing", input = Json)]
pub async fn suggest_sourcing(
    #[server(default)] shop_id: Option<i64>,
    lines: Vec<super::sourcing::Need>,
) -> Result<super::sourcing::SourcingPlan, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            super::sourcing::suggest(&state.db, &caller, shop_id, lines).await
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
