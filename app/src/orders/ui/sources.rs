//! Line entry's view of the stock: for the product being added, every location with on
//! hand / reserved / available (own shop first, then nearest, with city and address to
//! send the client there), who holds what until when, and the alternatives with where
//! they are free — one tap takes the goods from a location or switches to an
//! alternative. Refetched on every stock event.

use crate::catalog::ProductHit;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::stock::api::product_availability;
use crate::stock::Availability;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

/// What the seller chose: the product, the location and its name.
#[derive(Clone, PartialEq)]
pub struct Take {
    pub product: ProductHit,
    pub location_id: i64,
    pub location: String,
}

#[component]
pub fn LineSources(
    product: ProductHit,
    #[prop(into)] on_take: Callback<Take>,
    #[prop(into)] on_alternative: Callback<ProductHit>,
) -> impl IntoView {
    let live = use_live();
    let id = product.id;
    let data = Resource::new(
        move || (id, live.stock_version.get()),
        |(id, _)| product_availability(id),
    );
    view! {
        <div class="card line-sources" data-testid="line-sources">
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || {
                    let product = product.clone();
                    data.get().map(move |r| match r {
                        Ok(a) => view! { <Sources a product on_take on_alternative/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    })
                }}
            </Transition>
        </div>
    }
}

#[component]
fn Sources(
    a: Availability,
    product: ProductHit,
    on_take: Callback<Take>,
    on_alternative: Callback<ProductHit>,
) -> impl IntoView {
    let names: Vec<(i64, String)> = a
        .locations
        .iter()
        .map(|l| (l.location_id, l.name.clone()))
        .collect();
    let location_name = move |id: i64| {
        names
            .iter()
            .find(|n| n.0 == id)
            .map(|n| n.1.clone())
            .unwrap_or_default()
    };
    let unit = a.product.unit;
    view! {
        <div class="product-head">
            <b>{a.product.name.clone()}</b>
            <span class="muted">{t(Key::Sku)} " " {a.product.sku.clone()}</span>
            <span class="price">{crate::format::show_money(a.product.price)}</span>
        </div>
        <div class="table-wrap">
            <table class="table stock-table">
                <thead><tr>
                    <th></th><th>{t(Key::Location)}</th><th class="num">{t(Key::Available)}</th>
                    <th class="num">{t(Key::OnHand)}</th><th class="num">{t(Key::Reserved)}</th>
                    <th>{t(Key::Distance)}</th><th>{t(Key::Address)}</th>
                </tr></thead>
                <tbody>
                    {a.locations.into_iter().map(|l| {
                        let free = l.available.is_positive();
                        let take = Take { product: product.clone(), location_id: l.location_id, location: l.name.clone() };
                        // The button comes first: on a tablet the table scrolls sideways.
                        view! {
                            <tr data-testid="source-row" data-location=l.location_id.to_string() class:home=l.is_home class:empty=!free>
                                <td class="row-actions">
                                    {free.then(|| view! {
                                        <button type="button" class="primary" data-testid="take-from" data-location=l.location_id.to_string()
                                            on:click=move |_| on_take.run(take.clone())>
                                            {t(Key::TakeFrom)}
                                        </button>
                                    })}
                                </td>
                                <td>{l.name.clone()} {l.is_home.then(|| view! { <span class="badge">{t(Key::HomeBadge)}</span> })}</td>
                                <td class="num" data-testid="available">{crate::format::show_qty(l.available)}</td>
                                <td class="num">{crate::format::show_qty(l.on_hand)}</td>
                                <td class="num">{crate::format::show_qty(l.reserved)}</td>
                                <td>{l.distance_km.filter(|_| !l.is_home).map(|d| view! { {d} " " {t(Key::Km)} })}</td>
                                <td>{l.city.clone()} ", " {l.address.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(!a.reservations.is_empty()).then(|| view! {
            <h3>{t(Key::HeldHere)}</h3>
            <ul class="holds" data-testid="source-holds">
                {a.reservations.into_iter().map(|r| view! {
                    <li>
                        {location_name(r.location_id)} ": " {crate::format::show_qty_unit(r.qty, unit)} " · "
                        {match r.order_id {
                            Some(order) => view! { <a href=format!("/orders/{order}")>{t(Key::ForOrder)} " №" {order}</a> }.into_any(),
                            None => r.client.clone().into_any(),
                        }}
                        " · " {r.created_by.clone()}
                        {r.expires_at.map(|at| view! { " · " {t(Key::Until)} " " {show(at)} })}
                    </li>
                }).collect_view()}
            </ul>
        })}
        {(!a.alternatives.is_empty()).then(|| view! {
            <h3>{t(Key::Alternatives)}</h3>
            <ul class="alternatives" data-testid="source-alternatives">
                {a.alternatives.into_iter().map(|alt| {
                    let hit = alt.product.clone();
                    view! {
                        <li>
                            <button type="button" data-testid="take-alternative" on:click=move |_| on_alternative.run(hit.clone())>
                                {t(Key::TakeAlternative)} ": " {alt.product.name.clone()}
                            </button>
                            <span>{t(Key::Available)} ": " {alt.product.available.to_string()}</span>
                            {alt.best_location.clone().map(|b| view! { <span class="muted">" (" {b} " — " {alt.best_available.to_string()} ")"</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
    }
}
