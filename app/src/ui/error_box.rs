//! Shows an [`AppError`] in the user's language.

use crate::error::AppError;
use crate::i18n::use_lang;
use leptos::prelude::*;

#[component]
pub fn ErrorBox(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let lang = use_lang();
    move || {
        error.get().map(|e| {
            view! { <p class="error" role="alert" data-code=e.code()>{e.message(lang.get())}</p> }
        })
    }
}
