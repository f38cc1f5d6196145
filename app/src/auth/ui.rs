//! Sign-in page and the API token screen.

use super::api::{Login, Logout};
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

/// `/logout`: signs out at once (with JavaScript) or with one press of the button.
#[component]
pub fn LogoutPage() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |dispatched: Option<bool>| {
        if dispatched.is_none() {
            logout.dispatch(Logout {});
        }
        if logout.value().get().is_some() {
            browser::go_to("/login");
        }
        true
    });
    view! {
        <main class="centered">
            <ActionForm action=logout attr:class="card login-form">
                <h1>{t(Key::SignOut)}</h1>
                <button type="submit" class="primary">{t(Key::SignOut)}</button>
            </ActionForm>
        </main>
    }
}
