//! Server functions of stock: thin doors into the services.

use super::{
    Availability, DocInput, OverviewFilter, OverviewRow, ReservationInfo, ReserveInput, StockDoc,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {
    super::{availability, documents, overview, reservations},
    crate::auth::api::caller,
    crate::error::with_status,
};

#[server(endpoint = "stock/availability", input = Json)]
pub async fn product_availability(product_id: i64) -> Result<Availability, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            availability::availability(&state.db, &caller, product_id).await
        }
        .await,
    )
}

/// Reserves; with `key` (an idempotency key the tablet made) a repeat of the same request
/// — a retry after a lost answer, the offline queue's replay — gets the same reservation.
#[server(endpoint = "stock/reserve", input = Json)]
pub async fn reserve(
    input: ReserveInput,
    #[server(default)] key: Option<String>,
) -> Result<ReservationInfo, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            match key {
                None => reservations::reserve(&state.db, &state.hub, &caller, input).await,
                Some(key) => {
                    let key = crate::idempotency::Key::parse(&key)?;
                    let made =
                        reservations::reserve_keyed(&state.db, &state.hub, &caller, input, key);
                    Ok(made.await?.0)
                }
            }
        }
        .await,
    )
}

#[server(endpoint = "stock/release", input = Json)]
pub async fn release_reservation(id: i64) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            reservations::release(&state.db, &state.hub, &caller, id).await
        }
        .await,
    )
}

#[server(endpoint = "stock/fulfil", input = Json)]
pub async fn fulfil_reservation(id: i64) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            reservations::fulfil(&state.db, &state.hub, &caller, id).await
        }
        .await,
    )
}

#[server(endpoint = "stock/docs/create", input = Json)]
pub async fn create_stock_doc(input: DocInput) -> Result<StockDoc, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            documents::create(&state.db, &state.hub, &caller, input).await
        }
        .await,
    )
}

#[server(endpoint = "stock/docs/receive", input = Json)]
pub async fn receive_transfer(id: i64) -> Result<StockDoc, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            documents::receive_transfer(&state.db, &state.hub, &caller, id).await
        }
        .await,
    )
}

#[server(endpoint = "stock/docs/list", input = Json)]
pub async fn list_stock_docs(location_id: Option<i64>) -> Result<Vec<StockDoc>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            documents::list(&state.db, &caller, location_id, 100).await
        }
        .await,
    )
}

#[server(endpoint = "stock/docs/get", input = Json)]
pub async fn get_stock_doc(id: i64) -> Result<StockDoc, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            documents::get(&state.db, &caller, id).await
        }
        .await,
    )
}

#[server(endpoint = "stock/overview", input = Json)]
pub async fn stock_overview(filter: OverviewFilter) -> Result<Vec<OverviewRow>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            overview::overview(&state.db, &caller, filter).await
        }
        .await,
    )
}
