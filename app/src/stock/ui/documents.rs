//! Stock documents: the list (live) and one document with its lines.

use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::stock::api::{get_stock_doc, list_stock_docs, receive_transfer};
use crate::stock::StockDoc;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use crate::ui::outcome::on_outcome;
use leptos::prelude::*;

fn status_label(status: &str) -> Key {
    if status == "in_transit" {
        Key::StatusInTransit
    } else {
        Key::StatusDone
    }
}

fn route(d: &StockDoc) -> String {
    match &d.to_location {
        Some(to) => format!("{} → {to}", d.location),
        None => d.location.clone(),
    }
}

#[component]
pub fn DocumentsPage() -> impl IntoView {
    let live = use_live();
    let docs = Resource::new(move || live.stock_version.get(), |_| list_stock_docs(None));
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t(Key::StockDocuments)}</h1>
                <a class="button primary" href="/stock/documents/new" data-testid="new-document">{t(Key::NewDocument)}</a>
            </div>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || docs.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Key::NoDocuments)}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="documents-table">
                                <thead><tr>
                                    <th>"№"</th><th>{t(Key::DocKindLabel)}</th><th>{t(Key::Location)}</th>
                                    <th>{t(Key::Status)}</th><th>{t(Key::Author)}</th><th>{t(Key::When)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|d| view! {
                                        <tr>
                                            <td><a href=format!("/stock/documents/{}", d.id)>{d.id}</a></td>
                                            <td>{t(d.kind.label())}</td>
                                            <td>{route(&d)}</td>
                                            <td>{t(status_label(&d.status))}</td>
                                            <td>{d.author.clone()}</td>
                                            <td>{show(d.created_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn DocumentPage() -> impl IntoView {
    let id = crate::ui::route::use_id_param();
    let live = use_live();
    let doc = Resource::new(
        move || (id(), live.stock_version.get()),
        |(id, _)| get_stock_doc(id),
    );
    let error = RwSignal::new(None::<AppError>);
    let me = crate::ui::shell::use_me();
    let receive = Action::new(|id: &i64| receive_transfer(*id));
    on_outcome(receive, error, move || {
        live.stock_version.update(|v| *v += 1)
    });
    view! {
        <section class="page">
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || doc.get().map(|r| match r {
                    Ok(d) => {
                        let doc_id = d.id;
                        // Received at the destination by its staff: nobody else is offered it.
                        let in_transit = d.status == "in_transit"
                            && d.to_location_id.is_some_and(|to| {
                                matches!(me.get(), Some(Ok(Some(m))) if m.works_at(to))
                            });
                        let count = d.kind == crate::stock::DocKind::Count;
                        view! {
                            <div class="page-head">
                                <h1 data-testid="document-title">{t(d.kind.label())} " №" {d.id}</h1>
                                <span class="badge" data-testid="document-status">{t(status_label(&d.status))}</span>
                            </div>
                            <dl class="facts">
                                <dt>{t(Key::Location)}</dt><dd>{route(&d)}</dd>
                                <dt>{t(Key::Author)}</dt><dd>{d.author.clone()}</dd>
                                <dt>{t(Key::When)}</dt><dd>{show(d.created_at)}</dd>
                                {(!d.reason.is_empty()).then(|| view! { <dt>{t(Key::Reason)}</dt><dd>{d.reason.clone()}</dd> })}
                                {(!d.comment.is_empty()).then(|| view! { <dt>{t(Key::Comment)}</dt><dd>{d.comment.clone()}</dd> })}
                            </dl>
                            {in_transit.then(|| view! {
                                <button class="primary" data-testid="receive-transfer"
                                    on:click=move |_| { receive.dispatch(doc_id); }>{t(Key::Receive)}</button>
                            })}
                            <ErrorBox error/>
                            <div class="table-wrap">
                                <table class="table" data-testid="document-lines">
                                    <thead><tr>
                                        <th>{t(Key::Sku)}</th><th>{t(Key::Name)}</th>
                                        {count.then(|| view! { <th class="num">{t(Key::Counted)}</th> })}
                                        <th class="num">{if count { t(Key::Adjustment)() } else { t(Key::Quantity)() }}</th>
                                    </tr></thead>
                                    <tbody>
                                        {d.lines.into_iter().map(|l| view! {
                                            <tr>
                                                <td>{l.sku}</td>
                                                <td><a href=format!("/stock?product={}", l.product_id)>{l.name}</a></td>
                                                {l.counted.map(|c| view! { <td class="num">{c.to_string()}</td> })}
                                                <td class="num">{crate::format::show_qty(l.qty)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
