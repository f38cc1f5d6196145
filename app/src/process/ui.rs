//! `/settings/processes`: the process designer (admin). Pick a process (its tab is the
//! highlighted one) or start a new one; reorder its stages and say what each does on
//! entering; allow moves in a stage × stage grid with who may make each and what it
//! requires; save the whole definition at once.

use super::api::{list_processes, save_process};
use super::{Process, ProcessInput, ProcessKind, StageInput, StageKind, TransitionInput};
use crate::error::AppError;
use crate::i18n::{t, use_lang, Key};
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

pub mod moves;
pub mod stages;
pub mod words;

use words::{kind_word, tr, T};

/// What the designer's parts share: the definition being edited (transitions name stages
/// by position), a counter bumped when the stage list changes shape (it is drawn again
/// then, not on every keystroke, so focus stays where it is), the grid cell whose move is
/// open, and what the action sentences need to name templates and employees.
#[derive(Clone, Copy)]
pub struct Designer {
    pub def: RwSignal<ProcessInput>,
    pub layout: RwSignal<u64>,
    pub selected: RwSignal<Option<(usize, usize)>>,
    pub saved: RwSignal<bool>,
    pub templates: Resource<Result<Vec<crate::documents::TemplateSummary>, AppError>>,
    pub employees: Resource<Result<Vec<crate::org::Employee>, AppError>>,
}

impl Designer {
    /// Applies an edit that leaves the stage list's shape alone (a name, a colour, a move).
    pub fn edit(self, f: impl FnOnce(&mut ProcessInput)) {
        self.saved.set(false);
        self.def.update(f);
    }

    /// Applies an edit that adds, removes or reorders stages or actions.
    pub fn reshape(self, f: impl FnOnce(&mut ProcessInput)) {
        self.edit(f);
        self.layout.update(|v| *v += 1);
    }

    pub fn template_name(self, id: i64) -> Option<String> {
        self.templates.with(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|list| list.iter().find(|t| t.id == id))
                .map(|t| t.name.clone())
        })
    }

    pub fn employee_name(self, id: i64) -> Option<String> {
        self.employees.with(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|list| list.iter().find(|e| e.id == id))
                .map(|e| e.name.clone())
        })
    }

    /// A stage's name as labels say it (its number while it has none).
    pub fn stage_label(self, i: usize, lang: crate::i18n::Lang) -> String {
        self.def.with(|p| stage_label(p, i, lang))
    }
}

/// A stage's name as labels say it (its number while it has none).
pub fn stage_label(p: &ProcessInput, i: usize, lang: crate::i18n::Lang) -> String {
    p.stages
        .get(i)
        .map(|s| s.name.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| T::StageNo.text(lang).replace("{n}", &(i + 1).to_string()))
}

/// Moves the focus to the element with this id once the view has been drawn again.
pub fn focus_later(id: String) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

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

/// What Save sends: a move no role may make is no move at all.
fn for_saving(mut p: ProcessInput) -> ProcessInput {
    p.transitions.retain(|t| !t.roles.is_empty());
    p
}

#[component]
pub fn ProcessesPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_processes(None));
    let d = Designer {
        def: RwSignal::new(blank()),
        layout: RwSignal::new(0),
        selected: RwSignal::new(None),
        saved: RwSignal::new(false),
        templates: Resource::new(|| (), |_| crate::documents::api::active_templates()),
        employees: Resource::new(|| (), |_| crate::org::api::list_employees()),
    };
    // Which process is open: None nothing, Some(None) a new one, Some(Some(id)) that one.
    let open = RwSignal::new(None::<Option<i64>>);
    let error = RwSignal::new(None::<AppError>);
    let start = move |id: Option<i64>, input: ProcessInput| {
        error.set(None);
        d.saved.set(false);
        d.selected.set(None);
        d.def.set(input);
        d.layout.update(|v| *v += 1);
        open.set(Some(id));
    };
    let save =
        Action::new(|(id, input): &(Option<i64>, ProcessInput)| save_process(*id, input.clone()));
    Effect::new(move || match save.value().get() {
        Some(Ok(p)) => {
            error.set(None);
            // The saved stages carry their ids now: the next save updates them.
            d.def.set(to_input(&p));
            d.layout.update(|v| *v += 1);
            if open.get_untracked() != Some(Some(p.id)) {
                open.set(Some(Some(p.id)));
            }
            d.saved.set(true);
            list.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let lang = use_lang();
    view! {
        <section class="page process-designer">
            <h1>{t(Key::Processes)}</h1>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || list.get().map(|r| view! {
                    <nav class="tabs process-tabs" aria-label=tr(T::ProcessTabs) data-testid="process-list">
                        {r.unwrap_or_default().into_iter().map(|p| {
                            let id = p.id;
                            let current = move || open.get() == Some(Some(id));
                            let name = p.name.clone();
                            let input = to_input(&p);
                            view! {
                                <button type="button" class="tab" class:active=current data-testid="process"
                                    aria-current=move || current().then_some("true")
                                    on:click=move |_| start(Some(id), input.clone())>
                                    {name}
                                    <span class="tab-kind">{move || kind_word(p.kind).text(lang.get())}</span>
                                </button>
                            }
                        }).collect_view()}
                        <button type="button" class="tab" data-testid="new-process"
                            class:active=move || open.get() == Some(None)
                            aria-current=move || (open.get() == Some(None)).then_some("true")
                            on:click=move |_| start(None, blank())>"+ " {t(Key::NewProcess)}</button>
                    </nav>
                })}
            </Transition>
            {move || open.get().map(|id| view! { <Editor d id error save/> })}
        </section>
    }
}

#[component]
fn Editor(
    d: Designer,
    id: Option<i64>,
    error: RwSignal<Option<AppError>>,
    save: Action<(Option<i64>, ProcessInput), Result<Process, AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let def = d.def.get_untracked();
    view! {
        <div class="card process-editor" data-testid="designer">
            <div class="process-head">
                <label><span>{tr(T::ProcessName)}</span>
                    <input name="process-name" prop:value=def.name.clone() autocomplete="off"
                        on:input=move |ev| { let v = event_target_value(&ev); d.edit(|p| p.name = v); }/></label>
                <label><span>{tr(T::ProcessKindLabel)}</span>
                    <select name="process-kind" disabled=id.is_some()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(k) = ProcessKind::parse(&v) {
                                d.selected.set(None);
                                d.reshape(|p| p.kind = k);
                            }
                        }>
                        {ProcessKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected={*k == def.kind}>{move || kind_word(*k).text(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="check"><input type="checkbox" name="process-active" prop:checked=def.active
                    on:change=move |ev| { let on = event_target_checked(&ev); d.edit(|p| p.active = on); }/>
                    <span>{tr(T::ProcessActive)}</span></label>
            </div>
            <h2>{t(Key::Stages)}</h2>
            <p class="muted">{tr(T::StagesHint)}</p>
            <stages::StageList d/>
            <h2 id="moves-title">{tr(T::MovesTitle)}</h2>
            <p class="muted" id="moves-hint">{tr(T::MovesHint)}</p>
            <moves::MoveGrid d/>
            <moves::MoveEditor d/>
            <div class="process-save">
                <ErrorBox error/>
                {move || d.saved.get().then(|| view! { <p class="notice" role="status" data-testid="process-saved">{t(Key::Saved)}</p> })}
                <button type="button" class="primary" data-testid="save-process" disabled=move || save.pending().get()
                    on:click=move |_| {
                        error.set(None);
                        save.dispatch((id, for_saving(d.def.get_untracked())));
                    }>{t(Key::Save)}</button>
            </div>
        </div>
    }
}
