//! Admin screen: create, list and revoke API tokens for integrations.

use crate::auth::api::{create_api_token, list_api_tokens, revoke_api_token};
use crate::auth::NewApiToken;
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::org::api::list_employees;
use crate::ui::error_box::ErrorBox;
use crate::ui::outcome::on_outcome;
use leptos::prelude::*;

/// Long texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        TokenCreatedOnce => "Copy the token now: it is shown only once.", "Скопируйте токен сейчас: он показывается только один раз.";
    }
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let version = RwSignal::new(0u64);
    let tokens = Resource::new(move || version.get(), |_| list_api_tokens());
    let employees = Resource::new(|| (), |_| list_employees());
    let name = RwSignal::new(String::new());
    let employee = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let created = RwSignal::new(None::<NewApiToken>);

    let create = Action::new(move |(name, employee): &(String, String)| {
        let name = name.clone();
        let employee = employee.clone();
        async move {
            let id = employee.parse::<i64>().map_err(|_| {
                AppError::invalid(
                    crate::error::Field::Employee,
                    crate::error::Problem::Required,
                )
            })?;
            create_api_token(name, id).await
        }
    });
    Effect::new(move || match create.value().get() {
        Some(Ok(token)) => {
            created.set(Some(token));
            error.set(None);
            name.set(String::new());
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let revoke = Action::new(|id: &i64| revoke_api_token(*id));
    on_outcome(revoke, error, move || version.update(|v| *v += 1));

    view! {
        <section class="page">
            <h1>{t(Key::ApiTokens)}</h1>
            <Suspense>
                {move || employees.get().map(|r| {
                    let list = r.unwrap_or_default();
                    view! {
                        <form class="card form-grid" on:submit=move |ev| {
                            ev.prevent_default();
                            create.dispatch((name.get_untracked(), employee.get_untracked()));
                        }>
                            <label><span>{t(Key::TokenName)}</span><input name="token-name" bind:value=name required/></label>
                            <label><span>{t(Key::TokenFor)}</span>
                                <select name="token-employee" bind:value=employee>
                                    <option value="">{t(Key::None_)}</option>
                                    {list.into_iter()
                                        .filter(|e| e.active)
                                        .map(|e| view! { <option value=e.id.to_string()>{e.name} " (" {e.login} ")"</option> })
                                        .collect_view()}
                                </select>
                            </label>
                            <ErrorBox error/>
                            <button type="submit" class="primary">{t(Key::Create)}</button>
                        </form>
                    }
                })}
            </Suspense>
            {move || created.get().map(|tok| view! {
                <div class="card notice" data-testid="new-token">
                    <p>{words::tr(words::T::TokenCreatedOnce)}</p>
                    <code>{tok.token}</code>
                </div>
            })}
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || tokens.get().map(|r| match r {
                    Ok(list) => view! {
                        <div class="table-wrap">
                        <table class="table">
                            <thead><tr>
                                <th>{t(Key::Name)}</th><th>{t(Key::TokenFor)}</th>
                                <th>{t(Key::Status)}</th><th>{t(Key::Actions)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|tok| {
                                    let id = tok.id;
                                    view! {
                                        <tr>
                                            <td>{tok.name}</td>
                                            <td>{tok.employee_name}</td>
                                            <td>{if tok.revoked { t(Key::Revoked)() } else { t(Key::Active)() }}</td>
                                            <td>{(!tok.revoked).then(|| view! {
                                                <button class="danger" on:click=move |_| { revoke.dispatch(id); }>{t(Key::Revoke)}</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
