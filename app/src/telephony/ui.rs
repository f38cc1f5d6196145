//! Telephony on screen: the pop-up over whatever page is open when a call rings for the
//! user (its code comes with the clients' pages, fetched at the first call), the call log (page,
//! client card, order card), call buttons beside phone numbers, Settings → Telephony and
//! extensions on the employees page.

use super::api::{
    dial, get_call_card, get_telephony_settings, link_call_to_order, list_calls,
    save_telephony_settings, set_extension,
};
use super::{Call, CallResult, Connector, Direction, TelephonySettingsInput};
use crate::customers::Phone;
use crate::error::AppError;
use crate::live::use_live;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

mod text {
    crate::i18n::local_texts! {
        IncomingCall => "Incoming call", "Входящий звонок";
        UnknownNumber => "Not among the clients", "Нет среди клиентов";
        OpenCard => "Open the card", "Открыть карточку";
        NewClient => "New client with this number", "Новый клиент с этим номером";
        NewOrder => "Start an order", "Начать заказ";
        OpenOrders => "Open orders", "Открытые заказы";
        LinkCall => "Link the call", "Привязать звонок";
        Linked => "Linked", "Привязан";
        Balance => "Balance", "Баланс";
        Close => "Close", "Закрыть";
        Calls => "Calls", "Звонки";
        NoCalls => "No calls.", "Звонков нет.";
        Incoming => "incoming", "входящий";
        Outgoing => "outgoing", "исходящий";
        Ringing => "ringing", "звонит";
        Talking => "talking", "разговор";
        Completed => "answered", "отвечен";
        Missed => "missed", "пропущен";
        When => "When", "Когда";
        Number => "Number", "Номер";
        Client => "Client", "Клиент";
        Employee => "Employee", "Сотрудник";
        Talk => "Talk", "Разговор";
        Result => "Result", "Итог";
        Recording => "Recording", "Запись";
        Order => "Order", "Заказ";
        Call => "Call", "Позвонить";
        Calling => "The PBX is calling your phone", "АТС звонит на ваш телефон";
        Telephony => "Telephony", "Телефония";
        Connector => "PBX", "АТС";
        ConnectorNone => "None", "Нет";
        ConnectorAmi => "Asterisk (AMI)", "Asterisk (AMI)";
        ConnectorZadarma => "Zadarma (cloud PBX)", "Zadarma (облачная АТС)";
        AmiHost => "AMI host", "Адрес AMI";
        AmiPort => "AMI port", "Порт AMI";
        AmiUser => "AMI user", "Пользователь AMI";
        AmiSecret => "AMI secret", "Пароль AMI";
        AmiContext => "Dialplan context for click-to-call", "Контекст диалплана для звонка из CRM";
        AmiState => "Connection", "Соединение";
        WebhookToken => "Webhook token (POST /api/v1/telephony/events)", "Токен вебхука (POST /api/v1/telephony/events)";
        ZadarmaKey => "Zadarma API key", "Ключ API Zadarma";
        ZadarmaSecret => "Zadarma API secret (signs notifications to /api/v1/telephony/zadarma)", "Секрет API Zadarma (подписывает уведомления на /api/v1/telephony/zadarma)";
        IsSet => "set; type to replace", "задан; введите, чтобы заменить";
        NotSet => "not set", "не задан";
        Save => "Save", "Сохранить";
        Saved => "Saved", "Сохранено";
        Extension => "Extension", "Внутр. номер";
        Seconds => "s", "с";
        OnlyMine => "Only my calls", "Только мои звонки";
        OnlyMissed => "Only missed", "Только пропущенные";
    }
}
pub use text::{tr, T};

/// `+7 916 123-45-67` when the number is a phone; as sent otherwise.
fn number(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    Phone::parse(&digits)
        .map(|p| p.display())
        .unwrap_or_else(|_| phone.to_string())
}

fn result_text(r: CallResult) -> T {
    match r {
        CallResult::Ringing => T::Ringing,
        CallResult::Answered => T::Talking,
        CallResult::Completed => T::Completed,
        CallResult::Missed => T::Missed,
    }
}

/// The pop-up's place in the shell: nothing until a call rings for this user.
#[component]
pub fn CallLayer() -> impl IntoView {
    let live = use_live();
    // The pop-up's code is fetched at the first call, not with the first screen (whose
    // bundle a tablet on a weak link waits for); the service worker keeps it after that.
    move || {
        live.call.get().map(|id| {
            view! {
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move { crate::ui::pages::call_popup(id).await })}
                </Suspense>
            }
        })
    }
}

/// The ringing call: who it is, their open orders and balance, and what to do.
#[component]
pub fn CallPopup(id: i64) -> impl IntoView {
    let live = use_live();
    let card = Resource::new(
        move || live.clients_version.get(),
        move |_| get_call_card(id),
    );
    let link = Action::new(|(call, order): &(i64, i64)| link_call_to_order(*call, *order));
    let close = move |_| live.call.set(None);
    view! {
        <div class="call-popup card" role="dialog" aria-labelledby="call-title" data-testid="call-popup" data-call=id.to_string()>
            <h2 id="call-title">{tr(T::IncomingCall)}</h2>
            <Transition fallback=|| view! { <p>"…"</p> }>
                {move || Suspend::new(async move {
                    match card.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(c) => {
                            let phone = number(&c.call.phone);
                            let digits: String = c.call.phone.chars().filter(char::is_ascii_digit).collect();
                            let first = c.clients.first().cloned();
                            view! {
                                <p class="call-number" data-testid="call-number">{phone}</p>
                                {match first.clone() {
                                    Some((cid, name)) => view! {
                                        <p data-testid="call-client"><a href=format!("/clients/{cid}")>{name}</a></p>
                                        {c.balance.map(|b| view! { <p>{tr(T::Balance)} ": " <span data-testid="call-balance">{crate::format::show_money(b)}</span></p> })}
                                    }.into_any(),
                                    None => view! { <p class="muted" data-testid="call-unknown">{tr(T::UnknownNumber)}</p> }.into_any(),
                                }}
                                {(!c.open_orders.is_empty()).then(|| view! {
                                    <h3>{tr(T::OpenOrders)}</h3>
                                    <ul class="history" data-testid="call-orders">
                                        {c.open_orders.iter().cloned().map(|(oid, num, total)| view! {
                                            <li><a href=format!("/orders/{oid}")>{num}</a> " — " {crate::format::show_money(total)} " "
                                                <button class="chip" on:click=move |_| { link.dispatch((id, oid)); }>{tr(T::LinkCall)}</button></li>
                                        }).collect_view()}
                                    </ul>
                                    {move || matches!(link.value().get(), Some(Ok(_))).then(|| view! { <p role="status">{tr(T::Linked)}</p> })}
                                })}
                                <div class="buttons">
                                    {first.map(|(cid, _)| view! {
                                        <a class="button primary" href=format!("/clients/{cid}") data-testid="call-open-card">{tr(T::OpenCard)}</a>
                                        <a class="button" href=format!("/orders/new?client={cid}")>{tr(T::NewOrder)}</a>
                                    })}
                                    {c.clients.is_empty().then(|| view! {
                                        <a class="button primary" href=format!("/clients/new?phone={digits}") data-testid="call-new-client">{tr(T::NewClient)}</a>
                                    })}
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            <button class="call-close" data-testid="call-close" on:click=close>{tr(T::Close)}</button>
        </div>
    }
}

/// A table of calls.
#[component]
fn CallTable(calls: Vec<Call>) -> impl IntoView {
    if calls.is_empty() {
        return view! { <p class="muted">{tr(T::NoCalls)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
        <table class="table" data-testid="calls">
            <thead><tr><th>{tr(T::When)}</th><th>{tr(T::Number)}</th><th>{tr(T::Client)}</th><th>{tr(T::Employee)}</th>
                <th>{tr(T::Talk)}</th><th>{tr(T::Result)}</th><th>{tr(T::Order)}</th><th>{tr(T::Recording)}</th></tr></thead>
            <tbody>
                {calls.into_iter().map(|c| view! {
                    <tr data-testid="call-row" data-result=c.result.as_str() data-direction=c.direction.as_str()>
                        <td>{show(c.started_at)} " · " {if c.direction == Direction::In { tr(T::Incoming)() } else { tr(T::Outgoing)() }}</td>
                        <td>{number(&c.phone)} " " <CallButton phone=c.phone.clone()/></td>
                        <td>{c.client_id.map(|id| view! { <a href=format!("/clients/{id}")>{c.client_name.clone().unwrap_or_default()}</a> })}</td>
                        <td>{c.employee_name.clone().unwrap_or_else(|| c.extension.clone())}</td>
                        <td data-testid="call-duration">{format!("{}", c.duration)} " " {tr(T::Seconds)}</td>
                        <td>{tr(result_text(c.result))}</td>
                        <td>{c.order_id.map(|id| view! { <a href=format!("/orders/{id}")>{c.order_number.clone().unwrap_or_default()}</a> })}</td>
                        <td>{(!c.recording_url.is_empty()).then(|| view! { <a href=c.recording_url.clone() rel="noopener noreferrer" target="_blank">{tr(T::Recording)}</a> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

/// `/calls`: the calls the user may see, newest first; only theirs, only missed.
#[component]
pub fn CallsPage() -> impl IntoView {
    let live = use_live();
    let me = crate::ui::shell::use_me();
    let mine = RwSignal::new(false);
    let missed = RwSignal::new(false);
    let calls = Resource::new(
        move || (live.clients_version.get(), mine.get()),
        move |(_, mine)| async move {
            let employee = if mine {
                me.await.ok().flatten().map(|m| m.id)
            } else {
                None
            };
            list_calls(None, None, employee).await
        },
    );
    view! {
        <section class="page">
            <h1>{tr(T::Calls)}</h1>
            <div class="inline" role="group" aria-label=tr(T::Calls)>
                <label class="check"><input type="checkbox" data-testid="calls-mine" prop:checked=move || mine.get()
                    on:change=move |_| mine.update(|m| *m = !*m)/><span>{tr(T::OnlyMine)}</span></label>
                <label class="check"><input type="checkbox" data-testid="calls-missed" prop:checked=move || missed.get()
                    on:change=move |_| missed.update(|m| *m = !*m)/><span>{tr(T::OnlyMissed)}</span></label>
            </div>
            <Transition fallback=|| view! { <p>"…"</p> }>
                {move || Suspend::new(async move {
                    match calls.await {
                        Ok(list) => {
                            let only_missed = missed.get();
                            let list: Vec<Call> = list
                                .into_iter()
                                .filter(|c| !only_missed || c.result == CallResult::Missed)
                                .collect();
                            view! { <CallTable calls=list/> }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The calls of a client or an order, on its card.
#[component]
pub fn LinkedCalls(
    #[prop(optional)] client_id: Option<i64>,
    #[prop(optional)] order_id: Option<i64>,
) -> impl IntoView {
    let live = use_live();
    let calls = Resource::new(
        move || live.clients_version.get(),
        move |_| list_calls(client_id, order_id, None),
    );
    view! {
        <section class="card" data-testid="linked-calls">
            <h2>{tr(T::Calls)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    calls.await.ok().map(|list| view! { <CallTable calls=list/> })
                })}
            </Transition>
        </section>
    }
}

/// A call button beside a phone number: the PBX rings the user's phone, then this number.
#[component]
pub fn CallButton(phone: String) -> impl IntoView {
    let act = Action::new(|phone: &String| dial(phone.clone()));
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move || {
        if let Some(r) = act.value().get() {
            error.set(r.err());
        }
    });
    let shown = number(&phone);
    let word = tr(T::Call);
    view! {
        <button type="button" class="chip call-button" data-testid="call-button" aria-label=move || format!("{} {shown}", word())
            on:click=move |_| { act.dispatch(phone.clone()); }>{tr(T::Call)}</button>
        {move || matches!(act.value().get(), Some(Ok(_))).then(|| view! { <span class="muted" role="status" data-testid="calling">{tr(T::Calling)}</span> })}
        <ErrorBox error/>
    }
}

/// The extension cell of the employees table: admins edit it in place.
#[component]
pub fn ExtensionCell(employee_id: i64, extension: String, admin: bool) -> impl IntoView {
    let value = RwSignal::new(extension);
    let save = Action::new(move |ext: &String| set_extension(employee_id, ext.clone()));
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move || {
        if let Some(r) = save.value().get() {
            error.set(r.err());
        }
    });
    if !admin {
        return view! { <span data-testid="extension">{value.get_untracked()}</span> }.into_any();
    }
    view! {
        <form class="inline" on:submit=move |ev| { ev.prevent_default(); save.dispatch(value.get_untracked()); }>
            <input class="extension" inputmode="numeric" aria-label=tr(T::Extension) data-testid="extension-input" size="5" bind:value=value/>
            <button type="submit" class="chip">{tr(T::Save)}</button>
            {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <span role="status">"✓"</span> })}
            <ErrorBox error/>
        </form>
    }
    .into_any()
}

/// Settings → Telephony (admins): which PBX, its connection (state shown), the tokens.
#[component]
pub fn TelephonySettingsPage() -> impl IntoView {
    let current = Resource::new(|| (), |_| get_telephony_settings());
    let save = Action::new(|input: &TelephonySettingsInput| save_telephony_settings(input.clone()));
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            current.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <section class="page">
            <h1>{tr(T::Telephony)}</h1>
            <Transition fallback=|| view! { <p>"…"</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(s) => {
                            let connector = RwSignal::new(s.connector.as_str().to_string());
                            let host = RwSignal::new(s.ami_host.clone());
                            let port = RwSignal::new(s.ami_port.to_string());
                            let user = RwSignal::new(s.ami_user.clone());
                            let secret = RwSignal::new(String::new());
                            let context = RwSignal::new(s.ami_context.clone());
                            let token = RwSignal::new(String::new());
                            let zkey = RwSignal::new(s.zadarma_key.clone());
                            let zsecret = RwSignal::new(String::new());
                            let set = |on: bool| if on { tr(T::IsSet)() } else { tr(T::NotSet)() };
                            view! {
                                <form class="card form-grid" data-testid="telephony-settings" novalidate on:submit=move |ev| {
                                    ev.prevent_default();
                                    save.dispatch(TelephonySettingsInput {
                                        connector: Connector::parse(&connector.get_untracked()),
                                        ami_host: host.get_untracked(),
                                        ami_port: port.get_untracked().trim().parse().unwrap_or(0),
                                        ami_user: user.get_untracked(),
                                        ami_secret: secret.get_untracked(),
                                        ami_context: context.get_untracked(),
                                        webhook_token: token.get_untracked(),
                                        zadarma_key: zkey.get_untracked(),
                                        zadarma_secret: zsecret.get_untracked(),
                                    });
                                }>
                                    <label><span>{tr(T::Connector)}</span>
                                        <select data-testid="connector" prop:value=move || connector.get() on:change=move |ev| connector.set(event_target_value(&ev))>
                                            <option value="none">{tr(T::ConnectorNone)}</option>
                                            <option value="ami">{tr(T::ConnectorAmi)}</option>
                                            <option value="zadarma">{tr(T::ConnectorZadarma)}</option>
                                        </select></label>
                                    <p>{tr(T::AmiState)} ": " <b data-testid="ami-state">{s.ami_state.clone()}</b></p>
                                    <label><span>{tr(T::AmiHost)}</span><input data-testid="ami-host" bind:value=host/></label>
                                    <label><span>{tr(T::AmiPort)}</span><input inputmode="numeric" bind:value=port/></label>
                                    <label><span>{tr(T::AmiUser)}</span><input autocomplete="off" bind:value=user/></label>
                                    <label><span>{tr(T::AmiSecret)} " (" {set(s.ami_secret_set)} ")"</span><input type="password" autocomplete="new-password" bind:value=secret/></label>
                                    <label><span>{tr(T::AmiContext)}</span><input bind:value=context/></label>
                                    <label><span>{tr(T::WebhookToken)} " (" {set(s.webhook_token_set)} ")"</span><input autocomplete="off" bind:value=token/></label>
                                    <label><span>{tr(T::ZadarmaKey)}</span><input autocomplete="off" bind:value=zkey/></label>
                                    <label><span>{tr(T::ZadarmaSecret)} " (" {set(s.zadarma_secret_set)} ")"</span><input type="password" autocomplete="new-password" bind:value=zsecret/></label>
                                    <ErrorBox error/>
                                    {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p role="status">{tr(T::Saved)}</p> })}
                                    <div class="buttons"><button type="submit" class="primary">{tr(T::Save)}</button></div>
                                </form>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
