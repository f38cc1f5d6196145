//! `/campaigns/templates`: mail templates (admins and directors): subject, plain text and
//! HTML with placeholders, previewed live for a real client as you type, and a test sent
//! to an address of one's own.

use super::super::api::{list_mail_templates, preview_mail, save_mail_template, test_send};
use super::super::text::{tr, T};
use super::super::{MailTemplate, MailTemplateInput};
use super::CampaignTabs;
use crate::customers::api::search_clients;
use crate::error::AppError;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

#[component]
pub fn MailTemplatesPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_mail_templates());
    let editing = RwSignal::new(None::<Option<MailTemplate>>);
    view! {
        <section class="page">
            <h1>{tr(T::MailTemplates)}</h1>
            <CampaignTabs/>
            <div class="buttons">
                <button data-testid="new-template" on:click=move |_| editing.set(Some(None))>{tr(T::NewTemplate)}</button>
            </div>
            <Transition fallback=|| view! { <p>"…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(all) => view! {
                            <ul class="card history" data-testid="templates">
                                {all.into_iter().map(|t| {
                                    let edit = t.clone();
                                    view! {
                                        <li data-testid="template"><b>{t.name.clone()}</b> " — " {t.subject.clone()} " "
                                            <button class="chip" on:click=move |_| editing.set(Some(Some(edit.clone())))>{tr(T::Edit)}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
            {move || editing.get().map(|t| view! {
                <TemplateEditor template=t on_saved=Callback::new(move |_| { editing.set(None); list.refetch(); })/>
            })}
        </section>
    }
}

#[component]
fn TemplateEditor(
    template: Option<MailTemplate>,
    #[prop(into)] on_saved: Callback<()>,
) -> impl IntoView {
    let id = template.as_ref().map(|t| t.id);
    let t = template.unwrap_or(MailTemplate {
        id: 0,
        name: String::new(),
        subject: String::new(),
        text: String::new(),
        html: String::new(),
    });
    let name = RwSignal::new(t.name);
    let subject = RwSignal::new(t.subject);
    let text = RwSignal::new(t.text);
    let html = RwSignal::new(t.html);
    let client_query = RwSignal::new(String::new());
    let client = RwSignal::new(None::<i64>);
    let to = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let note = RwSignal::new(None::<String>);
    let hits = Resource::new(
        move || client_query.get(),
        |q| async move {
            if q.trim().len() < 2 {
                Ok(Vec::new())
            } else {
                search_clients(q).await
            }
        },
    );
    let preview = Resource::new(
        move || (subject.get(), text.get(), html.get(), client.get()),
        |(s, t, h, c)| preview_mail(s, t, h, c),
    );
    let save = Action::new(move |input: &MailTemplateInput| save_mail_template(id, input.clone()));
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            on_saved.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let send = Action::new(
        |(s, t, h, c, to): &(String, String, String, Option<i64>, String)| {
            test_send(s.clone(), t.clone(), h.clone(), *c, to.clone())
        },
    );
    Effect::new(move || match send.value().get() {
        Some(Ok(reply)) => {
            error.set(None);
            note.set(Some(reply));
        }
        Some(Err(e)) => {
            note.set(None);
            error.set(Some(e));
        }
        None => {}
    });
    let area = |value: RwSignal<String>, rows: &'static str, testid: &'static str| {
        view! {
            <textarea rows=rows data-testid=testid prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        }
    };
    view! {
        <form class="card form-grid template-editor" data-testid="template-form" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(MailTemplateInput { name: name.get_untracked(), subject: subject.get_untracked(),
                    text: text.get_untracked(), html: html.get_untracked() });
            }>
            <label><span>{tr(T::Name)}</span><input data-testid="template-name" bind:value=name/></label>
            <label><span>{tr(T::Subject)}</span><input data-testid="template-subject" prop:value=move || subject.get()
                on:input=move |ev| subject.set(event_target_value(&ev))/></label>
            <label><span>{tr(T::TextPart)}</span>{area(text, "8", "template-text")}</label>
            <label><span>{tr(T::HtmlPart)}</span>{area(html, "6", "template-html")}</label>
            <p class="hint">{tr(T::Placeholders)}</p>
            <label><span>{tr(T::FindClient)}</span>
                <input data-testid="preview-client-search" prop:value=move || client_query.get()
                    on:input=move |ev| client_query.set(event_target_value(&ev))/></label>
            <label><span>{tr(T::PreviewOn)}</span>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = hits.await.unwrap_or_default();
                        view! {
                            <select data-testid="preview-client" on:change=move |ev| client.set(event_target_value(&ev).parse::<i64>().ok())>
                                <option value="">{tr(T::SampleClient)}</option>
                                {list.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                            </select>
                        }
                    })}
                </Transition>
            </label>
            <div class="card preview" data-testid="mail-preview" aria-live="polite">
                <Transition fallback=|| view! { "…" }>
                    {move || Suspend::new(async move {
                        match preview.await {
                            Ok(r) => view! {
                                <p><b>{tr(T::Subject)} ": "</b><span data-testid="preview-subject">{r.subject}</span></p>
                                <pre class="mail-text" data-testid="preview-text">{r.text}</pre>
                            }.into_any(),
                            Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <div class="inline">
                <label><span>{tr(T::TestTo)}</span><input type="email" data-testid="test-to" bind:value=to/></label>
                <button type="button" data-testid="send-test" on:click=move |_| {
                    send.dispatch((subject.get_untracked(), text.get_untracked(), html.get_untracked(), client.get_untracked(), to.get_untracked()));
                }>{tr(T::SendTest)}</button>
                {move || note.get().map(|reply| view! { <span class="muted" role="status" data-testid="test-sent">{tr(T::TestSent)} ": " {reply}</span> })}
            </div>
            <ErrorBox error/>
            <div class="buttons"><button type="submit" class="primary" data-testid="save-template">{tr(T::Save)}</button></div>
        </form>
    }
}
