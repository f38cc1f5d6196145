use crate::auth::Action;
use crate::i18n::{t, Key};
use crate::ui::shell::{me_allows, use_me};
use leptos::prelude::*;

#[component]
pub fn SettingsHome() -> impl IntoView {
    let me = use_me();
    view! {
        <section class="page">
            <h1>{t(Key::NavSettings)}</h1>
            <div class="tiles">
                <a class="tile" href="/settings/locations">{t(Key::Locations)}</a>
                <a class="tile" href="/settings/employees">{t(Key::Employees)}</a>
                <Suspense>
                    {move || Suspend::new(async move {
                        me_allows(&me.await, Action::ManageApiTokens).then(|| view! {
                            <a class="tile" href="/settings/tokens">{t(Key::ApiTokens)}</a>
                            <a class="tile" href="/settings/processes" data-testid="processes-link">{t(Key::Processes)}</a>
                            <a class="tile" href="/settings/access" data-testid="access-link">{t(Key::ShopAccess)}</a>
                            <a class="tile" href="/settings/funds" data-testid="funds-link">{t(Key::Funds)}</a>
                            <a class="tile" href="/settings/company" data-testid="company-link">{t(Key::Requisites)}</a>
                            <a class="tile" href="/settings/templates" data-testid="templates-link">{t(Key::Templates)}</a>
                            <a class="tile" href="/settings/mail" data-testid="mail-link">{t(Key::NavCampaigns)} " · SMTP"</a>
                            <a class="tile" href="/settings/telephony" data-testid="telephony-link">{t(Key::NavTelephony)}</a>
                        })
                    })}
                </Suspense>
            </div>
        </section>
    }
}
