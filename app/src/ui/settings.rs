use crate::auth::{Action, Me};
use crate::i18n::{t, Key};
use leptos::prelude::*;

#[component]
pub fn SettingsHome() -> impl IntoView {
    let me = expect_context::<Me>();
    view! {
        <section class="page">
            <h1>{t(Key::NavSettings)}</h1>
            <div class="tiles">
                <a class="tile" href="/settings/locations">{t(Key::Locations)}</a>
                <a class="tile" href="/settings/employees">{t(Key::Employees)}</a>
                {Action::ManageApiTokens.allowed(me.role).then(|| view! {
                    <a class="tile" href="/settings/tokens">{t(Key::ApiTokens)}</a>
                })}
            </div>
        </section>
    }
}
