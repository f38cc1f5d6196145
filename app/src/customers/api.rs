//! Server functions of client cards.

use super::{Client, ClientHit, ClientInput, PhoneOwner};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

/// Search as you type: a fragment of a phone number or of the name.
#[server(endpoint = "clients/search", input = Json)]
pub async fn search_clients(query: String) -> Result<Vec<ClientHit>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::search(&state.db, &caller, &query, 30).await
        }
        .await,
    )
}

#[server(endpoint = "clients/get", input = Json)]
pub async fn get_client(id: i64) -> Result<Client, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::get(&state.db, &caller, id).await
        }
        .await,
    )
}

/// Creates a card (`id` = null) or saves an edited one.
#[server(endpoint = "clients/save", input = Json)]
pub async fn save_client(id: Option<i64>, input: ClientInput) -> Result<Client, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::save(&state.db, &state.hub, &caller, id, input).await
        }
        .await,
    )
}

/// Other cards that already carry one of these phones (the form's duplicate flag).
#[server(endpoint = "clients/phone_owners", input = Json)]
pub async fn phone_owners(
    phones: Vec<String>,
    except: Option<i64>,
) -> Result<Vec<PhoneOwner>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::phone_owners(&state.db, &caller, &phones, except).await
        }
        .await,
    )
}
