//! Telephony over REST: the PBX webhooks (the generic JSON event, Zadarma's signed
//! notifications), the call log, click-to-call, and an employee's extension.

use super::{ApiResult, Body};
use app::auth::service::Caller;
use app::error::{AppError, Field, Problem};
use app::org::Employee;
use app::state::AppState;
use app::telephony::service::{self, CallFilter};
use app::telephony::{zadarma, Call, CallEvent};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Serialize, ToSchema)]
pub struct Recorded {
    /// The call's id in Vitrina (the same for every event of one call).
    pub call: i64,
}

/// A PBX event (`Authorization: Bearer <token>`, the token of Settings → Telephony or
/// `VITRINA_TELEPHONY_TOKEN`). Events of one `call_id` make one call however often and
/// in whatever order they come; a `ringing` for an employee's extension pops the card on
/// their screens; an unknown extension is logged without a pop-up. A wrong token: 401.
#[utoipa::path(post, path = "/api/v1/telephony/events", tag = "telephony", request_body = CallEvent,
    security(("bearer" = [])),
    responses((status = 200, body = Recorded), (status = 401, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn event(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(ev): Body<CallEvent>,
) -> ApiResult<Recorded> {
    super::check_webhook_token(&headers, service::webhook_token(&state.db).await?)?;
    let call = service::record(&state.db, &state.hub, "hook", ev).await?;
    Ok(axum::Json(Recorded { call }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Echo {
    /// Zadarma checks the URL with it when it is saved: it is answered back.
    pub zd_echo: Option<String>,
}

/// Zadarma's check of the notification URL: answers `zd_echo`.
#[utoipa::path(get, path = "/api/v1/telephony/zadarma", tag = "telephony", params(Echo),
    responses((status = 200, description = "The zd_echo value", content_type = "text/plain")))]
pub async fn zadarma_echo(Query(q): Query<Echo>) -> Response {
    let echo: String = q
        .zd_echo
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(64)
        .collect();
    (StatusCode::OK, echo).into_response()
}

/// A Zadarma call notification as it is posted (form fields; see Zadarma's API docs).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ZadarmaNotification {
    /// NOTIFY_START, NOTIFY_INTERNAL, NOTIFY_ANSWER, NOTIFY_END, NOTIFY_OUT_START, NOTIFY_OUT_END.
    pub event: String,
    pub call_start: Option<String>,
    pub pbx_call_id: Option<String>,
    pub caller_id: Option<String>,
    pub called_did: Option<String>,
    pub internal: Option<String>,
    pub destination: Option<String>,
    pub duration: Option<String>,
    pub disposition: Option<String>,
}

/// Zadarma's call notifications (NOTIFY_START, NOTIFY_INTERNAL, NOTIFY_ANSWER, NOTIFY_END,
/// NOTIFY_OUT_START, NOTIFY_OUT_END), form-encoded, signed in the `Signature` header with
/// the API secret of Settings → Telephony. A wrong signature: 401.
#[utoipa::path(post, path = "/api/v1/telephony/zadarma", tag = "telephony",
    request_body(content = ZadarmaNotification, content_type = "application/x-www-form-urlencoded"),
    params(("Signature" = Option<String>, Header, description = "base64 of the hex HMAC-SHA1 of the signed fields under the API secret")),
    responses((status = 200, description = "Recorded"), (status = 401, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn zadarma_notify(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let signature = headers
        .get("signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some((_, secret)) = service::zadarma_keys(&state.db).await? else {
        return Err(AppError::Unauthorized);
    };
    if !zadarma::verify(&secret, &form, signature) {
        return Err(AppError::Unauthorized);
    }
    // The signature covers the call's start: an old notification is a replay.
    if !zadarma::fresh(&form, state.db.now()) {
        return Err(AppError::Unauthorized);
    }
    if let Some(ev) = zadarma::to_event(&form) {
        service::record(&state.db, &state.hub, "zadarma", ev).await?;
    }
    Ok((StatusCode::OK, "ok").into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallQuery {
    pub client_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub order_id: Option<i64>,
    /// From this day (`2026-12-01`, UTC) or instant (UTC ms).
    pub from: Option<String>,
    /// Before the end of this day, or before this instant.
    pub to: Option<String>,
    /// At most 1,000 (default 200).
    pub limit: Option<i64>,
}

fn instant(text: &Option<String>, end_of_day: bool) -> Result<Option<i64>, AppError> {
    let Some(text) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if let Ok(ms) = text.parse::<i64>() {
        return Ok(Some(ms));
    }
    let day =
        app::time::parse_day(text).ok_or(AppError::invalid(Field::Period, Problem::Invalid))?;
    Ok(Some((day + i64::from(end_of_day)) * 86_400_000))
}

/// Calls, newest first: all for directors, accountants and admins; one's own and one's
/// shops' for the others.
#[utoipa::path(get, path = "/api/v1/calls", tag = "telephony", params(CallQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Call>), (status = 401, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn list_calls(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CallQuery>,
) -> ApiResult<Vec<Call>> {
    let filter = CallFilter {
        client_id: q.client_id,
        employee_id: q.employee_id,
        order_id: q.order_id,
        from: instant(&q.from, false)?,
        to: instant(&q.to, true)?,
    };
    Ok(axum::Json(
        service::list(&state.db, &caller, &filter, q.limit.unwrap_or(200)).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Dial {
    /// The number to call, typed any way.
    pub phone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Dialled {
    /// The PBX's answer.
    pub status: String,
}

/// Click-to-call: the PBX rings the caller's extension, then `phone` (Asterisk
/// `Originate`, or Zadarma's callback). 422 `no_extension`, 409
/// `telephony_not_configured`, 502 `pbx_failed` with the PBX's reason.
#[utoipa::path(post, path = "/api/v1/calls", tag = "telephony", request_body = Dial,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Dialled), (status = 401, body = crate::openapi::ErrorBody),
        (status = 409, body = crate::openapi::ErrorBody), (status = 422, body = crate::openapi::ErrorBody),
        (status = 502, body = crate::openapi::ErrorBody)))]
pub async fn dial(
    State(state): State<AppState>,
    caller: Caller,
    Body(d): Body<Dial>,
) -> ApiResult<Dialled> {
    let status = service::click_to_call(&state.db, &state.pbx, &caller, &d.phone).await?;
    Ok(axum::Json(Dialled { status }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EmployeeUpdate {
    /// The PBX extension (2–8 digits; empty: none).
    pub extension: String,
}

/// Sets an employee's extension (admins). 409 when another active employee has it.
#[utoipa::path(put, path = "/api/v1/employees/{id}", tag = "organisation", params(("id" = i64, Path)),
    request_body = EmployeeUpdate, security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Employee), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 409, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn update_employee(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(u): Body<EmployeeUpdate>,
) -> ApiResult<Employee> {
    service::set_extension(&state.db, &state.hub, &caller, id, &u.extension).await?;
    Ok(axum::Json(
        app::org::service::get_employee(&state.db, &caller, id).await?,
    ))
}
