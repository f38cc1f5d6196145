//! Sign-in page and the API token screen.

use super::api::Login;
use crate::i18n::{t, Key};
use crate::ui::browser;
use crate::ui::error_box::ErrorBox;
use leptos::form::ActionForm;
use leptos::prelude::*;

pub mod tokens;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = Signal::derive(move || login.value().get().and_then(|r| r.err()));
    Effect::new(browser::mark_ready);
    Effect::new(move || {
        if let Some(Ok(_)) = login.value().get() {
            browser::go_to("/");
        }
    });
    view! {
        <main class="centered login">
            <ActionForm action=login attr:class="card login-form">
                <h1>{t(Key::SignInTitle)}</h1>
                <label>
                    <span>{t(Key::Login)}</span>
                    <input name="login" autocomplete="username" autocapitalize="none" required/>
                </label>
                <label>
                    <span>{t(Key::Password)}</span>
                    <input name="password" type="password" autocomplete="current-password" required/>
                </label>
                <ErrorBox error/>
                <button type="submit" class="primary" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { t(Key::SigningIn)() } else { t(Key::SignIn)() }}
                </button>
            </ActionForm>
        </main>
    }
}
