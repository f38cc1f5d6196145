//! The home page's blocks: each a heading, a compact list (every row a link at least
//! 44 px tall) or a narrow table, and a sentence when there is nothing to show.

use super::words::{tr, T};
use crate::format::{money, qty};
use crate::home::{
    InboundTransfer, LapsingHold, Mention, MyOrder, PaymentsToday, Receivables, SalesToday,
};
use crate::i18n::use_lang;
use crate::orders::ui::StageChip;
use crate::quantity::{Money, Qty};
use crate::time::show;
use leptos::prelude::*;

/// An amount in the page's language, reactive.
fn sum(m: Money) -> impl Fn() -> String + Send + Sync + 'static {
    let lang = use_lang();
    move || money(m, lang.get())
}

/// A quantity in the page's language, reactive.
fn count(q: Qty) -> impl Fn() -> String + Send + Sync + 'static {
    let lang = use_lang();
    move || qty(q, lang.get())
}

/// A block: heading, then the list or the empty sentence.
#[component]
fn Block(
    title: T,
    empty: T,
    is_empty: bool,
    testid: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="card home-block" data-testid=testid>
            <h2>{tr(title)}</h2>
            {if is_empty {
                view! { <p class="muted" data-testid="home-empty">{tr(empty)}</p> }.into_any()
            } else {
                children()
            }}
        </section>
    }
}

#[component]
pub fn Holds(holds: Vec<LapsingHold>) -> impl IntoView {
    view! {
        <Block title=T::HoldsToday empty=T::NoHoldsToday is_empty=holds.is_empty() testid="home-holds">
            <ul class="home-list">
                {holds.into_iter().map(|h| {
                    let href = match h.order_id {
                        Some(id) => format!("/orders/{id}"),
                        None => format!("/stock?product={}", h.product_id),
                    };
                    let who = h.order_number.map(|n| format!("№ {n}")).unwrap_or(h.client);
                    view! {
                        <li><a class="home-row" href=href data-testid="home-hold">
                            <span class="home-main">{h.product} " × " {count(h.qty)}</span>
                            <span class="home-meta">
                                {who} " · " {h.location} " · " {tr(T::Until)} " " {show(h.expires_at)}
                            </span>
                        </a></li>
                    }
                }).collect_view()}
            </ul>
        </Block>
    }
}

#[component]
pub fn MyOrders(orders: Vec<MyOrder>) -> impl IntoView {
    view! {
        <Block title=T::MyOpenOrders empty=T::NoOpenOrders is_empty=orders.is_empty() testid="home-orders">
            <ul class="home-list">
                {orders.into_iter().map(|o| {
                    let client = o.client.clone();
                    view! {
                        <li><a class="home-row" href=format!("/orders/{}", o.id) data-testid="home-order">
                            <span class="home-main">
                                "№ " {o.number} " · "
                                {match client {
                                    Some(c) => c.into_any(),
                                    None => tr(T::NoClient).into_any(),
                                }}
                            </span>
                            <span class="home-meta">
                                <StageChip stage=o.stage/> " " <span class="num">{sum(o.total)}</span>
                            </span>
                        </a></li>
                    }
                }).collect_view()}
            </ul>
        </Block>
    }
}

#[component]
pub fn Mentions(mentions: Vec<Mention>) -> impl IntoView {
    view! {
        <Block title=T::Mentions empty=T::NoMentions is_empty=mentions.is_empty() testid="home-mentions">
            <ul class="home-list">
                {mentions.into_iter().map(|m| {
                    let href = if m.link.starts_with('/') { m.link } else { "/chat".to_string() };
                    view! {
                        <li><a class="home-row" href=href data-testid="home-mention">
                            <span class="home-main">{m.subject}</span>
                            <span class="home-meta">{m.detail} " · " {show(m.created_at)}</span>
                        </a></li>
                    }
                }).collect_view()}
            </ul>
        </Block>
    }
}

#[component]
pub fn Sales(sales: SalesToday) -> impl IntoView {
    view! {
        <Block title=T::SalesToday empty=T::NoShops is_empty=sales.shops.is_empty() testid="home-sales">
            <table class="table home-table">
                <thead><tr>
                    <th>{tr(T::Shop)}</th><th class="num">{tr(T::Orders)}</th><th class="num">{tr(T::Revenue)}</th>
                </tr></thead>
                <tbody>
                    {sales.shops.into_iter().map(|s| view! {
                        <tr data-testid="home-sales-row">
                            <td>{s.shop}</td>
                            <td class="num">{s.orders}</td>
                            <td class="num">{sum(s.revenue)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot><tr data-testid="home-sales-total">
                    <td>{tr(T::ChainTotal)}</td>
                    <td class="num">{sales.orders}</td>
                    <td class="num">{sum(sales.revenue)}</td>
                </tr></tfoot>
            </table>
        </Block>
    }
}

#[component]
pub fn Debts(receivables: Receivables) -> impl IntoView {
    view! {
        <Block title=T::Receivables empty=T::NoDebts is_empty=receivables.top.is_empty() testid="home-receivables">
            <dl class="facts">
                <dt>{tr(T::OwedInAll)}</dt><dd data-testid="home-owed">{sum(receivables.total)}</dd>
                <dt>{tr(T::Debtors)}</dt><dd>{receivables.debtors}</dd>
            </dl>
            <ul class="home-list">
                {receivables.top.into_iter().map(|d| {
                    let orders = d.orders;
                    let main = view! {
                        <span class="home-main">
                            {match d.name {
                                Some(n) => n.into_any(),
                                None => tr(T::NoClient).into_any(),
                            }}
                        </span>
                        <span class="home-meta">
                            <span class="num">{sum(d.due)}</span> " · " {tr(T::OrdersOf)} ": " {orders}
                        </span>
                    };
                    view! {
                        <li data-testid="home-debtor">{match d.client_id {
                            Some(id) => view! { <a class="home-row" href=format!("/clients/{id}")>{main}</a> }.into_any(),
                            None => view! { <div class="home-row">{main}</div> }.into_any(),
                        }}</li>
                    }
                }).collect_view()}
            </ul>
        </Block>
    }
}

#[component]
pub fn Payments(payments: PaymentsToday) -> impl IntoView {
    view! {
        <Block title=T::PaymentsToday empty=T::NoPaymentsToday is_empty=payments.funds.is_empty() testid="home-payments">
            <table class="table home-table">
                <thead><tr>
                    <th>{tr(T::Fund)}</th><th class="num">{tr(T::Received)}</th><th class="num">{tr(T::PaidOut)}</th>
                </tr></thead>
                <tbody>
                    {payments.funds.into_iter().map(|f| view! {
                        <tr>
                            <td>{f.fund}</td>
                            <td class="num">{sum(f.received)}</td>
                            <td class="num">{sum(f.paid_out)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot><tr>
                    <td>{tr(T::Total)}</td>
                    <td class="num">{sum(payments.received)}</td>
                    <td class="num">{sum(payments.paid_out)}</td>
                </tr></tfoot>
            </table>
        </Block>
    }
}

#[component]
pub fn Transfers(transfers: Vec<InboundTransfer>) -> impl IntoView {
    view! {
        <Block title=T::TransfersIn empty=T::NoTransfers is_empty=transfers.is_empty() testid="home-transfers">
            <ul class="home-list">
                {transfers.into_iter().map(|d| view! {
                    <li><a class="home-row" href=format!("/stock/documents/{}", d.id) data-testid="home-transfer">
                        <span class="home-main">{tr(T::Transfer)} " № " {d.id} ": " {d.from} " → " {d.to}</span>
                        <span class="home-meta">{tr(T::Lines)} ": " {d.lines} " · " {show(d.created_at)}</span>
                    </a></li>
                }).collect_view()}
            </ul>
        </Block>
    }
}
