//! `/documents`: the newest documents of the whole chain (accountants and directors) or
//! of one's shops (managers), by kind; live as documents appear.

use crate::documents::api::recent_documents;
use crate::documents::DocKind;
use crate::files::ui::size_text;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

#[component]
pub fn DocumentsPage() -> impl IntoView {
    let live = use_live();
    let kind = RwSignal::new(None::<DocKind>);
    let docs = Resource::new(
        move || (kind.get(), live.orders_version.get()),
        |(kind, _)| recent_documents(kind),
    );
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t(Key::NavDocuments)}</h1>
                <select data-testid="doc-kind" aria-label=t(Key::DocKindLabel) on:change=move |ev| kind.set(DocKind::parse(&event_target_value(&ev)))>
                    <option value="">{t(Key::AllKinds)}</option>
                    {DocKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{t(k.key())}</option> }).collect_view()}
                </select>
            </div>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match docs.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t(Key::NoDocuments)}</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="documents-table">
                                <thead><tr>
                                    <th>{t(Key::FieldDocument)}</th><th>{t(Key::FieldOrder)}</th>
                                    <th>{t(Key::CreatedBy)}</th><th>{t(Key::When)}</th><th></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|d| view! {
                                        <tr data-testid="document-row">
                                            <td><a href=d.url() target="_blank" data-testid="document-link">{d.title.clone()}</a></td>
                                            <td><a href=format!("/orders/{}", d.order_id)>{d.order_number.clone()}</a></td>
                                            <td>{d.created_by.clone()}</td>
                                            <td>{show(d.created_at)}</td>
                                            <td class="muted">{size_text(d.size)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
