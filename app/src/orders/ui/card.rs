//! `/orders/:id`: the order card — lines with their sources and reservations, totals,
//! payments and balance, the stage moves the user may make, a payment form and the
//! history. Live: any change to the order refetches it.

use super::{StageChip, StageDot};
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::orders::api::{get_order, move_order};
use crate::orders::Order;
use crate::payments::api::{list_funds, record_payment};
use crate::payments::{Direction, Method, PaymentInput};
use crate::quantity::Money;
use crate::tasks::ui::LinkedTasks;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use crate::ui::icons::{Icon, Svg};
use crate::ui::shell::{me_allows, use_me};
use leptos::prelude::*;

/// Texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        ResActive => "Reserved", "В резерве";
        ResFulfilled => "Handed out", "Выдано";
        ResReleased => "Released", "Резерв снят";
        ResExpired => "Expired", "Резерв истёк";
    }
}

/// A reservation's status (`active`, `fulfilled`, `released`, `expired`) in words.
fn reservation_word(status: &str) -> Option<words::T> {
    match status {
        "active" => Some(words::T::ResActive),
        "fulfilled" => Some(words::T::ResFulfilled),
        "released" => Some(words::T::ResReleased),
        "expired" => Some(words::T::ResExpired),
        _ => None,
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let live = use_live();
    let id = crate::ui::route::use_id_param();
    let order = Resource::new(
        move || (id(), live.orders_version.get()),
        |(id, _)| get_order(id),
    );
    let error = RwSignal::new(None::<AppError>);
    let shift = Action::new(|(id, stage, comment): &(i64, i64, String)| {
        move_order(*id, *stage, comment.clone())
    });
    let note = RwSignal::new(String::new());
    Effect::new(move || match shift.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            note.set(String::new());
            order.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <section class="page">
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match order.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(o) => view! { <OrderView o error shift note/> }.into_any(),
                    }
                })}
            </Transition>
            <crate::documents::ui::order::OrderDocuments order_id=Signal::derive(id)/>
            <crate::comments::ui::CommentFeed kind=crate::comments::RecordKind::Order record_id=Signal::derive(id)/>
        </section>
    }
}

#[component]
fn OrderView(
    o: Order,
    error: RwSignal<Option<AppError>>,
    shift: Action<(i64, i64, String), Result<Order, AppError>>,
    note: RwSignal<String>,
) -> impl IntoView {
    let id = o.id;
    let fulfilment = match o.fulfilment {
        crate::orders::Fulfilment::Pickup => Key::PickupHere,
        crate::orders::Fulfilment::PickupOther => Key::PickupOther,
        crate::orders::Fulfilment::Delivery => Key::Delivery,
    };
    view! {
        <div class="page-head">
            <h1 data-testid="order-number">{t(Key::FieldOrder)} " " {o.number.clone()}</h1>
            <StageChip stage=o.stage.clone()/>
            {(o.stage.kind == crate::process::StageKind::Open).then(|| view! { <EditButton id/> })}
        </div>
        <div class="buttons stage-moves" data-testid="stage-moves">
            {o.moves.iter().map(|s| {
                let to = s.id;
                // What the move will check, said before it is pressed.
                let needs: Vec<&'static str> = s.guards.iter().map(|g| t(guard_hint(*g))()).collect();
                view! {
                    <button class="stage-move" data-testid="move" data-stage=to.to_string()
                        title=needs.join("; ")
                        disabled=move || shift.pending().get()
                        on:click=move |_| { shift.dispatch((id, to, note.get_untracked())); }>
                        "→ " <StageDot color=s.color.clone()/> " " {s.name.clone()}
                        {(!needs.is_empty()).then(|| view! { <small class="guard-hint">{needs.join("; ")}</small> })}
                    </button>
                }
            }).collect_view()}
            {(!o.moves.is_empty()).then(|| view! {
                <input class="move-comment" name="move_comment" data-testid="move-comment"
                    placeholder=t(Key::MoveComment) aria-label=t(Key::MoveComment) bind:value=note/>
            })}
        </div>
        <ErrorBox error/>
        <dl class="card facts">
            <dt>{t(Key::FieldClient)}</dt>
            <dd data-testid="order-client">{match (o.client_id, o.client.clone()) {
                (Some(cid), Some(name)) => view! { <a href=format!("/clients/{cid}")>{name}</a> }.into_any(),
                _ => view! { <span class="muted">"—"</span> }.into_any(),
            }}</dd>
            <dt>{t(Key::Manager)}</dt><dd>{o.manager.clone()}</dd>
            <dt>{t(Key::Shop)}</dt><dd>{o.shop.clone()}</dd>
            <dt>{t(Key::Fulfilment)}</dt><dd>{t(fulfilment)} " " {o.delivery_address.clone()}</dd>
            <dt>{t(Key::FieldProcess)}</dt><dd>{o.process.clone()}</dd>
            {(!o.comment.is_empty()).then(|| view! {
                <dt>{t(Key::Comment)}</dt><dd class="order-comment" data-testid="order-comment">{o.comment.clone()}</dd>
            })}
        </dl>
        <div class="table-wrap">
            <table class="table" data-testid="order-lines">
                <thead><tr>
                    <th>{t(Key::FieldProduct)}</th><th>{t(Key::Location)}</th><th class="num">{t(Key::FieldQuantity)}</th>
                    <th class="num">{t(Key::Price)}</th><th class="num">{t(Key::FieldDiscount)}</th>
                    <th class="num">{t(Key::FieldAmount)}</th><th>{t(Key::Reservation)}</th>
                </tr></thead>
                <tbody>
                    {o.lines.iter().map(|l| view! {
                        <tr data-testid="order-line">
                            <td><a href=format!("/stock/products/{}", l.product_id)>{l.product.clone()}</a></td>
                            <td>{l.location.clone()}</td>
                            <td class="num">{crate::format::show_qty(l.qty)}</td>
                            <td class="num">{crate::format::show_amount(l.price)}</td>
                            <td class="num">{crate::format::show_amount(l.discount)}</td>
                            <td class="num">{crate::format::show_amount(l.amount)}</td>
                            <td data-testid="line-reservation" data-status=l.reservation_status.clone()>{match l.reservation_status.as_deref().and_then(reservation_word) {
                                Some(word) => words::tr(word).into_any(),
                                None => "—".into_any(),
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="totals">
            {t(Key::Total)} ": " <b data-testid="order-total">{crate::format::show_money(o.total)}</b> " · "
            {t(Key::Paid)} ": " <b data-testid="order-paid">{crate::format::show_money(o.paid)}</b> " · "
            {t(Key::Balance)} ": " <b data-testid="order-balance" class:debt={o.balance.0 < 0}>{crate::format::show_money(o.balance)}</b>
        </p>
        <OrderPayments order_id=id/>
        <PaymentForm order_id=id due=Money(-o.balance.0)/>
        <LinkedTasks order_id=id/>
        <crate::telephony::ui::LinkedCalls order_id=id/>
        <h2>{t(Key::History)}</h2>
        <ul class="card history" data-testid="order-history">
            {o.history.iter().map(|e| view! {
                <li>
                    <span class="muted">{show(e.at)}</span> " "
                    <b>{e.author.clone().unwrap_or_default()}</b> " "
                    {history_text(&e.kind)} " " {e.detail.clone()}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// The words a move's button carries for each guard of its transition.
fn guard_hint(g: crate::process::GuardKind) -> Key {
    use crate::process::GuardKind::*;
    match g {
        Paid => Key::GuardPaid,
        NoTransit => Key::GuardNoTransit,
        Reserved => Key::GuardReserved,
        Document => Key::GuardDocument,
        Comment => Key::GuardComment,
    }
}

/// "Edit the order" for those who may edit orders.
#[component]
fn EditButton(id: i64) -> impl IntoView {
    let me = use_me();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                me_allows(&me.await, crate::auth::Action::EditOrders).then(|| view! {
                    <a class="button" data-testid="edit-order" href=format!("/orders/{id}/edit")>{t(Key::EditOrder)}</a>
                })
            })}
        </Suspense>
    }
}

fn history_text(kind: &str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    t(match kind {
        "created" => Key::EvCreated,
        "stage" => Key::EvStage,
        "reserved" => Key::EvReserved,
        "released" => Key::EvReleased,
        "fulfilled" => Key::EvFulfilled,
        "transfer" => Key::EvTransfer,
        "transfer_received" => Key::EvTransferReceived,
        "transfer_short" => Key::EvTransferShort,
        "payment" => Key::EvPayment,
        "payment_planned" => Key::EvPaymentPlanned,
        "edited" => Key::EvEdited,
        "document" => Key::EvDocument,
        "downloaded" => Key::EvDownloaded,
        "attached" => Key::EvAttached,
        _ => Key::EvOther,
    })
}

#[component]
fn PaymentForm(order_id: i64, due: Money) -> impl IntoView {
    let me = use_me();
    let funds = Resource::new(|| (), |_| list_funds());
    let amount = RwSignal::new(if due.0 > 0 {
        due.to_string()
    } else {
        String::new()
    });
    let method = RwSignal::new("cash".to_string());
    let fund = RwSignal::new(String::new());
    let refund = RwSignal::new(false);
    let planned = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let pay = Action::new(|input: &PaymentInput| record_payment(input.clone()));
    Effect::new(move || match pay.value().get() {
        Some(Ok(_)) => error.set(None),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = (|| {
            PaymentInput {
                direction: if refund.get_untracked() {
                    Direction::Out
                } else {
                    Direction::In
                },
                method: Method::parse(&method.get_untracked()).unwrap_or(Method::Cash),
                amount: Money::parse(&amount.get_untracked(), crate::error::Field::Amount)?,
                planned: planned.get_untracked(),
                paid_at: None,
                // What the select shows is what is sent: blank is refused here, never
                // placed in some fund.
                fund_id: Some(fund.get_untracked().parse::<i64>().map_err(|_| {
                    AppError::invalid(crate::error::Field::Fund, crate::error::Problem::Required)
                })?),
                order_id: Some(order_id),
                client_id: None,
                comment: String::new(),
            }
            .validate()
        })();
        match input {
            Ok(input) => {
                pay.dispatch(input);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                if !me_allows(&me.await, crate::auth::Action::RecordPayments) {
                    return None;
                }
                let list: Vec<_> = funds.await.unwrap_or_default().into_iter().filter(|f| f.active).collect();
                // The fund follows the method (its default fund) until one is picked.
                let default_of = {
                    let list = list.clone();
                    move |m: &str| {
                        list.iter()
                            .find(|f| f.default_for.iter().any(|d| d.as_str() == m))
                            .map(|f| f.id.to_string())
                            .unwrap_or_default()
                    }
                };
                if fund.get_untracked().is_empty() {
                    fund.set(default_of(&method.get_untracked()));
                }
                Some(view! {
                    <form class="card form-grid payment-form" data-testid="payment-form" novalidate on:submit=submit>
                        <h2>{t(Key::RecordPayment)}</h2>
                        <label><span>{t(Key::FieldAmount)}</span><input name="amount" inputmode="decimal" bind:value=amount/></label>
                        <label><span>{t(Key::Method)}</span>
                            <select name="method" prop:value=move || method.get()
                                on:change=move |ev| {
                                    let m = event_target_value(&ev);
                                    fund.set(default_of(&m));
                                    method.set(m);
                                }>
                                <option value="cash">{t(Key::Cash)}</option>
                                <option value="card">{t(Key::Card)}</option>
                                <option value="bank">{t(Key::BankTransfer)}</option>
                            </select>
                        </label>
                        <label><span>{t(Key::FieldFund)}</span>
                            <select name="fund" data-testid="payment-fund" bind:value=fund>
                                <option value="" selected=move || fund.get().is_empty()>{t(Key::ChooseFund)}</option>
                                {list.into_iter().map(|f| {
                                    let id = f.id.to_string();
                                    let here = id.clone();
                                    view! { <option value=id selected=move || fund.get() == here>{f.name}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="check"><input type="checkbox" name="refund" bind:checked=refund/><span>{t(Key::Refund)}</span></label>
                        <label class="check"><input type="checkbox" name="planned" bind:checked=planned/><span>{t(Key::PlannedPayment)}</span></label>
                        <ErrorBox error/>
                        <div class="buttons">
                            <button type="submit" class="primary" disabled=move || pay.pending().get()>{t(Key::RecordPayment)}</button>
                        </div>
                    </form>
                })
            })}
        </Suspense>
    }
}

/// The order's payments; a planned one gets a "Received" button. No live key of its own:
/// the card re-creates it on every change of the order.
#[component]
fn OrderPayments(order_id: i64) -> impl IntoView {
    use crate::payments::api::{confirm_payment, list_payments};
    let payments = Resource::new(|| (), move |_| list_payments(Some(order_id), None));
    let error = RwSignal::new(None::<AppError>);
    let confirm = Action::new(|id: &i64| confirm_payment(*id));
    Effect::new(move || {
        if let Some(Err(e)) = confirm.value().get() {
            error.set(Some(e));
        }
    });
    view! {
        <Transition>
            {move || Suspend::new(async move {
                let list = payments.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <h2>{t(Key::Payments)}</h2>
                    <ErrorBox error/>
                    <ul class="card history" data-testid="order-payments">
                        {list.into_iter().map(|p| {
                            let id = p.id;
                            view! {
                                <li data-testid="order-payment">
                                    <span class="muted">{show(p.paid_at)}</span> " "
                                    {if p.direction == Direction::Out { "−" } else { "" }} {crate::format::show_money(p.amount)} " · " {p.fund}
                                    {(!p.parts.is_empty()).then(|| view! {
                                        <span class="muted" data-testid="payment-parts">" (" {t(Key::PassedOn)} ": "
                                            {let parts = p.parts.clone(); let lang = crate::i18n::use_lang(); move || parts.iter().map(|x| format!("{} {}", x.fund, crate::format::money(x.amount, lang.get()))).collect::<Vec<_>>().join(", ")} ")"</span>
                                    })}
                                    {p.planned.then(|| view! {
                                        " · " <Svg icon=Icon::Clock label=Signal::derive(move || t(Key::PlannedPayment)().to_string())/> " " <button class="chip" data-testid="confirm-payment"
                                            on:click=move |_| { confirm.dispatch(id); }>{t(Key::Received)}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            })}
        </Transition>
    }
}
