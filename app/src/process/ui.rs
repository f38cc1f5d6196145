//! `/settings/processes`: the process designer (admin). Pick a process or start a new
//! one; edit its stages (name, colour, kind, actions run on entering), the allowed moves
//! and the roles that may make each; save the whole definition at once.

use super::api::{list_processes, save_process};
use super::{
    ActionKind, Process, ProcessInput, ProcessKind, StageAction, StageInput, StageKind,
    TransitionInput,
};
use crate::auth::Role;
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::orders::Fulfilment;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

/// A definition as the editor holds it (transitions by stage position).
fn to_input(p: &Process) -> ProcessInput {
    let index = |id: i64| p.stages.iter().position(|s| s.id == id).unwrap_or(0);
    ProcessInput {
        name: p.name.clone(),
        kind: p.kind,
        active: p.active,
        stages: p
            .stages
            .iter()
            .map(|s| StageInput {
                id: Some(s.id),
                name: s.name.clone(),
                color: s.color.clone(),
                kind: s.kind,
                actions: s.actions.clone(),
            })
            .collect(),
        transitions: p
            .transitions
            .iter()
            .map(|tr| TransitionInput {
                from: index(tr.from_stage_id),
                to: index(tr.to_stage_id),
                roles: tr.roles.clone(),
                guards: tr.guards.clone(),
                fulfilments: tr.fulfilments.clone(),
            })
            .collect(),
    }
}

fn fulfilment_key(f: Fulfilment) -> Key {
    match f {
        Fulfilment::Pickup => Key::PickupHere,
        Fulfilment::PickupOther => Key::PickupOther,
        Fulfilment::Delivery => Key::Delivery,
    }
}

fn blank() -> ProcessInput {
    ProcessInput {
        name: String::new(),
        kind: ProcessKind::Order,
        active: true,
        stages: vec![StageInput {
            id: None,
            name: String::new(),
            color: "#1f6feb".into(),
            kind: StageKind::Open,
            actions: Vec::new(),
        }],
        transitions: Vec::new(),
    }
}

fn action_key(a: ActionKind) -> Key {
    match a {
        ActionKind::ReserveAll => Key::ActReserveAll,
        ActionKind::ReleaseAll => Key::ActReleaseAll,
        ActionKind::Fulfil => Key::ActFulfil,
        ActionKind::CreateTransfer => Key::ActCreateTransfer,
        ActionKind::Notify => Key::ActNotify,
        ActionKind::GenerateDocument => Key::ActGenerateDocument,
    }
}

fn stage_kind_key(k: StageKind) -> Key {
    match k {
        StageKind::Open => Key::StageOpen,
        StageKind::Done => Key::StageDone,
        StageKind::Cancelled => Key::StageCancelled,
    }
}

#[component]
pub fn ProcessesPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_processes(None));
    // Templates a "generate document" action may name (the editor only opens in the browser).
    let templates = Resource::new(|| (), |_| crate::documents::api::active_templates());
    let template_name = move |param: &str| {
        let id: i64 = param.parse().unwrap_or(0);
        templates
            .get()
            .and_then(|r| r.ok())
            .and_then(|list| list.into_iter().find(|t| t.id == id))
            .map(|t| t.name)
            .unwrap_or_else(|| param.to_string())
    };
    // (process id or None for a new one, the definition being edited)
    let editing = RwSignal::new(None::<(Option<i64>, ProcessInput)>);
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let save =
        Action::new(|(id, input): &(Option<i64>, ProcessInput)| save_process(*id, input.clone()));
    Effect::new(move || match save.value().get() {
        Some(Ok(p)) => {
            error.set(None);
            saved.set(true);
            editing.set(Some((Some(p.id), to_input(&p))));
            list.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let edit = move |f: &dyn Fn(&mut ProcessInput)| {
        saved.set(false);
        editing.update(|e| {
            if let Some((_, input)) = e {
                f(input)
            }
        })
    };
    view! {
        <section class="page">
            <h1>{t(Key::Processes)}</h1>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || list.get().map(|r| view! {
                    <div class="buttons" data-testid="process-list">
                        {r.unwrap_or_default().into_iter().map(|p| {
                            let input = to_input(&p);
                            let id = p.id;
                            view! {
                                <button data-testid="process" on:click=move |_| { saved.set(false); editing.set(Some((Some(id), input.clone()))); }>
                                    {p.name.clone()}
                                </button>
                            }
                        }).collect_view()}
                        <button class="primary" data-testid="new-process"
                            on:click=move |_| { saved.set(false); editing.set(Some((None, blank()))); }>{t(Key::NewProcess)}</button>
                    </div>
                })}
            </Transition>
            {move || editing.get().map(|(id, input)| {
                let stage_names: Vec<String> = input.stages.iter().map(|s| s.name.clone()).collect();
                view! {
                    <div class="card form-grid designer" data-testid="designer">
                        <label><span>{t(Key::FieldName)}</span>
                            <input name="process-name" prop:value=input.name.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| p.name = v.clone()); }/></label>
                        <label><span>{t(Key::DocKindLabel)}</span>
                            <select name="process-kind" disabled=id.is_some()
                                on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| if let Some(k) = ProcessKind::parse(&v) { p.kind = k }); }>
                                {ProcessKind::ALL.iter().map(|k| view! {
                                    <option value=k.as_str() selected={*k == input.kind}>{k.as_str()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <h2>{t(Key::Stages)}</h2>
                        {input.stages.iter().enumerate().map(|(i, s)| view! {
                            <fieldset class="stage-editor" data-testid="stage-editor">
                                <input name=format!("stage{i}") placeholder=t(Key::FieldStage) prop:value=s.name.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| p.stages[i].name = v.clone()); }/>
                                <input type="color" name=format!("color{i}") prop:value=s.color.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| p.stages[i].color = v.clone()); }/>
                                <select name=format!("kind{i}")
                                    on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| if let Some(k) = StageKind::parse(&v) { p.stages[i].kind = k }); }>
                                    {StageKind::ALL.iter().map(|k| view! {
                                        <option value=k.as_str() selected={*k == s.kind}>{t(stage_kind_key(*k))}</option>
                                    }).collect_view()}
                                </select>
                                <ul class="actions">
                                    {s.actions.iter().enumerate().map(|(j, a)| view! {
                                        <li>{t(action_key(a.action))} " "
                                            {if a.action == ActionKind::GenerateDocument { template_name(&a.param) } else { a.param.clone() }}
                                            <button type="button" class="chip" on:click=move |_| edit(&|p| { p.stages[i].actions.remove(j); })>"×"</button></li>
                                    }).collect_view()}
                                </ul>
                                <select name=format!("add-action{i}") data-testid="add-action"
                                    on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        // "notify:role:accountant" carries its parameter after the first colon.
                                        let (action, param) = v.split_once(':').unwrap_or((v.as_str(), ""));
                                        if let Some(action) = ActionKind::parse(action) {
                                            let param = param.to_string();
                                            edit(&|p| p.stages[i].actions.push(StageAction { action, param: param.clone() }));
                                        }
                                    }>
                                    <option value="">{t(Key::AddAction)}</option>
                                    {ActionKind::ALL.iter().filter(|a| !matches!(**a, ActionKind::Notify | ActionKind::GenerateDocument)).map(|a| view! {
                                        <option value=a.as_str()>{t(action_key(*a))}</option>
                                    }).collect_view()}
                                    {move || templates.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|tpl| view! {
                                        <option value=format!("generate_document:{}", tpl.id)>{t(Key::ActGenerateDocument)} ": " {tpl.name}</option>
                                    }).collect_view()}
                                    <option value="notify:manager">{t(Key::ActNotify)} ": " {t(Key::Manager)}</option>
                                    {Role::ALL.iter().map(|r| view! {
                                        <option value=format!("notify:role:{}", r.as_str())>{t(Key::ActNotify)} ": " {t(r.label())}</option>
                                    }).collect_view()}
                                </select>
                                <button type="button" class="chip danger" disabled={input.stages.len() < 2}
                                    on:click=move |_| edit(&|p| {
                                        p.stages.remove(i);
                                        p.transitions.retain(|t| t.from != i && t.to != i);
                                        for t in &mut p.transitions {
                                            if t.from > i { t.from -= 1; }
                                            if t.to > i { t.to -= 1; }
                                        }
                                    })>{t(Key::Remove)}</button>
                            </fieldset>
                        }).collect_view()}
                        <button type="button" data-testid="add-stage" on:click=move |_| edit(&|p| p.stages.push(StageInput {
                            id: None, name: String::new(), color: "#8a8f98".into(), kind: StageKind::Open, actions: Vec::new(),
                        }))>{t(Key::AddStage)}</button>
                        <h2>{t(Key::Transitions)}</h2>
                        <div class="table-wrap">
                        <table class="table transitions" data-testid="transitions">
                            <thead><tr><th>{t(Key::FromLocation)}</th><th>{t(Key::ToLocation)}</th>
                                {Role::ALL.iter().map(|r| view! { <th>{t(r.label())}</th> }).collect_view()}<th></th></tr></thead>
                            <tbody>
                                {input.transitions.iter().enumerate().map(|(k, tr)| {
                                    let from = stage_names.get(tr.from).cloned().unwrap_or_default();
                                    let to = stage_names.get(tr.to).cloned().unwrap_or_default();
                                    let is_order = input.kind == ProcessKind::Order;
                                    let g = tr.guards.clone();
                                    let fulfilments = tr.fulfilments.clone();
                                    // One checkbox of the guards: `get` reads it, `flip` toggles it.
                                    let guard_box = move |label: Key, name: &'static str, on: bool, flip: fn(&mut super::Guards)| view! {
                                        <label class="check"><input type="checkbox" name=format!("{name}{k}") data-testid=format!("guard-{name}") prop:checked=on
                                            on:change=move |_| edit(&|p| flip(&mut p.transitions[k].guards))/><span>{t(label)}</span></label>
                                    };
                                    view! {
                                        <tr data-testid="transition">
                                            <td>{from}</td><td>{to}</td>
                                            {Role::ALL.into_iter().map(|r| {
                                                let on = tr.roles.contains(&r);
                                                view! { <td><input type="checkbox" prop:checked=on aria-label=t(r.label())
                                                    on:change=move |_| edit(&|p| {
                                                        let roles = &mut p.transitions[k].roles;
                                                        if roles.contains(&r) { roles.retain(|x| *x != r) } else { roles.push(r) }
                                                    })/></td> }
                                            }).collect_view()}
                                            <td><button type="button" class="chip" aria-label=t(Key::Remove) on:click=move |_| edit(&|p| { p.transitions.remove(k); })>"×"</button></td>
                                        </tr>
                                        {is_order.then(|| view! {
                                            <tr class="transition-rules" data-testid="transition-rules">
                                                <td colspan=(Role::ALL.len() + 3).to_string()>
                                                    <span class="muted">{t(Key::GuardsTitle)} ": "</span>
                                                    {guard_box(Key::GuardPaid, "paid", g.paid, |g| g.paid = !g.paid)}
                                                    {g.paid.then(|| guard_box(Key::GuardPlannedCounts, "planned", g.planned_counts, |g| g.planned_counts = !g.planned_counts))}
                                                    {guard_box(Key::GuardNoTransit, "no_transit", g.no_transit, |g| g.no_transit = !g.no_transit)}
                                                    {guard_box(Key::GuardReserved, "reserved", g.reserved, |g| g.reserved = !g.reserved)}
                                                    {guard_box(Key::GuardComment, "comment", g.comment, |g| g.comment = !g.comment)}
                                                    <label class="inline"><span>{t(Key::GuardDocument)}</span>
                                                        <select name=format!("guard-document{k}") data-testid="guard-document"
                                                            on:change=move |ev| { let v = event_target_value(&ev).parse::<i64>().ok(); edit(&|p| p.transitions[k].guards.document_template_id = v); }>
                                                            <option value="" selected=g.document_template_id.is_none()>"—"</option>
                                                            {move || templates.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|tpl| view! {
                                                                <option value=tpl.id.to_string() selected={g.document_template_id == Some(tpl.id)}>{tpl.name}</option>
                                                            }).collect_view()}
                                                        </select>
                                                    </label>
                                                    <br/>
                                                    <span class="muted">{t(Key::FulfilmentsTitle)} ": "</span>
                                                    {Fulfilment::ALL.iter().copied().map(|f| {
                                                        // None ticked means every kind: shown as all ticked.
                                                        let on = fulfilments.is_empty() || fulfilments.contains(&f);
                                                        view! {
                                                            <label class="check"><input type="checkbox" name=format!("fulfilment-{}{k}", f.as_str())
                                                                data-testid=format!("fulfilment-{}", f.as_str()) prop:checked=on
                                                                on:change=move |_| edit(&|p| {
                                                                    let list = &mut p.transitions[k].fulfilments;
                                                                    if list.is_empty() { *list = Fulfilment::ALL.to_vec(); }
                                                                    if list.contains(&f) { list.retain(|x| *x != f) } else { list.push(f) }
                                                                    // At least one kind stays: an empty list would mean all.
                                                                    if list.is_empty() { list.push(f) }
                                                                })/><span>{t(fulfilment_key(f))}</span></label>
                                                        }
                                                    }).collect_view()}
                                                </td>
                                            </tr>
                                        })}
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                        <NewTransition names=stage_names.clone() on_add=move |(from, to): (usize, usize)| edit(&|p| {
                            if !p.transitions.iter().any(|t| t.from == from && t.to == to) {
                                p.transitions.push(TransitionInput {
                                    from, to, roles: vec![Role::Admin, Role::Director, Role::Manager],
                                    guards: super::Guards::default(), fulfilments: Vec::new(),
                                });
                            }
                        })/>
                        <ErrorBox error/>
                        {move || saved.get().then(|| view! { <p class="notice" data-testid="process-saved">{t(Key::Saved)}</p> })}
                        <div class="buttons">
                            <button type="button" class="primary" data-testid="save-process" disabled=move || save.pending().get()
                                on:click=move |_| { if let Some(e) = editing.get_untracked() { save.dispatch(e); } }>{t(Key::Save)}</button>
                        </div>
                    </div>
                }
            })}
        </section>
    }
}

#[component]
fn NewTransition(
    names: Vec<String>,
    #[prop(into)] on_add: Callback<(usize, usize)>,
) -> impl IntoView {
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    view! {
        <div class="filters" data-testid="new-transition">
            <select name="from" bind:value=from>
                <option value="">{t(Key::FromLocation)}</option>
                {names.iter().enumerate().map(|(i, n)| view! { <option value=i.to_string()>{n.clone()}</option> }).collect_view()}
            </select>
            <select name="to" bind:value=to>
                <option value="">{t(Key::ToLocation)}</option>
                {names.iter().enumerate().map(|(i, n)| view! { <option value=i.to_string()>{n.clone()}</option> }).collect_view()}
            </select>
            <button type="button" data-testid="add-transition" on:click=move |_| {
                if let (Ok(f), Ok(t)) = (from.get_untracked().parse::<usize>(), to.get_untracked().parse::<usize>()) {
                    if f != t { on_add.run((f, t)); }
                }
            }>{t(Key::AddTransition)}</button>
        </div>
    }
}
