//! The client card form: name, phones (a phone already on another card is flagged as you
//! type, with a link to that card), email, notes, consent to mailings.

use crate::customers::api::{phone_owners, save_client};
use crate::customers::{Client, ClientInput};
use crate::error::{AppError, Field};
use crate::i18n::{problem_key, t, use_lang, Key};
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

/// Texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        PhoneOnAnotherCard => "This phone is already on the card of", "Этот телефон уже есть в карточке";
    }
}

#[component]
pub fn ClientForm(
    /// The card being edited; `None` for a new client.
    client: Option<Client>,
    /// Runs with the saved card.
    #[prop(into)]
    on_saved: Callback<Client>,
) -> impl IntoView {
    let id = client.as_ref().map(|c| c.id);
    let c = client.as_ref();
    let name = RwSignal::new(c.map(|c| c.name.clone()).unwrap_or_default());
    let mut typed: Vec<String> = c
        .map(|c| c.phones.iter().map(|p| p.display()).collect())
        .unwrap_or_default();
    if typed.is_empty() {
        typed.push(String::new());
    }
    let phones = RwSignal::new(typed);
    let email = RwSignal::new(c.map(|c| c.email.clone()).unwrap_or_default());
    let notes = RwSignal::new(c.map(|c| c.notes.clone()).unwrap_or_default());
    let consent = RwSignal::new(c.map(|c| c.consent).unwrap_or(false));
    let error = RwSignal::new(None::<AppError>);
    let owners = Resource::new(move || phones.get(), move |list| phone_owners(list, id));
    let save = Action::new(move |input: &ClientInput| save_client(id, input.clone()));
    Effect::new(move || match save.value().get() {
        Some(Ok(saved)) => {
            error.set(None);
            on_saved.run(saved);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    // A client's name is a person's full name («ФИО»), not a title («Название»).
    let lang = use_lang();
    let name_error = move || match error.get() {
        Some(AppError::Validation {
            field: Field::Name,
            problem,
        }) => Some(format!(
            "{}: {}",
            Key::PersonName.text(lang.get()),
            problem_key(problem).text(lang.get())
        )),
        _ => None,
    };
    let other_error = Signal::derive(move || {
        error.get().filter(|e| {
            !matches!(
                e,
                AppError::Validation {
                    field: Field::Name,
                    ..
                }
            )
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ClientInput {
            name: name.get_untracked(),
            phones: phones.get_untracked(),
            email: email.get_untracked(),
            notes: notes.get_untracked(),
            consent: consent.get_untracked(),
        };
        match input.validate() {
            Ok(_) => {
                error.set(None);
                save.dispatch(input);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <form class="card form-grid" data-testid="client-form" novalidate on:submit=submit>
            <label><span>{t(Key::PersonName)}</span><input name="name" autocomplete="off" bind:value=name/></label>
            <fieldset class="phones">
                <legend>{t(Key::Phones)}</legend>
                <For each=move || 0..phones.with(Vec::len) key=|i| *i let:i>
                    <input name=format!("phone{i}") data-testid="client-phone" type="tel" inputmode="tel" autocomplete="off"
                        prop:value=move || phones.with(|p| p.get(i).cloned().unwrap_or_default())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            phones.update(|p| if let Some(slot) = p.get_mut(i) { *slot = value });
                        }/>
                </For>
                <button type="button" class="chip" data-testid="add-phone" disabled=move || { phones.with(Vec::len) >= 5 }
                    on:click=move |_| phones.update(|p| p.push(String::new()))>{t(Key::AddPhone)}</button>
            </fieldset>
            <Transition>
                {move || owners.get().map(|r| {
                    r.unwrap_or_default().into_iter().map(|o| view! {
                        <p class="notice warning" data-testid="duplicate-phone">
                            {o.phone.display()} ": " {words::tr(words::T::PhoneOnAnotherCard)} " "
                            <a href=format!("/clients/{}", o.client_id)>{o.name}</a>
                        </p>
                    }).collect_view()
                })}
            </Transition>
            <label><span>{t(Key::FieldEmail)}</span><input name="email" type="email" inputmode="email" autocomplete="off" bind:value=email/></label>
            <label><span>{t(Key::FieldNotes)}</span><textarea name="notes" rows="3" bind:value=notes></textarea></label>
            <label class="check"><input type="checkbox" name="consent" bind:checked=consent/><span>{t(Key::Consent)}</span></label>
            {move || name_error().map(|m| view! { <p class="error" role="alert" data-code="validation">{m}</p> })}
            <ErrorBox error=other_error/>
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>
                    {if id.is_some() { t(Key::Save) } else { t(Key::Create) }}
                </button>
            </div>
        </form>
    }
}
