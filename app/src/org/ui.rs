//! Admin screens for locations and employees (read-only for other roles).

pub mod employees;
pub mod locations;

use crate::i18n::{t, Key};
use leptos::prelude::*;

/// A labelled text input bound to a signal.
#[component]
pub fn TextField(
    label: Key,
    name: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<Key>,
) -> impl IntoView {
    view! {
        <label>
            <span>{t(label)}</span>
            <input name=name type=kind bind:value=value inputmode=(kind == "decimal").then_some("decimal")/>
            {hint.map(|h| view! { <small class="muted">{t(h)}</small> })}
        </label>
    }
}
