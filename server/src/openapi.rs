//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of every REST endpoint.

use axum::Json;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// Every error: `{"error": {"code", "message"}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code, e.g. `unauthorized`, `forbidden`, `validation`, `too_many_attempts`.
    pub code: String,
    pub message: String,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Vitrina API", version = "1", description = "REST API of Vitrina, the CRM for retail chains."),
    paths(
        crate::rest::auth::login,
        crate::rest::auth::logout,
        crate::rest::auth::me,
        crate::rest::org::list_locations,
        crate::rest::org::get_location,
        crate::rest::org::list_employees,
        crate::rest::org::get_employee,
        crate::rest::stock::search_products,
        crate::rest::stock::create_product,
        crate::rest::stock::get_product,
        crate::rest::stock::update_product,
        crate::rest::stock::product_availability,
        crate::rest::stock::create_reservation,
        crate::rest::stock::delete_reservation,
        crate::rest::stock::fulfil_reservation,
        crate::rest::stock::create_receipt,
        crate::rest::stock::create_document,
        crate::rest::stock::list_documents,
        crate::rest::stock::get_document,
        crate::rest::stock::receive_transfer,
        crate::rest::clients::search_clients,
        crate::rest::clients::create_client,
        crate::rest::clients::get_client,
        crate::rest::clients::update_client,
        crate::rest::orders::list_orders,
        crate::rest::orders::create_order,
        crate::rest::orders::get_order,
        crate::rest::orders::update_order,
        crate::rest::orders::change_stage,
        crate::rest::orders::record_payment,
        crate::rest::orders::list_funds,
        crate::rest::orders::list_processes,
        crate::rest::orders::client_balance,
        crate::rest::orders::confirm_payment,
        crate::rest::orders::list_tasks,
        crate::rest::orders::create_task,
        crate::rest::orders::change_task_stage,
        crate::rest::chat::list_chats,
        crate::rest::chat::history,
        crate::rest::chat::post_message,
        crate::rest::chat::list_comments,
        crate::rest::chat::add_comment,
        crate::rest::chat::upload,
        crate::rest::chat::download,
        crate::rest::reports::list_reports,
        crate::rest::reports::run_standard,
        crate::rest::reports::run_saved,
        crate::rest::documents::list_templates,
        crate::rest::documents::list_documents,
        crate::rest::documents::order_documents,
        crate::rest::documents::generate_document,
        crate::rest::documents::document_pdf,
        crate::rest::documents::list_files,
        crate::rest::documents::upload_file,
        crate::rest::documents::download_file,
        crate::rest::documents::file_thumbnail,
        crate::rest::campaigns::list_campaigns,
        crate::rest::campaigns::create_campaign,
        crate::rest::campaigns::get_campaign,
        crate::rest::campaigns::start_campaign,
        crate::rest::campaigns::pause_campaign,
        crate::rest::campaigns::resume_campaign,
        crate::rest::campaigns::cancel_campaign,
        crate::rest::campaigns::campaign_recipients,
        crate::rest::campaigns::bounce,
        crate::rest::telephony::event,
        crate::rest::telephony::zadarma_echo,
        crate::rest::telephony::zadarma_notify,
        crate::rest::telephony::list_calls,
        crate::rest::telephony::dial,
        crate::rest::telephony::update_employee,
        healthz_doc,
        readyz_doc,
        document,
    ),
    modifiers(&Security)
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(app::auth::SESSION_COOKIE))),
        );
    }
}

/// Liveness: 200 while the process answers (the database is not consulted).
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, description = "Alive")))]
#[allow(dead_code)]
fn healthz_doc() {}

/// Readiness: what `/readyz` answers.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Readiness {
    /// `ready`, `draining` (shutting down), `migrations_pending` or `database_unreachable`.
    pub status: String,
    /// The last migration applied, when the database answered.
    pub schema_version: Option<i64>,
    /// The schema this build needs.
    pub expected_schema_version: i64,
}

/// Readiness: 200 when the database answers, its migrations are current and the instance
/// is not shutting down; 503 with the reason otherwise.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
#[allow(dead_code)]
fn readyz_doc() {}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "system", responses((status = 200, description = "OpenAPI document")))]
pub async fn document() -> Json<serde_json::Value> {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    add_common_errors(&mut doc);
    Json(doc)
}

/// The answers any operation may give besides its own, added to every operation that
/// does not already describe them: the request guard and the body reader answer on every
/// route (400 malformed, 413 too large, 422 a control character), the database may be
/// down or a write may lose a race too often (503); secured operations answer 401 and
/// 403 (role or shop), operations on a record 404, writes 409 (a unique name, a record
/// that changed meanwhile).
pub fn add_common_errors(doc: &mut serde_json::Value) {
    let error = |description: &str| {
        serde_json::json!({
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        })
    };
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let on_record = path.contains('{');
        for (method, op) in item.iter_mut() {
            let secured = op.get("security").is_some();
            let write = method != "get";
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| error(description));
            };
            add(
                "400",
                "Malformed request (unreadable JSON, a missing or mistyped field or parameter)",
            );
            add("413", "Request body too large");
            add("422", "Invalid input: the field and the problem are named");
            add(
                "503",
                "Busy, or the database is not answering: try again shortly",
            );
            if secured {
                add("401", "Not signed in");
                add("403", "The caller's role or shop does not allow this");
            }
            if on_record {
                add("404", "No such record");
            }
            if write {
                add("409", "Conflict with the record's current state");
            }
        }
    }
}
