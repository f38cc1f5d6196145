//! `/orders/board`: the orders of a process as cards in columns by stage. A card is
//! dragged to another column with a mouse or a finger (pointer events, so it works on a
//! tablet); the move runs the stage's actions, and a refusal shows why.

use super::StageDot;
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::orders::api::{list_orders, move_order};
use crate::orders::OrderFilter;
use crate::process::api::list_processes;
use crate::process::ProcessKind;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

/// The stage column under a point of the screen (browser only).
#[cfg(feature = "hydrate")]
fn stage_at(x: i32, y: i32) -> Option<i64> {
    let document = web_sys::window()?.document()?;
    let element = document.element_from_point(x as f32, y as f32)?;
    let column = element.closest("[data-stage]").ok()??;
    column.get_attribute("data-stage")?.parse().ok()
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let live = use_live();
    let processes = Resource::new(|| (), |_| list_processes(Some(ProcessKind::Order)));
    let chosen = RwSignal::new(String::new());
    let orders = Resource::new(
        // Choosing another process re-renders the board through this key.
        move || (live.orders_version.get(), chosen.get()),
        |_| {
            list_orders(OrderFilter {
                limit: Some(500),
                ..Default::default()
            })
        },
    );
    let error = RwSignal::new(None::<AppError>);
    let me = crate::ui::shell::use_me();
    // The card being dragged: (order, its stage, the stages it may be dropped on).
    let dragging = RwSignal::new(None::<(i64, i64, Vec<i64>)>);
    let over = RwSignal::new(None::<i64>);
    let shift = Action::new(|(id, stage): &(i64, i64)| move_order(*id, *stage, String::new()));
    Effect::new(move || match shift.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            orders.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let drop_at = move |x: i32, y: i32| {
        let Some((id, from, allowed)) = dragging.get_untracked() else {
            return;
        };
        dragging.set(None);
        over.set(None);
        // Only the columns the process offers this order (its fulfilment, the role)
        // take a drop; a move with guards is still checked by the server.
        #[cfg(feature = "hydrate")]
        if let Some(to) = stage_at(x, y) {
            if to != from && allowed.contains(&to) {
                shift.dispatch((id, to));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, from, allowed, x, y);
    };
    view! {
        <section class="page board-page">
            <div class="page-head">
                <h1>{t(Key::Board)}</h1>
                <div class="buttons">
                    <a class="button" href="/orders">{t(Key::NavOrders)}</a>
                    <a class="button primary" href="/orders/new">{t(Key::NewOrder)}</a>
                </div>
            </div>
            <ErrorBox error/>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let all: Vec<_> = processes.await.unwrap_or_default().into_iter().filter(|p| p.active).collect();
                    // The process on the board: the one chosen, else the oldest active order
                    // process (the one new orders default to).
                    let pick = chosen.get_untracked().parse::<i64>().ok();
                    let process = all
                        .iter()
                        .find(|p| Some(p.id) == pick)
                        .or_else(|| all.iter().min_by_key(|p| p.id))
                        .cloned();
                    let choices: Vec<(i64, String)> = all.iter().map(|p| (p.id, p.name.clone())).collect();
                    let list = orders.await.unwrap_or_default();
                    let Some(process) = process else {
                        return view! { <p class="muted">{t(Key::NoOrders)}</p> }.into_any();
                    };
                    let current = process.id;
                    let role = me.await.ok().flatten().map(|m| m.role);
                    view! {
                        <select name="process" aria-label=t(Key::FieldProcess) data-testid="board-process" on:change=move |ev| chosen.set(event_target_value(&ev))>
                            {choices.into_iter().map(|(id, name)| view! {
                                <option value=id.to_string() selected={id == current}>{name}</option>
                            }).collect_view()}
                        </select>
                        <div class="board" data-testid="board"
                            on:pointermove=move |ev| {
                                if dragging.get_untracked().is_some() {
                                    #[cfg(feature = "hydrate")]
                                    over.set(stage_at(ev.client_x(), ev.client_y()));
                                    #[cfg(not(feature = "hydrate"))]
                                    let _ = ev;
                                }
                            }
                            on:pointerup=move |ev| drop_at(ev.client_x(), ev.client_y())
                            on:pointercancel=move |_| { dragging.set(None); over.set(None); }>
                            {process.stages.clone().into_iter().map(|stage| {
                                let sid = stage.id;
                                let cards: Vec<_> = list.iter().filter(|o| o.stage.id == sid).cloned().collect();
                                view! {
                                    <div class="column" data-stage=sid.to_string() data-testid="board-column"
                                        class:over=move || over.get() == Some(sid)
                                        class:blocked=move || dragging.get().is_some_and(|d| d.1 != sid && !d.2.contains(&sid))>
                                        <h2><StageDot color=stage.color.clone()/> " " {stage.name.clone()} " " <span class="muted">{cards.len()}</span></h2>
                                        {cards.into_iter().map(|o| {
                                            let id = o.id;
                                            let allowed: Vec<i64> = role
                                                .map(|r| process.moves_from(sid, r, Some(o.fulfilment)).into_iter().map(|s| s.id).collect())
                                                .unwrap_or_default();
                                            view! {
                                                <div class="order-card" data-testid="order-card" data-order=id.to_string()
                                                    class:dragging=move || dragging.get().map(|d| d.0) == Some(id)
                                                    on:pointerdown=move |ev| {
                                                        ev.prevent_default();
                                                        dragging.set(Some((id, sid, allowed.clone())));
                                                    }>
                                                    <a class="order-number" href=format!("/orders/{id}") draggable="false">{o.number}</a>
                                                    <span>{o.client.unwrap_or_default()}</span>
                                                    <span class="muted">{o.shop} " · " {crate::format::show_money(o.total)}</span>
                                                </div>
                                            }
                                        }).collect_view()}
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}
