//! A field's error on the order form: the message under the input, `aria-invalid` and
//! `aria-describedby` on it, a red border through the `invalid` class.

use super::draft::{Errors, FieldError};
use crate::i18n::use_lang;
use leptos::prelude::*;

/// The error of the input with this id, if any.
pub fn error_at(
    errors: RwSignal<Errors>,
    id: String,
) -> impl Fn() -> Option<FieldError> + Clone + Send + Sync + 'static {
    move || errors.with(|v| v.iter().find(|(f, _)| *f == id).map(|(_, e)| e.clone()))
}

/// `aria-invalid="true"` while the input is wrong (absent otherwise).
pub fn invalid(
    errors: RwSignal<Errors>,
    id: String,
) -> impl Fn() -> Option<&'static str> + Clone + Send + Sync + 'static {
    let at = error_at(errors, id);
    move || at().map(|_| "true")
}

/// Whether the input is wrong (for its `invalid` class).
pub fn is_invalid(
    errors: RwSignal<Errors>,
    id: String,
) -> impl Fn() -> bool + Clone + Send + Sync + 'static {
    let at = error_at(errors, id);
    move || at().is_some()
}

/// `aria-describedby` pointing at the message while there is one.
pub fn described(
    errors: RwSignal<Errors>,
    id: String,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    let note = note_id(&id);
    let at = error_at(errors, id);
    move || at().map(|_| note.clone())
}

pub fn note_id(id: &str) -> String {
    format!("{id}-error")
}

/// The message under the input with this id.
#[component]
pub fn FieldNote(errors: RwSignal<Errors>, #[prop(into)] id: String) -> impl IntoView {
    let lang = use_lang();
    let note = note_id(&id);
    let at = error_at(errors, id);
    move || {
        at().map(|e| {
            view! { <span class="field-error" id=note.clone() data-testid="field-error">{e.message(lang.get())}</span> }
        })
    }
}
