//! Server functions of the catalog.

use super::{Category, ImportReport, ImportRequest, Product, ProductHit, ProductInput};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, StreamingText, TextStream};

#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::caller, crate::error::with_status};

/// Search as you type: barcode (exact), SKU (prefix) or a fragment of the name.
#[server(endpoint = "catalog/search", input = Json)]
pub async fn search_products(query: String) -> Result<Vec<ProductHit>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::search(&state.db, &caller, &query, 20).await
        }
        .await,
    )
}

#[server(endpoint = "catalog/products/create", input = Json)]
pub async fn create_product(input: ProductInput) -> Result<Product, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::create_product(&state.db, &caller, input).await
        }
        .await,
    )
}

#[server(endpoint = "catalog/categories", input = Json)]
pub async fn list_categories() -> Result<Vec<Category>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list_categories(&state.db, &caller).await
        }
        .await,
    )
}

/// Validates (and with `apply`, imports) a CSV file of products or opening stock.
#[server(endpoint = "catalog/import", input = Json)]
pub async fn import_csv(request: ImportRequest) -> Result<ImportReport, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            let progress = super::import::no_progress;
            super::import::import(&state.db, &state.hub, &caller, request, &progress).await
        }
        .await,
    )
}

/// The same import, answered as a stream of [`ImportUpdate`] lines: progress while the
/// rows are checked and written, then the report. The import runs to its end even when
/// the browser goes away (it is one transaction either way).
#[server(endpoint = "catalog/import/stream", input = Json, output = StreamingText)]
pub async fn import_csv_stream(request: ImportRequest) -> Result<TextStream<AppError>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            // Refuse before streaming, so a refusal is a plain HTTP error.
            match request.target {
                super::ImportTarget::Catalog => {
                    caller.require(crate::auth::Action::ManageCatalog)?
                }
                super::ImportTarget::Stock { .. } => {
                    caller.require(crate::auth::Action::MoveStock)?
                }
            };
            let (tx, rx) = futures::channel::mpsc::unbounded::<Result<String, AppError>>();
            tokio::spawn(async move {
                let sender = tx.clone();
                let progress = move |phase, done, total| {
                    let line = super::ImportUpdate::Progress { phase, done, total }.to_line();
                    let _ = sender.unbounded_send(Ok(line));
                };
                let result =
                    super::import::import(&state.db, &state.hub, &caller, request, &progress).await;
                let _ = tx.unbounded_send(Ok(super::ImportUpdate::Finished(result).to_line()));
            });
            Ok(TextStream::new(rx))
        }
        .await,
    )
}

/// Archives (`active = false`) or restores a product.
#[server(endpoint = "catalog/products/active", input = Json)]
pub async fn set_product_active(id: i64, active: bool) -> Result<Product, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::set_product_active(&state.db, &state.hub, &caller, id, active).await
        }
        .await,
    )
}

#[server(endpoint = "catalog/categories/create", input = Json)]
pub async fn create_category(name: String, parent_id: Option<i64>) -> Result<Category, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::create_category(&state.db, &caller, &name, parent_id).await
        }
        .await,
    )
}

/// Makes two products alternatives of each other.
#[server(endpoint = "catalog/alternatives/link", input = Json)]
pub async fn link_alternatives(product_id: i64, alternative_id: i64) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::link_alternatives(&state.db, &state.hub, &caller, product_id, alternative_id)
                .await
        }
        .await,
    )
}

#[server(endpoint = "catalog/products/get", input = Json)]
pub async fn get_product(id: i64) -> Result<Product, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::get_product(&state.db, &caller, id).await
        }
        .await,
    )
}

#[server(endpoint = "catalog/products/update", input = Json)]
pub async fn update_product(id: i64, input: ProductInput) -> Result<Product, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::update_product(&state.db, &state.hub, &caller, id, input).await
        }
        .await,
    )
}

/// Renames a category or moves it under another parent.
#[server(endpoint = "catalog/categories/update", input = Json)]
pub async fn update_category(
    id: i64,
    name: String,
    parent_id: Option<i64>,
) -> Result<Category, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::update_category(&state.db, &caller, id, &name, parent_id).await
        }
        .await,
    )
}
