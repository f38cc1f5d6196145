//! The mail panel of a client's card: campaigns received, unsubscribing (when and through
//! which campaign), and an address the server refused.

use super::super::api::mail_of_client;
use super::super::text::{recipient_status, tr, T};
use crate::live::use_live;
use crate::time::show;
use leptos::prelude::*;

#[component]
pub fn ClientMailPanel(client_id: i64) -> impl IntoView {
    let live = use_live();
    let mail = Resource::new(
        move || live.clients_version.get(),
        move |_| mail_of_client(client_id),
    );
    view! {
        <section class="card" data-testid="client-mail">
            <h2>{tr(T::CardMail)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    // A role that may not see mail sees nothing here (the card shows the rest).
                    mail.await.ok().map(|m| view! {
                        {m.unsubscribed_at.map(|at| view! {
                            <p class="warning" data-testid="client-unsubscribed">{tr(T::CardUnsubscribed)} " " {show(at)}
                                {m.unsubscribed_from.clone().map(|name| view! { " " {tr(T::CardFrom)} " «" {name} "»" })}</p>
                        })}
                        {m.email_invalid.then(|| view! {
                            <p class="warning" data-testid="client-email-invalid">{tr(T::CardInvalid)} ": " {m.email_invalid_reason.clone()}</p>
                        })}
                        {if m.campaigns.is_empty() {
                            view! { <p class="muted">{tr(T::CardNoCampaigns)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="history" data-testid="client-campaigns">
                                    {m.campaigns.into_iter().map(|c| view! {
                                        <li><a href=format!("/campaigns/{}", c.campaign_id)>{c.name}</a> " — "
                                            {tr(recipient_status(c.status))} " " {c.sent_at.map(show).unwrap_or_default()}</li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    })
                })}
            </Transition>
        </section>
    }
}
