//! Settings → Mail (admins): the SMTP server (its password never shown back), the sender,
//! the rate limit, connections and the bounce webhook's token.

use super::super::api::{get_mail_settings, save_mail_settings};
use super::super::text::{tr, T};
use super::super::MailSettingsInput;
use crate::error::AppError;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

#[component]
pub fn MailSettingsPage() -> impl IntoView {
    let current = Resource::new(|| (), |_| get_mail_settings());
    let url = RwSignal::new(String::new());
    let clear = RwSignal::new(false);
    let from = RwSignal::new(String::new());
    let rate = RwSignal::new(String::new());
    let connections = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(false);
    let save = Action::new(|input: &MailSettingsInput| save_mail_settings(input.clone()));
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            done.set(true);
            url.set(String::new());
            token.set(String::new());
            current.refetch();
        }
        Some(Err(e)) => {
            done.set(false);
            error.set(Some(e));
        }
        None => {}
    });
    view! {
        <section class="page">
            <h1>{tr(T::MailSettingsTitle)}</h1>
            <Transition fallback=|| view! { <p>"…"</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(s) => {
                            from.set(s.mail_from.clone());
                            rate.set(s.rate_per_minute.to_string());
                            connections.set(s.connections.to_string());
                            let configured = !s.smtp_url.is_empty() && !s.mail_from.is_empty();
                            view! {
                                {(!configured).then(|| view! { <p class="warning" data-testid="mail-not-configured">{tr(T::NotConfigured)}</p> })}
                                <form class="card form-grid" data-testid="mail-settings" novalidate on:submit=move |ev| {
                                    ev.prevent_default();
                                    save.dispatch(MailSettingsInput {
                                        smtp_url: url.get_untracked(),
                                        clear_smtp: clear.get_untracked(),
                                        mail_from: from.get_untracked(),
                                        rate_per_minute: rate.get_untracked().trim().parse().unwrap_or(0),
                                        connections: connections.get_untracked().trim().parse().unwrap_or(0),
                                        bounce_token: token.get_untracked(),
                                    });
                                }>
                                    <label><span>{tr(T::SmtpUrl)}</span>
                                        <input data-testid="smtp-url" autocomplete="off" placeholder=s.smtp_url.clone() bind:value=url/></label>
                                    <p class="hint" data-testid="smtp-current">{s.smtp_url.clone()}
                                        {s.smtp_from_env.then(|| view! { " (" {tr(T::SmtpFromEnv)} ")" })}</p>
                                    <label class="check"><input type="checkbox" prop:checked=move || clear.get()
                                        on:change=move |_| clear.update(|c| *c = !*c)/><span>{tr(T::ClearSmtp)}</span></label>
                                    <label><span>{tr(T::MailFrom)}</span><input data-testid="mail-from" bind:value=from/></label>
                                    <label><span>{tr(T::RatePerMinute)}</span><input inputmode="numeric" bind:value=rate/></label>
                                    <label><span>{tr(T::Connections)}</span><input inputmode="numeric" bind:value=connections/></label>
                                    <label><span>{tr(T::BounceToken)} " ("
                                        {if s.bounce_token_set { tr(T::TokenSet)() } else { tr(T::TokenUnset)() }} ")"</span>
                                        <input autocomplete="off" bind:value=token/></label>
                                    <p class="hint">{tr(T::PublicUrl)} ": " <code>{s.public_url.clone()}</code></p>
                                    <ErrorBox error/>
                                    {move || done.get().then(|| view! { <p role="status">{tr(T::Saved)}</p> })}
                                    <div class="buttons"><button type="submit" class="primary">{tr(T::Save)}</button></div>
                                </form>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
