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
/// `/stock?q=TEXT` (the search form sent before the page was interactive, or a scan
/// faster than its hits): the best hit's availability, the other hits as links.
#[component]
pub fn StockPage() -> impl IntoView {
    let query = use_query_map();
    let product = Memo::new(move |_| {
        query
            .read()
            .get("product")
            .and_then(|p| p.parse::<i64>().ok())
    });
    let scanned = Memo::new(move |_| {
        query
            .read()
            .get("q")
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty())
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
            <search::ProductSearch on_pick=pick action="/stock"/>
            {move || match (product.get(), scanned.get()) {
                (Some(id), _) => view! { <availability::AvailabilityPanel product_id=id/> }.into_any(),
                (None, Some(q)) => view! { <ScanResult q=q/> }.into_any(),
                (None, None) => view! { <p class="muted">{t(Key::PickProduct)}</p> }.into_any(),
            }}
        </section>
    }
}

/// What a search sent as a page finds: the best hit's availability (as Enter picks it),
/// the others as plain links.
#[component]
fn ScanResult(q: String) -> impl IntoView {
    let hits = Resource::new(move || q.clone(), crate::catalog::api::search_products);
    view! {
        <Suspense fallback=|| view! { <p class="muted">{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match hits.await {
                    Ok(list) if !list.is_empty() => {
                        let first = list[0].id;
                        let others = list.into_iter().skip(1).map(|hit| view! {
                            <li>
                                <a href=format!("/stock?product={}", hit.id)>{hit.name}</a>
                                " " <span class="muted">{hit.sku}</span>
                            </li>
                        }).collect_view();
                        view! {
                            <availability::AvailabilityPanel product_id=first/>
                            <ul class="hits other-hits" data-testid="other-hits">{others}</ul>
                        }.into_any()
                    }
                    Ok(_) => view! {
                        <p class="muted" data-testid="scan-not-found">{t(Key::NoProductsFound)}</p>
                    }.into_any(),
                    Err(e) => view! { <crate::ui::error_box::ErrorBox error=Signal::stored(Some(e))/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
