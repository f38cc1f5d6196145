//! Client screens: the list with search as you type (`/clients`), a new card
//! (`/clients/new`) and a card (`/clients/:id`, view and edit).

pub mod card;
pub mod form;

use super::api::search_clients;
use crate::i18n::{t, Key};
use crate::live::use_live;
use leptos::prelude::*;

#[component]
pub fn ClientsPage() -> impl IntoView {
    let live = use_live();
    let text = RwSignal::new(String::new());
    let hits = Resource::new(
        move || (text.get(), live.clients_version.get()),
        |(q, _)| search_clients(q),
    );
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t(Key::NavClients)}</h1>
                <div class="buttons">
                    <a class="button primary" href="/clients/new" data-testid="new-client">{t(Key::NewClient)}</a>
                    <a class="button" href="/calls" data-testid="calls-link">{crate::telephony::ui::tr(crate::telephony::ui::T::Calls)}</a>
                </div>
            </div>
            <input type="search" name="client-search" data-testid="client-search" autocomplete="off"
                inputmode="search" placeholder=t(Key::SearchClients) bind:value=text/>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || hits.get().map(|r| {
                    let list = r.unwrap_or_default();
                    view! {
                        <ul class="card client-list" data-testid="client-hits">
                            {list.is_empty().then(|| view! { <li class="muted">{t(Key::NoClients)}</li> })}
                            {list.into_iter().map(|c| view! {
                                <li>
                                    <a href=format!("/clients/{}", c.id) data-testid="client-hit">
                                        <span class="hit-name">{c.name}</span>
                                        <span class="muted">{c.phones.iter().map(|p| p.display()).collect::<Vec<_>>().join(", ")}</span>
                                        <span class="muted">{c.email}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </section>
    }
}
