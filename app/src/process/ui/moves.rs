//! The allowed moves as a stage × stage grid (rows: from, columns: to). A cell says
//! whether the move is allowed and by whom; tapping it opens the move's editor below
//! the grid: the roles, what the move requires (orders) and which orders it is for.

use super::words::{role_short, tr, T};
use super::{focus_later, stage_label, Designer};
use crate::auth::Role;
use crate::i18n::{use_lang, Key, Lang};
use crate::orders::Fulfilment;
use crate::process::{Guards, ProcessInput, ProcessKind, TransitionInput};
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;

/// More stages than this and, on a narrow screen, the grid turns into a list per
/// from-stage (CSS), so no cell gets narrower than a finger.
const GRID_MAX: usize = 8;

fn find(p: &ProcessInput, from: usize, to: usize) -> Option<&TransitionInput> {
    p.transitions.iter().find(|t| t.from == from && t.to == to)
}

/// The move being edited, made (allowed for nobody yet) when it is not there.
fn upsert(p: &mut ProcessInput, from: usize, to: usize) -> &mut TransitionInput {
    let k = match p
        .transitions
        .iter()
        .position(|t| t.from == from && t.to == to)
    {
        Some(k) => k,
        None => {
            p.transitions.push(TransitionInput {
                from,
                to,
                roles: Vec::new(),
                guards: Guards::default(),
                fulfilments: Vec::new(),
            });
            p.transitions.len() - 1
        }
    };
    &mut p.transitions[k]
}

/// A stage's short column label: its number and the first letters of its name.
fn short(i: usize, name: &str) -> String {
    let name = name.trim();
    if name.chars().count() <= 5 {
        format!("{}. {name}", i + 1)
    } else {
        let head: String = name.chars().take(4).collect();
        format!("{}. {head}.", i + 1)
    }
}

fn fulfilment_key(f: Fulfilment) -> Key {
    match f {
        Fulfilment::Pickup => Key::PickupHere,
        Fulfilment::PickupOther => Key::PickupOther,
        Fulfilment::Delivery => Key::Delivery,
    }
}

/// Whether a move has conditions or applies to some fulfilment kinds only.
fn restricted(t: &TransitionInput) -> bool {
    !t.guards.is_empty() || !t.fulfilments.is_empty()
}

/// What a cell says to a screen reader and in its tooltip.
fn describe(t: Option<&TransitionInput>, from: &str, to: &str, lang: Lang) -> String {
    match t.filter(|t| !t.roles.is_empty()) {
        None => format!("{from} → {to}: {}", T::NotAllowed.text(lang)),
        Some(t) => {
            let roles: Vec<&str> = t.roles.iter().map(|r| r.label().text(lang)).collect();
            let mut s = format!(
                "{from} → {to}: {}; {}",
                T::Allowed.text(lang),
                roles.join(", ")
            );
            if restricted(t) {
                s.push_str("; ");
                s.push_str(T::WithConditions.text(lang));
            }
            // The letters the cell shows, so its name holds what is seen (WCAG 2.5.3).
            let letters: Vec<&str> = Role::ALL
                .iter()
                .filter(|r| t.roles.contains(r))
                .map(|r| role_short(*r).text(lang))
                .collect();
            // (Not in parentheses: name checks drop parenthetical text.)
            s.push_str(&format!("; {}", letters.join(" ")));
            s
        }
    }
}

#[component]
pub fn MoveGrid(d: Designer) -> impl IntoView {
    let lang = use_lang();
    move || {
        let lang = lang.get();
        let selected = d.selected.get();
        let p = &d.def.get();
        {
            let n = p.stages.len();
            let names: Vec<String> = (0..n).map(|i| stage_label(p, i, lang)).collect();
            view! {
                <table class="move-grid" class:many={n > GRID_MAX} data-testid="move-grid"
                    aria-labelledby="moves-title" aria-describedby="moves-hint">
                    <thead>
                        <tr>
                            <th scope="col" class="corner">{T::Corner.text(lang)}</th>
                            {names.iter().enumerate().map(|(j, name)| view! {
                                <th scope="col" aria-label=name.clone()>
                                    <abbr class="col-short" title=name.clone()>{short(j, name)}</abbr>
                                    <span class="col-full">{format!("{}. {name}", j + 1)}</span>
                                </th>
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {names.iter().enumerate().map(|(i, from)| view! {
                            <tr>
                                <th scope="row">
                                    <svg class="stage-dot" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
                                        <circle cx="6" cy="6" r="6" fill=p.stages[i].color.clone()/>
                                    </svg>
                                    " " {format!("{}. {from}", i + 1)}
                                </th>
                                {names.iter().enumerate().map(|(j, to)| {
                                    if i == j {
                                        return view! { <td class="self"></td> }.into_any();
                                    }
                                    let t = find(p, i, j);
                                    let allowed = t.is_some_and(|t| !t.roles.is_empty());
                                    let text = describe(t, from, to, lang);
                                    let roles: Vec<Role> = t.map(|t| t.roles.clone()).unwrap_or_default();
                                    let flagged = allowed && t.is_some_and(restricted);
                                    let open = selected == Some((i, j));
                                    view! {
                                        <td>
                                            <span class="to-name" aria-hidden="true">{to.clone()}</span>
                                            <button type="button" class="move-cell" class:allowed=allowed class:open=open
                                                id=format!("move-{i}-{j}") data-testid="move-cell"
                                                data-from=i.to_string() data-to=j.to_string()
                                                aria-label=text.clone() title=text aria-expanded=open.to_string()
                                                aria-controls=open.then_some("move-editor")
                                                on:click=move |_| {
                                                    if d.selected.get_untracked() == Some((i, j)) {
                                                        d.selected.set(None);
                                                    } else {
                                                        d.selected.set(Some((i, j)));
                                                        focus_later("move-editor-first".into());
                                                    }
                                                }>
                                                {if allowed {
                                                    view! {
                                                        <span class="role-tags">
                                                            {Role::ALL.iter().filter(|r| roles.contains(r)).map(|r| view! {
                                                                <span class="role-tag">{role_short(*r).text(lang)}</span>
                                                                " "
                                                            }).collect_view()}
                                                        </span>
                                                        {flagged.then(|| view! { <span class="move-flag"><Svg icon=Icon::Flag/></span> })}
                                                    }.into_any()
                                                } else {
                                                    view! { <span class="move-none">"—"</span> }.into_any()
                                                }}
                                            </button>
                                        </td>
                                    }.into_any()
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="move-legend muted">
                    {Role::ALL.iter().map(|r| view! {
                        <span><b>{role_short(*r).text(lang)}</b> " — " {r.label().text(lang)}</span>
                    }).collect_view()}
                    <span><Svg icon=Icon::Flag/> " — " {T::FlagLegend.text(lang)}</span>
                </p>
            }
        }
    }
}

/// The editor of the move in the selected cell; every change goes straight into the
/// definition (Save sends it), so the grid above follows as the admin ticks.
#[component]
pub fn MoveEditor(d: Designer) -> impl IntoView {
    move || {
        d.selected
            .get()
            .map(|(from, to)| view! { <MoveForm d from to/> })
    }
}

#[component]
fn MoveForm(d: Designer, from: usize, to: usize) -> impl IntoView {
    let lang = use_lang();
    let read =
        move |f: fn(&TransitionInput) -> bool| d.def.with(|p| find(p, from, to).is_some_and(f));
    let guards = move |g: fn(&Guards) -> bool| {
        d.def
            .with(|p| find(p, from, to).is_some_and(|t| g(&t.guards)))
    };
    let flip = move |g: fn(&mut Guards)| d.edit(|p| g(&mut upsert(p, from, to).guards));
    // Memos: the parts they show are drawn again only when these change, not on every
    // tick (which would take the focus away from the box just ticked).
    let is_order = Memo::new(move |_| d.def.with(|p| p.kind == ProcessKind::Order));
    let paid = Memo::new(move |_| guards(|g| g.paid));
    let nobody = Memo::new(move |_| !read(|t| !t.roles.is_empty()));
    let title = move || {
        T::MoveTitle
            .text(lang.get())
            .replace("{a}", &d.stage_label(from, lang.get()))
            .replace("{b}", &d.stage_label(to, lang.get()))
    };
    let guard_box = move |key: T,
                          name: &'static str,
                          get: fn(&Guards) -> bool,
                          set: fn(&mut Guards)| {
        view! {
            <label class="check"><input type="checkbox" name=name data-testid=format!("guard-{name}")
                prop:checked=move || guards(get) on:change=move |_| flip(set)/><span>{tr(key)}</span></label>
        }
    };
    let close = move || {
        d.selected.set(None);
        focus_later(format!("move-{from}-{to}"));
    };
    view! {
        <section class="move-editor card" id="move-editor" data-testid="move-editor" aria-labelledby="move-editor-title">
            <h3 id="move-editor-title">{title}</h3>
            <fieldset class="move-roles">
                <legend>{tr(T::WhoMay)}</legend>
                {Role::ALL.iter().copied().enumerate().map(|(k, r)| view! {
                    <label class="check">
                        <input type="checkbox" name=format!("move-role-{}", r.as_str()) data-testid=format!("move-role-{}", r.as_str())
                            id=(k == 0).then_some("move-editor-first")
                            prop:checked=move || d.def.with(|p| find(p, from, to).is_some_and(|t| t.roles.contains(&r)))
                            on:change=move |_| d.edit(|p| {
                                let t = upsert(p, from, to);
                                if t.roles.contains(&r) { t.roles.retain(|x| *x != r) } else { t.roles.push(r) }
                                // Nothing left of the move: it is gone, as it looks.
                                if t.roles.is_empty() && !restricted(t) {
                                    p.transitions.retain(|t| !(t.from == from && t.to == to));
                                }
                            })/>
                        <span>{move || r.label().text(lang.get())}</span>
                    </label>
                }).collect_view()}
                {move || nobody.get().then(|| view! { <p class="muted" role="status">{tr(T::NobodyYet)}</p> })}
            </fieldset>
            {move || is_order.get().then(|| view! {
                <fieldset class="move-guards">
                    <legend>{tr(T::Requires)}</legend>
                    {guard_box(T::GPaid, "paid", |g| g.paid, |g| g.paid = !g.paid)}
                    {move || paid.get().then(|| guard_box(T::GPlanned, "planned", |g| g.planned_counts, |g| g.planned_counts = !g.planned_counts))}
                    {guard_box(T::GNoTransit, "no_transit", |g| g.no_transit, |g| g.no_transit = !g.no_transit)}
                    {guard_box(T::GReserved, "reserved", |g| g.reserved, |g| g.reserved = !g.reserved)}
                    {guard_box(T::GComment, "comment", |g| g.comment, |g| g.comment = !g.comment)}
                    <label class="move-document"><span>{tr(T::GDocument)}</span>
                        <select name="guard-document" data-testid="guard-document"
                            on:change=move |ev| {
                                let v = event_target_value(&ev).parse::<i64>().ok();
                                d.edit(|p| upsert(p, from, to).guards.document_template_id = v);
                            }>
                            <option value="" selected=move || d.def.with(|p| find(p, from, to).is_none_or(|t| t.guards.document_template_id.is_none()))>
                                {tr(T::NotRequired)}</option>
                            {move || d.templates.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|tpl| {
                                let id = tpl.id;
                                view! {
                                    <option value=id.to_string()
                                        selected=move || d.def.with(|p| find(p, from, to).is_some_and(|t| t.guards.document_template_id == Some(id)))>
                                        {tpl.name}</option>
                                }
                            }).collect_view()}
                        </select>
                    </label>
                </fieldset>
                <fieldset class="move-fulfilments">
                    <legend>{tr(T::ForFulfilments)}</legend>
                    {Fulfilment::ALL.iter().copied().map(|f| view! {
                        <label class="check">
                            <input type="checkbox" name=format!("fulfilment-{}", f.as_str()) data-testid=format!("fulfilment-{}", f.as_str())
                                // None ticked means every kind: shown as all ticked.
                                prop:checked=move || d.def.with(|p| find(p, from, to).is_none_or(|t| t.fulfilments.is_empty() || t.fulfilments.contains(&f)))
                                on:change=move |_| d.edit(|p| {
                                    let list = &mut upsert(p, from, to).fulfilments;
                                    if list.is_empty() { *list = Fulfilment::ALL.to_vec(); }
                                    if list.contains(&f) { list.retain(|x| *x != f) } else { list.push(f) }
                                    // At least one kind stays: an empty list would mean all.
                                    if list.is_empty() { list.push(f) }
                                    if list.len() == Fulfilment::ALL.len() { list.clear() }
                                })/>
                            <span>{move || fulfilment_key(f).text(lang.get())}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
            })}
            <div class="buttons">
                <button type="button" class="danger" data-testid="remove-move"
                    disabled=move || d.def.with(|p| find(p, from, to).is_none())
                    on:click=move |_| {
                        d.edit(|p| p.transitions.retain(|t| !(t.from == from && t.to == to)));
                        close();
                    }>{tr(T::RemoveMove)}</button>
                <button type="button" data-testid="close-move" on:click=move |_| close()>{tr(T::CloseEditor)}</button>
            </div>
        </section>
    }
}
