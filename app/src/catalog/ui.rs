//! Catalog screens: a product's card (new or edited: SKU, name, category, unit, price,
//! cost, barcodes), the category tree and the CSV import.

pub mod card;
pub mod categories;
pub mod import;

use super::api::{create_product, get_product, list_categories, update_product};
use super::{Category, Product, ProductInput, Unit};
use crate::error::{AppError, Field};
use crate::i18n::{t, Key};
use crate::quantity::Money;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn NewProductPage() -> impl IntoView {
    let categories = Resource::new(|| (), |_| list_categories());
    view! {
        <section class="page">
            <h1>{t(Key::NewProduct)}</h1>
            <Suspense fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let list = categories.await.unwrap_or_default();
                    view! { <ProductForm categories=list product=None/> }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn EditProductPage() -> impl IntoView {
    let id = crate::ui::route::use_id_param();
    let categories = Resource::new(|| (), |_| list_categories());
    let product = Resource::new(id, get_product);
    view! {
        <section class="page">
            <h1>{t(Key::EditProduct)}</h1>
            <Suspense fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let list = categories.await.unwrap_or_default();
                    match product.await {
                        Ok(p) => view! { <ProductForm categories=list product=Some(p)/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Categories as `<option>`s, each under its parent, indented by depth.
pub fn category_options(list: &[Category]) -> Vec<(i64, String)> {
    fn add(list: &[Category], parent: Option<i64>, depth: usize, out: &mut Vec<(i64, String)>) {
        for c in list.iter().filter(|c| c.parent_id == parent) {
            // A broken parent chain can't recurse forever: depth is bounded.
            if depth > 16 {
                return;
            }
            out.push((c.id, format!("{}{}", "— ".repeat(depth), c.name)));
            add(list, Some(c.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    add(list, None, 0, &mut out);
    out
}

/// The product card form: creates a product, or edits `product` when given.
#[component]
fn ProductForm(categories: Vec<Category>, product: Option<Product>) -> impl IntoView {
    let editing = product.as_ref().map(|p| p.id);
    let p = product.as_ref();
    let sku = RwSignal::new(p.map(|p| p.sku.clone()).unwrap_or_default());
    let name = RwSignal::new(p.map(|p| p.name.clone()).unwrap_or_default());
    let category = RwSignal::new(
        p.and_then(|p| p.category_id)
            .map(|c| c.to_string())
            .unwrap_or_default(),
    );
    let unit = RwSignal::new(p.map(|p| p.unit).unwrap_or(Unit::Pcs).as_str().to_string());
    let price = RwSignal::new(p.map(|p| p.price.to_string()).unwrap_or_default());
    let cost = RwSignal::new(
        p.and_then(|p| p.cost)
            .map(|c| c.to_string())
            .unwrap_or_default(),
    );
    let barcodes = RwSignal::new(p.map(|p| p.barcodes.join(" ")).unwrap_or_default());
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(move |input: &ProductInput| {
        let input = input.clone();
        async move {
            match editing {
                Some(id) => update_product(id, input).await,
                None => create_product(input).await,
            }
        }
    });
    let navigate = use_navigate();
    Effect::new(move || match save.value().get() {
        Some(Ok(p)) => navigate(&format!("/stock?product={}", p.id), Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let money = |s: String| {
            if s.trim().is_empty() {
                Ok(Money::ZERO)
            } else {
                Money::parse(&s, Field::Price)
            }
        };
        let input = (|| {
            ProductInput {
                sku: sku.get_untracked(),
                name: name.get_untracked(),
                category_id: category.get_untracked().parse().ok(),
                unit: Unit::parse(&unit.get_untracked()).unwrap_or(Unit::Pcs),
                price: Money::parse(&price.get_untracked(), Field::Price)?,
                cost: money(cost.get_untracked())?,
                barcodes: barcodes
                    .get_untracked()
                    .split([',', ' ', '\n'])
                    .filter(|b| !b.trim().is_empty())
                    .map(|b| b.trim().to_string())
                    .collect(),
            }
            .validate()
        })();
        match input {
            Ok(input) => {
                error.set(None);
                save.dispatch(input);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let options = category_options(&categories);
    view! {
        <form class="card form-grid" data-testid="product-form" on:submit=submit>
            <label><span>{t(Key::Sku)}</span><input name="sku" bind:value=sku/></label>
            <label><span>{t(Key::Name)}</span><input name="name" bind:value=name/></label>
            <label><span>{t(Key::FieldCategory)}</span>
                <select name="category" bind:value=category>
                    <option value="">{t(Key::None_)}</option>
                    {options.into_iter().map(|(id, label)| {
                        let id = id.to_string();
                        let selected = category.get_untracked() == id;
                        view! { <option value=id selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label><span>{t(Key::FieldUnit)}</span>
                <select name="unit" bind:value=unit>
                    {Unit::ALL.into_iter().map(|u| {
                        let selected = unit.get_untracked() == u.as_str();
                        view! { <option value=u.as_str() selected=selected>{t(u.label())}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label><span>{t(Key::Price)}</span><input name="price" inputmode="decimal" bind:value=price/></label>
            <label><span>{t(Key::Cost)}</span><input name="cost" inputmode="decimal" bind:value=cost/></label>
            <label><span>{t(Key::FieldBarcode)}</span><input name="barcodes" bind:value=barcodes/></label>
            <ErrorBox error/>
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>
                    {if editing.is_some() { t(Key::Save) } else { t(Key::Create) }}
                </button>
            </div>
        </form>
    }
}
