//! `/reports`: the standard reports (live), the constructor and saved reports; the
//! result table shared by all of them; pinned reports for the home page.

pub mod chart;
pub mod constructor;

use super::api::{list_reports, pin_report, standard_report};
use super::{Chart, Params, SalesBy, Standard, Table, Value};
use crate::i18n::{t, use_lang, Key};
use crate::live::use_live;
use crate::ui::error_box::ErrorBox;
use crate::ui::shell::{me_allows, use_me};
use chart::ChartView;
use leptos::prelude::*;

/// Long texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        RepNoSaved => "No saved reports yet.", "Сохранённых отчётов пока нет.";
        RepTruncated => "Only the first rows are shown; totals cover all of them.", "Показаны только первые строки; итоги — по всем.";
    }
}

pub fn standard_key(s: Standard) -> Key {
    match s {
        Standard::Receivables => Key::RepReceivables,
        Standard::PaymentsByProcess => Key::RepPaymentsByProcess,
        Standard::PaymentsByClient => Key::RepPaymentsByClient,
        Standard::PaymentsByManager => Key::RepPaymentsByManager,
        Standard::PaymentsByFund => Key::RepPaymentsByFund,
        Standard::Balance => Key::RepBalance,
        Standard::Sales => Key::RepSales,
    }
}

fn sales_by_key(b: SalesBy) -> Key {
    match b {
        SalesBy::Shop => Key::RepByShop,
        SalesBy::Category => Key::RepByCategory,
        SalesBy::Product => Key::RepByProduct,
        SalesBy::Manager => Key::RepByManager,
        SalesBy::Day => Key::RepByDay,
    }
}

/// A result as a table with its totals row.
#[component]
pub fn ResultTable(table: Table) -> impl IntoView {
    let lang = use_lang();
    let numeric: Vec<bool> = (0..table.columns.len())
        .map(|c| {
            table
                .rows
                .iter()
                .any(|r| r.get(c).is_some_and(Value::is_numeric))
        })
        .collect();
    let cls = move |c: usize| {
        if numeric.get(c).copied().unwrap_or(false) {
            "num"
        } else {
            ""
        }
    };
    let cls2 = cls.clone();
    let cls3 = cls.clone();
    let empty = table.rows.is_empty();
    // Each cell names its column, so that on a tablet a row can be read as a card.
    let labels: Vec<String> = table
        .columns
        .iter()
        .map(|c| c.label(lang.get_untracked()).to_string())
        .collect();
    let label = move |i: usize| labels.get(i).cloned().unwrap_or_default();
    let label2 = label.clone();
    view! {
        // Focusable, so a keyboard can scroll a table wider than the screen.
        <div class="report-table-wrap" tabindex="0" role="region" aria-label=t(Key::NavReports)>
            <table class="table report-table" data-testid="report-table">
                <thead><tr>
                    {table.columns.iter().enumerate().map(|(i, c)| {
                        let c = c.clone();
                        let id = c.id.clone();
                        view! { <th class=cls(i) data-col=id>{move || c.label(lang.get()).to_string()}</th> }
                    }).collect_view()}
                </tr></thead>
                <tbody>
                    {table.rows.iter().map(|row| view! {
                        <tr data-testid="report-row">
                            {row.iter().enumerate().map(|(i, v)| view! {
                                <td class=cls2(i) data-label=label(i)>{cell_text(v)}</td>
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
                {table.totals.clone().map(|totals| view! {
                    <tfoot><tr data-testid="report-totals">
                        {totals.iter().enumerate().map(|(i, v)| view! {
                            <td class=cls3(i) data-label=label2(i)>{if i == 0 && *v == Value::Null { t(Key::Total)().to_string() } else { cell_text(v) }}</td>
                        }).collect_view()}
                    </tr></tfoot>
                })}
            </table>
            {empty.then(|| view! { <p class="muted">{t(Key::RepNoRows)}</p> })}
            {table.truncated.then(|| view! { <p class="muted">{words::tr(words::T::RepTruncated)}</p> })}
        </div>
    }
}

/// A cell as shown in the page's language: money grouped (`18 314,40`), percents with
/// their sign (see [`crate::format`]).
pub fn cell_text(v: &Value) -> String {
    let lang = crate::format::page_lang();
    match v {
        Value::Null => "—".into(),
        Value::Money(m) => crate::format::amount(*m, lang),
        Value::Percent(p) => crate::format::percent(rust_decimal::Decimal::new(*p, 2), lang),
        Value::Qty(q) => crate::format::qty(*q, lang),
        Value::Day(d) => crate::format::day(*d, lang),
        other => other.text(),
    }
}

fn query(report: Standard, p: &Params, format: &str) -> String {
    let mut q = format!(
        "/api/v1/reports/standard/{}?format={format}",
        report.as_str()
    );
    if report.has_period() && p.all_time {
        q.push_str("&all_time=true");
    } else if report.has_period() {
        for (k, v) in [("from", &p.from), ("to", &p.to)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.push_str(&format!("&{k}={v}"));
            }
        }
    }
    if let Some(by) = p.by {
        q.push_str(&format!("&by={}", by.as_str()));
    }
    if p.per_manager {
        q.push_str("&per_manager=true");
    }
    q
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let me = use_me();
    let tab = RwSignal::new("standard");
    let opened = RwSignal::new(None::<i64>);
    provide_context(constructor::Opened(opened));
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t(Key::NavReports)}</h1>
                <div class="tabs">
                    <button class=move || if tab.get() == "standard" { "tab active" } else { "tab" }
                        data-testid="tab-standard" on:click=move |_| tab.set("standard")>{t(Key::RepStandard)}</button>
                    <button class=move || if tab.get() == "saved" { "tab active" } else { "tab" }
                        data-testid="tab-saved" on:click=move |_| tab.set("saved")>{t(Key::RepSaved)}</button>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let me = me.await;
                            me_allows(&me, crate::auth::Action::BuildReports).then(|| view! {
                                <button class=move || if tab.get() == "constructor" { "tab active" } else { "tab" }
                                    data-testid="tab-constructor" on:click=move |_| tab.set("constructor")>{t(Key::RepConstructor)}</button>
                            })
                        })}
                    </Suspense>
                </div>
            </div>
            {move || match tab.get() {
                "saved" => view! { <SavedList open=move |id| { opened.set(Some(id)); tab.set("constructor"); }/> }.into_any(),
                "constructor" => view! { <constructor::Constructor/> }.into_any(),
                _ => view! { <StandardReports/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn StandardReports() -> impl IntoView {
    let live = use_live();
    let report = RwSignal::new(Standard::Receivables);
    // The period is always shown: the current month until another is picked.
    let today = crate::time::viewer().today();
    let (first, last) = crate::time::preset_period("month", today).unwrap_or_default();
    let preset = RwSignal::new("month".to_string());
    let from = RwSignal::new(first);
    let to = RwSignal::new(last);
    let pick = move |p: String| {
        match crate::time::preset_period(&p, today) {
            Some((f, t)) => {
                from.set(f);
                to.set(t);
            }
            None => {
                from.set(String::new());
                to.set(String::new());
            }
        }
        preset.set(p);
    };
    let by = RwSignal::new(SalesBy::Shop);
    let per_manager = RwSignal::new(false);
    let params = move || Params {
        from: Some(from.get()),
        to: Some(to.get()),
        all_time: preset.get() == "all",
        by: (report.get() == Standard::Sales).then(|| by.get()),
        per_manager: per_manager.get(),
        ..Params::default()
    };
    // Re-read whenever an order, payment or client changes anywhere in the chain.
    let result = Resource::new(
        move || {
            (
                report.get(),
                params(),
                live.orders_version.get(),
                live.clients_version.get(),
            )
        },
        |(r, p, _, _)| standard_report(r, p),
    );
    let chart = RwSignal::new(Chart::Bar);
    view! {
        <div class="report-picker" data-testid="standard-picker">
            {Standard::ALL.into_iter().map(|s| view! {
                <button class=move || if report.get() == s { "chip active" } else { "chip" }
                    data-testid=format!("std-{}", s.as_str()) on:click=move |_| report.set(s)>{t(standard_key(s))}</button>
            }).collect_view()}
        </div>
        <div class="report-params">
            <Show when=move || report.get().has_period()>
                <select data-testid="std-preset" aria-label=t(Key::RepPeriod) on:change=move |ev| pick(event_target_value(&ev))>
                    {[("month", Key::RepThisMonth), ("last_month", Key::RepLastMonth), ("year", Key::RepThisYear), ("all", Key::RepAllTime), ("custom", Key::RepCustom)]
                        .into_iter().map(|(v, k)| view! { <option value=v selected=move || preset.get() == v>{t(k)}</option> }).collect_view()}
                </select>
                <label>{t(Key::RepFrom)} <input type="date" data-testid="std-from" prop:value=from value=from.get_untracked() disabled=move || preset.get() == "all"
                    on:change=move |ev| { from.set(event_target_value(&ev)); preset.set("custom".into()); }/></label>
                <label>{t(Key::RepTo)} <input type="date" data-testid="std-to" prop:value=to value=to.get_untracked() disabled=move || preset.get() == "all"
                    on:change=move |ev| { to.set(event_target_value(&ev)); preset.set("custom".into()); }/></label>
            </Show>
            <Show when=move || report.get() == Standard::Sales>
                <select data-testid="std-by" aria-label=t(Key::RepGroupBy) on:change=move |ev| by.set(SalesBy::parse(&event_target_value(&ev)).unwrap_or_default())>
                    {SalesBy::ALL.into_iter().map(|b| view! { <option value=b.as_str() selected=move || by.get() == b>{t(sales_by_key(b))}</option> }).collect_view()}
                </select>
            </Show>
            <Show when=move || matches!(report.get(), Standard::PaymentsByProcess | Standard::PaymentsByClient)>
                <label class="check"><input type="checkbox" data-testid="std-per-manager" prop:checked=per_manager
                    on:change=move |ev| per_manager.set(event_target_checked(&ev))/> {t(Key::RepPerManager)}</label>
            </Show>
            <select data-testid="std-chart" aria-label=t(Key::RepChart) on:change=move |ev| chart.set(match event_target_value(&ev).as_str() {
                "line" => Chart::Line, "pie" => Chart::Pie, "none" => Chart::None, _ => Chart::Bar })>
                <option value="bar">{t(Key::RepChartBar)}</option>
                <option value="line">{t(Key::RepChartLine)}</option>
                <option value="pie">{t(Key::RepChartPie)}</option>
                <option value="none">{t(Key::RepChartNone)}</option>
            </select>
            <a class="button" data-testid="std-csv" href=move || query(report.get(), &params(), "csv")>"CSV"</a>
            <a class="button" data-testid="std-xlsx" href=move || query(report.get(), &params(), "xlsx")>"XLSX"</a>
            <span class="muted live-note">{t(Key::RepLive)}</span>
        </div>
        <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match result.await {
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(table) => {
                        let kind = chart.get();
                        view! {
                            <ChartView table=table.clone() kind=kind/>
                            <ResultTable table=table/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Saved reports the user may open; pin to the home page; open in the constructor.
#[component]
fn SavedList(open: impl Fn(i64) + Clone + Send + Sync + 'static) -> impl IntoView {
    let live = use_live();
    let bump = RwSignal::new(0u32);
    let list = Resource::new(
        move || (bump.get(), live.orders_version.get()),
        |_| list_reports(),
    );
    let pin = Action::new(move |(id, pinned): &(i64, bool)| {
        let (id, pinned) = (*id, *pinned);
        async move {
            let r = pin_report(id, pinned).await;
            bump.update(|b| *b += 1);
            r
        }
    });
    let remove = Action::new(move |id: &i64| {
        let id = *id;
        async move {
            let r = super::api::delete_report(id).await;
            bump.update(|b| *b += 1);
            r
        }
    });
    let selected = RwSignal::new(None::<(i64, String, Chart)>);
    let error = RwSignal::new(None);
    let me = use_me();
    Effect::new(move || {
        if let Some(Err(e)) = remove.value().get() {
            error.set(Some(e));
        }
    });
    Effect::new(move || {
        if let Some(Err(e)) = pin.value().get() {
            error.set(Some(e));
        }
    });
    view! {
        <ErrorBox error=error/>
        <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
            {move || {
                let open = open.clone();
                Suspend::new(async move {
                let builder = me_allows(&me.await, crate::auth::Action::BuildReports);
                match list.await {
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{words::tr(words::T::RepNoSaved)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="saved-reports" data-testid="saved-reports">
                            {list.into_iter().map(|r| {
                                let open = open.clone();
                                let id = r.id;
                                let pinned = r.pinned;
                                view! {
                                    <li data-testid="saved-report">
                                        <button class="link" data-testid="saved-report-open" on:click={
                                            let (name, chart) = (r.name.clone(), r.spec.chart);
                                            move |_| selected.set(Some((id, name.clone(), chart)))
                                        }>{r.name.clone()}</button>
                                        {builder.then(|| view! {
                                            <button class="chip" data-testid="saved-report-edit" on:click=move |_| open(id)>{t(Key::Edit)}</button>
                                            <button class="chip" data-testid="saved-report-delete" on:click=move |_| {
                                                if selected.get_untracked().is_some_and(|s| s.0 == id) { selected.set(None); }
                                                remove.dispatch(id);
                                            }>{t(Key::Delete)}</button>
                                        })}
                                        <span class="muted">{r.owner.clone()}</span>
                                        <button class="chip" data-testid="saved-report-pin" on:click=move |_| { pin.dispatch((id, !pinned)); }>
                                            {if pinned { t(Key::RepUnpin) } else { t(Key::RepPin) }}
                                        </button>
                                        <a class="button" href=format!("/api/v1/reports/{id}/run?format=csv")>"CSV"</a>
                                        <a class="button" href=format!("/api/v1/reports/{id}/run?format=xlsx")>"XLSX"</a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}}
        </Transition>
        {move || selected.get().map(|(id, name, chart)| view! { <PinnedReport id=id name=name chart=chart/> })}
    }
}

/// The home page's dashboard: the reports the user pinned, each run now, live (nothing
/// for roles without reports). One resource for all of them.
#[component]
pub fn PinnedReports() -> impl IntoView {
    let live = use_live();
    let pinned = Resource::new(
        move || (live.orders_version.get(), live.clients_version.get()),
        |_| super::api::dashboard(),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let pinned = pinned.await.unwrap_or_default();
                (!pinned.is_empty()).then(|| view! {
                    <section class="dashboard" data-testid="dashboard">
                        <h2>{t(Key::RepDashboard)}</h2>
                        {pinned.into_iter().map(|p| view! {
                            <article class="card pinned-report" data-testid="pinned-report">
                                <h3>{p.name.clone()}</h3>
                                {match p.result {
                                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                                    Ok(table) => view! {
                                        <ChartView table=table.clone() kind=p.chart/>
                                        <ResultTable table=table/>
                                    }.into_any(),
                                }}
                            </article>
                        }).collect_view()}
                    </section>
                })
            })}
        </Transition>
    }
}

#[component]
fn PinnedReport(id: i64, name: String, chart: Chart) -> impl IntoView {
    let live = use_live();
    let result = Resource::new(
        move || (live.orders_version.get(), live.clients_version.get()),
        move |_| super::api::run_saved_report(id, Params::default()),
    );
    view! {
        <article class="card pinned-report" data-testid="pinned-report">
            <h3>{name}</h3>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match result.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(table) => view! {
                            <ChartView table=table.clone() kind=chart/>
                            <ResultTable table=table/>
                        }.into_any(),
                    }
                })}
            </Transition>
        </article>
    }
}
