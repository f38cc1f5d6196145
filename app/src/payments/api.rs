//! Server functions of payments and funds.

use super::{ClientBalance, Fund, Method, Payment, PaymentInput};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

#[server(endpoint = "funds/list", input = Json)]
pub async fn list_funds() -> Result<Vec<Fund>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list_funds(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "funds/save", input = Json)]
pub async fn save_fund(
    id: Option<i64>,
    name: String,
    active: bool,
    #[server(default)] default_for: Vec<Method>,
    #[server(default)] splits: Vec<super::FundSplit>,
) -> Result<Fund, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::save_fund(&state.db, &caller, id, &name, active, &default_for, &splits).await
        }
        .await,
    )
}

#[server(endpoint = "payments/record", input = Json)]
pub async fn record_payment(input: PaymentInput) -> Result<Payment, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::record(&state.db, &state.hub, &caller, input).await
        }
        .await,
    )
}

/// Payments of an order, or of a client.
#[server(endpoint = "payments/list", input = Json)]
pub async fn list_payments(
    order_id: Option<i64>,
    client_id: Option<i64>,
) -> Result<Vec<Payment>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list(&state.db, &caller, order_id, client_id).await
        }
        .await,
    )
}

#[server(endpoint = "clients/balance", input = Json)]
pub async fn get_client_balance(client_id: i64) -> Result<ClientBalance, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::client_balance(&state.db, &caller, client_id).await
        }
        .await,
    )
}

/// A planned payment has arrived.
#[server(endpoint = "payments/confirm", input = Json)]
pub async fn confirm_payment(id: i64) -> Result<Payment, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::confirm(&state.db, &state.hub, &caller, id).await
        }
        .await,
    )
}
