//! A client created from the order form when the search finds nobody: full name,
//! phone (prefilled with what was typed when it looks like a number, else the name),
//! optional e-mail. Saved through the clients' own server function and picked for the
//! order at once; every field's error stands under that field.

use crate::customers::api::save_client;
use crate::customers::{ClientHit, ClientInput, Phone};
use crate::error::{AppError, Field};
use crate::i18n::{problem_key, t, Key};
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

mod words {
    crate::i18n::local_texts! {
        NewClientHere => "New client", "Новый клиент";
    }
}

const NAME: &str = "inline-client-name";
const PHONE: &str = "inline-client-phone";
const EMAIL: &str = "inline-client-email";

/// The input a client field's error belongs to.
fn input_of(field: Field) -> Option<&'static str> {
    match field {
        Field::Name => Some(NAME),
        Field::Phone => Some(PHONE),
        Field::Email => Some(EMAIL),
        _ => None,
    }
}

/// Each field checked on its own, so that all their errors show at once.
fn check(name: &str, phone: &str, email: &str) -> Vec<(&'static str, AppError)> {
    let one = |name: &str, phone: &str, email: &str| ClientInput {
        name: name.to_string(),
        phones: vec![phone.to_string()],
        email: email.to_string(),
        notes: String::new(),
        consent: false,
    };
    let ok_name = "-";
    [
        (NAME, one(name, "", "")),
        (PHONE, one(ok_name, phone, "")),
        (EMAIL, one(ok_name, "", email)),
    ]
    .into_iter()
    .filter_map(|(id, input)| input.validate().err().map(|e| (id, e)))
    .collect()
}

#[component]
pub fn InlineClient(
    /// What was typed into the client search.
    query: String,
    #[prop(into)] on_created: Callback<ClientHit>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let looks_like_phone = Phone::search_digits(&query).is_some();
    let name = RwSignal::new(if looks_like_phone {
        String::new()
    } else {
        query.trim().to_string()
    });
    let phone = RwSignal::new(if looks_like_phone {
        query.trim().to_string()
    } else {
        String::new()
    });
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(&'static str, AppError)>::new());
    let other = RwSignal::new(None::<AppError>);
    let lang = crate::i18n::use_lang();
    let save = Action::new(move |input: &ClientInput| save_client(None, input.clone()));
    Effect::new(move || match save.value().get() {
        Some(Ok(c)) => on_created.run(ClientHit {
            id: c.id,
            name: c.name,
            phones: c.phones,
            email: c.email,
        }),
        Some(Err(e)) => {
            let input = match &e {
                AppError::Validation { field, .. } => input_of(*field),
                _ => None,
            };
            match input {
                Some(id) => {
                    errors.set(vec![(id, e)]);
                    crate::ui::browser::focus_id(id);
                }
                None => other.set(Some(e)),
            }
        }
        None => {}
    });
    let submit = move |_| {
        other.set(None);
        let found = check(
            &name.get_untracked(),
            &phone.get_untracked(),
            &email.get_untracked(),
        );
        if let Some((first, _)) = found.first() {
            crate::ui::browser::focus_id(first);
            errors.set(found);
            return;
        }
        errors.set(Vec::new());
        save.dispatch(ClientInput {
            name: name.get_untracked(),
            phones: vec![phone.get_untracked()]
                .into_iter()
                .filter(|p| !p.trim().is_empty())
                .collect(),
            email: email.get_untracked(),
            notes: String::new(),
            consent: false,
        });
    };
    let error_of = move |id: &'static str| {
        errors.with(|v| v.iter().find(|(f, _)| *f == id).map(|(_, e)| e.clone()))
    };
    let message = move |e: AppError| match &e {
        AppError::Validation { problem, .. } => problem_key(*problem).text(lang.get()).to_string(),
        other => other.message(lang.get()),
    };
    let field = move |id: &'static str,
                      label: Key,
                      kind: &'static str,
                      mode: &'static str,
                      value: RwSignal<String>| {
        let note = format!("{id}-error");
        let described = note.clone();
        view! {
            <div class="field" class:invalid=move || error_of(id).is_some()>
                <label><span>{t(label)}</span>
                    <input id=id name=id type=kind inputmode=mode autocomplete="off" bind:value=value
                        aria-invalid=move || error_of(id).map(|_| "true")
                        aria-describedby=move || error_of(id).map(|_| described.clone())/>
                </label>
                {move || error_of(id).map(|e| view! {
                    <span class="field-error" id=note.clone() data-testid="field-error">{message(e)}</span>
                })}
            </div>
        }
    };
    view! {
        <fieldset class="card inline-client" data-testid="inline-client">
            <legend>{words::tr(words::T::NewClientHere)}</legend>
            {field(NAME, Key::PersonName, "text", "text", name)}
            {field(PHONE, Key::FieldPhone, "tel", "tel", phone)}
            {field(EMAIL, Key::FieldEmail, "email", "email", email)}
            <ErrorBox error=other/>
            <div class="buttons">
                <button type="button" class="primary" data-testid="inline-client-save"
                    disabled=move || save.pending().get() on:click=submit>{t(Key::Create)}</button>
                <button type="button" data-testid="inline-client-cancel"
                    on:click=move |_| on_cancel.run(())>{t(Key::Cancel)}</button>
            </div>
        </fieldset>
    }
}
