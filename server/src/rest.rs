//! REST API v1: thin handlers over the same services as the server functions.
//! Every handler takes an `app::auth::service::Caller` (the one guard) unless the
//! endpoint is public.

use app::error::AppError;
use app::state::AppState;
use axum::extract::FromRequest;
use axum::routing::{delete, get, post};
use axum::Router;

pub mod auth;
pub mod campaigns;
pub mod chat;
pub mod clients;
pub mod documents;
pub mod orders;
pub mod org;
pub mod reports;
pub mod stock;
pub mod telephony;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/locations", get(org::list_locations))
        .route("/locations/{id}", get(org::get_location))
        .route("/employees", get(org::list_employees))
        .route(
            "/employees/{id}",
            get(org::get_employee).put(telephony::update_employee),
        )
        .route(
            "/products",
            get(stock::search_products).post(stock::create_product),
        )
        .route(
            "/products/{id}",
            get(stock::get_product).put(stock::update_product),
        )
        .route(
            "/products/{id}/availability",
            get(stock::product_availability),
        )
        .route("/reservations", post(stock::create_reservation))
        .route("/reservations/{id}", delete(stock::delete_reservation))
        .route("/reservations/{id}/fulfil", post(stock::fulfil_reservation))
        .route("/stock/receipts", post(stock::create_receipt))
        .route(
            "/stock/documents",
            get(stock::list_documents).post(stock::create_document),
        )
        .route("/stock/documents/{id}", get(stock::get_document))
        .route(
            "/stock/documents/{id}/receive",
            post(stock::receive_transfer),
        )
        .route(
            "/clients",
            get(clients::search_clients).post(clients::create_client),
        )
        .route(
            "/clients/{id}",
            get(clients::get_client).put(clients::update_client),
        )
        .route(
            "/orders",
            get(orders::list_orders).post(orders::create_order),
        )
        .route(
            "/orders/{id}",
            get(orders::get_order).put(orders::update_order),
        )
        .route("/orders/{id}/stage", post(orders::change_stage))
        .route("/payments", post(orders::record_payment))
        .route("/payments/{id}/confirm", post(orders::confirm_payment))
        .route("/tasks", get(orders::list_tasks).post(orders::create_task))
        .route("/tasks/{id}/stage", post(orders::change_task_stage))
        .route("/funds", get(orders::list_funds))
        .route("/processes", get(orders::list_processes))
        .route("/clients/{id}/balance", get(orders::client_balance))
        .route("/chats", get(chat::list_chats))
        .route(
            "/chats/{id}/messages",
            get(chat::history).post(chat::post_message),
        )
        .route(
            "/comments",
            get(chat::list_comments).post(chat::add_comment),
        )
        .route(
            "/attachments",
            post(chat::upload).layer(axum::extract::DefaultBodyLimit::max(
                app::chat::MAX_ATTACHMENT + 64 * 1024,
            )),
        )
        .route("/attachments/{id}", get(chat::download))
        .route("/document-templates", get(documents::list_templates))
        .route("/documents", get(documents::list_documents))
        .route("/documents/{id}/pdf", get(documents::document_pdf))
        .route(
            "/orders/{id}/documents",
            get(documents::order_documents).post(documents::generate_document),
        )
        .route(
            "/files",
            get(documents::list_files)
                .post(documents::upload_file)
                .layer(axum::extract::DefaultBodyLimit::max(
                    app::files::MAX_FILE_MB as usize * 1024 * 1024 + 64 * 1024,
                )),
        )
        .route("/files/{id}", get(documents::download_file))
        .route("/files/{id}/thumbnail", get(documents::file_thumbnail))
        .route("/reports", get(reports::list_reports))
        .route("/reports/standard/{name}", get(reports::run_standard))
        .route("/reports/{id}/run", get(reports::run_saved))
        .route(
            "/campaigns",
            get(campaigns::list_campaigns).post(campaigns::create_campaign),
        )
        .route("/campaigns/bounces", post(campaigns::bounce))
        .route("/campaigns/{id}", get(campaigns::get_campaign))
        .route("/campaigns/{id}/start", post(campaigns::start_campaign))
        .route("/campaigns/{id}/pause", post(campaigns::pause_campaign))
        .route("/campaigns/{id}/resume", post(campaigns::resume_campaign))
        .route("/campaigns/{id}/cancel", post(campaigns::cancel_campaign))
        .route(
            "/campaigns/{id}/recipients",
            get(campaigns::campaign_recipients),
        )
        .route("/telephony/events", post(telephony::event))
        .route(
            "/telephony/zadarma",
            get(telephony::zadarma_echo).post(telephony::zadarma_notify),
        )
        .route("/calls", get(telephony::list_calls).post(telephony::dial))
        .route("/openapi.json", get(crate::openapi::document))
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::map_response(json_rejections))
}

/// axum's own refusals (a path id that is not a 64-bit integer, a query that does not
/// parse, a wrong method) come as plain text: the API answers JSON errors only, so they
/// are rewrapped here as `{"error": {"code": "malformed_request", …}}` with their status.
async fn json_rejections(res: axum::response::Response) -> axum::response::Response {
    use axum::response::IntoResponse;
    let plain = res
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !plain || !res.status().is_client_error() {
        return res;
    }
    let status = res.status();
    let detail = axum::body::to_bytes(res.into_body(), 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let body = serde_json::json!({"error": {
        "code": "malformed_request",
        "message": "The request could not be read.",
        "detail": detail,
    }});
    (status, axum::Json(body)).into_response()
}

/// `Json<T>` whose rejections are our JSON errors (400 with a reason), not plain text.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct Body<T>(pub T);

/// Handler result: JSON on success, our error otherwise.
pub type ApiResult<T> = Result<axum::Json<T>, AppError>;

/// The `Idempotency-Key` header of a POST that creates (reservations, orders, payments):
/// a replay with the same key gets the record the first request made. Accepted bare or
/// as a quoted string (`"…"`, as in the IETF draft).
pub struct IdempotencyKey(pub Option<app::idempotency::Key>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, AppError> {
        use app::error::{Field, Problem};
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let text = value
            .to_str()
            .map_err(|_| AppError::invalid(Field::IdempotencyKey, Problem::Invalid))?;
        let text = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text);
        Ok(IdempotencyKey(Some(app::idempotency::Key::parse(text)?)))
    }
}

/// A webhook's check: `Authorization: Bearer <token>` equal to `expected` (compared in
/// constant time). No token configured, none sent, or another: 401.
pub fn check_webhook_token(
    headers: &http::HeaderMap,
    expected: Option<String>,
) -> Result<(), AppError> {
    let given = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .trim();
    match expected {
        Some(token)
            if !given.is_empty() && app::campaigns::unsubscribe::same_secret(given, &token) =>
        {
            Ok(())
        }
        _ => Err(AppError::Unauthorized),
    }
}

/// 201 with the record; a replay of an idempotency key says so in
/// `Idempotent-Replayed: true` (same status and body as the first answer).
pub fn created_once<T: serde::Serialize>(value: T, replayed: bool) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut res = (http::StatusCode::CREATED, axum::Json(value)).into_response();
    if replayed {
        res.headers_mut().insert(
            "idempotent-replayed",
            http::HeaderValue::from_static("true"),
        );
    }
    res
}
