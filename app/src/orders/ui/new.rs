//! `/orders/new`: pick the client (search by phone or name), how the goods reach them,
//! and the lines — find a product (name, SKU or a scanned barcode), see where it is
//! free, take it from that location. Creating the order reserves every line, or says
//! what is short where.

use crate::customers::api::search_clients;
use crate::customers::ClientHit;
use crate::error::{AppError, Field};
use crate::i18n::{t, Key};
use crate::orders::api::create_order;
use crate::orders::{Fulfilment, OrderInput, OrderLineInput};
use crate::org::api::list_locations;
use crate::quantity::{Money, Qty};
use crate::stock::api::product_availability;
use crate::stock::ui::search::ProductSearch;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// A line being put together, with names for the screen.
#[derive(Clone, PartialEq)]
struct Draft {
    product_id: i64,
    product: String,
    location_id: i64,
    location: String,
    qty: String,
    price: Money,
}

#[component]
pub fn NewOrderPage() -> impl IntoView {
    let client = RwSignal::new(None::<ClientHit>);
    let client_query = RwSignal::new(String::new());
    let clients = Resource::new(
        move || client_query.get(),
        |q| async move {
            if q.trim().len() < 2 {
                Ok(Vec::new())
            } else {
                search_clients(q).await
            }
        },
    );
    let fulfilment = RwSignal::new("pickup".to_string());
    let address = RwSignal::new(String::new());
    let pickup = RwSignal::new(String::new());
    let locations = Resource::new(|| (), |_| list_locations());
    let picked = RwSignal::new(None::<(i64, String, Money)>);
    let availability = Resource::new(
        move || picked.get().map(|p| p.0),
        |id| async move {
            match id {
                Some(id) => product_availability(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let lines = RwSignal::new(Vec::<Draft>::new());
    let error = RwSignal::new(None::<AppError>);
    let create = Action::new(|input: &OrderInput| create_order(input.clone()));
    let navigate = use_navigate();
    Effect::new(move || match create.value().get() {
        Some(Ok(o)) => navigate(&format!("/orders/{}", o.id), Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |_| {
        let drafts = lines.get_untracked();
        let parsed: Result<Vec<OrderLineInput>, AppError> = drafts
            .iter()
            .map(|d| {
                Ok(OrderLineInput {
                    product_id: d.product_id,
                    location_id: d.location_id,
                    qty: Qty::parse(&d.qty, Field::Quantity)?,
                    price: None,
                    discount: Money::ZERO,
                })
            })
            .collect();
        let input = parsed.and_then(|lines| {
            OrderInput {
                process_id: None,
                client_id: client.get_untracked().map(|c| c.id),
                shop_id: None,
                fulfilment: Fulfilment::parse(&fulfilment.get_untracked())
                    .unwrap_or(Fulfilment::Pickup),
                pickup_location_id: pickup.get_untracked().parse().ok(),
                delivery_address: address.get_untracked(),
                comment: String::new(),
                lines,
            }
            .validate()
        });
        match input {
            Ok(input) => {
                error.set(None);
                create.dispatch(input);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <section class="page new-order">
            <h1>{t(Key::NewOrder)}</h1>
            <div class="card form-grid">
                <label><span>{t(Key::FieldClient)}</span>
                    {move || match client.get() {
                        Some(c) => view! {
                            <span class="picked" data-testid="picked-client">{c.name}
                                <button type="button" class="chip" on:click=move |_| client.set(None)>"×"</button>
                            </span>
                        }.into_any(),
                        None => view! {
                            <input type="search" name="client" data-testid="order-client-search" autocomplete="off"
                                placeholder=t(Key::SearchClients) bind:value=client_query/>
                        }.into_any(),
                    }}
                </label>
                <Transition>
                    {move || clients.get().map(|r| {
                        let hits = r.unwrap_or_default();
                        (client.get().is_none() && !hits.is_empty()).then(|| view! {
                            <ul class="hits" data-testid="client-hits">
                                {hits.into_iter().map(|c| {
                                    let pick = c.clone();
                                    view! {
                                        <li><button type="button" class="hit" on:click=move |_| { client.set(Some(pick.clone())); client_query.set(String::new()); }>
                                            <span class="hit-name">{c.name}</span>
                                            <span class="muted">{c.phones.iter().map(|p| p.display()).collect::<Vec<_>>().join(", ")}</span>
                                        </button></li>
                                    }
                                }).collect_view()}
                            </ul>
                        })
                    })}
                </Transition>
                <label><span>{t(Key::Fulfilment)}</span>
                    <select name="fulfilment" bind:value=fulfilment>
                        <option value="pickup">{t(Key::PickupHere)}</option>
                        <option value="pickup_other">{t(Key::PickupOther)}</option>
                        <option value="delivery">{t(Key::Delivery)}</option>
                    </select>
                </label>
                <Show when=move || fulfilment.get() == "delivery">
                    <label><span>{t(Key::FieldAddress)}</span><input name="address" bind:value=address/></label>
                </Show>
                <Show when=move || fulfilment.get() == "pickup_other">
                    <label><span>{t(Key::PickupAt)}</span>
                        <Transition>
                            {move || locations.get().map(|r| view! {
                                <select name="pickup" bind:value=pickup>
                                    <option value="">{t(Key::None_)}</option>
                                    {r.unwrap_or_default().into_iter().filter(|l| l.active).map(|l| view! {
                                        <option value=l.id.to_string()>{l.name}</option>
                                    }).collect_view()}
                                </select>
                            })}
                        </Transition>
                    </label>
                </Show>
            </div>
            <h2>{t(Key::Lines)}</h2>
            <ProductSearch on_pick=move |hit: crate::catalog::ProductHit| picked.set(Some((hit.id, hit.name, hit.price)))/>
            <Transition>
                {move || availability.get().map(|r| match r {
                    Ok(Some(a)) => {
                        let (pid, pname, price) = picked.get_untracked().unwrap_or((0, String::new(), Money::ZERO));
                        view! {
                            <div class="card" data-testid="line-sources">
                                <b>{pname.clone()}</b>
                                <ul class="sources">
                                    {a.locations.into_iter().filter(|l| l.available.is_positive()).map(|l| {
                                        let draft = Draft {
                                            product_id: pid,
                                            product: pname.clone(),
                                            location_id: l.location_id,
                                            location: l.name.clone(),
                                            qty: "1".into(),
                                            price,
                                        };
                                        view! {
                                            <li>
                                                <button type="button" data-testid="take-from" data-location=l.location_id.to_string()
                                                    on:click=move |_| { lines.update(|v| v.push(draft.clone())); picked.set(None); }>
                                                    {t(Key::TakeFrom)} " " {l.name.clone()} " (" {l.available.to_string()} ")"
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </div>
                        }.into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}
            </Transition>
            <div class="table-wrap">
                <table class="table" data-testid="draft-lines">
                    <tbody>
                        <For each=move || { lines.get().into_iter().enumerate().collect::<Vec<_>>() } key=|(i, d)| (*i, d.product_id, d.location_id) let:item>
                            {
                                let (i, d) = item;
                                view! {
                                    <tr data-testid="draft-line">
                                        <td>{d.product.clone()}</td>
                                        <td>{d.location.clone()}</td>
                                        <td><input name=format!("qty{i}") class="qty" inputmode="decimal" prop:value=d.qty.clone()
                                            on:input=move |ev| { let v = event_target_value(&ev); lines.update(|l| if let Some(x) = l.get_mut(i) { x.qty = v }); }/></td>
                                        <td class="num">{d.price.to_string()}</td>
                                        <td><button type="button" class="chip" on:click=move |_| lines.update(|l| { if i < l.len() { l.remove(i); } })>"×"</button></td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
            <ErrorBox error/>
            <div class="buttons">
                <button type="button" class="primary" data-testid="create-order"
                    disabled=move || { lines.with(Vec::is_empty) || create.pending().get() }
                    on:click=submit>{t(Key::CreateOrder)}</button>
            </div>
            {move || lines.with(Vec::is_empty).then(|| view! { <p class="muted">{t(Key::AddLinesHint)}</p> })}
        </section>
    }
}
