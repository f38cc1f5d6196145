//! `/orders/new` and `/orders/:id/edit`: one form. Pick the client (search by phone or
//! name), how the goods reach them, and the lines — find a product (name, SKU or a
//! scanned barcode), see where it is free and who holds it, take it from a location or
//! switch to an alternative; set quantities and discounts with the amounts summed as
//! you type. Saving reserves the new lines, or says what is short where. Nothing typed is
//! lost: the form is kept in the browser as a draft until it is saved or discarded, and a
//! client the search does not find is created right here.

use super::draft::{self, check, field_of, storage_key, Draft, Errors, FieldError, Saved};
use super::field_note::{described, invalid, is_invalid, FieldNote};
use super::lines::DraftLines;
use super::new_client::InlineClient;
use super::sources::{LineSources, Take};
use crate::catalog::ProductHit;
use crate::customers::api::search_clients;
use crate::customers::ClientHit;
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::orders::api::{create_order, get_order, update_order};
use crate::orders::discount::DiscountUnit;
use crate::orders::{Fulfilment, Order, OrderInput};
use crate::org::api::list_locations;
use crate::quantity::Money;
use crate::stock::ui::search::ProductSearch;
use crate::ui::browser;
use crate::ui::error_box::ErrorBox;
use crate::ui::offline::{is_network, use_offline, Offline, Operation};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        AddLinesHint => "Find a product, then choose where to take it from.", "Найдите товар и выберите, откуда его взять.";
        SourcingSuggestion => "Fewest places to take it all from", "Собрать заказ из наименьшего числа мест";
        DraftRestored => "Your unsaved draft was restored.", "Восстановлен несохранённый черновик.";
        DiscardDraft => "Discard draft", "Отменить черновик";
        ConfirmDiscard => "Discard this draft? Everything typed into the form will be lost.", "Отменить черновик? Всё введённое в форму будет потеряно.";
        NobodyFound => "No client found.", "Клиент не найден.";
        CreateClient => "Create a client", "Создать клиента";
        Unpick => "choose another", "выбрать другого";
        FixFields => "Check the fields marked in red", "Проверьте поля, отмеченные красным";
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
    // What the form starts from: empty, or the order being edited. A draft equal to it
    // is not kept.
    let initial = Saved {
        client: existing.as_ref().and_then(|o| {
            Some(ClientHit {
                id: o.client_id?,
                name: o.client.clone().unwrap_or_default(),
                phones: Vec::new(),
                email: String::new(),
            })
        }),
        fulfilment: existing
            .as_ref()
            .map_or(Fulfilment::Pickup, |o| o.fulfilment)
            .as_str()
            .to_string(),
        address: existing
            .as_ref()
            .map(|o| o.delivery_address.clone())
            .unwrap_or_default(),
        pickup: existing
            .as_ref()
            .and_then(|o| o.pickup_location_id)
            .map(|p| p.to_string())
            .unwrap_or_default(),
        comment: existing
            .as_ref()
            .map(|o| o.comment.clone())
            .unwrap_or_default(),
        lines: existing
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
                        discount_unit: DiscountUnit::Money,
                        price: l.price,
                        keep_price: true,
                        unit: None,
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    };
    let client = RwSignal::new(initial.client.clone());
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
    // The query the inline «new client» form was opened with.
    let creating = RwSignal::new(None::<String>);
    let fulfilment = RwSignal::new(initial.fulfilment.clone());
    let address = RwSignal::new(initial.address.clone());
    let pickup = RwSignal::new(initial.pickup.clone());
    let comment = RwSignal::new(initial.comment.clone());
    let lines = RwSignal::new(initial.lines.clone());
    let locations = Resource::new(|| (), |_| list_locations());
    let picked = RwSignal::new(None::<ProductHit>);
    let errors = RwSignal::new(Errors::new());
    let error = RwSignal::new(None::<AppError>);
    let offline = use_offline();
    let lang = crate::i18n::use_lang();
    let queued = RwSignal::new(false);

    // The draft: read back once the user is known (in the browser only, after
    // hydration, so the server's HTML and the first render agree), then written on
    // every change.
    let form = move || Saved {
        client: client.get(),
        fulfilment: fulfilment.get(),
        address: address.get(),
        pickup: pickup.get(),
        comment: comment.get(),
        lines: lines.get(),
    };
    let apply = move |s: Saved| {
        client.set(s.client);
        fulfilment.set(if s.fulfilment.is_empty() {
            "pickup".into()
        } else {
            s.fulfilment
        });
        address.set(s.address);
        pickup.set(s.pickup);
        comment.set(s.comment);
        lines.set(s.lines);
        errors.set(Vec::new());
        error.set(None);
    };
    let draft_key = RwSignal::new(None::<String>);
    let restored = RwSignal::new(false);
    let me = crate::ui::shell::use_me();
    Effect::new(move || {
        if draft_key.get_untracked().is_some() {
            return;
        }
        if let Some(Ok(Some(me))) = me.get() {
            let key = storage_key(me.id, editing.map(|e| e.0));
            let kept =
                browser::stored(&key).and_then(|json| serde_json::from_str::<Saved>(&json).ok());
            if let Some(kept) = kept.filter(|k| !k.is_blank()) {
                apply(kept);
                restored.set(true);
            }
            draft_key.set(Some(key));
        }
    });
    let unchanged = StoredValue::new(initial);
    Effect::new(move || {
        let now = form();
        if let Some(key) = draft_key.get() {
            if now.is_blank() || unchanged.with_value(|i| *i == now) {
                browser::unstore(&key);
            } else if let Ok(json) = serde_json::to_string(&now) {
                browser::store(&key, &json);
            }
        }
    });
    let discard = move |_| {
        if browser::confirm(words::T::ConfirmDiscard.text(lang.get_untracked())) {
            if let Some(key) = draft_key.get_untracked() {
                browser::unstore(&key);
            }
            apply(unchanged.get_value());
            creating.set(None);
            picked.set(None);
            restored.set(false);
        }
    };
    let dirty = move || {
        let now = form();
        !now.is_blank() && unchanged.with_value(|i| *i != now)
    };

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
    // Shows refusals beside their fields, focusing the first; what belongs to no field
    // goes to the box at the bottom.
    let refuse = move |found: Errors| {
        let (fields, other): (Errors, Errors) =
            found.into_iter().partition(|(id, _)| !id.is_empty());
        if let Some((id, _)) = fields.first() {
            browser::focus_id(id);
        }
        error.set(other.into_iter().find_map(|(_, e)| match e {
            FieldError::App(e) => Some(e),
            _ => None,
        }));
        errors.set(fields);
    };
    Effect::new(move || match save.value().get() {
        Some(Ok(Some(o))) => {
            if let Some(key) = draft_key.get_untracked() {
                browser::unstore(&key);
            }
            navigate(&format!("/orders/{}", o.id), Default::default())
        }
        Some(Ok(None)) => {
            error.set(None);
            errors.set(Vec::new());
            lines.set(Vec::new());
            client.set(None);
            comment.set(String::new());
            queued.set(true);
        }
        Some(Err(e)) => {
            let now = form_untracked(client, fulfilment, address, pickup, comment, lines);
            let id = field_of(&e, &now).unwrap_or_default();
            refuse(vec![(id, FieldError::App(e))]);
        }
        None => {}
    });
    let submit = move |_| {
        let now = form_untracked(client, fulfilment, address, pickup, comment, lines);
        match check(&now, editing) {
            Ok(input) => {
                error.set(None);
                errors.set(Vec::new());
                queued.set(false);
                let who = now.client.map(|c| c.name).unwrap_or_default();
                let what = now
                    .lines
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
            Err(found) => refuse(found),
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
                discount_unit: DiscountUnit::Money,
                price: x.product.price,
                keep_price: false,
                unit: Some(x.product.unit),
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
                        qty: d.qty().ok()?,
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
    // An edited field loses its error; the others keep theirs until the next check.
    let clear = move |id: &'static str| errors.update(|v| v.retain(|(f, _)| f != id));
    let client_created = move |c: ClientHit| {
        client.set(Some(c));
        client_query.set(String::new());
        creating.set(None);
        clear(draft::CLIENT);
    };
    let fields_wrong = move || errors.with(|v| v.len());
    view! {
        <Show when=move || restored.get()>
            <p class="notice" role="status" data-testid="draft-restored">{words::tr(words::T::DraftRestored)}</p>
        </Show>
        <div class="card form-grid">
            <div class="field" class:invalid=is_invalid(errors, draft::CLIENT.into())>
                {move || match client.get() {
                    Some(c) => view! {
                        <span class="field-label">{t(Key::FieldClient)}</span>
                        <span class="picked" data-testid="picked-client">{c.name}
                            <button type="button" class="chip" id=draft::CLIENT data-testid="unpick-client"
                                aria-label=move || format!("{}: {}", Key::FieldClient.text(lang.get()), words::T::Unpick.text(lang.get()))
                                on:click=move |_| client.set(None)>"×"</button>
                        </span>
                    }.into_any(),
                    None => view! {
                        <label><span>{t(Key::FieldClient)}</span>
                            <input type="search" name="client" id=draft::CLIENT data-testid="order-client-search" autocomplete="off"
                                placeholder=t(Key::SearchClients) bind:value=client_query
                                aria-invalid=invalid(errors, draft::CLIENT.into()) aria-describedby=described(errors, draft::CLIENT.into())/>
                        </label>
                    }.into_any(),
                }}
                <FieldNote errors id=draft::CLIENT/>
            </div>
            <Transition>
                {move || clients.get().map(|r| {
                    let hits = r.unwrap_or_default();
                    let query = client_query.get();
                    let none_found = hits.is_empty() && query.trim().chars().count() >= 2;
                    (client.get().is_none() && creating.with(Option::is_none)).then(|| view! {
                        {(!hits.is_empty()).then(|| view! {
                            <ul class="hits" data-testid="client-hits">
                                {hits.into_iter().map(|c| {
                                    let pick = c.clone();
                                    view! {
                                        <li><button type="button" class="hit" on:click=move |_| { client.set(Some(pick.clone())); client_query.set(String::new()); clear(draft::CLIENT); }>
                                            <span class="hit-name">{c.name}</span>
                                            <span class="muted">{c.phones.iter().map(|p| p.display()).collect::<Vec<_>>().join(", ")}</span>
                                        </button></li>
                                    }
                                }).collect_view()}
                            </ul>
                        })}
                        {none_found.then(|| view! {
                            <p class="no-client" data-testid="no-client">
                                <span class="muted">{words::tr(words::T::NobodyFound)}</span>
                                <button type="button" data-testid="create-client-offer"
                                    on:click=move |_| creating.set(Some(client_query.get_untracked()))>{words::tr(words::T::CreateClient)}</button>
                            </p>
                        })}
                    })
                })}
            </Transition>
            {move || creating.get().map(|query| view! {
                <InlineClient query on_created=client_created on_cancel=move |_: ()| creating.set(None)/>
            })}
            <label><span>{t(Key::Fulfilment)}</span>
                <select name="fulfilment" on:change=move |ev| { fulfilment.set(event_target_value(&ev)); clear(draft::ADDRESS); clear(draft::PICKUP); }>
                    {fulfilment_option("pickup", Key::PickupHere)}
                    {fulfilment_option("pickup_other", Key::PickupOther)}
                    {fulfilment_option("delivery", Key::Delivery)}
                </select>
            </label>
            <Show when=move || fulfilment.get() == "delivery">
                <div class="field" class:invalid=is_invalid(errors, draft::ADDRESS.into())>
                    <label><span>{t(Key::FieldAddress)}</span>
                        <input name="address" id=draft::ADDRESS bind:value=address on:input=move |_| clear(draft::ADDRESS)
                            aria-invalid=invalid(errors, draft::ADDRESS.into()) aria-describedby=described(errors, draft::ADDRESS.into())/>
                    </label>
                    <FieldNote errors id=draft::ADDRESS/>
                </div>
            </Show>
            <Show when=move || fulfilment.get() == "pickup_other">
                <div class="field" class:invalid=is_invalid(errors, draft::PICKUP.into())>
                    <label><span>{t(Key::PickupAt)}</span>
                        <Transition>
                            {move || locations.get().map(|r| view! {
                                <select name="pickup" id=draft::PICKUP on:change=move |ev| { pickup.set(event_target_value(&ev)); clear(draft::PICKUP); }
                                    aria-invalid=invalid(errors, draft::PICKUP.into()) aria-describedby=described(errors, draft::PICKUP.into())>
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
                    <FieldNote errors id=draft::PICKUP/>
                </div>
            </Show>
            <div class="field" class:invalid=is_invalid(errors, draft::COMMENT.into())>
                <label><span>{t(Key::Comment)}</span>
                    <textarea name="comment" id=draft::COMMENT rows="2" bind:value=comment on:input=move |_| clear(draft::COMMENT)
                        aria-invalid=invalid(errors, draft::COMMENT.into()) aria-describedby=described(errors, draft::COMMENT.into())></textarea>
                </label>
                <FieldNote errors id=draft::COMMENT/>
            </div>
        </div>
        <h2>{t(Key::Lines)}</h2>
        <ProductSearch on_pick=move |hit: ProductHit| picked.set(Some(hit))/>
        {move || picked.get().map(|product| view! {
            <LineSources product on_take=take on_alternative=move |alt: ProductHit| picked.set(Some(alt))/>
        })}
        <DraftLines lines errors/>
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
        <p class="totals">{t(Key::Total)} ": "
            <b data-testid="draft-total" data-amount=move || total().map(|m| m.to_string())>
                {move || total().map_or_else(|| "—".to_string(), |m| crate::format::money(m, lang.get()))}
            </b>
        </p>
        {move || (fields_wrong() > 0).then(|| view! {
            <p class="error" role="alert" data-testid="form-errors">{words::tr(words::T::FixFields)} " (" {fields_wrong} ")"</p>
        })}
        <ErrorBox error/>
        <Show when=move || queued.get()>
            <p class="notice" role="status" data-testid="order-queued">{t(Key::QueuedOffline)}</p>
        </Show>
        <div class="buttons order-buttons">
            <button type="button" class="primary" data-testid="create-order"
                disabled=move || { lines.with(Vec::is_empty) || save.pending().get() }
                on:click=submit>{if editing.is_some() { t(Key::SaveOrder) } else { t(Key::CreateOrder) }}</button>
            <Show when=dirty>
                <button type="button" class="danger" data-testid="discard-draft" on:click=discard>{words::tr(words::T::DiscardDraft)}</button>
            </Show>
            {editing.map(|(id, _, _)| view! { <a class="button" href=format!("/orders/{id}")>{t(Key::Cancel)}</a> })}
        </div>
        {move || lines.with(Vec::is_empty).then(|| view! { <p class="muted">{words::tr(words::T::AddLinesHint)}</p> })}
    }
}

/// The form as it stands, read without subscribing.
fn form_untracked(
    client: RwSignal<Option<ClientHit>>,
    fulfilment: RwSignal<String>,
    address: RwSignal<String>,
    pickup: RwSignal<String>,
    comment: RwSignal<String>,
    lines: RwSignal<Vec<Draft>>,
) -> Saved {
    Saved {
        client: client.get_untracked(),
        fulfilment: fulfilment.get_untracked(),
        address: address.get_untracked(),
        pickup: pickup.get_untracked(),
        comment: comment.get_untracked(),
        lines: lines.get_untracked(),
    }
}
