//! `/settings/company`: the company's requisites for documents (admins edit; everyone
//! else reads them on the documents).

use crate::documents::api::{get_company, save_company};
use crate::documents::Company;
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

/// Texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        RequisitesHint => "Printed on invoices, contracts and waybills.", "Печатаются в счетах, договорах и накладных.";
    }
}

#[component]
pub fn CompanyPage() -> impl IntoView {
    let company = Resource::new(|| (), |_| get_company());
    view! {
        <section class="page">
            <h1>{t(Key::Requisites)}</h1>
            <p class="muted">{words::tr(words::T::RequisitesHint)}</p>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match company.await {
                        Ok(c) => view! { <CompanyForm c/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CompanyForm(c: Company) -> impl IntoView {
    let fields: [(&'static str, Key, RwSignal<String>); 13] = [
        ("name", Key::CompanyName, RwSignal::new(c.name)),
        (
            "legal_address",
            Key::LegalAddress,
            RwSignal::new(c.legal_address),
        ),
        ("inn", Key::FieldInn, RwSignal::new(c.inn)),
        ("kpp", Key::FieldKpp, RwSignal::new(c.kpp)),
        ("ogrn", Key::FieldOgrn, RwSignal::new(c.ogrn)),
        ("bank", Key::FieldBank, RwSignal::new(c.bank)),
        ("bik", Key::FieldBik, RwSignal::new(c.bik)),
        ("account", Key::FieldBankAccount, RwSignal::new(c.account)),
        (
            "corr_account",
            Key::CorrAccount,
            RwSignal::new(c.corr_account),
        ),
        ("director", Key::Director, RwSignal::new(c.director)),
        (
            "accountant",
            Key::ChiefAccountant,
            RwSignal::new(c.accountant),
        ),
        ("phone", Key::FieldPhone, RwSignal::new(c.phone)),
        ("email", Key::FieldEmail, RwSignal::new(c.email)),
    ];
    let zone = RwSignal::new(c.time_zone);
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let save = Action::new(|input: &Company| save_company(input.clone()));
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            saved.set(true);
        }
        Some(Err(e)) => {
            saved.set(false);
            error.set(Some(e));
        }
        None => {}
    });
    let value = move |i: usize| fields[i].2.get_untracked();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        save.dispatch(Company {
            name: value(0),
            legal_address: value(1),
            inn: value(2),
            kpp: value(3),
            ogrn: value(4),
            bank: value(5),
            bik: value(6),
            account: value(7),
            corr_account: value(8),
            director: value(9),
            accountant: value(10),
            phone: value(11),
            email: value(12),
            time_zone: zone.get_untracked(),
        });
    };
    view! {
        <form class="card form-grid" data-testid="company-form" novalidate on:submit=submit>
            {fields.into_iter().map(|(name, label, signal)| view! {
                <label><span>{t(label)}</span><input name=name bind:value=signal/></label>
            }).collect_view()}
            <label><span>{t(Key::FieldTimeZone)}</span>
                <select name="time_zone" data-testid="company-zone" on:change=move |ev| zone.set(event_target_value(&ev))>
                    {crate::time::ZONE_CHOICES.iter().map(|(name, label)| view! {
                        <option value=*name selected=move || zone.get() == *name>{*label}</option>
                    }).collect_view()}
                </select>
            </label>
            <ErrorBox error/>
            {move || saved.get().then(|| view! { <p class="notice" data-testid="company-saved">{t(Key::Saved)}</p> })}
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>{t(Key::Save)}</button>
            </div>
        </form>
    }
}
