//! REST API v1: thin handlers over the same services as the server functions.
//! Every handler takes an `app::auth::service::Caller` (the one guard) unless the
//! endpoint is public.

use app::error::AppError;
use app::state::AppState;
use axum::extract::FromRequest;
use axum::routing::{get, post};
use axum::Router;

pub mod auth;
pub mod org;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/locations", get(org::list_locations))
        .route("/locations/{id}", get(org::get_location))
        .route("/employees", get(org::list_employees))
        .route("/employees/{id}", get(org::get_employee))
        .route("/openapi.json", get(crate::openapi::document))
        .fallback(|| async { AppError::NotFound })
}

/// `Json<T>` whose rejections are our JSON errors (400 with a reason), not plain text.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct Body<T>(pub T);

/// Handler result: JSON on success, our error otherwise.
pub type ApiResult<T> = Result<axum::Json<T>, AppError>;
