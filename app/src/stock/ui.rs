//! Stock screens: product search (typing or a barcode scanner) and the availability
//! panel with reservations and alternatives, live.

pub mod availability;
pub mod documents;
pub mod new_document;
pub mod overview;
pub mod search;

use crate::i18n::{t, Key};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// `/stock?product=ID`: search on top, the chosen product's availability below.
#[component]
pub fn StockPage() -> impl IntoView {
    let query = use_query_map();
    let product = Memo::new(move |_| {
        query
            .read()
            .get("product")
            .and_then(|p| p.parse::<i64>().ok())
    });
    let navigate = use_navigate();
    let pick = move |hit: crate::catalog::ProductHit| {
        navigate(&format!("/stock?product={}", hit.id), Default::default());
    };
    view! {
        <section class="page stock-page">
            <div class="page-head">
                <h1>{t(Key::NavStock)}</h1>
                <div class="buttons">
                    <a class="button" href="/stock/products/new" data-testid="new-product">{t(Key::NewProduct)}</a>
                    <a class="button" href="/stock/overview">{t(Key::StockOverview)}</a>
                    <a class="button" href="/stock/categories" data-testid="categories-link">{t(Key::Categories)}</a>
                    <a class="button" href="/stock/import" data-testid="import-link">{t(Key::Import)}</a>
                    <a class="button" href="/stock/documents">{t(Key::StockDocuments)}</a>
                </div>
            </div>
            <search::ProductSearch on_pick=pick/>
            {move || match product.get() {
                Some(id) => view! { <availability::AvailabilityPanel product_id=id/> }.into_any(),
                None => view! { <p class="muted">{t(Key::PickProduct)}</p> }.into_any(),
            }}
        </section>
    }
}
