//! The report constructor (admins and directors): choose a block, add groupings,
//! measures and filters by clicking, run (with progress and cancel), see the table
//! and the chart, save with a name and the roles it is shared with.

use super::chart::ChartView;
use super::ResultTable;
use crate::auth::Role;
use crate::i18n::{t, use_lang, Key};
use crate::reports::api::{cancel_report, get_report, report_status, save_report, start_report};
use crate::reports::fields::{self, Kind};
use crate::reports::{Chart, Filter, Group, Measure, Params, RunState, Sort, Spec};
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

/// Texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        RepListFields => "Columns (without grouping)", "Колонки (без группировки)";
        RepGroupField => "Field to group by", "Поле для группировки";
        RepBucketOf => "Period of grouping", "Период группировки";
        RepFunc => "Measure", "Показатель";
        RepMeasureField => "Field of the measure", "Поле показателя";
        RepFilterField => "Field to filter", "Поле фильтра";
        RepFilterOp => "Condition", "Условие";
        RepFilterValue => "Value", "Значение";
    }
}

/// The saved report to open in the constructor (set by the saved list).
#[derive(Clone, Copy)]
pub struct Opened(pub RwSignal<Option<i64>>);

async fn sleep_ms(ms: u32) {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

fn func_key(f: &str) -> Key {
    match f {
        "sum" => Key::RepSum,
        "count" => Key::RepCount,
        "avg" => Key::RepAvg,
        "min" => Key::RepMin,
        "max" => Key::RepMax,
        "distinct" => Key::RepDistinct,
        _ => Key::RepMargin,
    }
}

fn op_key(op: &str) -> &'static str {
    match op {
        "eq" => "=",
        "ne" => "≠",
        "lt" => "<",
        "le" => "≤",
        "gt" => ">",
        "ge" => "≥",
        "in" => "∈",
        _ => "∋",
    }
}

#[component]
pub fn Constructor() -> impl IntoView {
    let lang = use_lang();
    let opened = use_context::<Opened>().map(|o| o.0);
    let block = RwSignal::new("payments".to_string());
    let groups = RwSignal::new(Vec::<Group>::new());
    let measures = RwSignal::new(Vec::<Measure>::new());
    let filters = RwSignal::new(Vec::<Filter>::new());
    let listed = RwSignal::new(Vec::<String>::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let sort = RwSignal::new(None::<usize>);
    let desc = RwSignal::new(true);
    let chart = RwSignal::new(Chart::Bar);
    let name = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<Role>::new());
    let saved_id = RwSignal::new(None::<i64>);
    let saved_note = RwSignal::new(false);
    let state = RwSignal::new(None::<RunState>);
    let run_id = RwSignal::new(None::<u64>);
    let error = RwSignal::new(None);

    // Pickers.
    let g_field = RwSignal::new(String::new());
    let g_bucket = RwSignal::new("month".to_string());
    let m_func = RwSignal::new("sum".to_string());
    let m_field = RwSignal::new(String::new());
    let f_field = RwSignal::new(String::new());
    let f_op = RwSignal::new("eq".to_string());
    let f_value = RwSignal::new(String::new());
    let l_field = RwSignal::new(String::new());

    let block_def = move || fields::block(&block.get()).unwrap_or(&fields::BLOCKS[0]);
    let all = move || fields::all_fields(block_def(), lang.get());
    let label_of = move |path: &str| {
        fields::resolve(block_def(), path).map_or(path.to_string(), |r| r.label(lang.get()))
    };
    let kind_of = move |path: &str| fields::resolve(block_def(), path).map(|r| r.col.kind);

    let spec = move || Spec {
        block: block.get(),
        from: Some(from.get()).filter(|s| !s.is_empty()),
        to: Some(to.get()).filter(|s| !s.is_empty()),
        groups: groups.get(),
        fields: listed.get(),
        measures: measures.get(),
        filters: filters.get(),
        sort: sort
            .get()
            .map(|column| {
                vec![Sort {
                    column,
                    desc: desc.get(),
                }]
            })
            .unwrap_or_default(),
        limit: None,
        chart: chart.get(),
    };

    // Open a saved report.
    if let Some(opened) = opened {
        Effect::new(move || {
            if let Some(id) = opened.get() {
                leptos::task::spawn_local(async move {
                    match get_report(id).await {
                        Ok(r) => {
                            block.set(r.spec.block.clone());
                            groups.set(r.spec.groups.clone());
                            measures.set(r.spec.measures.clone());
                            filters.set(r.spec.filters.clone());
                            listed.set(r.spec.fields.clone());
                            from.set(r.spec.from.clone().unwrap_or_default());
                            to.set(r.spec.to.clone().unwrap_or_default());
                            sort.set(r.spec.sort.first().map(|s| s.column));
                            desc.set(r.spec.sort.first().is_none_or(|s| s.desc));
                            chart.set(r.spec.chart);
                            name.set(r.name.clone());
                            roles.set(r.roles.clone());
                            saved_id.set(Some(r.id));
                            state.set(None);
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        });
    }

    let run = move |_| {
        let spec = spec();
        error.set(None);
        state.set(Some(RunState::Running { done: 0, of: 1 }));
        leptos::task::spawn_local(async move {
            let id = match start_report(Some(spec), None, Params::default()).await {
                Ok(id) => id,
                Err(e) => {
                    state.set(None);
                    error.set(Some(e));
                    return;
                }
            };
            run_id.set(Some(id));
            loop {
                sleep_ms(200).await;
                match report_status(id).await {
                    Ok(s) => {
                        let running = matches!(s, RunState::Running { .. });
                        if let RunState::Failed { error: e } = &s {
                            error.set(Some(e.clone()));
                        }
                        state.set(Some(s));
                        if !running {
                            break;
                        }
                    }
                    Err(e) => {
                        error.set(Some(e));
                        break;
                    }
                }
            }
            run_id.set(None);
        });
    };
    let cancel = move |_| {
        if let Some(id) = run_id.get_untracked() {
            leptos::task::spawn_local(async move {
                let _ = cancel_report(id).await;
            });
        }
    };
    let save = move |_| {
        let spec = spec();
        saved_note.set(false);
        leptos::task::spawn_local(async move {
            match save_report(
                saved_id.get_untracked(),
                name.get_untracked(),
                spec,
                roles.get_untracked(),
            )
            .await
            {
                Ok(r) => {
                    saved_id.set(Some(r.id));
                    saved_note.set(true);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let new_report = move |_| {
        groups.set(Vec::new());
        measures.set(Vec::new());
        filters.set(Vec::new());
        listed.set(Vec::new());
        name.set(String::new());
        saved_id.set(None);
        state.set(None);
    };

    let field_options = move |only: fn(Kind) -> bool| {
        all()
            .into_iter()
            .filter(|(_, _, k)| only(*k))
            .map(|(path, label, _)| view! { <option value=path.clone()>{label}</option> })
            .collect_view()
    };

    view! {
        <div class="constructor" data-testid="constructor">
            <div class="constructor-row">
                <label>{t(Key::RepBlock)}
                    <select data-testid="c-block" on:change=move |ev| {
                        block.set(event_target_value(&ev));
                        groups.set(Vec::new()); measures.set(Vec::new()); filters.set(Vec::new()); listed.set(Vec::new());
                        sort.set(None); state.set(None);
                    }>
                        {fields::BLOCKS.iter().map(|b| view! {
                            <option value=b.id selected=move || block.get() == b.id>{move || b.label(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{t(Key::RepFrom)} <input type="date" data-testid="c-from" prop:value=from on:change=move |ev| from.set(event_target_value(&ev))/></label>
                <label>{t(Key::RepTo)} <input type="date" data-testid="c-to" prop:value=to on:change=move |ev| to.set(event_target_value(&ev))/></label>
                <button class="secondary" on:click=new_report>{t(Key::RepNew)}</button>
            </div>

            <fieldset>
                <legend>{t(Key::RepGroupBy)}</legend>
                <ul class="chips">
                    {move || groups.get().into_iter().enumerate().map(|(i, g)| view! {
                        <li class="chip" data-testid="c-group">
                            {label_of(&g.field)} {g.bucket.clone().map(|b| format!(" ({b})"))}
                            <button class="x" aria-label=t(Key::Remove) on:click=move |_| groups.update(|v| { v.remove(i); })>"×"</button>
                        </li>
                    }).collect_view()}
                </ul>
                <select data-testid="c-group-field" aria-label=words::tr(words::T::RepGroupField) on:change=move |ev| g_field.set(event_target_value(&ev))>
                    <option value="">{t(Key::RepChooseField)}</option>
                    {move || field_options(|_| true)}
                </select>
                <Show when=move || kind_of(&g_field.get()) == Some(Kind::Time)>
                    <select data-testid="c-group-bucket" aria-label=words::tr(words::T::RepBucketOf) on:change=move |ev| g_bucket.set(event_target_value(&ev))>
                        <option value="month" selected=true>{t(Key::RepMonth)}</option>
                        <option value="week">{t(Key::RepWeek)}</option>
                        <option value="day">{t(Key::RepDay)}</option>
                    </select>
                </Show>
                <button data-testid="c-add-group" on:click=move |_| {
                    let f = g_field.get();
                    if f.is_empty() { return; }
                    let bucket = (kind_of(&f) == Some(Kind::Time)).then(|| g_bucket.get());
                    groups.update(|v| v.push(Group { field: f, bucket }));
                }>{t(Key::RepAdd)}</button>
            </fieldset>

            <fieldset>
                <legend>{t(Key::RepMeasures)}</legend>
                <ul class="chips">
                    {move || measures.get().into_iter().enumerate().map(|(i, m)| view! {
                        <li class="chip" data-testid="c-measure">
                            {t(func_key(&m.func))} {m.field.as_deref().map(|f| format!(": {}", label_of(f)))}
                            <button class="x" aria-label=t(Key::Remove) on:click=move |_| measures.update(|v| { v.remove(i); })>"×"</button>
                        </li>
                    }).collect_view()}
                </ul>
                <select data-testid="c-measure-func" aria-label=words::tr(words::T::RepFunc) on:change=move |ev| m_func.set(event_target_value(&ev))>
                    {["sum", "count", "avg", "min", "max", "distinct", "margin"].into_iter().map(|f| view! {
                        <option value=f selected=move || m_func.get() == f>{t(func_key(f))}</option>
                    }).collect_view()}
                </select>
                <Show when=move || !matches!(m_func.get().as_str(), "count" | "margin")>
                    <select data-testid="c-measure-field" aria-label=words::tr(words::T::RepMeasureField) on:change=move |ev| m_field.set(event_target_value(&ev))>
                        <option value="">{t(Key::RepChooseField)}</option>
                        {move || if m_func.get() == "distinct" { field_options(|_| true) } else { field_options(|k| k.is_numeric()) }}
                    </select>
                </Show>
                <button data-testid="c-add-measure" on:click=move |_| {
                    let func = m_func.get();
                    let field = (!matches!(func.as_str(), "count" | "margin")).then(|| m_field.get()).filter(|f| !f.is_empty());
                    if field.is_none() && !matches!(func.as_str(), "count" | "margin") { return; }
                    measures.update(|v| v.push(Measure { func, field }));
                }>{t(Key::RepAdd)}</button>
            </fieldset>

            <fieldset>
                <legend>{t(Key::RepFilters)}</legend>
                <ul class="chips">
                    {move || filters.get().into_iter().enumerate().map(|(i, f)| view! {
                        <li class="chip" data-testid="c-filter">
                            {label_of(&f.field)} " " {op_key(&f.op)} " " {f.value.clone()}
                            <button class="x" aria-label=t(Key::Remove) on:click=move |_| filters.update(|v| { v.remove(i); })>"×"</button>
                        </li>
                    }).collect_view()}
                </ul>
                <select data-testid="c-filter-field" aria-label=words::tr(words::T::RepFilterField) on:change=move |ev| f_field.set(event_target_value(&ev))>
                    <option value="">{t(Key::RepChooseField)}</option>
                    {move || field_options(|_| true)}
                </select>
                <select data-testid="c-filter-op" aria-label=words::tr(words::T::RepFilterOp) on:change=move |ev| f_op.set(event_target_value(&ev))>
                    {["eq", "ne", "lt", "le", "gt", "ge", "contains", "in"].into_iter().map(|op| view! {
                        <option value=op>{op_key(op)}</option>
                    }).collect_view()}
                </select>
                <input data-testid="c-filter-value" aria-label=words::tr(words::T::RepFilterValue) prop:value=f_value on:input=move |ev| f_value.set(event_target_value(&ev))/>
                <button data-testid="c-add-filter" on:click=move |_| {
                    let field = f_field.get();
                    if field.is_empty() { return; }
                    filters.update(|v| v.push(Filter { field, op: f_op.get(), value: f_value.get() }));
                    f_value.set(String::new());
                }>{t(Key::RepAdd)}</button>
            </fieldset>

            <Show when=move || groups.get().is_empty() && measures.get().is_empty()>
                <fieldset>
                    <legend>{words::tr(words::T::RepListFields)}</legend>
                    <ul class="chips">
                        {move || listed.get().into_iter().enumerate().map(|(i, f)| view! {
                            <li class="chip">{label_of(&f)}
                                <button class="x" aria-label=t(Key::Remove) on:click=move |_| listed.update(|v| { v.remove(i); })>"×"</button>
                            </li>
                        }).collect_view()}
                    </ul>
                    <select data-testid="c-list-field" aria-label=t(Key::RepChooseField) on:change=move |ev| l_field.set(event_target_value(&ev))>
                        <option value="">{t(Key::RepChooseField)}</option>
                        {move || field_options(|_| true)}
                    </select>
                    <button data-testid="c-add-list" on:click=move |_| {
                        let f = l_field.get();
                        if !f.is_empty() { listed.update(|v| v.push(f)); }
                    }>{t(Key::RepAdd)}</button>
                </fieldset>
            </Show>

            <div class="constructor-row">
                <label>{t(Key::RepSortBy)}
                    <select data-testid="c-sort" on:change=move |ev| sort.set(event_target_value(&ev).parse().ok())>
                        <option value="">"—"</option>
                        {move || {
                            let mut cols: Vec<String> = groups.get().iter().map(|g| label_of(&g.field)).collect();
                            cols.extend(measures.get().iter().map(|m| format!("{}{}", t(func_key(&m.func))(),
                                m.field.as_deref().map(|f| format!(": {}", label_of(f))).unwrap_or_default())));
                            cols.into_iter().enumerate().map(|(i, c)| view! {
                                <option value=i.to_string() selected=move || sort.get() == Some(i)>{c}</option>
                            }).collect_view()
                        }}
                    </select>
                </label>
                <label class="check"><input type="checkbox" prop:checked=desc on:change=move |ev| desc.set(event_target_checked(&ev))/> {t(Key::RepDescending)}</label>
                <label>{t(Key::RepChart)}
                    <select data-testid="c-chart" on:change=move |ev| chart.set(match event_target_value(&ev).as_str() {
                        "line" => Chart::Line, "pie" => Chart::Pie, "none" => Chart::None, _ => Chart::Bar })>
                        <option value="bar" selected=move || chart.get() == Chart::Bar>{t(Key::RepChartBar)}</option>
                        <option value="line" selected=move || chart.get() == Chart::Line>{t(Key::RepChartLine)}</option>
                        <option value="pie" selected=move || chart.get() == Chart::Pie>{t(Key::RepChartPie)}</option>
                        <option value="none" selected=move || chart.get() == Chart::None>{t(Key::RepChartNone)}</option>
                    </select>
                </label>
                <button class="primary" data-testid="c-run" on:click=run>{t(Key::RepRun)}</button>
                <Show when=move || run_id.get().is_some()>
                    <button class="secondary" data-testid="c-cancel" on:click=cancel>{t(Key::Cancel)}</button>
                </Show>
            </div>

            <ErrorBox error=error/>
            {move || match state.get() {
                Some(RunState::Running { done, of }) => view! {
                    <p data-testid="c-progress"><progress max=of.to_string() value=done.to_string()></progress>
                        " " {t(Key::RepRunning)} " " {format!("{done} / {of}")}</p>
                }.into_any(),
                Some(RunState::Cancelled) => view! { <p class="muted" data-testid="c-cancelled">{t(Key::RepCancelled)}</p> }.into_any(),
                Some(RunState::Done { table }) => view! {
                    <ChartView table=table.clone() kind=chart.get_untracked()/>
                    <ResultTable table=table/>
                }.into_any(),
                _ => ().into_any(),
            }}

            <div class="constructor-row save-row">
                <input data-testid="c-name" placeholder=t(Key::RepName) aria-label=t(Key::RepName) prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                <span>{t(Key::RepShareWith)}</span>
                {Role::ALL.into_iter().map(|role| view! {
                    <label class="check">
                        <input type="checkbox" data-testid=format!("c-role-{}", role.as_str())
                            prop:checked=move || roles.get().contains(&role)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                roles.update(|r| { r.retain(|x| *x != role); if on { r.push(role); } });
                            }/>
                        {t(role.label())}
                    </label>
                }).collect_view()}
                <button class="primary" data-testid="c-save" on:click=save>{t(Key::Save)}</button>
                <Show when=move || saved_note.get()>
                    <span class="ok" data-testid="c-saved">{t(Key::Saved)}</span>
                </Show>
                {move || saved_id.get().map(|id| view! {
                    <a class="button" data-testid="c-csv" href=format!("/api/v1/reports/{id}/run?format=csv")>"CSV"</a>
                    <a class="button" data-testid="c-xlsx" href=format!("/api/v1/reports/{id}/run?format=xlsx")>"XLSX"</a>
                })}
            </div>
        </div>
    }
}
