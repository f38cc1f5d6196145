//! `/stock/products/:id`: a product's card for everyone — SKU, barcodes, price, unit,
//! category (the cost only for those who may see it), then its availability at every
//! location with reserve, who holds it and its alternatives (the stock screen's panel).
//! A scanned barcode on the stock screen lands here.

use crate::catalog::api::get_product;
use crate::i18n::{t, Key};
use crate::stock::ui::availability::AvailabilityPanel;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

mod words {
    crate::i18n::local_texts! {
        ProductCard => "Product", "Товар";
        Cost => "Cost price", "Себестоимость";
        NoBarcodes => "no barcodes", "штрихкодов нет";
        NoCategory => "no category", "без категории";
        Archived => "Archived: not sold any more", "В архиве: больше не продаётся";
        BackToStock => "Stock", "К остаткам";
    }
}

#[component]
pub fn ProductCardPage() -> impl IntoView {
    let id = crate::ui::route::use_id_param();
    let product = Resource::new(id, get_product);
    view! {
        <section class="page product-card" data-testid="product-card">
            <nav class="crumbs" aria-label=words::tr(words::T::BackToStock)>
                <a href="/stock">{words::tr(words::T::BackToStock)}</a>
            </nav>
            <Suspense fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match product.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(p) => {
                            let pid = p.id;
                            view! {
                                <h1 data-testid="card-name">{p.name.clone()}</h1>
                                {(!p.active).then(|| view! { <p class="notice warning">{words::tr(words::T::Archived)}</p> })}
                                <dl class="facts" aria-label=words::tr(words::T::ProductCard)>
                                    <dt>{t(Key::FieldSku)}</dt><dd data-testid="card-sku">{p.sku.clone()}</dd>
                                    <dt>{t(Key::FieldBarcode)}</dt>
                                    <dd data-testid="card-barcodes">{if p.barcodes.is_empty() {
                                        words::tr(words::T::NoBarcodes).into_any()
                                    } else {
                                        p.barcodes.join(", ").into_any()
                                    }}</dd>
                                    <dt>{t(Key::FieldPrice)}</dt><dd data-testid="card-price">{crate::format::show_money(p.price)}</dd>
                                    {p.cost.map(|c| view! {
                                        <dt>{words::tr(words::T::Cost)}</dt><dd data-testid="card-cost">{crate::format::show_money(c)}</dd>
                                    })}
                                    <dt>{t(Key::FieldUnit)}</dt><dd data-testid="card-unit">{t(p.unit.label())}</dd>
                                    <dt>{t(Key::FieldCategory)}</dt>
                                    <dd>{match p.category.clone() {
                                        Some(c) => c.into_any(),
                                        None => words::tr(words::T::NoCategory).into_any(),
                                    }}</dd>
                                </dl>
                                <AvailabilityPanel product_id=pid/>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
