//! `/api/v1/clients`: client cards for the online shop and integrations.

use super::{ApiResult, Body};
use app::auth::service::Caller;
use app::customers::{service, Client, ClientHit, ClientInput};
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientSearch {
    /// A fragment of a phone number (3 digits or more) or of the name; empty: newest cards.
    #[serde(default)]
    pub query: String,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/clients", tag = "clients", params(ClientSearch), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<ClientHit>), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn search_clients(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<ClientSearch>,
) -> ApiResult<Vec<ClientHit>> {
    Ok(axum::Json(
        service::search(&state.db, &caller, &p.query, p.limit.unwrap_or(30)).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/clients", tag = "clients", request_body = ClientInput, security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Client), (status = 403, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn create_client(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<ClientInput>,
) -> Result<Response, AppError> {
    let client = service::save(&state.db, &state.hub, &caller, None, input).await?;
    Ok((StatusCode::CREATED, axum::Json(client)).into_response())
}

#[utoipa::path(get, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Client), (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn get_client(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Client> {
    Ok(axum::Json(service::get(&state.db, &caller, id).await?))
}

#[utoipa::path(put, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = i64, Path)), request_body = ClientInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Client), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn update_client(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<ClientInput>,
) -> ApiResult<Client> {
    Ok(axum::Json(
        service::save(&state.db, &state.hub, &caller, Some(id), input).await?,
    ))
}
