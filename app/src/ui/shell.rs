//! The signed-in frame: navigation, user menu (language, sign out), who is online, and
//! the current page. Visitors are sent to the login page.

use crate::auth::api::current_user;
use crate::auth::Me;
use crate::error::AppError;
use crate::i18n::{t, use_lang, Key, Lang};
use crate::live::use_live;
use crate::notify::ui::Bell;
use crate::ui::browser;
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};

const NAV: [(&str, Key, Icon); 10] = [
    ("/", Key::NavHome, Icon::Home),
    ("/stock", Key::NavStock, Icon::Stock),
    ("/orders", Key::NavOrders, Icon::Orders),
    ("/tasks", Key::NavTasks, Icon::Tasks),
    ("/clients", Key::NavClients, Icon::Clients),
    ("/chat", Key::NavChat, Icon::Chat),
    ("/documents", Key::NavDocuments, Icon::Documents),
    ("/reports", Key::NavReports, Icon::Reports),
    ("/campaigns", Key::NavCampaigns, Icon::Campaigns),
    ("/settings", Key::NavSettings, Icon::Settings),
];

/// The signed-in user, loaded once per page by the shell and shared through context.
pub type MeResource = Resource<Result<Option<Me>, AppError>>;

pub fn use_me() -> MeResource {
    expect_context::<MeResource>()
}

/// Whether the signed-in user's role allows `action` (false while loading or signed out).
pub fn me_allows(me: &Result<Option<Me>, AppError>, action: crate::auth::Action) -> bool {
    matches!(me, Ok(Some(me)) if action.allowed(me.role))
}

#[component]
pub fn Shell() -> impl IntoView {
    // The frame and the page render once, outside any reactive closure: a page created
    // inside `move || me.get()` can be rendered twice on the server and hydrate against
    // the wrong copy of its resources. Only the parts that need the user wait for it.
    let me: MeResource = Resource::new(|| (), |_| current_user());
    provide_context(me);
    let live = use_live();
    #[cfg(feature = "hydrate")]
    Effect::new(move |started: Option<bool>| {
        let signed_in = matches!(me.get(), Some(Ok(Some(_))));
        if signed_in && started != Some(true) {
            crate::live::client::start(live);
        }
        signed_in || started == Some(true)
    });
    Effect::new(browser::mark_ready);
    let lang = use_lang();
    let menu_open = RwSignal::new(false);
    let nav_open = RwSignal::new(false);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(_)) => None,
                    _ => Some(view! { <Redirect path="/login"/> }),
                }
            })}
        </Suspense>
        <div class="app" class:nav-open=move || nav_open.get()>
            <header class="topbar">
                <button class="icon-button nav-toggle" aria-label=t(Key::Menu)
                    aria-expanded=move || if nav_open.get() { "true" } else { "false" }
                    on:click=move |_| nav_open.update(|o| *o = !*o)><Svg icon=Icon::Menu/></button>
                <a class="brand" href="/">{t(Key::AppName)}</a>
                <span class="live-dot" class:on=move || live.connected.get()
                    title=move || if live.connected.get() { Key::Live } else { Key::Offline }.text(lang.get())
                    data-testid="live-status"></span>
                <OnlineBadge/>
                <Bell/>
                <div class="user-menu">
                    <button class="user-button" data-testid="user-menu"
                        on:click=move |_| menu_open.update(|o| *o = !*o)>
                        <Suspense>
                            {move || Suspend::new(async move {
                                me.await.ok().flatten().map(|me| me.name).unwrap_or_default()
                            })}
                        </Suspense>
                    </button>
                    <Show when=move || menu_open.get()>
                        <UserMenu/>
                    </Show>
                </div>
            </header>
            <nav class="sidebar" on:click=move |_| nav_open.set(false)>
                {NAV.iter().map(|(href, key, icon)| view! {
                    <A href=*href exact=true attr:class="nav-link">
                        <Svg icon=*icon/>
                        <span>{t(*key)}</span>
                    </A>
                }).collect_view()}
            </nav>
            <main class="content">
                <crate::ui::offline::OfflineBanner/>
                <crate::telephony::ui::CallLayer/>
                <Outlet/>
            </main>
        </div>
    }
}

#[component]
fn UserMenu() -> impl IntoView {
    let lang = use_lang();
    let choose = move |l: Lang| {
        lang.set(l);
        browser::store_lang(l);
    };
    view! {
        <div class="menu" role="menu">
            <div class="menu-row">
                <span>{t(Key::Language)}</span>
                <button class="chip" class:selected=move || lang.get() == Lang::Ru
                    data-testid="lang-ru" on:click=move |_| choose(Lang::Ru)>"RU"</button>
                <button class="chip" class:selected=move || lang.get() == Lang::En
                    data-testid="lang-en" on:click=move |_| choose(Lang::En)>"EN"</button>
            </div>
            <a class="menu-item button" href="/logout" data-testid="sign-out">{t(Key::SignOut)}</a>
        </div>
    }
}

#[component]
fn OnlineBadge() -> impl IntoView {
    let live = use_live();
    view! {
        <details class="online">
            <summary data-testid="online-count">
                {t(Key::Online)} ": " {move || live.online.get().len()}
            </summary>
            <ul data-testid="online-list">
                {move || live.online.get().into_iter().map(|u| view! { <li>{u.name}</li> }).collect_view()}
            </ul>
        </details>
    }
}
