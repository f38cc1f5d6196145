//! Server functions of documents.

use super::{
    Company, DocKind, DocLang, DocumentRef, Preview, Template, TemplateInput, TemplateSummary,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {
    super::{generate, service, templates},
    crate::auth::api::caller,
    crate::error::with_status,
};

#[server(endpoint = "company/get", input = Json)]
pub async fn get_company() -> Result<Company, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::company(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "company/save", input = Json)]
pub async fn save_company(input: Company) -> Result<Company, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::save_company(&state.db, &caller, input).await
        }
        .await,
    )
}

/// Every template (admins).
#[server(endpoint = "templates/list", input = Json)]
pub async fn list_templates() -> Result<Vec<TemplateSummary>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            templates::list(&state.db, &caller, false).await
        }
        .await,
    )
}

/// The active templates, to generate from (and to name in a stage action).
#[server(endpoint = "templates/active", input = Json)]
pub async fn active_templates() -> Result<Vec<TemplateSummary>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            templates::list(&state.db, &caller, true).await
        }
        .await,
    )
}

#[server(endpoint = "templates/get", input = Json)]
pub async fn get_template(id: i64) -> Result<Template, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            templates::get(&state.db, &caller, id).await
        }
        .await,
    )
}

/// Creates (`id` None) or saves a template; a body that doesn't render is refused.
#[server(endpoint = "templates/save", input = Json)]
pub async fn save_template(id: Option<i64>, input: TemplateInput) -> Result<Template, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            templates::save(&state.db, &caller, id, input).await
        }
        .await,
    )
}

/// The gallery's starting body for a kind and language.
#[server(endpoint = "templates/starter", input = Json)]
pub async fn template_starter(kind: DocKind, lang: DocLang) -> Result<String, AppError> {
    with_status(
        async {
            let (_, caller) = caller().await?;
            templates::starter(&caller, kind, lang)
        }
        .await,
    )
}

/// Renders an unsaved body on an order (the newest when None).
#[server(endpoint = "templates/preview", input = Json)]
pub async fn preview_template(
    kind: DocKind,
    lang: DocLang,
    body: String,
    order_id: Option<i64>,
) -> Result<Preview, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            templates::preview(&state.db, &caller, kind, lang, body, order_id).await
        }
        .await,
    )
}

#[server(endpoint = "documents/for_order", input = Json)]
pub async fn order_documents(order_id: i64) -> Result<Vec<DocumentRef>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            generate::for_order(&state.db, &caller, order_id).await
        }
        .await,
    )
}

/// The newest documents the caller may see (all shops for accountants and directors).
#[server(endpoint = "documents/recent", input = Json)]
pub async fn recent_documents(kind: Option<DocKind>) -> Result<Vec<DocumentRef>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            generate::recent(&state.db, &caller, kind, 200).await
        }
        .await,
    )
}

#[server(endpoint = "documents/generate", input = Json)]
pub async fn generate_document(order_id: i64, template_id: i64) -> Result<DocumentRef, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            generate::generate(&state.db, &state.hub, &caller, order_id, template_id).await
        }
        .await,
    )
}
