//! The documents panel of an order card: generate a document from a template, open the
//! generated ones (PDF in a new tab), and the order's files (signed scans attached to
//! the order or to one of its documents).

use crate::documents::api::{active_templates, generate_document, order_documents};
use crate::documents::DocumentRef;
use crate::error::AppError;
use crate::files::ui::{size_text, FilesPanel};
use crate::files::OwnerKind;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;

#[component]
pub fn OrderDocuments(#[prop(into)] order_id: Signal<i64>) -> impl IntoView {
    let live = use_live();
    let docs = Resource::new(
        move || (order_id.get(), live.orders_version.get()),
        |(id, _)| order_documents(id),
    );
    // Storekeepers may not generate: the list is refused and the form stays hidden.
    let templates = Resource::new(|| (), |_| active_templates());
    let chosen = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let generate =
        Action::new(|(order, template): &(i64, i64)| generate_document(*order, *template));
    Effect::new(move || match generate.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            docs.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    // Where a file may go besides the order: its documents. Filled by an effect (they run
    // in the browser only), so the server's page and the hydrating one agree.
    let targets = RwSignal::new(Vec::<(OwnerKind, i64, String)>::new());
    Effect::new(move || {
        if let Some(Ok(list)) = docs.get() {
            targets.set(
                list.into_iter()
                    .map(|d| (OwnerKind::Document, d.id, d.title))
                    .collect(),
            );
        }
    });
    view! {
        <section class="card documents" data-testid="documents">
            <h2>{t(Key::NavDocuments)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match docs.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t(Key::NoDocuments)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="doc-list">
                                {list.into_iter().map(|d| view! { <DocumentItem d/> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    templates.await.ok().filter(|l| !l.is_empty()).map(|list| view! {
                        <div class="buttons generate">
                            <select data-testid="generate-template" aria-label=t(Key::FieldTemplate) on:change=move |ev| chosen.set(event_target_value(&ev))>
                                <option value="">{t(Key::ChooseTemplate)}</option>
                                {list.into_iter().map(|tpl| view! {
                                    <option value=tpl.id.to_string()>{tpl.name} " (" {tpl.lang.as_str()} ")"</option>
                                }).collect_view()}
                            </select>
                            <button class="primary" data-testid="generate"
                                disabled=move || chosen.get().is_empty() || generate.pending().get()
                                on:click=move |_| {
                                    if let Ok(template) = chosen.get_untracked().parse::<i64>() {
                                        generate.dispatch((order_id.get_untracked(), template));
                                    }
                                }>{t(Key::Generate)}</button>
                        </div>
                    })
                })}
            </Transition>
            <ErrorBox error=error/>
        </section>
        <FilesPanel kind=OwnerKind::Order owner_id=order_id targets/>
    }
}

#[component]
pub fn DocumentItem(d: DocumentRef) -> impl IntoView {
    view! {
        <li data-testid="document" data-kind=d.kind.as_str()>
            <a href=d.url() target="_blank" data-testid="document-link"><Svg icon=Icon::File/> " " {d.title.clone()}</a>
            <span class="muted">" · " {d.pages} " " {t(Key::PagesShort)} " · " {size_text(d.size)} " · "
                {d.created_by.clone()} " · " {show(d.created_at)}</span>
        </li>
    }
}
