//! `/`: a greeting, the caller's day by role ([`crate::home::RoleHome`]: a seller's holds,
//! orders and mentions; the chain's sales and receivables; an accountant's payments; a
//! storekeeper's transfers), then the pinned reports.

mod blocks;

use crate::home::api::home_summary;
use crate::home::RoleHome;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::reports::ui::PinnedReports;
use crate::ui::error_box::ErrorBox;
use crate::ui::shell::use_me;
use leptos::prelude::*;

/// Texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        HomeIntro => "Here is what needs you today.", "Вот что ждёт вас сегодня.";
        HoldsToday => "Holds lapsing today", "Резервы, истекающие сегодня";
        NoHoldsToday => "No holds lapse today.", "Сегодня резервы не истекают.";
        Until => "until", "до";
        MyOpenOrders => "My open orders", "Мои открытые заказы";
        NoOpenOrders => "You have no open orders.", "Открытых заказов нет.";
        NoClient => "No client", "Без клиента";
        Mentions => "Unread mentions", "Непрочитанные упоминания";
        NoMentions => "No unread mentions.", "Непрочитанных упоминаний нет.";
        SalesToday => "Today's sales by shop", "Продажи за сегодня по магазинам";
        NoShops => "There are no shops yet.", "Магазинов пока нет.";
        Shop => "Shop", "Магазин";
        Orders => "Orders", "Заказов";
        Revenue => "Revenue", "Выручка";
        ChainTotal => "Chain total", "Итого по сети";
        Receivables => "Receivables", "Дебиторская задолженность";
        OwedInAll => "Owed in all", "Всего к получению";
        Debtors => "Debtors", "Должников";
        NoDebts => "Nobody owes anything.", "Долгов нет.";
        OrdersOf => "orders", "заказов";
        PaymentsToday => "Today's payments by fund", "Платежи за сегодня по статьям";
        NoPaymentsToday => "No payments today.", "Сегодня платежей не было.";
        Fund => "Fund", "Статья";
        Received => "Received", "Получено";
        PaidOut => "Paid out", "Выплачено";
        Total => "Total", "Итого";
        TransfersIn => "Transfers to receive", "Перемещения к приёмке";
        NoTransfers => "No transfers are on their way to you.", "Входящих перемещений нет.";
        Transfer => "Transfer", "Перемещение";
        Lines => "lines", "строк";
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let me = use_me();
    view! {
        <section class="page home-page">
            <Suspense fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|me| view! {
                        <h1>{t(Key::Welcome)} ", " {me.name.clone()}</h1>
                        <p>{words::tr(words::T::HomeIntro)}</p>
                        <dl class="facts">
                            <dt>{t(Key::Role)}</dt>
                            <dd data-testid="my-role">{t(me.role.label())}</dd>
                            <dt>{t(Key::YourShop)}</dt>
                            <dd>{match me.home_location_name {
                                Some(name) => name.into_any(),
                                None => t(Key::NoHomeLocation).into_any(),
                            }}</dd>
                        </dl>
                    })
                })}
            </Suspense>
            <MyDay/>
            <PinnedReports/>
        </section>
    }
}

/// The caller's blocks, refreshed when orders, stock or their notifications change.
#[component]
fn MyDay() -> impl IntoView {
    let live = use_live();
    let summary = Resource::new(
        move || {
            (
                live.orders_version.get(),
                live.stock_version.get(),
                live.inbox_version.get(),
            )
        },
        |_| home_summary(),
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(RoleHome::Seller(s)) => view! {
                        <blocks::Holds holds=s.holds/>
                        <blocks::MyOrders orders=s.orders/>
                        <blocks::Mentions mentions=s.mentions/>
                    }.into_any(),
                    Ok(RoleHome::Director(d)) => view! {
                        <blocks::Sales sales=d.sales/>
                        <blocks::Debts receivables=d.receivables/>
                    }.into_any(),
                    Ok(RoleHome::Accountant(a)) => view! {
                        <blocks::Debts receivables=a.receivables/>
                        <blocks::Payments payments=a.payments/>
                    }.into_any(),
                    Ok(RoleHome::Storekeeper(s)) => view! {
                        <blocks::Transfers transfers=s.transfers/>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=Signal::stored(Some(e))/> }.into_any(),
                }
            })}
        </Transition>
    }
}
