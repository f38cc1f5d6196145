//! Sections of the navigation whose features arrive in later releases.

use crate::i18n::{t, Key};
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Reports,
}

impl Which {
    fn title(self) -> Key {
        match self {
            Which::Reports => Key::NavReports,
        }
    }
}

#[component]
pub fn Section(which: Which) -> impl IntoView {
    view! {
        <section class="page">
            <h1>{t(which.title())}</h1>
            <p class="muted">{t(Key::SectionComing)}</p>
        </section>
    }
}
