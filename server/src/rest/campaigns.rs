//! `/api/v1/campaigns`: email campaigns for integrations, and the bounce webhook.

use super::{ApiResult, Body};
use app::auth::service::Caller;
use app::campaigns::{
    service, unsubscribe, Campaign, CampaignCommand, CampaignInput, Recipient, RecipientStatus,
};
use app::error::{AppError, Field, Problem};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Campaign>), (status = 401, body = crate::openapi::ErrorBody),
        (status = 403, body = crate::openapi::ErrorBody)))]
pub async fn list_campaigns(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<Campaign>> {
    Ok(axum::Json(service::list(&state.db, &caller).await?))
}

/// A draft: `{name, segment: {…}, subject, text, html?}`, or `template_id` instead of the
/// last three. An empty segment is every client with consent and an email.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", request_body = CampaignInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Campaign), (status = 403, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn create_campaign(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<CampaignInput>,
) -> Result<Response, AppError> {
    let campaign = service::save(&state.db, &caller, None, input).await?;
    Ok((StatusCode::CREATED, axum::Json(campaign)).into_response())
}

/// A campaign with its status and counts (a manager's counts: their shops' clients only).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Campaign), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn get_campaign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Campaign> {
    Ok(axum::Json(service::get(&state.db, &caller, id).await?))
}

async fn command(
    state: AppState,
    caller: Caller,
    id: i64,
    c: CampaignCommand,
) -> ApiResult<Campaign> {
    Ok(axum::Json(
        service::command(&state.db, &caller, id, c).await?,
    ))
}

/// Expands the segment into the queue and starts sending (or waits for `scheduled_at`).
/// 409 `mail_not_configured` without an SMTP server and sender.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/start", tag = "campaigns", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Campaign), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 409, body = crate::openapi::ErrorBody)))]
pub async fn start_campaign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Campaign> {
    command(state, caller, id, CampaignCommand::Start).await
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/pause", tag = "campaigns", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Campaign), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 409, body = crate::openapi::ErrorBody)))]
pub async fn pause_campaign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Campaign> {
    command(state, caller, id, CampaignCommand::Pause).await
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/resume", tag = "campaigns", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Campaign), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 409, body = crate::openapi::ErrorBody)))]
pub async fn resume_campaign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Campaign> {
    command(state, caller, id, CampaignCommand::Resume).await
}

/// Stops the campaign for good: what is still queued is not sent.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/cancel", tag = "campaigns", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Campaign), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 409, body = crate::openapi::ErrorBody)))]
pub async fn cancel_campaign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Campaign> {
    command(state, caller, id, CampaignCommand::Cancel).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecipientQuery {
    /// queued, sending, sent, failed, bounced, unsubscribed or cancelled; empty: all.
    #[serde(default)]
    pub status: String,
    /// At most 1,000 (default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Recipients in the order they were queued, with each one's status and the server's reply.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/recipients", tag = "campaigns",
    params(("id" = i64, Path), RecipientQuery), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Recipient>), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn campaign_recipients(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<RecipientQuery>,
) -> ApiResult<Vec<Recipient>> {
    let status = match q.status.trim() {
        "" => None,
        s => Some(
            RecipientStatus::parse(s).ok_or(AppError::invalid(Field::Filter, Problem::Invalid))?,
        ),
    };
    Ok(axum::Json(
        service::recipients(
            &state.db,
            &caller,
            id,
            status,
            q.limit.unwrap_or(100),
            q.offset.unwrap_or(0),
        )
        .await?,
    ))
}

/// A bounce report from the mail provider.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Bounce {
    pub email: String,
    /// The provider's reason (kept on the card and the recipient row).
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BounceAnswer {
    /// How many client cards carry the address (all marked invalid).
    pub clients: u64,
}

/// The bounce webhook: `Authorization: Bearer <token>` (Settings → Mail, or
/// `VITRINA_BOUNCE_TOKEN`). Marks the address invalid on every card and the newest
/// message sent to it as bounced. No token set, or a wrong one: 401.
#[utoipa::path(post, path = "/api/v1/campaigns/bounces", tag = "campaigns", request_body = Bounce,
    security(("bearer" = [])),
    responses((status = 200, body = BounceAnswer), (status = 401, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn bounce(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(report): Body<Bounce>,
) -> ApiResult<BounceAnswer> {
    super::check_webhook_token(&headers, unsubscribe::bounce_token(&state.db).await?)?;
    let clients = unsubscribe::bounce(&state.db, &state.hub, &report.email, &report.reason).await?;
    Ok(axum::Json(BounceAnswer { clients }))
}
