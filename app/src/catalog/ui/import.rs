//! `/stock/import`: choose a CSV file, check it (per-row errors and a preview), then
//! import all rows, or only the valid ones.

use crate::catalog::api::import_csv_stream;
use crate::catalog::{ImportPhase, ImportReport, ImportRequest, ImportTarget, ImportUpdate};
use crate::error::{AppError, Field, Problem};
use crate::i18n::{t, use_lang, Key};
use crate::org::api::list_locations;
use crate::ui::error_box::ErrorBox;
use crate::ui::outcome::on_outcome;
use leptos::prelude::*;

/// Long texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        ImportStock => "Opening stock (sku; qty) at a location", "Начальные остатки (артикул; количество) в точке";
        ImportValidOnly => "Import only the valid rows", "Импортировать только верные строки";
        ImportBlocked => "Nothing was imported: correct the rows with errors, or choose to import only the valid rows.", "Ничего не импортировано: исправьте строки с ошибками или выберите импорт только верных строк.";
        ImportCatalog => "Catalog (sku; name; price; unit; cost; barcodes; category)", "Каталог (артикул; название; цена; ед; себестоимость; штрихкоды; категория)";
    }
}

/// Reads the chosen file's text (in the browser).
#[cfg(feature = "hydrate")]
async fn read_file(input: web_sys::HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    text.as_string()
}

/// Runs the import, moving `progress` as the server's lines arrive; the final report.
async fn run_import(
    request: ImportRequest,
    progress: RwSignal<Option<(ImportPhase, usize, usize)>>,
) -> Result<ImportReport, AppError> {
    use futures::StreamExt;
    let mut stream = import_csv_stream(request).await?.into_inner();
    let mut buffer = String::new();
    while let Some(chunk) = stream.next().await {
        buffer.push_str(&chunk?);
        while let Some(end) = buffer.find('\n') {
            let line: String = buffer.drain(..=end).collect();
            match serde_json::from_str::<ImportUpdate>(line.trim_end()) {
                Ok(ImportUpdate::Progress { phase, done, total }) => {
                    progress.set(Some((phase, done, total)))
                }
                Ok(ImportUpdate::Finished(result)) => return result,
                Err(_) => return Err(AppError::Internal),
            }
        }
    }
    // The stream ended without an outcome: the connection broke.
    Err(AppError::Unavailable)
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let locations = Resource::new(|| (), |_| list_locations());
    let target = RwSignal::new("catalog".to_string());
    let location = RwSignal::new(String::new());
    let csv = RwSignal::new(String::new());
    let only_valid = RwSignal::new(false);
    let report = RwSignal::new(None::<ImportReport>);
    let last_was_apply = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let progress = RwSignal::new(None::<(ImportPhase, usize, usize)>);
    let run = Action::new_local(move |request: &ImportRequest| {
        progress.set(None);
        run_import(request.clone(), progress)
    });
    Effect::new(move || {
        if let Some(Ok(r)) = run.value().get() {
            report.set(Some(r));
        }
    });
    on_outcome(run, error, || {});
    let request = move |apply: bool| {
        let target = if target.get_untracked() == "stock" {
            match location.get_untracked().parse::<i64>() {
                Ok(location_id) => ImportTarget::Stock { location_id },
                Err(_) => {
                    error.set(Some(AppError::invalid(Field::Location, Problem::Required)));
                    return;
                }
            }
        } else {
            ImportTarget::Catalog
        };
        last_was_apply.set(apply);
        run.dispatch(ImportRequest {
            target,
            csv: csv.get_untracked(),
            apply,
            only_valid: only_valid.get_untracked(),
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        report.set(None);
        #[cfg(feature = "hydrate")]
        {
            let input = event_target::<web_sys::HtmlInputElement>(&ev);
            leptos::task::spawn_local(async move {
                csv.set(read_file(input).await.unwrap_or_default());
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let lang = use_lang();
    view! {
        <section class="page">
            <h1>{t(Key::Import)}</h1>
            <div class="card form-grid" data-testid="import-form">
                <label><span>{t(Key::DocKindLabel)}</span>
                    <select name="target" bind:value=target>
                        <option value="catalog">{words::tr(words::T::ImportCatalog)}</option>
                        <option value="stock">{words::tr(words::T::ImportStock)}</option>
                    </select>
                </label>
                <Transition>
                    {move || locations.get().map(|r| {
                        let list = r.unwrap_or_default();
                        view! {
                            <Show when=move || target.get() == "stock">
                                <label><span>{t(Key::Location)}</span>
                                    <select name="location" bind:value=location>
                                        <option value="">{t(Key::None_)}</option>
                                        {list.iter().filter(|l| l.active).map(|l| view! {
                                            <option value=l.id.to_string()>{l.name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                            </Show>
                        }
                    })}
                </Transition>
                <label><span>{t(Key::ChooseFile)}</span>
                    <input type="file" name="file" accept=".csv,text/csv,text/plain" on:change=on_file/></label>
                <label class="check"><input type="checkbox" name="only-valid" bind:checked=only_valid/>
                    <span>{words::tr(words::T::ImportValidOnly)}</span></label>
                <ErrorBox error/>
                <div class="buttons">
                    <button type="button" data-testid="import-check"
                        disabled=move || csv.get().is_empty() || run.pending().get()
                        on:click=move |_| request(false)>{t(Key::Check)}</button>
                    <button type="button" class="primary" data-testid="import-apply"
                        disabled=move || report.get().is_none() || run.pending().get()
                        on:click=move |_| request(true)>{t(Key::DoImport)}</button>
                </div>
                <Show when=move || run.pending().get()>
                    {move || match progress.get() {
                        Some((phase, done, total)) => {
                            let percent = (done.min(total) * 100).checked_div(total).unwrap_or(100);
                            let label = match phase {
                                ImportPhase::Checking => Key::ImportChecking,
                                ImportPhase::Writing => Key::ImportWriting,
                            };
                            view! {
                                <div class="import-progress">
                                    <progress data-testid="import-progress" max="100" value=percent.to_string()></progress>
                                    <span data-testid="import-percent">{t(label)} " " {done} " / " {total} " (" {percent} "%)"</span>
                                </div>
                            }.into_any()
                        }
                        None => view! { <progress data-testid="import-progress"></progress> }.into_any(),
                    }}
                </Show>
            </div>
            {move || report.get().map(|r| {
                let blocked = last_was_apply.get_untracked() && !r.applied && !r.errors.is_empty();
                view! {
                    <div class="card" data-testid="import-report">
                        <p>
                            {t(Key::RowsRead)} ": " <b data-testid="rows">{r.rows}</b> ", "
                            {t(Key::RowsValid)} ": " <b data-testid="valid">{r.valid}</b> ", "
                            {t(Key::RowsWithErrors)} ": " <b data-testid="invalid">{r.errors.len()}</b>
                        </p>
                        {r.applied.then(|| view! { <p class="notice" data-testid="imported">{t(Key::Imported)}</p> })}
                        {blocked.then(|| view! { <p class="error" data-testid="import-blocked">{words::tr(words::T::ImportBlocked)}</p> })}
                        {(!r.errors.is_empty()).then(|| view! {
                            <div class="table-wrap">
                                <table class="table" data-testid="import-errors">
                                    <thead><tr><th>{t(Key::Line)}</th><th>{t(Key::Problem)}</th></tr></thead>
                                    <tbody>
                                        {r.errors.iter().map(|e| {
                                            let line = e.line;
                                            let error = e.error.clone();
                                            view! { <tr><td>{line}</td><td>{move || error.message(lang.get())}</td></tr> }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                        {(!r.preview.is_empty() && !r.applied).then(|| view! {
                            <div class="table-wrap">
                                <table class="table" data-testid="import-preview">
                                    <tbody>
                                        {r.preview.iter().map(|row| view! {
                                            <tr>{row.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                    </div>
                }
            })}
        </section>
    }
}
