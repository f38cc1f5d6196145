//! The availability panel: every location's numbers (own shop first, then nearest),
//! reserve anywhere, who holds what, alternatives. Refetches on every stock event.

use crate::auth::Action as Permission;
use crate::catalog::api::{link_alternatives, set_product_active};
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::quantity::Qty;
use crate::stock::api::{
    create_stock_doc, fulfil_reservation, product_availability, release_reservation, reserve,
};
use crate::stock::ui::search::ProductSearch;
use crate::stock::{Availability, DocInput, DocKind, DocLine, ReserveInput};
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use crate::ui::outcome::on_outcome;
use crate::ui::shell::{me_allows, use_me};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn AvailabilityPanel(product_id: i64) -> impl IntoView {
    let live = use_live();
    let data = Resource::new(
        move || (product_id, live.stock_version.get()),
        |(id, _)| product_availability(id),
    );
    // The reserve form lives outside the refetched table, so a live update keeps it open.
    // (location id, location name, Some(home) when delivering from there to the home shop)
    let reserving = RwSignal::new(None::<(i64, String, Option<i64>)>);
    let delivered = RwSignal::new(None::<i64>);
    let qty = RwSignal::new("1".to_string());
    let client = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let bump = move || live.stock_version.update(|v| *v += 1);

    let reserve_action = Action::new(|input: &ReserveInput| reserve(input.clone()));
    on_outcome(reserve_action, error, move || {
        reserving.set(None);
        bump();
    });
    let release = Action::new(|id: &i64| release_reservation(*id));
    on_outcome(release, error, bump);
    let fulfil = Action::new(|id: &i64| fulfil_reservation(*id));
    on_outcome(fulfil, error, bump);
    let me = use_me();
    let linking = RwSignal::new(false);
    let link = Action::new(move |alternative: &i64| link_alternatives(product_id, *alternative));
    on_outcome(link, error, move || {
        linking.set(false);
        bump();
    });
    let navigate = use_navigate();
    let archive = Action::new(move |_: &()| set_product_active(product_id, false));
    on_outcome(archive, error, move || {
        navigate("/stock", Default::default())
    });
    let deliver = Action::new(|input: &DocInput| create_stock_doc(input.clone()));
    Effect::new(move || {
        if let Some(Ok(doc)) = deliver.value().get() {
            delivered.set(Some(doc.id));
        }
    });
    on_outcome(deliver, error, move || {
        reserving.set(None);
        bump();
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((location_id, _, deliver_to)) = reserving.get_untracked() else {
            return;
        };
        match Qty::parse(&qty.get_untracked(), crate::error::Field::Quantity) {
            Ok(q) if deliver_to.is_some() => {
                deliver.dispatch(DocInput {
                    kind: DocKind::Transfer,
                    location_id,
                    to_location_id: deliver_to,
                    lines: vec![DocLine { product_id, qty: q }],
                    reason: String::new(),
                    comment: client.get_untracked(),
                });
            }
            Ok(q) => {
                reserve_action.dispatch(ReserveInput {
                    product_id,
                    location_id,
                    qty: q,
                    order_id: None,
                    client: client.get_untracked(),
                });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let open_form = move |location_id: i64, name: String, deliver_to: Option<i64>| {
        error.set(None);
        delivered.set(None);
        qty.set("1".into());
        reserving.set(Some((location_id, name, deliver_to)));
    };

    view! {
        <div class="availability" data-testid="availability">
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || data.get().map(|r| match r {
                    Ok(a) => view! {
                        {me_allows(&me.get().unwrap_or(Ok(None)), Permission::ManageCatalog).then(|| view! {
                            <div class="buttons catalog-actions">
                                <a class="button" data-testid="edit-product"
                                    href=format!("/stock/products/{}/edit", a.product.id)>{t(Key::Edit)}</a>
                                <button data-testid="link-alternative" on:click=move |_| linking.update(|l| *l = !*l)>
                                    {t(Key::LinkAlternative)}
                                </button>
                                <button class="danger" data-testid="archive-product" on:click=move |_| { archive.dispatch(()); }>
                                    {t(Key::Archive)}
                                </button>
                            </div>
                        })}
                        <Numbers a open_form release fulfil/>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}
            </Transition>
            <Show when=move || linking.get()>
                <div class="card" data-testid="link-form">
                    <h2>{t(Key::LinkAlternative)}</h2>
                    <ProductSearch on_pick=move |hit: crate::catalog::ProductHit| { link.dispatch(hit.id); }/>
                </div>
            </Show>
            <Show when=move || reserving.get().is_some()>
                <form class="card form-grid" data-testid="reserve-form" on:submit=submit>
                    <h2>
                        {move || if reserving.get().is_some_and(|r| r.2.is_some()) { t(Key::DeliverFrom)() } else { t(Key::ReserveAt)() }}
                        ": " {move || reserving.get().map(|r| r.1).unwrap_or_default()}
                    </h2>
                    <label><span>{t(Key::Quantity)}</span>
                        <input name="qty" inputmode="decimal" bind:value=qty/></label>
                    <label><span>{t(Key::ClientForHold)}</span>
                        <input name="client" bind:value=client/></label>
                    <ErrorBox error/>
                    <div class="buttons">
                        <button type="submit" class="primary" disabled=move || reserve_action.pending().get() || deliver.pending().get()>
                            {move || if reserving.get().is_some_and(|r| r.2.is_some()) { t(Key::OrderDelivery)() } else { t(Key::Reserve)() }}
                        </button>
                        <button type="button" on:click=move |_| reserving.set(None)>{t(Key::Cancel)}</button>
                    </div>
                </form>
            </Show>
            <Show when=move || reserving.get().is_none()>
                <ErrorBox error/>
            </Show>
            {move || delivered.get().map(|id| view! {
                <p class="notice" data-testid="delivery-created">
                    {t(Key::DeliveryCreated)} " " <a href=format!("/stock/documents/{id}")>"№" {id}</a>
                </p>
            })}
        </div>
    }
}

#[component]
fn Numbers(
    a: Availability,
    open_form: impl Fn(i64, String, Option<i64>) + Copy + Send + Sync + 'static,
    release: Action<i64, Result<(), AppError>>,
    fulfil: Action<i64, Result<(), AppError>>,
) -> impl IntoView {
    let unit = a.product.unit;
    let home = a
        .locations
        .iter()
        .find(|l| l.is_home)
        .map(|l| l.location_id);
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
    view! {
        <div class="product-head">
            <h2 data-testid="product-name">{a.product.name.clone()}</h2>
            <span class="muted">{t(Key::Sku)} " " {a.product.sku.clone()}</span>
            <span class="price">{a.product.price.to_string()} " ₽"</span>
        </div>
        <div class="table-wrap">
            <table class="table stock-table" data-testid="stock-table">
                <thead><tr>
                    <th>{t(Key::Location)}</th><th>{t(Key::Address)}</th><th>{t(Key::Distance)}</th>
                    <th class="num">{t(Key::OnHand)}</th><th class="num">{t(Key::Reserved)}</th>
                    <th class="num">{t(Key::Available)}</th><th></th>
                </tr></thead>
                <tbody>
                    {a.locations.into_iter().map(|l| {
                        let free = l.available.is_positive();
                        let (id, name) = (l.location_id, l.name.clone());
                        let from_warehouse = (l.kind == crate::org::LocationKind::Warehouse && free)
                            .then_some(home)
                            .flatten()
                            .filter(|h| *h != id);
                        let deliver_name = name.clone();
                        view! {
                            <tr data-testid="stock-row" data-location=l.location_id.to_string() class:home=l.is_home class:empty=!free>
                                <td>{l.name.clone()} {l.is_home.then(|| view! { <span class="badge">{t(Key::HomeBadge)}</span> })}</td>
                                <td>{l.city.clone()} ", " {l.address.clone()}</td>
                                <td>{l.distance_km.filter(|_| !l.is_home).map(|d| view! { {d} " " {t(Key::Km)} })}</td>
                                <td class="num">{l.on_hand.to_string()}</td>
                                <td class="num">{l.reserved.to_string()}</td>
                                <td class="num" data-testid="available">{l.available.to_string()}</td>
                                <td class="row-actions">
                                    {free.then(|| view! {
                                        <button data-testid=format!("reserve-{id}") on:click=move |_| open_form(id, name.clone(), None)>
                                            {t(Key::Reserve)}
                                        </button>
                                    })}
                                    {from_warehouse.map(|to| view! {
                                        <button data-testid=format!("deliver-{id}") on:click=move |_| open_form(id, deliver_name.clone(), Some(to))>
                                            {t(Key::DeliverToMyShop)}
                                        </button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h3>{t(Key::Reservations)}</h3>
        {if a.reservations.is_empty() {
            view! { <p class="muted">{t(Key::NoReservations)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="table" data-testid="reservations-table">
                        <thead><tr>
                            <th>{t(Key::Location)}</th><th class="num">{t(Key::Quantity)}</th><th>{t(Key::Client)}</th>
                            <th>{t(Key::HeldBy)}</th><th>{t(Key::Until)}</th><th></th>
                        </tr></thead>
                        <tbody>
                            {a.reservations.into_iter().map(|r| {
                                let id = r.id;
                                view! {
                                    <tr data-testid="reservation-row">
                                        <td>{location_name(r.location_id)}</td>
                                        <td class="num">{r.qty.to_string()} " " {t(unit.label())}</td>
                                        <td>{match r.order_id {
                                            Some(order) => view! { {t(Key::ForOrder)} " №" {order} }.into_any(),
                                            None => r.client.clone().into_any(),
                                        }}</td>
                                        <td>{r.created_by.clone()}</td>
                                        <td>{r.expires_at.map(show)}</td>
                                        <td class="row-actions">
                                            {r.can_close.then(|| view! {
                                                <button on:click=move |_| { fulfil.dispatch(id); }>{t(Key::Fulfil)}</button>
                                                <button class="danger" on:click=move |_| { release.dispatch(id); }>{t(Key::Release)}</button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <h3>{t(Key::Alternatives)}</h3>
        {if a.alternatives.is_empty() {
            view! { <p class="muted">{t(Key::NoAlternatives)}</p> }.into_any()
        } else {
            view! {
                <ul class="alternatives" data-testid="alternatives">
                    {a.alternatives.into_iter().map(|alt| view! {
                        <li>
                            <a class="button" href=format!("/stock?product={}", alt.product.id)>{alt.product.name.clone()}</a>
                            <span>{t(Key::Available)} ": " {alt.product.available.to_string()}</span>
                            {alt.best_location.clone().map(|b| view! { <span class="muted">" (" {b} " — " {alt.best_available.to_string()} ")"</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
