//! `/clients/new` and `/clients/:id`: a client's card, live, with an edit form.

use super::form::ClientForm;
use crate::customers::api::get_client;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::tasks::ui::LinkedTasks;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use crate::ui::icons::{Icon, Svg};
use crate::ui::shell::{me_allows, use_me};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn NewClientPage() -> impl IntoView {
    let navigate = use_navigate();
    let saved = Callback::new(move |c: crate::customers::Client| {
        navigate(&format!("/clients/{}", c.id), Default::default())
    });
    view! {
        <section class="page">
            <h1>{t(Key::NewClient)}</h1>
            <ClientForm client=None on_saved=saved/>
        </section>
    }
}

#[component]
pub fn ClientPage() -> impl IntoView {
    let me = use_me();
    let live = use_live();
    let id = crate::ui::route::use_id_param();
    let client = Resource::new(
        // Orders and payments of the client re-render the card and what it holds.
        move || (id(), live.clients_version.get(), live.orders_version.get()),
        |(id, _, _)| get_client(id),
    );
    let editing = RwSignal::new(false);
    let saved = Callback::new(move |_| editing.set(false));
    view! {
        <section class="page">
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let may_edit = me_allows(&me.await, crate::auth::Action::EditClients);
                    match client.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(c) => {
                            let form_client = c.clone();
                            let client_id = c.id;
                            view! {
                                <div class="page-head">
                                    <h1 data-testid="client-name">{c.name.clone()}</h1>
                                    {may_edit.then(|| view! {
                                        <div class="buttons">
                                            <button data-testid="edit-client" on:click=move |_| editing.update(|e| *e = !*e)>{t(Key::Edit)}</button>
                                        </div>
                                    })}
                                </div>
                                <Show when=move || editing.get()
                                    fallback=move || view! { <ClientFacts c=c.clone()/> }>
                                    <ClientForm client=Some(form_client.clone()) on_saved=saved/>
                                </Show>
                                <ClientMoney client_id=client_id/>
                                <LinkedTasks client_id=client_id/>
                                <crate::campaigns::ui::client::ClientMailPanel client_id=client_id/>
                                <crate::telephony::ui::LinkedCalls client_id=client_id/>

                            }.into_any()
                        }
                    }
                })}
            </Transition>
            <crate::files::ui::FilesPanel kind=crate::files::OwnerKind::Client owner_id=Signal::derive(id)/>
            <crate::comments::ui::CommentFeed kind=crate::comments::RecordKind::Client record_id=Signal::derive(id)/>
        </section>
    }
}

#[component]
fn ClientFacts(c: crate::customers::Client) -> impl IntoView {
    view! {
        <dl class="card facts" data-testid="client-card">
            <dt>{t(Key::Phones)}</dt>
            <dd data-testid="client-phones">
                {c.phones.iter().map(|p| view! {
                    <a href=format!("tel:+{}", p.0)>{p.display()}</a> " "
                    <crate::telephony::ui::CallButton phone=p.0.clone()/> " "
                }).collect_view()}
            </dd>
            <dt>{t(Key::FieldEmail)}</dt>
            <dd data-testid="client-email">{c.email.clone()}</dd>
            <dt>{t(Key::FieldNotes)}</dt>
            <dd class="notes">{c.notes.clone()}</dd>
            <dt>{t(Key::Consent)}</dt>
            <dd data-testid="client-consent">{if c.consent { "✓" } else { "—" }}</dd>
            <dt>{t(Key::CreatedBy)}</dt>
            <dd>{c.created_by.clone()} ", " {show(c.created_at)}</dd>
        </dl>
    }
}

/// The client's balance, orders and payments (live: orders and payments bump it).
#[component]
fn ClientMoney(client_id: i64) -> impl IntoView {
    use crate::orders::ui::StageChip;
    use crate::orders::{api::list_orders, OrderFilter};
    use crate::payments::api::{get_client_balance, list_payments};
    use crate::payments::Direction;
    // No live keys of its own: the card around it re-renders (and re-creates this) on
    // every change, and a resource refetching while its owner is disposed panics.
    let balance = Resource::new(|| (), move |_| get_client_balance(client_id));
    let orders = Resource::new(
        || (),
        move |_| {
            list_orders(OrderFilter {
                client_id: Some(client_id),
                ..Default::default()
            })
        },
    );
    let payments = Resource::new(|| (), move |_| list_payments(None, Some(client_id)));
    view! {
        <Transition>
            {move || Suspend::new(async move {
                let b = balance.await.unwrap_or_default();
                let orders = orders.await.unwrap_or_default();
                let payments = payments.await.unwrap_or_default();
                view! {
                    <p class="totals">
                        {t(Key::Balance)} ": " <b data-testid="client-balance" class:debt={b.balance.0 < 0}>{crate::format::show_money(b.balance)}</b> " · "
                        {t(Key::Paid)} ": " {crate::format::show_money(b.received - b.refunded)} " · "
                        {t(Key::Total)} ": " {crate::format::show_money(b.obligations)}
                    </p>
                    <h2>{t(Key::ClientOrders)}</h2>
                    <ul class="card history" data-testid="client-orders">
                        {orders.into_iter().map(|o| view! {
                            <li><a href=format!("/orders/{}", o.id)>{o.number}</a> " " <StageChip stage=o.stage/> " "
                                {crate::format::show_money(o.total)} " · " {o.shop}</li>
                        }).collect_view()}
                    </ul>
                    <h2>{t(Key::ClientPayments)}</h2>
                    <ul class="card history" data-testid="client-payments">
                        {payments.into_iter().map(|p| view! {
                            <li>
                                <span class="muted">{show(p.paid_at)}</span> " "
                                {if p.direction == Direction::Out { "−" } else { "" }} {crate::format::show_money(p.amount)} " · "
                                {p.fund} {p.planned.then(|| view! { " · " <Svg icon=Icon::Clock label=Signal::derive(move || t(Key::PlannedPayment)().to_string())/> })} " " {p.order_number.unwrap_or_default()}
                            </li>
                        }).collect_view()}
                    </ul>
                }
            })}
        </Transition>
    }
}
