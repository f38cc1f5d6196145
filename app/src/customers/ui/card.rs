//! `/clients/new` and `/clients/:id`: a client's card, live, with an edit form.

use super::form::ClientForm;
use crate::customers::api::get_client;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::ui::error_box::ErrorBox;
use crate::ui::shell::{me_allows, use_me};
use crate::ui::time::format_utc;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn NewClientPage() -> impl IntoView {
    let navigate = use_navigate();
    let saved = Callback::new(move |c: crate::customers::Client| {
        navigate(&format!("/clients/{}", c.id), Default::default())
    });
    view! {
        <section class="page">
            <h1>{t(Key::NewClient)}</h1>
            <ClientForm client=None on_saved=saved/>
        </section>
    }
}

#[component]
pub fn ClientPage() -> impl IntoView {
    let me = use_me();
    let live = use_live();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let client = Resource::new(
        move || (id(), live.clients_version.get()),
        |(id, _)| get_client(id),
    );
    let editing = RwSignal::new(false);
    let saved = Callback::new(move |_| editing.set(false));
    view! {
        <section class="page">
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let may_edit = me_allows(&me.await, crate::auth::Action::EditClients);
                    match client.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(c) => {
                            let form_client = c.clone();
                            view! {
                                <div class="page-head">
                                    <h1 data-testid="client-name">{c.name.clone()}</h1>
                                    {may_edit.then(|| view! {
                                        <div class="buttons">
                                            <button data-testid="edit-client" on:click=move |_| editing.update(|e| *e = !*e)>{t(Key::Edit)}</button>
                                        </div>
                                    })}
                                </div>
                                <Show when=move || editing.get()
                                    fallback=move || view! { <ClientFacts c=c.clone()/> }>
                                    <ClientForm client=Some(form_client.clone()) on_saved=saved/>
                                </Show>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ClientFacts(c: crate::customers::Client) -> impl IntoView {
    view! {
        <dl class="card facts" data-testid="client-card">
            <dt>{t(Key::Phones)}</dt>
            <dd data-testid="client-phones">
                {c.phones.iter().map(|p| view! { <a href=format!("tel:+{}", p.0)>{p.display()}</a> " " }).collect_view()}
            </dd>
            <dt>{t(Key::FieldEmail)}</dt>
            <dd data-testid="client-email">{c.email.clone()}</dd>
            <dt>{t(Key::FieldNotes)}</dt>
            <dd class="notes">{c.notes.clone()}</dd>
            <dt>{t(Key::Consent)}</dt>
            <dd data-testid="client-consent">{if c.consent { "✓" } else { "—" }}</dd>
            <dt>{t(Key::CreatedBy)}</dt>
            <dd>{c.created_by.clone()} ", " {format_utc(c.created_at)}</dd>
        </dl>
    }
}
