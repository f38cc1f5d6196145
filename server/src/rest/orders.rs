//! `/api/v1/orders`, `/api/v1/payments`, `/api/v1/funds`, `/api/v1/processes`: the same
//! services, rules and errors as the UI.

use super::{ApiResult, Body};
use app::auth::service::Caller;
use app::error::AppError;
use app::orders::{service as orders, Order, OrderFilter, OrderInput, OrderSummary};
use app::payments::{service as payments, ClientBalance, Fund, Payment, PaymentInput};
use app::process::{service as processes, Process};
use app::state::AppState;
use app::tasks::{service as tasks, Task, TaskFilter, TaskInput};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(OrderFilter), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<OrderSummary>), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn list_orders(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<OrderFilter>,
) -> ApiResult<Vec<OrderSummary>> {
    Ok(axum::Json(orders::list(&state.db, &caller, &filter).await?))
}

/// Creates an order; its first stage's actions run at once (by default: reserve every
/// line). 409 `not_enough_stock` with what is available where, and nothing is written.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "A key of the client's making (1–200 visible ASCII characters, e.g. a UUID), kept 30 days: a replay gets the first answer")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Order), (status = 403, body = crate::openapi::ErrorBody),
        (status = 409, body = crate::openapi::ErrorBody), (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn create_order(
    State(state): State<AppState>,
    caller: Caller,
    super::IdempotencyKey(key): super::IdempotencyKey,
    Body(input): Body<OrderInput>,
) -> Result<Response, AppError> {
    let Some(key) = key else {
        let order = orders::create(&state.db, &state.hub, &caller, input).await?;
        return Ok((StatusCode::CREATED, axum::Json(order)).into_response());
    };
    let (order, replayed) =
        orders::create_keyed(&state.db, &state.hub, &caller, input, key).await?;
    Ok(super::created_once(order, replayed))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Order), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn get_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Order> {
    Ok(axum::Json(orders::get(&state.db, &caller, id).await?))
}

/// Replaces an open order's client, fulfilment, comment and lines (its process and shop
/// stay). A line sent back unchanged (same product, location and quantity) keeps its
/// reservation; new lines are reserved when the order holds goods.
#[utoipa::path(put, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = i64, Path)), request_body = OrderInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Order), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody),
        (status = 409, description = "the order is closed, or not enough stock for a new line", body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn update_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<OrderInput>,
) -> ApiResult<Order> {
    Ok(axum::Json(
        app::orders::edit::update(&state.db, &state.hub, &caller, id, input).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StageChange {
    pub stage_id: i64,
    /// Written into the history with the move; required by a transition with the
    /// `comment` guard.
    #[serde(default)]
    pub comment: String,
}

/// Moves the order to another stage of its process, running that stage's actions.
#[utoipa::path(post, path = "/api/v1/orders/{id}/stage", tag = "orders", params(("id" = i64, Path)), request_body = StageChange,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Order), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody),
        (status = 409, description = "not allowed from the current stage or for this fulfilment, a guard of the move is not met (`guard`, `detail`), or an action cannot run", body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn change_stage(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(change): Body<StageChange>,
) -> ApiResult<Order> {
    Ok(axum::Json(
        orders::move_to(
            &state.db,
            &state.hub,
            &caller,
            id,
            change.stage_id,
            &change.comment,
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/payments", tag = "orders", request_body = PaymentInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "A key of the client's making (1–200 visible ASCII characters, e.g. a UUID), kept 30 days: a replay gets the first answer")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Payment), (status = 403, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn record_payment(
    State(state): State<AppState>,
    caller: Caller,
    super::IdempotencyKey(key): super::IdempotencyKey,
    Body(input): Body<PaymentInput>,
) -> Result<Response, AppError> {
    let Some(key) = key else {
        let payment = payments::record(&state.db, &state.hub, &caller, input).await?;
        return Ok((StatusCode::CREATED, axum::Json(payment)).into_response());
    };
    let (payment, replayed) =
        payments::record_keyed(&state.db, &state.hub, &caller, input, key).await?;
    Ok(super::created_once(payment, replayed))
}

#[utoipa::path(get, path = "/api/v1/funds", tag = "orders", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Fund>), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn list_funds(State(state): State<AppState>, caller: Caller) -> ApiResult<Vec<Fund>> {
    Ok(axum::Json(payments::list_funds(&state.db, &caller).await?))
}

#[utoipa::path(get, path = "/api/v1/processes", tag = "orders", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Process>), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn list_processes(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<Process>> {
    Ok(axum::Json(processes::list(&state.db, &caller, None).await?))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/balance", tag = "clients", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = ClientBalance), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn client_balance(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<ClientBalance> {
    Ok(axum::Json(
        payments::client_balance(&state.db, &caller, id).await?,
    ))
}

/// A planned payment has arrived: it becomes an actual one, dated now.
#[utoipa::path(post, path = "/api/v1/payments/{id}/confirm", tag = "orders", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Payment), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody),
        (status = 409, description = "already received", body = crate::openapi::ErrorBody)))]
pub async fn confirm_payment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Payment> {
    Ok(axum::Json(
        payments::confirm(&state.db, &state.hub, &caller, id).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/tasks", tag = "orders", params(TaskFilter), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Task>), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn list_tasks(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<TaskFilter>,
) -> ApiResult<Vec<Task>> {
    Ok(axum::Json(tasks::list(&state.db, &caller, &filter).await?))
}

#[utoipa::path(post, path = "/api/v1/tasks", tag = "orders", request_body = TaskInput, security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Task), (status = 403, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn create_task(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<TaskInput>,
) -> Result<Response, AppError> {
    let task = tasks::create(&state.db, &state.hub, &caller, input).await?;
    Ok((StatusCode::CREATED, axum::Json(task)).into_response())
}

/// Moves a task or project to another stage of its process.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/stage", tag = "orders", params(("id" = i64, Path)), request_body = StageChange,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Task), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 409, body = crate::openapi::ErrorBody)))]
pub async fn change_task_stage(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(change): Body<StageChange>,
) -> ApiResult<Task> {
    Ok(axum::Json(
        tasks::move_to(&state.db, &state.hub, &caller, id, change.stage_id).await?,
    ))
}
