//! `/api/v1/documents`, `/api/v1/orders/{id}/documents`, `/api/v1/document-templates`,
//! `/api/v1/files`: documents generated from templates and files attached to records,
//! over the same services (and rules) as the UI.

use app::auth::service::Caller;
use app::documents::{generate, templates, DocKind, DocumentRef, GenerateInput, TemplateSummary};
use app::error::AppError;
use app::files::{service as files, FileRef, OwnerKind, MAX_FILE_MB};
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Body as Json;

/// The active templates (to generate from).
#[utoipa::path(get, path = "/api/v1/document-templates", tag = "documents",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [TemplateSummary]), (status = 403, body = crate::openapi::ErrorBody)))]
pub async fn list_templates(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<TemplateSummary>>, AppError> {
    Ok(axum::Json(templates::list(&state.db, &caller, true).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `invoice`, `contract`, `waybill` or `receipt`.
    pub kind: Option<String>,
    /// At most 500; 100 by default.
    pub limit: Option<i64>,
}

/// The newest documents the caller may see (every shop for accountants, directors and
/// admins; one's own shops for the others).
#[utoipa::path(get, path = "/api/v1/documents", tag = "documents", params(DocumentQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [DocumentRef]), (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn list_documents(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DocumentQuery>,
) -> Result<axum::Json<Vec<DocumentRef>>, AppError> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(DocKind::parse(k).ok_or(AppError::invalid(
            app::error::Field::Kind,
            app::error::Problem::Invalid,
        ))?),
        None => None,
    };
    let docs = generate::recent(&state.db, &caller, kind, q.limit.unwrap_or(100)).await?;
    Ok(axum::Json(docs))
}

/// The documents of an order, newest first.
#[utoipa::path(get, path = "/api/v1/orders/{id}/documents", tag = "documents", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [DocumentRef]), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn order_documents(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<Vec<DocumentRef>>, AppError> {
    Ok(axum::Json(
        generate::for_order(&state.db, &caller, id).await?,
    ))
}

/// Generates a document for an order from a template (numbered, frozen as PDF).
#[utoipa::path(post, path = "/api/v1/orders/{id}/documents", tag = "documents", params(("id" = i64, Path)),
    request_body = GenerateInput, security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = DocumentRef), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn generate_document(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<GenerateInput>,
) -> Result<Response, AppError> {
    let doc = generate::generate(&state.db, &state.hub, &caller, id, input.template_id).await?;
    Ok((StatusCode::CREATED, axum::Json(doc)).into_response())
}

fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The document's PDF, shown in the browser. The download is logged in the order's history.
#[utoipa::path(get, path = "/api/v1/documents/{id}/pdf", tag = "documents", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "the PDF", content_type = "application/pdf"),
        (status = 403, body = crate::openapi::ErrorBody), (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn document_pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (doc, pdf) = generate::download(&state.db, &caller, id).await?;
    let name = format!("{}-{}.pdf", doc.kind.as_str(), doc.number);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", ascii_name(&name)),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        pdf,
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnerQuery {
    /// `order`, `document` or `client`.
    pub owner_kind: String,
    pub owner_id: i64,
}

fn owner(q: &OwnerQuery) -> Result<OwnerKind, AppError> {
    OwnerKind::parse(&q.owner_kind).ok_or(AppError::invalid(
        app::error::Field::Kind,
        app::error::Problem::Invalid,
    ))
}

/// The files of a record (for an order also its documents' files), newest first.
#[utoipa::path(get, path = "/api/v1/files", tag = "documents", params(OwnerQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [FileRef]), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn list_files(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<OwnerQuery>,
) -> Result<axum::Json<Vec<FileRef>>, AppError> {
    let kind = owner(&q)?;
    Ok(axum::Json(
        files::list(&state.db, &caller, kind, q.owner_id).await?,
    ))
}

/// Attaches a file (the request body; its name percent-encoded in `x-file-name`) to an
/// order, a document or a client. PDF, JPEG or PNG by content; up to 20 MB.
#[utoipa::path(post, path = "/api/v1/files", tag = "documents", params(OwnerQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = FileRef), (status = 403, body = crate::openapi::ErrorBody),
        (status = 413, body = crate::openapi::ErrorBody), (status = 415, body = crate::openapi::ErrorBody),
        (status = 422, body = crate::openapi::ErrorBody)))]
pub async fn upload_file(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<OwnerQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let kind = owner(&q)?;
    let body = body.map_err(|rejection| match rejection {
        BytesRejection::FailedToBufferBody(_) => AppError::TooLarge {
            max_mb: MAX_FILE_MB,
        },
        other => AppError::Malformed {
            detail: other.body_text(),
        },
    })?;
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(super::chat::decode_name)
        .unwrap_or_default();
    let file = files::upload(
        &state.db,
        &state.hub,
        &state.files,
        &caller,
        kind,
        q.owner_id,
        &name,
        body.to_vec(),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(file)).into_response())
}

/// A file: PDFs and images shown in the browser (their type was checked on upload),
/// never sniffed. The download is logged (in the order's history for an order's files).
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "documents", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "the file"), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn download_file(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (file, data) = files::download(&state.db, &state.files, &caller, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.mime.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", ascii_name(&file.name)),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        data,
    )
        .into_response())
}

/// An image's thumbnail (JPEG, 240 px).
#[utoipa::path(get, path = "/api/v1/files/{id}/thumbnail", tag = "documents", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "JPEG", content_type = "image/jpeg"),
        (status = 403, body = crate::openapi::ErrorBody), (status = 404, body = crate::openapi::ErrorBody)))]
pub async fn file_thumbnail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let data = files::thumbnail_of(&state.db, &caller, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        data,
    )
        .into_response())
}
