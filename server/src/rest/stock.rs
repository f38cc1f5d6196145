//! `/api/v1/products`, `/api/v1/reservations`, `/api/v1/stock/*`: the online shop's door
//! into the shared stock (DESIGN.md §5).

use super::{ApiResult, Body};
use app::auth::service::Caller;
use app::catalog::{self, Product, ProductHit, ProductInput};
use app::error::AppError;
use app::state::AppState;
use app::stock::{
    availability, documents, reservations, DocInput, DocKind, DocLine, LocationStock,
    ReservationInfo, ReserveInput, StockDoc,
};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Barcode, SKU prefix or a fragment of the name.
    #[serde(default)]
    pub query: String,
    /// At most this many (1–100, default 20).
    pub limit: Option<i64>,
}

fn created<T: serde::Serialize>(value: T) -> Response {
    (StatusCode::CREATED, axum::Json(value)).into_response()
}

#[utoipa::path(get, path = "/api/v1/products", tag = "stock", params(SearchParams), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<ProductHit>), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn search_products(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<SearchParams>,
) -> ApiResult<Vec<ProductHit>> {
    Ok(axum::Json(
        catalog::service::search(&state.db, &caller, &p.query, p.limit.unwrap_or(20)).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/products", tag = "stock", request_body = ProductInput, security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Product), (status = 403, body = crate::openapi::ErrorBody),
        (status = 409, description = "SKU or barcode taken", body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn create_product(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<ProductInput>,
) -> Result<Response, AppError> {
    Ok(created(
        catalog::service::create_product(&state.db, &caller, input).await?,
    ))
}

/// Edits a product (all fields; barcodes replaced by the given list).
#[utoipa::path(put, path = "/api/v1/products/{id}", tag = "stock", params(("id" = i64, Path)), request_body = ProductInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Product), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody),
        (status = 409, description = "SKU or barcode taken, or the unit has stock", body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn update_product(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<ProductInput>,
) -> ApiResult<Product> {
    Ok(axum::Json(
        catalog::service::update_product(&state.db, &state.hub, &caller, id, input).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "stock", params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Product), (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn get_product(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Product> {
    Ok(axum::Json(
        catalog::service::get_product(&state.db, &caller, id).await?,
    ))
}

/// On hand, reserved and available at every active location (the caller's own first).
#[utoipa::path(get, path = "/api/v1/products/{id}/availability", tag = "stock", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<LocationStock>), (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn product_availability(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<LocationStock>> {
    Ok(axum::Json(
        availability::availability(&state.db, &caller, id)
            .await?
            .locations,
    ))
}

/// Reserve; 409 with `available` (here) and `elsewhere` when there is not enough. With an
/// `Idempotency-Key`, a replay gets the reservation the first request made (and
/// `Idempotent-Replayed: true`), never a second one; the key reused for another request
/// is 422.
#[utoipa::path(post, path = "/api/v1/reservations", tag = "stock", request_body = ReserveInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "A key of the client's making (1–200 visible ASCII characters, e.g. a UUID), kept 30 days")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = ReservationInfo), (status = 409, description = "Not enough available", body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn create_reservation(
    State(state): State<AppState>,
    caller: Caller,
    super::IdempotencyKey(key): super::IdempotencyKey,
    Body(input): Body<ReserveInput>,
) -> Result<Response, AppError> {
    let (db, hub) = (&state.db, &state.hub);
    Ok(match key {
        None => created(reservations::reserve(db, hub, &caller, input).await?),
        Some(key) => {
            let (made, replayed) =
                reservations::reserve_keyed(db, hub, &caller, input, key).await?;
            super::created_once(made, replayed)
        }
    })
}

/// Release (cancel) a reservation.
#[utoipa::path(delete, path = "/api/v1/reservations/{id}", tag = "stock", params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 204, description = "Released"), (status = 404, body = crate::openapi::ErrorBody),
        (status = 409, description = "No longer active", body = crate::openapi::ErrorBody)))]
pub async fn delete_reservation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    reservations::release(&state.db, &state.hub, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Fulfil a reservation: the goods leave as a sale.
#[utoipa::path(post, path = "/api/v1/reservations/{id}/fulfil", tag = "stock", params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 204, description = "Fulfilled"), (status = 404, body = crate::openapi::ErrorBody),
        (status = 409, description = "No longer active", body = crate::openapi::ErrorBody)))]
pub async fn fulfil_reservation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    reservations::fulfil(&state.db, &state.hub, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptInput {
    pub location_id: i64,
    pub lines: Vec<DocLine>,
    #[serde(default)]
    pub comment: String,
}

/// Goods taken onto a location.
#[utoipa::path(post, path = "/api/v1/stock/receipts", tag = "stock", request_body = ReceiptInput, security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = StockDoc), (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn create_receipt(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<ReceiptInput>,
) -> Result<Response, AppError> {
    let doc = DocInput {
        kind: DocKind::Receipt,
        location_id: input.location_id,
        to_location_id: None,
        lines: input.lines,
        reason: String::new(),
        comment: input.comment,
    };
    Ok(created(
        documents::create(&state.db, &state.hub, &caller, doc).await?,
    ))
}

/// Any stock document: receipt, transfer, write-off, return, count.
#[utoipa::path(post, path = "/api/v1/stock/documents", tag = "stock", request_body = DocInput, security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = StockDoc), (status = 409, description = "Not enough available", body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn create_document(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<DocInput>,
) -> Result<Response, AppError> {
    Ok(created(
        documents::create(&state.db, &state.hub, &caller, input).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocListParams {
    pub location_id: Option<i64>,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/stock/documents", tag = "stock", params(DocListParams), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<StockDoc>)))]
pub async fn list_documents(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<DocListParams>,
) -> ApiResult<Vec<StockDoc>> {
    Ok(axum::Json(
        documents::list(&state.db, &caller, p.location_id, p.limit.unwrap_or(100)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/stock/documents/{id}", tag = "stock", params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = StockDoc), (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn get_document(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StockDoc> {
    Ok(axum::Json(documents::get(&state.db, &caller, id).await?))
}

/// Receive a transfer at its destination.
#[utoipa::path(post, path = "/api/v1/stock/documents/{id}/receive", tag = "stock", params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = StockDoc), (status = 409, description = "Already received", body = crate::openapi::ErrorBody)))]
pub async fn receive_transfer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StockDoc> {
    Ok(axum::Json(
        documents::receive_transfer(&state.db, &state.hub, &caller, id).await?,
    ))
}
