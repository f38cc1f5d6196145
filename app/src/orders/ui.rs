//! Order screens: the list with filters (`/orders`), the board by stage (`/orders/board`),
//! a new order (`/orders/new`), the order card (`/orders/:id`) and its edit form
//! (`/orders/:id/edit`).

pub mod board;
pub mod card;
pub mod draft;
pub mod field_note;
pub mod lines;
pub mod new;
pub mod new_client;
pub mod settings;
pub mod sources;

use super::api::list_orders;
use super::{OrderFilter, StageRef};
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::org::api::list_locations;
use crate::process::api::list_processes;
use crate::process::ProcessKind;
use crate::time::show;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// Texts of the order list only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        SearchOrders => "Number, client or phone", "Номер, клиент или телефон";
        NothingFound => "No orders match this search.", "По этому запросу заказов не найдено.";
    }
}

/// How long typing must pause before the list is searched.
const SEARCH_PAUSE_MS: u64 = 250;

/// A stage's colour as a dot. SVG `fill` is an attribute, not a style, so the strict
/// Content-Security-Policy (no inline styles) lets an admin-chosen colour through.
#[component]
pub fn StageDot(color: String) -> impl IntoView {
    view! {
        <svg class="stage-dot" viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">
            <circle cx="5" cy="5" r="5" fill=color/>
        </svg>
    }
}

/// A stage as a chip with its colour.
#[component]
pub fn StageChip(stage: StageRef) -> impl IntoView {
    view! {
        <span class="stage-chip"><StageDot color=stage.color/><span data-testid="stage">{stage.name}</span></span>
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let live = use_live();
    // The search lives in the URL (`?q=`), so a reload and Back keep it; the box follows
    // typing and writes the URL once typing pauses.
    let query = use_query_map();
    let searched = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let typed = RwSignal::new(searched.get_untracked());
    // What this page last wrote into the URL: any other change of `?q=` (a link, Back)
    // is put into the box; a write of ours never overwrites what was typed since.
    let sent = StoredValue::new(searched.get_untracked());
    Effect::new(move || {
        let now = searched.get();
        if now != sent.get_value() {
            sent.set_value(now.clone());
            typed.set(now);
        }
    });
    let navigate = use_navigate();
    let go = move |text: String| {
        if text.trim() == searched.get_untracked().trim() {
            return;
        }
        sent.set_value(text.trim().to_string());
        let url = match text.trim() {
            "" => "/orders".to_string(),
            q => format!("/orders?q={}", crate::ui::upload::encode_name(q)),
        };
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let go_later = go.clone();
    Effect::new(move || {
        let text = typed.get();
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let go = go_later.clone();
        let handle = set_timeout_with_handle(
            move || go(text),
            std::time::Duration::from_millis(SEARCH_PAUSE_MS),
        )
        .ok();
        pending.set_value(handle);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go(typed.get_untracked());
    };
    let stage = RwSignal::new(String::new());
    let shop = RwSignal::new(String::new());
    let manager = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let employees = Resource::new(|| (), |_| crate::org::api::list_employees());
    let processes = Resource::new(|| (), |_| list_processes(Some(ProcessKind::Order)));
    let locations = Resource::new(|| (), |_| list_locations());
    let orders = Resource::new(
        move || {
            (
                (stage.get(), shop.get(), manager.get()),
                (from.get(), to.get()),
                searched.get(),
                live.orders_version.get(),
            )
        },
        |((stage, shop, manager), (from, to), q, _)| {
            list_orders(OrderFilter {
                q: Some(q).filter(|q| !q.trim().is_empty()),
                stage_id: stage.parse().ok(),
                shop_id: shop.parse().ok(),
                manager_id: manager.parse().ok(),
                from: crate::time::viewer().date_ms(&from),
                // Up to and including the chosen day.
                to: crate::time::parse_day(&to).map(|d| crate::time::viewer().day_start(d + 1)),
                ..Default::default()
            })
        },
    );
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t(Key::NavOrders)}</h1>
                <div class="buttons">
                    <a class="button" href="/orders/board" data-testid="board-link">{t(Key::Board)}</a>
                    <a class="button primary" href="/orders/new" data-testid="new-order">{t(Key::NewOrder)}</a>
                </div>
            </div>
            // A plain GET form too: before the page is interactive Enter still searches.
            <form class="filters" action="/orders" method="get" role="search" on:submit=submit>
                <label class="order-search">
                    <span>{words::tr(words::T::SearchOrders)}</span>
                    <input type="search" name="q" autocomplete="off" data-testid="order-search"
                        bind:value=typed/>
                </label>
            </form>
            <Transition>
                {move || Suspend::new(async move {
                    let stages = processes.await.unwrap_or_default().into_iter().flat_map(|p| p.stages).collect::<Vec<_>>();
                    let shops = locations.await.unwrap_or_default();
                    let people = employees.await.unwrap_or_default();
                    view! {
                        <div class="filters">
                            <select name="stage" aria-label=t(Key::FieldStage) bind:value=stage>
                                <option value="">{t(Key::AllStages)}</option>
                                {stages.into_iter().map(|s| view! { <option value=s.id.to_string()>{s.name}</option> }).collect_view()}
                            </select>
                            <select name="shop" aria-label=t(Key::Shop) bind:value=shop>
                                <option value="">{t(Key::AllShops)}</option>
                                {shops.into_iter().map(|l| view! { <option value=l.id.to_string()>{l.name}</option> }).collect_view()}
                            </select>
                            <select name="manager" aria-label=t(Key::Manager) bind:value=manager>
                                <option value="">{t(Key::AllManagers)}</option>
                                {people.into_iter().map(|e| view! { <option value=e.id.to_string()>{e.name}</option> }).collect_view()}
                            </select>
                            <label class="inline"><span>{t(Key::From)}</span><input type="date" name="from" bind:value=from/></label>
                            <label class="inline"><span>{t(Key::To)}</span><input type="date" name="to" bind:value=to/></label>
                        </div>
                    }
                })}
            </Transition>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || orders.get().map(|r| {
                    let list = r.unwrap_or_default();
                    let searching = !searched.get_untracked().trim().is_empty();
                    view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="orders-table">
                                <thead><tr>
                                    <th>"№"</th><th>{t(Key::FieldStage)}</th><th>{t(Key::FieldClient)}</th>
                                    <th class="opt">{t(Key::Manager)}</th><th>{t(Key::Shop)}</th>
                                    <th class="num">{t(Key::Total)}</th><th class="num">{t(Key::Paid)}</th><th class="opt">{t(Key::Created)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.is_empty().then(|| view! {
                                        <tr><td colspan="8" class="muted" data-testid="orders-empty">
                                            {if searching { words::tr(words::T::NothingFound).into_any() } else { t(Key::NoOrders).into_any() }}
                                        </td></tr>
                                    })}
                                    {list.into_iter().map(|o| {
                                        let comment = o.comment.clone();
                                        view! {
                                        <tr data-testid="order-row">
                                            <td><a class="order-number" href=format!("/orders/{}", o.id)>{o.number}</a></td>
                                            <td><StageChip stage=o.stage/></td>
                                            <td>{o.client.unwrap_or_default()}</td>
                                            <td class="opt">{o.manager}</td>
                                            <td>{o.shop}</td>
                                            <td class="num">{crate::format::show_amount(o.total)}</td>
                                            <td class="num">{crate::format::show_amount(o.paid)}</td>
                                            <td class="opt">{show(o.created_at)}</td>
                                        </tr>
                                        {(!comment.is_empty()).then(|| view! {
                                            <tr class="order-comment-row" data-testid="order-row-comment">
                                                <td></td><td colspan="7" class="muted">{t(Key::Comment)} ": " {comment}</td>
                                            </tr>
                                        })}
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                })}
            </Transition>
        </section>
    }
}
