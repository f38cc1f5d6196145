//! `/orders/new` and `/orders/:id/edit`: one form. Pick the client (search by phone or
//! name), how the goods reach them, and the lines — find a product (name, SKU or a
//! scanned barcode), see where it is free and who holds it, take it from a location or
//! switch to an alternative; set quantities and discounts with the amounts summed as
//! you type. Saving reserves the new lines, or says what is short where.

use super::sources::{LineSources, Take};
use crate::catalog::ProductHit;
use crate::customers::api::search_clients;
use crate::customers::ClientHit;
use crate::error::{AppError, Field};
use crate::i18n::{t, Key};
use crate::orders::api::{create_order, get_order, update_order};
use crate::orders::{line_amount, Fulfilment, Order, OrderInput, OrderLineInput};
use crate::org::api::list_locations;
use crate::quantity::{Money, Qty};
use crate::stock::ui::search::ProductSearch;
use crate::ui::error_box::ErrorBox;
use crate::ui::offline::{is_network, use_offline, Offline, Operation};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        AddLinesHint => "Find a product, then choose where to take it from.", "Найдите товар и выберите, откуда его взять.";
        SourcingSuggestion => "Fewest places to take it all from", "Собрать заказ из наименьшего числа мест";
    }
}

/// A line being put together, with names for the screen.
#[derive(Clone, PartialEq)]
struct Draft {
    product_id: i64,
    product: String,
    location_id: i64,
    location: String,
    qty: String,
    discount: String,
    price: Money,
    /// A line already on the order keeps the price it was sold at.
    keep_price: bool,
}

impl Draft {
    fn input(&self) -> Result<OrderLineInput, AppError> {
        Ok(OrderLineInput {
            product_id: self.product_id,
            location_id: self.location_id,
            qty: Qty::parse(&self.qty, Field::Quantity)?,
            price: self.keep_price.then_some(self.price),
            discount: if self.discount.trim().is_empty() {
                Money::ZERO
            } else {
                Money::parse(&self.discount, Field::Discount)?
            },
        })
    }

    fn amount(&self) -> Option<Money> {
        let line = self.input().ok()?;
        line_amount(line.qty, self.price, line.discount).ok()
    }
}

#[component]
pub fn NewOrderPage() -> impl IntoView {
    view! {
        <section class="page new-order">
            <h1>{t(Key::NewOrder)}</h1>
            <OrderForm existing=None/>
        </section>
    }
}

#[component]
pub fn EditOrderPage() -> impl IntoView {
    let id = crate::ui::route::use_id_param();
    let order = Resource::new(id, get_order);
    view! {
        <section class="page new-order">
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match order.await {
                        Ok(o) => view! {
                            <h1>{t(Key::EditOrder)} " " {o.number.clone()}</h1>
                            <OrderForm existing=Some(o)/>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn OrderForm(existing: Option<Order>) -> impl IntoView {
    let editing = existing.as_ref().map(|o| (o.id, o.process_id, o.shop_id));
    let client = RwSignal::new(existing.as_ref().and_then(|o| {
        Some(ClientHit {
            id: o.client_id?,
            name: o.client.clone().unwrap_or_default(),
            phones: Vec::new(),
            email: String::new(),
        })
    }));
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
    let fulfilment = RwSignal::new(
        existing
            .as_ref()
            .map_or(Fulfilment::Pickup, |o| o.fulfilment)
            .as_str()
            .to_string(),
    );
    let address = RwSignal::new(
        existing
            .as_ref()
            .map(|o| o.delivery_address.clone())
            .unwrap_or_default(),
    );
    let pickup = RwSignal::new(
        existing
            .as_ref()
            .and_then(|o| o.pickup_location_id)
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let comment = RwSignal::new(
        existing
            .as_ref()
            .map(|o| o.comment.clone())
            .unwrap_or_default(),
    );
    let locations = Resource::new(|| (), |_| list_locations());
    let picked = RwSignal::new(None::<ProductHit>);
    let lines = RwSignal::new(
        existing
            .as_ref()
            .map(|o| {
                o.lines
                    .iter()
                    .map(|l| Draft {
                        product_id: l.product_id,
                        product: l.product.clone(),
                        location_id: l.location_id,
                        location: l.location.clone(),
                        qty: l.qty.to_string(),
                        discount: l.discount.to_string(),
                        price: l.price,
                        keep_price: true,
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<AppError>);
    let offline = use_offline();
    let lang = crate::i18n::use_lang();
    let queued = RwSignal::new(false);
    // A new order carries a key made when «Save» is pressed: a retry after a lost
    // answer, or the offline queue's replay, gets the same order. Without a network it
    // waits on the tablet (`Ok(None)`).
    let save = Action::new(move |(input, key, label): &(OrderInput, String, String)| {
        let (input, key, label) = (input.clone(), key.clone(), label.clone());
        async move {
            let (queued_key, queued_label) = (key.clone(), label);
            let queue = move |input: OrderInput| {
                let op = Operation::Order { input };
                offline.enqueue(queued_key.clone(), op, queued_label.clone(), String::new());
                Ok(None)
            };
            match editing {
                Some((id, _, _)) => update_order(id, input).await.map(Some),
                None if !offline.online.get_untracked() => queue(input),
                None => match create_order(input.clone(), Some(key.clone())).await {
                    Err(e) if is_network(&e) => {
                        offline.online.set(false);
                        queue(input)
                    }
                    other => other.map(Some),
                },
            }
        }
    });
    let navigate = use_navigate();
    Effect::new(move || match save.value().get() {
        Some(Ok(Some(o))) => navigate(&format!("/orders/{}", o.id), Default::default()),
        Some(Ok(None)) => {
            error.set(None);
            lines.set(Vec::new());
            client.set(None);
            comment.set(String::new());
            queued.set(true);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |_| {
        let parsed: Result<Vec<OrderLineInput>, AppError> =
            lines.get_untracked().iter().map(Draft::input).collect();
        let input = parsed.and_then(|lines| {
            OrderInput {
                process_id: editing.map(|e| e.1),
                client_id: client.get_untracked().map(|c| c.id),
                shop_id: editing.map(|e| e.2),
                fulfilment: Fulfilment::parse(&fulfilment.get_untracked())
                    .unwrap_or(Fulfilment::Pickup),
                pickup_location_id: pickup.get_untracked().parse().ok(),
                delivery_address: address.get_untracked(),
                comment: comment.get_untracked(),
                lines,
            }
            .validate()
        });
        match input {
            Ok(input) => {
                error.set(None);
                queued.set(false);
                let who = client.get_untracked().map(|c| c.name).unwrap_or_default();
                let what = lines
                    .get_untracked()
                    .iter()
                    .map(|d| format!("{} × {}", d.product, d.qty))
                    .collect::<Vec<_>>()
                    .join(", ");
                let label = format!(
                    "{}: {what}{}",
                    Key::NewOrder.text(lang.get_untracked()),
                    if who.is_empty() {
                        String::new()
                    } else {
                        format!(" ({who})")
                    }
                );
                save.dispatch((input, Offline::new_key(), label));
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let take = move |x: Take| {
        lines.update(|v| {
            v.push(Draft {
                product_id: x.product.id,
                product: x.product.name.clone(),
                location_id: x.location_id,
                location: x.location.clone(),
                qty: "1".into(),
                discount: String::new(),
                price: x.product.price,
                keep_price: false,
            })
        });
        picked.set(None);
    };
    let total = move || {
        lines.with(|v| {
            v.iter()
                .map(Draft::amount)
                .try_fold(Money::ZERO, |sum, a| a.map(|a| sum + a))
        })
    };
    // Where the lines could come from: the fewest locations, nearest first.
    let needs = Memo::new(move |_| {
        lines.with(|v| {
            v.iter()
                .filter_map(|d| {
                    Some(crate::orders::sourcing::Need {
                        product_id: d.product_id,
                        qty: Qty::parse(&d.qty, Field::Quantity).ok()?,
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    let suggestion = Resource::new(
        move || needs.get(),
        move |needs| async move {
            if needs.is_empty() {
                return None;
            }
            crate::orders::api::suggest_sourcing(editing.map(|e| e.2), needs)
                .await
                .ok()
        },
    );
    let take_plan = move |plan: crate::orders::sourcing::SourcingPlan| {
        lines.update(|v| {
            for (d, p) in v.iter_mut().zip(&plan.lines) {
                if let (Some(id), Some(name)) = (p.location_id, p.location.clone()) {
                    if d.product_id == p.product_id {
                        d.location_id = id;
                        d.location = name;
                    }
                }
            }
        });
    };
    let fulfilment_option = move |value: &'static str, label: Key| {
        view! { <option value=value selected=move || fulfilment.get() == value>{t(label)}</option> }
    };
    view! {
        <div class="card form-grid">
            <label><span>{t(Key::FieldClient)}</span>
                {move || match client.get() {
                    Some(c) => view! {
                        <span class="picked" data-testid="picked-client">{c.name}
                            <button type="button" class="chip" data-testid="unpick-client" on:click=move |_| client.set(None)>"×"</button>
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
                <select name="fulfilment" on:change=move |ev| fulfilment.set(event_target_value(&ev))>
                    {fulfilment_option("pickup", Key::PickupHere)}
                    {fulfilment_option("pickup_other", Key::PickupOther)}
                    {fulfilment_option("delivery", Key::Delivery)}
                </select>
            </label>
            <Show when=move || fulfilment.get() == "delivery">
                <label><span>{t(Key::FieldAddress)}</span><input name="address" bind:value=address/></label>
            </Show>
            <Show when=move || fulfilment.get() == "pickup_other">
                <label><span>{t(Key::PickupAt)}</span>
                    <Transition>
                        {move || locations.get().map(|r| view! {
                            <select name="pickup" on:change=move |ev| pickup.set(event_target_value(&ev))>
                                <option value="">{t(Key::None_)}</option>
                                {r.unwrap_or_default().into_iter().filter(|l| l.active).map(|l| {
                                    let value = l.id.to_string();
                                    let current = value.clone();
                                    view! {
                                        <option value=value selected=move || pickup.get() == current>{l.name}</option>
                                    }
                                }).collect_view()}
                            </select>
                        })}
                    </Transition>
                </label>
            </Show>
            <label><span>{t(Key::Comment)}</span><textarea name="comment" rows="2" bind:value=comment></textarea></label>
        </div>
        <h2>{t(Key::Lines)}</h2>
        <ProductSearch on_pick=move |hit: ProductHit| picked.set(Some(hit))/>
        {move || picked.get().map(|product| view! {
            <LineSources product on_take=take on_alternative=move |alt: ProductHit| picked.set(Some(alt))/>
        })}
        <div class="table-wrap">
            <table class="table" data-testid="draft-lines">
                <thead><tr>
                    <th>{t(Key::FieldProduct)}</th><th>{t(Key::Location)}</th><th>{t(Key::FieldQuantity)}</th>
                    <th class="num">{t(Key::Price)}</th><th>{t(Key::FieldDiscount)}</th><th class="num">{t(Key::FieldAmount)}</th><th></th>
                </tr></thead>
                <tbody>
                    <For each=move || { lines.get().into_iter().enumerate().collect::<Vec<_>>() } key=|(i, d)| (*i, d.product_id, d.location_id) let:item>
                        {
                            let (i, d) = item;
                            let amount = move || lines.with(|l| l.get(i).and_then(Draft::amount)).map_or_else(|| "—".to_string(), |a| a.to_string());
                            view! {
                                <tr data-testid="draft-line">
                                    <td>{d.product.clone()}</td>
                                    <td>{d.location.clone()}</td>
                                    <td><input name=format!("qty{i}") class="qty" inputmode="decimal" prop:value=d.qty.clone()
                                        on:input=move |ev| { let v = event_target_value(&ev); lines.update(|l| if let Some(x) = l.get_mut(i) { x.qty = v }); }/></td>
                                    <td class="num">{d.price.to_string()}</td>
                                    <td><input name=format!("discount{i}") class="discount" inputmode="decimal" prop:value=d.discount.clone()
                                        on:input=move |ev| { let v = event_target_value(&ev); lines.update(|l| if let Some(x) = l.get_mut(i) { x.discount = v }); }/></td>
                                    <td class="num" data-testid="draft-amount">{amount}</td>
                                    <td><button type="button" class="chip" data-testid="remove-line" on:click=move |_| lines.update(|l| { if i < l.len() { l.remove(i); } })>"×"</button></td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
        <Transition>
            {move || suggestion.get().flatten().and_then(|plan| {
                // Offered when it differs from what the lines say now.
                let differs = lines.with(|v| {
                    v.len() == plan.lines.len()
                        && v.iter().zip(&plan.lines).any(|(d, p)| p.location_id.is_some_and(|l| l != d.location_id))
                });
                let places: Vec<String> = {
                    let mut names: Vec<String> = plan.lines.iter().filter_map(|l| l.location.clone()).collect();
                    names.dedup();
                    let mut unique = Vec::new();
                    for n in names { if !unique.contains(&n) { unique.push(n) } }
                    unique
                };
                let missing = plan.lines.iter().filter(|l| l.location_id.is_none()).count();
                (differs || missing > 0).then(|| {
                    let chosen = plan.clone();
                    view! {
                        <div class="card sourcing" data-testid="sourcing">
                            <span>{words::tr(words::T::SourcingSuggestion)} " (" {plan.locations} "): " {places.join(", ")}</span>
                            {(missing > 0).then(|| view! { <span class="muted">" · " {t(Key::SourcingMissing)} " " {missing}</span> })}
                            {differs.then(|| view! {
                                <button type="button" class="primary" data-testid="take-sourcing"
                                    on:click=move |_| take_plan(chosen.clone())>{t(Key::TakeSourcing)}</button>
                            })}
                        </div>
                    }
                })
            })}
        </Transition>
        <p class="totals">{t(Key::Total)} ": " <b data-testid="draft-total">{move || total().map_or_else(|| "—".to_string(), |m| m.to_string())}</b> " ₽"</p>
        <ErrorBox error/>
        <Show when=move || queued.get()>
            <p class="notice" role="status" data-testid="order-queued">{t(Key::QueuedOffline)}</p>
        </Show>
        <div class="buttons">
            <button type="button" class="primary" data-testid="create-order"
                disabled=move || { lines.with(Vec::is_empty) || save.pending().get() }
                on:click=submit>{if editing.is_some() { t(Key::SaveOrder) } else { t(Key::CreateOrder) }}</button>
            {editing.map(|(id, _, _)| view! { <a class="button" href=format!("/orders/{id}")>{t(Key::Cancel)}</a> })}
        </div>
        {move || lines.with(Vec::is_empty).then(|| view! { <p class="muted">{words::tr(words::T::AddLinesHint)}</p> })}
    }
}
