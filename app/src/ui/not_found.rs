use crate::i18n::{t, Key};
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="centered">
            <h1>{t(Key::NotFoundPage)}</h1>
            <a href="/">{t(Key::NavHome)}</a>
        </main>
    }
}
