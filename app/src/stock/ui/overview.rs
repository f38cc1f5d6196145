//! `/stock/overview`: what one location holds, filtered; live.

use crate::catalog::api::list_categories;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::org::api::list_locations;
use crate::stock::api::stock_overview;
use crate::stock::{Only, OverviewFilter};
use crate::ui::error_box::ErrorBox;
use crate::ui::shell::use_me;
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let me = use_me();
    let live = use_live();
    let choices = Resource::new(
        || (),
        |_| async move {
            Ok::<_, crate::error::AppError>((list_locations().await?, list_categories().await?))
        },
    );
    let location = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let only = RwSignal::new("all".to_string());
    let rows = Resource::new(
        move || {
            (
                location.get(),
                category.get(),
                only.get(),
                live.stock_version.get(),
            )
        },
        |(location, category, only, _)| async move {
            let Ok(location_id) = location.parse::<i64>() else {
                return Ok(Vec::new());
            };
            let only = match only.as_str() {
                "low" => Only::Low,
                "reserved" => Only::Reserved,
                _ => Only::All,
            };
            stock_overview(OverviewFilter {
                location_id,
                category_id: category.parse().ok(),
                only,
            })
            .await
        },
    );
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t(Key::StockOverview)}</h1>
                <a class="button" href="/stock">{t(Key::NavStock)}</a>
            </div>
            <Suspense fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let (locations, categories) = choices.await.unwrap_or_default();
                    // The caller's own location is listed first (no signal is written
                    // during rendering: that would make server and browser disagree).
                    let home = me.await.ok().flatten().and_then(|m| m.home_location_id);
                    let mut locations: Vec<_> = locations.into_iter().filter(|l| l.active).collect();
                    locations.sort_by_key(|l| Some(l.id) != home);
                    view! {
                        <div class="card form-grid filters" data-testid="overview-filters">
                            <label><span>{t(Key::Location)}</span>
                                <select name="location" bind:value=location>
                                    <option value="">{t(Key::None_)}</option>
                                    {locations.iter().map(|l| view! {
                                        <option value=l.id.to_string()>{l.name.clone()}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <label><span>{t(Key::FieldCategory)}</span>
                                <select name="category" bind:value=category>
                                    <option value="">{t(Key::AllCategories)}</option>
                                    {categories.iter().map(|c| view! {
                                        <option value=c.id.to_string()>{if c.parent_id.is_some() { "— " } else { "" }}{c.name.clone()}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <label><span>{t(Key::Status)}</span>
                                <select name="only" bind:value=only>
                                    <option value="all">{t(Key::ShowAll)}</option>
                                    <option value="low">{t(Key::ShowLow)}</option>
                                    <option value="reserved">{t(Key::ShowReserved)}</option>
                                </select>
                            </label>
                        </div>
                    }
                })}
            </Suspense>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || rows.get().map(|r| match r {
                    Ok(list) => view! {
                        <p class="muted">{t(Key::Rows)} ": " <span data-testid="overview-count">{list.len()}</span></p>
                        <div class="table-wrap">
                            <table class="table" data-testid="overview-table">
                                <thead><tr>
                                    <th>{t(Key::Sku)}</th><th>{t(Key::Name)}</th>
                                    <th class="num">{t(Key::OnHand)}</th><th class="num">{t(Key::Reserved)}</th>
                                    <th class="num">{t(Key::Available)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|row| view! {
                                        <tr>
                                            <td>{row.sku}</td>
                                            <td><a href=format!("/stock?product={}", row.product_id)>{row.name}</a></td>
                                            <td class="num">{crate::format::show_qty_unit(row.on_hand, row.unit)}</td>
                                            <td class="num">{crate::format::show_qty(row.reserved)}</td>
                                            <td class="num">{row.available.to_string()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
