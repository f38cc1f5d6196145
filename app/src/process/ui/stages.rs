//! The stages of the process being designed, as a list the admin reorders: each row
//! holds the name, colour and type, move-up / move-down / remove buttons, and the
//! actions run on entering the stage, told in words.

use super::words::{fill, recipient, sentence, stage_kind_word, tr, T};
use super::{focus_later, Designer};
use crate::auth::Role;
use crate::i18n::{t, use_lang, Key};
use crate::process::{ActionKind, ProcessInput, ProcessKind, StageAction, StageInput, StageKind};
use leptos::prelude::*;

/// Swaps two stages; the moves keep joining the same stages (they name them by position).
pub fn swap_stages(p: &mut ProcessInput, a: usize, b: usize) {
    if a >= p.stages.len() || b >= p.stages.len() {
        return;
    }
    p.stages.swap(a, b);
    let map = |x: usize| {
        if x == a {
            b
        } else if x == b {
            a
        } else {
            x
        }
    };
    for t in &mut p.transitions {
        t.from = map(t.from);
        t.to = map(t.to);
    }
}

/// Removes a stage with the moves to and from it; the others keep their stages.
pub fn remove_stage(p: &mut ProcessInput, i: usize) {
    if i >= p.stages.len() {
        return;
    }
    p.stages.remove(i);
    p.transitions.retain(|t| t.from != i && t.to != i);
    for t in &mut p.transitions {
        if t.from > i {
            t.from -= 1;
        }
        if t.to > i {
            t.to -= 1;
        }
    }
}

#[component]
pub fn StageList(d: Designer) -> impl IntoView {
    move || {
        d.layout.track();
        let def = d.def.get_untracked();
        let n = def.stages.len();
        let kind = def.kind;
        view! {
            <ol class="stage-list" data-testid="stages">
                {def.stages.into_iter().enumerate().map(|(i, stage)| view! { <StageRow d i n kind stage/> }).collect_view()}
            </ol>
            <button type="button" id="add-stage" data-testid="add-stage" disabled={n >= 30}
                on:click=move |_| {
                    d.reshape(|p| p.stages.push(StageInput {
                        id: None, name: String::new(), color: "#8a8f98".into(), kind: StageKind::Open, actions: Vec::new(),
                    }));
                    focus_later(format!("stage-name-{n}"));
                }>"+ " {t(Key::AddStage)}</button>
        }
    }
}

#[component]
fn StageRow(
    d: Designer,
    i: usize,
    n: usize,
    kind: ProcessKind,
    stage: StageInput,
) -> impl IntoView {
    let lang = use_lang();
    // «Поднять этап «Новый»»: the button's name says which stage it moves.
    let named = move |key: T| {
        format!(
            "{} «{}»",
            key.text(lang.get()),
            d.stage_label(i, lang.get())
        )
    };
    let move_to = move |to: usize| {
        d.selected.set(None);
        d.reshape(|p| swap_stages(p, i, to));
        // The focus follows the stage to its new place.
        let up_possible = to > 0;
        let down_possible = to + 1 < n;
        let id = match (to < i, up_possible, down_possible) {
            (true, true, _) | (false, true, false) => format!("stage-up-{to}"),
            _ => format!("stage-down-{to}"),
        };
        focus_later(id);
    };
    let actions = stage.actions.clone();
    let sentence_of = move |a: &StageAction| {
        sentence(a, kind, lang.get(), &|id| d.template_name(id), &|id| {
            d.employee_name(id)
        })
    };
    view! {
        <li class="stage-row" data-testid="stage-editor">
            <div class="stage-main">
                <span class="stage-no" aria-hidden="true">{i + 1}</span>
                <label class="stage-name"><span>{tr(T::StageName)}</span>
                    <input id=format!("stage-name-{i}") name=format!("stage{i}") prop:value=stage.name.clone() autocomplete="off"
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            d.edit(|p| if let Some(s) = p.stages.get_mut(i) { s.name = v });
                        }/></label>
                <label class="stage-color"><span>{tr(T::StageColor)}</span>
                    <input type="color" name=format!("color{i}") prop:value=stage.color.clone()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            d.edit(|p| if let Some(s) = p.stages.get_mut(i) { s.color = v });
                        }/></label>
                <label class="stage-kind"><span>{tr(T::StageKindLabel)}</span>
                    <select name=format!("kind{i}")
                        on:change=move |ev| {
                            if let Some(k) = StageKind::parse(&event_target_value(&ev)) {
                                d.edit(|p| if let Some(s) = p.stages.get_mut(i) { s.kind = k });
                            }
                        }>
                        {StageKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected={*k == stage.kind}>{move || stage_kind_word(*k).text(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <div class="stage-buttons">
                    <button type="button" class="icon" id=format!("stage-up-{i}") data-testid="stage-up"
                        aria-label=move || named(T::MoveUp) title=move || named(T::MoveUp) disabled={i == 0}
                        on:click=move |_| move_to(i - 1)>"↑"</button>
                    <button type="button" class="icon" id=format!("stage-down-{i}") data-testid="stage-down"
                        aria-label=move || named(T::MoveDown) title=move || named(T::MoveDown) disabled={i + 1 >= n}
                        on:click=move |_| move_to(i + 1)>"↓"</button>
                    <button type="button" class="icon danger" data-testid="stage-remove"
                        aria-label=move || named(T::RemoveStage) title=move || named(T::RemoveStage) disabled={n < 2}
                        on:click=move |_| {
                            d.selected.set(None);
                            d.reshape(|p| remove_stage(p, i));
                            focus_later(if i > 0 { format!("stage-name-{}", i - 1) } else { "stage-name-0".into() });
                        }>"×"</button>
                </div>
            </div>
            <div class="stage-actions">
                <h3 id=format!("actions-title-{i}")>{tr(T::OnEnter)}</h3>
                {if actions.is_empty() {
                    view! { <p class="muted">{tr(T::NoActions)}</p> }.into_any()
                } else {
                    view! {
                        <ul data-testid="stage-actions" aria-labelledby=format!("actions-title-{i}")>
                            {actions.into_iter().enumerate().map(|(j, a)| {
                                let a2 = a.clone();
                                view! {
                                    <li data-testid="stage-action">
                                        <span data-testid="action-text">{move || sentence_of(&a)}</span>
                                        <button type="button" class="icon"
                                            aria-label=move || format!("{}: {}", T::RemoveAction.text(lang.get()), sentence_of(&a2))
                                            on:click=move |_| {
                                                d.reshape(|p| if let Some(s) = p.stages.get_mut(i) { if j < s.actions.len() { s.actions.remove(j); } });
                                                focus_later(format!("action-kind-{i}"));
                                            }>"×"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <AddAction d i kind/>
            </div>
        </li>
    }
}

/// The action kinds a process of this kind may run (tasks and projects hold no goods).
fn kinds_for(kind: ProcessKind) -> Vec<ActionKind> {
    ActionKind::ALL
        .iter()
        .copied()
        .filter(|a| kind == ProcessKind::Order || *a == ActionKind::Notify)
        .collect()
}

fn option_word(a: ActionKind) -> T {
    match a {
        ActionKind::ReserveAll => T::SayReserveAll,
        ActionKind::ReleaseAll => T::SayReleaseAll,
        ActionKind::Fulfil => T::SayFulfil,
        ActionKind::CreateTransfer => T::SayCreateTransfer,
        ActionKind::Notify => T::OptNotify,
        ActionKind::GenerateDocument => T::OptGenerate,
    }
}

/// Two selects (what to do; whom or which document, when it takes one) and a button.
#[component]
fn AddAction(d: Designer, i: usize, kind: ProcessKind) -> impl IntoView {
    let lang = use_lang();
    let action = RwSignal::new(None::<ActionKind>);
    let param = RwSignal::new(String::new());
    let needs_param = move || {
        matches!(
            action.get(),
            Some(ActionKind::Notify | ActionKind::GenerateDocument)
        )
    };
    let ready = move || action.get().is_some() && (!needs_param() || !param.get().is_empty());
    let option = move |value: String, text: String| {
        view! {
            <option value=value.clone() selected=move || param.get() == value>{text}</option>
        }
    };
    view! {
        <div class="add-action">
            <label><span>{tr(T::NewAction)}</span>
                <select id=format!("action-kind-{i}") name=format!("action-kind{i}") data-testid="action-kind"
                    on:change=move |ev| {
                        action.set(ActionKind::parse(&event_target_value(&ev)));
                        param.set(String::new());
                    }>
                    <option value="" selected=move || action.get().is_none()>{tr(T::Choose)}</option>
                    {kinds_for(kind).into_iter().map(|a| view! {
                        <option value=a.as_str() selected=move || action.get() == Some(a)>{move || option_word(a).text(lang.get())}</option>
                    }).collect_view()}
                </select>
            </label>
            {move || match action.get() {
                Some(ActionKind::Notify) => view! {
                    <label><span>{tr(T::NotifyWhom)}</span>
                        <select name=format!("action-param{i}") data-testid="action-param"
                            on:change=move |ev| param.set(event_target_value(&ev))>
                            {option(String::new(), T::Choose.text(lang.get()).into())}
                            {option("manager".into(), recipient("manager", kind, lang.get(), &|_| None))}
                            {Role::ALL.iter().map(|r| {
                                let code = format!("role:{}", r.as_str());
                                option(code, fill(T::OptRole, lang.get(), r.label().text(lang.get())))
                            }).collect_view()}
                            {move || d.employees.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                                .filter(|e| e.active)
                                .map(|e| option(format!("employee:{}", e.id), fill(T::OptEmployee, lang.get(), &e.name)))
                                .collect_view()}
                        </select>
                    </label>
                }.into_any(),
                Some(ActionKind::GenerateDocument) => view! {
                    <label><span>{tr(T::WhichDocument)}</span>
                        <select name=format!("action-param{i}") data-testid="action-param"
                            on:change=move |ev| param.set(event_target_value(&ev))>
                            {option(String::new(), T::Choose.text(lang.get()).into())}
                            {move || d.templates.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                                .map(|tpl| option(tpl.id.to_string(), tpl.name))
                                .collect_view()}
                        </select>
                    </label>
                }.into_any(),
                _ => ().into_any(),
            }}
            <button type="button" data-testid="add-action" disabled=move || !ready()
                on:click=move |_| {
                    let Some(a) = action.get_untracked() else { return };
                    let value = if needs_param() { param.get_untracked() } else { String::new() };
                    d.reshape(|p| if let Some(s) = p.stages.get_mut(i) {
                        s.actions.push(StageAction { action: a, param: value });
                    });
                    focus_later(format!("action-kind-{i}"));
                }>{tr(T::AddAction)}</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::TransitionInput;

    fn def(n: usize, moves: &[(usize, usize)]) -> ProcessInput {
        ProcessInput {
            name: "p".into(),
            kind: ProcessKind::Order,
            active: true,
            stages: (0..n)
                .map(|k| StageInput {
                    id: Some(k as i64 + 10),
                    name: format!("s{k}"),
                    color: "#000000".into(),
                    kind: StageKind::Open,
                    actions: Vec::new(),
                })
                .collect(),
            transitions: moves
                .iter()
                .map(|&(from, to)| TransitionInput {
                    from,
                    to,
                    roles: vec![Role::Admin],
                    guards: Default::default(),
                    fulfilments: Vec::new(),
                })
                .collect(),
        }
    }

    /// The moves as (from name, to name).
    fn named(p: &ProcessInput) -> Vec<(String, String)> {
        p.transitions
            .iter()
            .map(|t| (p.stages[t.from].name.clone(), p.stages[t.to].name.clone()))
            .collect()
    }

    #[test]
    fn reordering_stages_keeps_moves_between_the_same_stages() {
        let mut p = def(4, &[(0, 1), (1, 2), (2, 3), (3, 0)]);
        let before = named(&p);
        swap_stages(&mut p, 1, 2);
        assert_eq!(p.stages[1].name, "s2");
        assert_eq!(named(&p), before);
        swap_stages(&mut p, 3, 4);
        assert_eq!(named(&p), before, "out of range: nothing changes");
    }

    #[test]
    fn removing_a_stage_drops_its_moves_and_keeps_the_others() {
        let mut p = def(4, &[(0, 1), (1, 2), (2, 3), (0, 3)]);
        remove_stage(&mut p, 1);
        assert_eq!(
            named(&p),
            vec![("s2".into(), "s3".into()), ("s0".into(), "s3".into())]
        );
    }
}
