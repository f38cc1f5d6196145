use crate::i18n::{t, Key};
use crate::reports::ui::PinnedReports;
use crate::ui::shell::use_me;
use leptos::prelude::*;

/// Texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        HomeIntro => "Your chain at a glance: pick a section on the left.", "Вся сеть в одном месте: выберите раздел слева.";
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let me = use_me();
    view! {
        <section class="page">
            <Suspense fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|me| view! {
                        <h1>{t(Key::Welcome)} ", " {me.name.clone()}</h1>
                        <p>{words::tr(words::T::HomeIntro)}</p>
                        <dl class="facts">
                            <dt>{t(Key::Role)}</dt>
                            <dd data-testid="my-role">{t(me.role.label())}</dd>
                            <dt>{t(Key::YourShop)}</dt>
                            <dd>{match me.home_location_name {
                                Some(name) => name.into_any(),
                                None => t(Key::NoHomeLocation).into_any(),
                            }}</dd>
                        </dl>
                    })
                })}
            </Suspense>
            <PinnedReports/>
        </section>
    }
}
