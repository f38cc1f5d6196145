//! `/api/v1/auth/*` and `/api/v1/me`.

use super::{ApiResult, Body};
use app::auth::service::{self, Caller};
use app::auth::Me;
use app::error::AppError;
use app::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    /// The session secret: also usable as `Authorization: Bearer <token>`.
    pub token: String,
    pub me: Me,
}

/// Signs in: sets the session cookie and returns the token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; `Set-Cookie: vitrina_session=…`", body = LoginResponse),
        (status = 401, description = "Wrong login or password", body = crate::openapi::ErrorBody),
        (status = 403, description = "Account deactivated", body = crate::openapi::ErrorBody),
        (status = 429, description = "More than 10 attempts for this login from this address in a minute (or 30 failures from the address)", body = crate::openapi::ErrorBody),
        (status = 503, description = "Too many password checks at once: try again in a moment", body = crate::openapi::ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    extensions: http::Extensions,
    headers: HeaderMap,
    Body(req): Body<LoginRequest>,
) -> Result<Response, AppError> {
    let peer = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    let address = service::client_address(&headers, peer);
    let outcome = service::login(&state.db, &req.login, &req.password, &address).await?;
    let me = service::me(&state.db, &outcome.caller).await?;
    let cookie = HeaderValue::from_str(&service::session_cookie(&outcome.token))
        .map_err(|_| AppError::Internal)?;
    let mut res = axum::Json(LoginResponse {
        token: outcome.token,
        me,
    })
    .into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

/// Ends the session that sent the request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = []), ("cookie" = [])),
    responses((status = 204, description = "Signed out"), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(secret) = service::secret_from_headers(&headers) {
        service::logout(&state.db, &secret).await?;
    }
    let mut res = http::StatusCode::NO_CONTENT.into_response();
    let cookie =
        HeaderValue::from_str(&service::clear_session_cookie()).map_err(|_| AppError::Internal)?;
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

/// The caller's own profile.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Me> {
    Ok(axum::Json(service::me(&state.db, &caller).await?))
}
