//! `/settings/templates`: the document templates (admins), and
//! `/settings/templates/:id`: the editor — typst markup with `{{ placeholders }}` on the
//! left, the document rendered on a real order on the right, redrawn a moment after
//! each change. Saving refuses a template that does not render, with its line.

use crate::documents::api::{
    get_template, list_templates, preview_template, save_template, template_starter,
};
use crate::documents::{DocKind, DocLang, Template, TemplateInput};
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::orders::api::list_orders;
use crate::orders::OrderFilter;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

/// Long texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        NewFromGallery => "New template from the gallery", "Новый шаблон из галереи";
        TemplateHelp => "Typst markup; {{ order.number }}, {{ client.name }}, {{ order.total }}, {{ order.total_words }}, {{ company.inn }}, {{ doc.title }}, {% for line in lines %}…{% endfor %} with line.name, line.qty, line.price, line.amount. Values are printed as typed; a field that does not exist shows as a red gap.", "Разметка Typst; {{ order.number }}, {{ client.name }}, {{ order.total }}, {{ order.total_words }}, {{ company.inn }}, {{ doc.title }}, {% for line in lines %}…{% endfor %} с line.name, line.qty, line.price, line.amount. Значения печатаются как введены; несуществующее поле видно как красный пропуск.";
        TemplatesHint => "Invoices, contracts, waybills and receipts are generated from these templates. Start a new one from the gallery.", "По этим шаблонам формируются счета, договоры, накладные и чеки. Новый шаблон начинается с образца из галереи.";
    }
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_templates());
    let kind = RwSignal::new(DocKind::Invoice);
    let lang = RwSignal::new(DocLang::Ru);
    let error = RwSignal::new(None::<AppError>);
    let create = Action::new(|(kind, lang): &(DocKind, DocLang)| {
        let (kind, lang) = (*kind, *lang);
        async move {
            let body = template_starter(kind, lang).await?;
            let name = format!("{} ({})", kind.title(lang.lang()), lang.as_str());
            save_template(
                None,
                TemplateInput {
                    kind,
                    lang,
                    name,
                    body,
                    active: false,
                },
            )
            .await
        }
    });
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move || match create.value().get() {
        Some(Ok(tpl)) => navigate(
            &format!("/settings/templates/{}", tpl.id),
            Default::default(),
        ),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <section class="page">
            <h1>{t(Key::Templates)}</h1>
            <p class="muted">{words::tr(words::T::TemplatesHint)}</p>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="templates">
                                <tbody>
                                    {list.into_iter().map(|tpl| view! {
                                        <tr data-testid="template-row">
                                            <td><a href=format!("/settings/templates/{}", tpl.id)>{tpl.name.clone()}</a></td>
                                            <td>{t(tpl.kind.key())}</td>
                                            <td>{doc_lang_name(tpl.lang)}</td>
                                            <td>{if tpl.active { t(Key::Active)() } else { t(Key::Inactive)() }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
            <div class="buttons">
                <select aria-label=t(Key::DocKindLabel) on:change=move |ev| if let Some(k) = DocKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                    {DocKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{t(k.key())}</option> }).collect_view()}
                </select>
                <select aria-label=t(Key::Language) on:change=move |ev| if let Some(l) = DocLang::parse(&event_target_value(&ev)) { lang.set(l) }>
                    {DocLang::ALL.iter().map(|l| view! { <option value=l.as_str()>{doc_lang_name(*l)}</option> }).collect_view()}
                </select>
                <button data-testid="new-template" on:click=move |_| { create.dispatch((kind.get_untracked(), lang.get_untracked())); }>
                    {words::tr(words::T::NewFromGallery)}
                </button>
            </div>
            <ErrorBox error=error/>
        </section>
    }
}

#[component]
pub fn TemplatePage() -> impl IntoView {
    let id = crate::ui::route::use_id_param();
    let template = Resource::new(id, get_template);
    view! {
        <section class="page template-page">
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match template.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(tpl) => view! { <Editor tpl/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Editor(tpl: Template) -> impl IntoView {
    let id = tpl.id;
    let name = RwSignal::new(tpl.name);
    let kind = RwSignal::new(tpl.kind);
    let lang = RwSignal::new(tpl.lang);
    let active = RwSignal::new(tpl.active);
    let body = RwSignal::new(tpl.body.clone());
    // The body the preview shows: follows `body` once typing pauses.
    let settled = RwSignal::new(tpl.body);
    let order = RwSignal::new(None::<i64>);
    let pending_timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move || {
        let text = body.get();
        if let Some(handle) = pending_timer.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || settled.set(text.clone()),
            std::time::Duration::from_millis(400),
        )
        .ok();
        pending_timer.set_value(handle);
    });
    let orders = Resource::new(|| (), |_| list_orders(OrderFilter::default()));
    let preview = Resource::new(
        move || (kind.get(), lang.get(), settled.get(), order.get()),
        |(kind, lang, body, order)| preview_template(kind, lang, body, order),
    );
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let save = Action::new(move |input: &TemplateInput| save_template(Some(id), input.clone()));
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            saved.set(true);
        }
        Some(Err(e)) => {
            saved.set(false);
            error.set(Some(e));
        }
        None => {}
    });
    view! {
        <div class="page-head">
            <h1>{t(Key::FieldTemplate)} ": " {move || name.get()}</h1>
            <a href="/settings/templates">{t(Key::Templates)}</a>
        </div>
        <div class="form-grid template-fields">
            <label><span>{t(Key::FieldName)}</span>
                <input name="template-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/></label>
            <label><span>{t(Key::DocKindLabel)}</span>
                <select name="template-kind" on:change=move |ev| if let Some(k) = DocKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                    {DocKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected={*k == kind.get_untracked()}>{t(k.key())}</option> }).collect_view()}
                </select></label>
            <label><span>{t(Key::Language)}</span>
                <select name="template-lang" on:change=move |ev| if let Some(l) = DocLang::parse(&event_target_value(&ev)) { lang.set(l) }>
                    {DocLang::ALL.iter().map(|l| view! { <option value=l.as_str() selected={*l == lang.get_untracked()}>{doc_lang_name(*l)}</option> }).collect_view()}
                </select></label>
            <label class="check"><input type="checkbox" name="template-active" prop:checked=active
                on:change=move |ev| active.set(event_target_checked(&ev))/><span>{t(Key::Active)}</span></label>
            <label><span>{t(Key::PreviewOrder)}</span>
                <select name="preview-order" data-testid="preview-order" on:change=move |ev| order.set(event_target_value(&ev).parse().ok())>
                    <option value="">{t(Key::NewestOrder)}</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            orders.await.unwrap_or_default().into_iter().take(30).map(|o| view! {
                                <option value=o.id.to_string()>{o.number.clone()} " · " {o.client.clone().unwrap_or_default()}</option>
                            }).collect_view()
                        })}
                    </Transition>
                </select></label>
        </div>
        <div class="template-editor">
            <div class="template-source">
                <textarea class="template-body" data-testid="template-body" spellcheck="false"
                    prop:value=body on:input=move |ev| { saved.set(false); body.set(event_target_value(&ev)) }></textarea>
                <p class="muted">{words::tr(words::T::TemplateHelp)}</p>
                <div class="buttons">
                    <button class="primary" data-testid="save-template" disabled=move || save.pending().get()
                        on:click=move |_| {
                            save.dispatch(TemplateInput {
                                kind: kind.get_untracked(),
                                lang: lang.get_untracked(),
                                name: name.get_untracked(),
                                body: body.get_untracked(),
                                active: active.get_untracked(),
                            });
                        }>{t(Key::Save)}</button>
                    {move || saved.get().then(|| view! { <span class="ok" data-testid="template-saved">{t(Key::Saved)}</span> })}
                </div>
                <ErrorBox error=error/>
            </div>
            <div class="template-preview" data-testid="preview">
                <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        match preview.await {
                            Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                            Ok(p) => {
                                let text = p.text.clone();
                                view! {
                                    <p class="muted">{t(Key::PreviewOn)} " " {p.order_number.clone()}</p>
                                    {p.pages.into_iter().map(|src| view! {
                                        <img class="page-image" src=src alt=text.clone() data-testid="preview-page"/>
                                    }).collect_view()}
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </div>
        </div>
    }
}

/// A template's language by its own name: «Русский», «English».
fn doc_lang_name(l: DocLang) -> &'static str {
    match l {
        DocLang::Ru => "Русский",
        DocLang::En => "English",
    }
}
