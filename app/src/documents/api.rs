//! Server functions of documents.

use super::Company;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

#[server(endpoint = "company/get", input = Json)]
pub async fn get_company() -> Result<Company, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::company(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "company/save", input = Json)]
pub async fn save_company(input: Company) -> Result<Company, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::save_company(&state.db, &caller, input).await
        }
        .await,
    )
}
