//! Catalog screens: a new product (SKU, name, category, unit, price, cost, barcodes) and
//! the CSV import.

pub mod import;

use super::api::{create_product, list_categories};
use super::{ProductInput, Unit};
use crate::error::{AppError, Field};
use crate::i18n::{t, Key};
use crate::quantity::Money;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn NewProductPage() -> impl IntoView {
    let categories = Resource::new(|| (), |_| list_categories());
    let sku = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let unit = RwSignal::new("pcs".to_string());
    let price = RwSignal::new(String::new());
    let cost = RwSignal::new(String::new());
    let barcodes = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(|input: &ProductInput| create_product(input.clone()));
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
    view! {
        <section class="page">
            <h1>{t(Key::NewProduct)}</h1>
            <Suspense fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let list = categories.await.unwrap_or_default();
                    view! {
                        <form class="card form-grid" data-testid="product-form" on:submit=submit>
                            <label><span>{t(Key::Sku)}</span><input name="sku" bind:value=sku/></label>
                            <label><span>{t(Key::Name)}</span><input name="name" bind:value=name/></label>
                            <label><span>{t(Key::FieldCategory)}</span>
                                <select name="category" bind:value=category>
                                    <option value="">{t(Key::None_)}</option>
                                    {list.iter().map(|c| view! {
                                        <option value=c.id.to_string()>{if c.parent_id.is_some() { "— " } else { "" }}{c.name.clone()}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <label><span>{t(Key::FieldUnit)}</span>
                                <select name="unit" bind:value=unit>
                                    {Unit::ALL.into_iter().map(|u| view! { <option value=u.as_str()>{t(u.label())}</option> }).collect_view()}
                                </select>
                            </label>
                            <label><span>{t(Key::Price)}</span><input name="price" inputmode="decimal" bind:value=price/></label>
                            <label><span>{t(Key::Cost)}</span><input name="cost" inputmode="decimal" bind:value=cost/></label>
                            <label><span>{t(Key::FieldBarcode)}</span><input name="barcodes" bind:value=barcodes/></label>
                            <ErrorBox error/>
                            <div class="buttons">
                                <button type="submit" class="primary" disabled=move || save.pending().get()>{t(Key::Create)}</button>
                            </div>
                        </form>
                    }
                })}
            </Suspense>
        </section>
    }
}
