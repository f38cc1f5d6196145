use crate::auth::Me;
use crate::i18n::{t, Key};
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let me = expect_context::<Me>();
    let shop = me.home_location_name.clone();
    view! {
        <section class="page">
            <h1>{t(Key::Welcome)} ", " {me.name.clone()}</h1>
            <p>{t(Key::HomeIntro)}</p>
            <dl class="facts">
                <dt>{t(Key::Role)}</dt>
                <dd data-testid="my-role">{t(me.role.label())}</dd>
                <dt>{t(Key::YourShop)}</dt>
                <dd>{match shop {
                    Some(name) => name.into_any(),
                    None => t(Key::NoHomeLocation).into_any(),
                }}</dd>
            </dl>
        </section>
    }
}
