//! Server functions of telephony: the pop-up's card, the call log, click-to-call,
//! linking a call to an order, extensions and Settings → Telephony.

use super::{Call, CallCard, TelephonySettings, TelephonySettingsInput};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

/// The card of a ringing call (its employee, or a director or admin).
#[server(endpoint = "telephony/card", input = Json)]
pub async fn get_call_card(id: i64) -> Result<CallCard, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::card(&state.db, &caller, id).await
        }
        .await,
    )
}

/// The call log: of a client, an order, an employee (what the caller may see).
#[server(endpoint = "telephony/calls", input = Json)]
pub async fn list_calls(
    client_id: Option<i64>,
    order_id: Option<i64>,
    employee_id: Option<i64>,
) -> Result<Vec<Call>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            let filter = service::CallFilter {
                client_id,
                order_id,
                employee_id,
                ..Default::default()
            };
            service::list(&state.db, &caller, &filter, 200).await
        }
        .await,
    )
}

/// Rings the caller's extension, then the number.
#[server(endpoint = "telephony/dial", input = Json)]
pub async fn dial(phone: String) -> Result<String, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::click_to_call(&state.db, &state.pbx, &caller, &phone).await
        }
        .await,
    )
}

#[server(endpoint = "telephony/link_order", input = Json)]
pub async fn link_call_to_order(id: i64, order_id: i64) -> Result<Call, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::link_order(&state.db, &caller, id, order_id).await
        }
        .await,
    )
}

#[server(endpoint = "telephony/set_extension", input = Json)]
pub async fn set_extension(employee_id: i64, extension: String) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::set_extension(&state.db, &state.hub, &caller, employee_id, &extension).await
        }
        .await,
    )
}

#[server(endpoint = "telephony/settings", input = Json)]
pub async fn get_telephony_settings() -> Result<TelephonySettings, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::settings(&state.db, &state.pbx, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "telephony/save_settings", input = Json)]
pub async fn save_telephony_settings(
    input: TelephonySettingsInput,
) -> Result<TelephonySettings, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::save_settings(&state.db, &state.pbx, &caller, input).await
        }
        .await,
    )
}
