//! Admin screens next to orders: shop access of managers (`/settings/access`) and the
//! funds payments land in (`/settings/funds`).

use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::orders::access::{list_access, set_access};
use crate::org::api::list_locations;
use crate::org::LocationKind;
use crate::payments::api::{list_funds, save_fund};
use crate::payments::{FundSplit, Method};
use crate::quantity::Money;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;

/// Long texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        ShopAccessHint => "Managers and storekeepers see and work on orders of their home shop; tick the other shops each may work with. Directors and accountants see every shop.", "Менеджеры и кладовщики видят и ведут заказы своего магазина; отметьте, с какими ещё магазинами может работать каждый. Директора и бухгалтеры видят все магазины.";
    }
}

#[component]
pub fn AccessPage() -> impl IntoView {
    let live = use_live();
    let people = Resource::new(move || live.org_version.get(), |_| list_access());
    let shops = Resource::new(|| (), |_| list_locations());
    let error = RwSignal::new(None::<AppError>);
    let set = Action::new(|(id, shops): &(i64, Vec<i64>)| set_access(*id, shops.clone()));
    Effect::new(move || match set.value().get() {
        Some(Ok(())) => {
            error.set(None);
            people.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <section class="page">
            <h1>{t(Key::ShopAccess)}</h1>
            <p class="muted">{words::tr(words::T::ShopAccessHint)}</p>
            <ErrorBox error/>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let shops: Vec<_> = shops.await.unwrap_or_default().into_iter()
                        .filter(|l| l.active && l.kind == LocationKind::Shop).collect();
                    let people = people.await.unwrap_or_default();
                    view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="access-table">
                                <thead><tr><th></th>{shops.iter().map(|s| view! { <th>{s.name.clone()}</th> }).collect_view()}</tr></thead>
                                <tbody>
                                    {people.into_iter().map(|p| {
                                        let granted = p.shops.clone();
                                        view! {
                                            <tr data-testid="access-row">
                                                <td>{p.name.clone()}</td>
                                                {shops.iter().map(|s| {
                                                    let sid = s.id;
                                                    let home = p.home_location_id == Some(sid);
                                                    let on = home || granted.contains(&sid);
                                                    let granted = granted.clone();
                                                    let id = p.employee_id;
                                                    view! {
                                                        <td><input type="checkbox" prop:checked=on disabled=home
                                                            data-testid=format!("access-{id}-{sid}")
                                                            on:change=move |_| {
                                                                let mut next = granted.clone();
                                                                if next.contains(&sid) { next.retain(|x| *x != sid) } else { next.push(sid) }
                                                                set.dispatch((id, next));
                                                            }/></td>
                                                    }
                                                }).collect_view()}
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                })}
            </Transition>
        </section>
    }
}

/// A fund as saved: id (None: new), name, active, default for which methods, splits.
type FundSave = (Option<i64>, String, bool, Vec<Method>, Vec<FundSplit>);

#[component]
pub fn FundsPage() -> impl IntoView {
    let funds = Resource::new(|| (), |_| list_funds());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(|(id, name, active, default_for, splits): &FundSave| {
        save_fund(
            *id,
            name.clone(),
            *active,
            default_for.clone(),
            splits.clone(),
        )
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            name.set(String::new());
            funds.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <section class="page">
            <h1>{t(Key::Funds)}</h1>
            <form class="card form-grid" data-testid="fund-form" novalidate
                on:submit=move |ev| { ev.prevent_default(); save.dispatch((None, name.get_untracked(), true, Vec::new(), Vec::new())); }>
                <label><span>{t(Key::FieldFund)}</span><input name="fund" bind:value=name/></label>
                <ErrorBox error/>
                <div class="buttons"><button type="submit" class="primary">{t(Key::Create)}</button></div>
            </form>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || funds.get().map(|r| view! {
                    <ul class="card history" data-testid="funds">
                        {let all = r.unwrap_or_default(); let others_of = all.clone(); all.into_iter().map(|f| {
                            let (id, fname, active) = (f.id, f.name.clone(), f.active);
                            let defaults = f.default_for.clone();
                            let splits = f.splits.clone();
                            let others: Vec<(i64, String)> = others_of.iter().filter(|o| o.active && o.id != id).map(|o| (o.id, o.name.clone())).collect();
                            let archive_name = fname.clone();
                            view! {
                                <li class:muted=!active data-testid="fund" data-fund=id.to_string()><span data-testid="fund-name">{f.name}</span>
                                    " " <button class="chip" on:click=move |_| {
                                        // An archived fund is nobody's default any more.
                                        save.dispatch((Some(id), archive_name.clone(), !active, Vec::new(), Vec::new()));
                                    }>
                                        {if active { t(Key::Archive) } else { t(Key::Restore) }}
                                    </button>
                                    {active.then(|| view! {
                                        <span class="fund-defaults"> " " {t(Key::DefaultFundFor)} ":"
                                            {[(Method::Cash, Key::Cash), (Method::Card, Key::Card), (Method::Bank, Key::BankTransfer)].into_iter().map(|(m, label)| {
                                                let on = defaults.contains(&m);
                                                let (fname, defaults) = (fname.clone(), defaults.clone());
                                                let splits = splits.clone();
                                                view! {
                                                    <label class="check"><input type="checkbox" name=format!("default-{}", m.as_str()) checked=on
                                                        on:change=move |_| {
                                                            let mut next = defaults.clone();
                                                            if on { next.retain(|d| *d != m) } else { next.push(m) }
                                                            save.dispatch((Some(id), fname.clone(), true, next, splits.clone()));
                                                        }/><span>{t(label)}</span></label>
                                                }
                                            }).collect_view()}
                                        </span>
                                        <FundSplits id name=fname.clone() defaults=defaults.clone() splits=splits.clone() others=others.clone()
                                            on_save=move |x: FundSave| { save.dispatch(x); }/>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
            </Transition>
        </section>
    }
}

/// What a fund passes on to others: the shares, removable, and one more to add.
#[component]
fn FundSplits(
    id: i64,
    name: String,
    defaults: Vec<Method>,
    splits: Vec<FundSplit>,
    others: Vec<(i64, String)>,
    #[prop(into)] on_save: Callback<FundSave>,
) -> impl IntoView {
    let to = RwSignal::new(String::new());
    let percent = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let (n1, d1, s1) = (name.clone(), defaults.clone(), splits.clone());
    let add = move |_| {
        let share = Money::parse(&percent.get_untracked(), crate::error::Field::Fund);
        match (to.get_untracked().parse::<i64>(), share) {
            // A percent with two decimals is a whole number of hundredths of a percent.
            (Ok(to_fund_id), Ok(share)) if share.0 > 0 => {
                error.set(None);
                let mut next = s1.clone();
                next.push(FundSplit {
                    to_fund_id,
                    to_fund: String::new(),
                    share_bp: share.0,
                });
                on_save.run((Some(id), n1.clone(), true, d1.clone(), next));
            }
            _ => error.set(Some(AppError::invalid(
                crate::error::Field::Fund,
                crate::error::Problem::Invalid,
            ))),
        }
    };
    view! {
        <div class="fund-splits" data-testid="fund-splits">
            <span class="muted">{t(Key::FundSplitsTitle)} ": "</span>
            {splits.iter().enumerate().map(|(i, sp)| {
                let (n, d, all) = (name.clone(), defaults.clone(), splits.clone());
                view! {
                    <span class="chip" data-testid="fund-split">{sp.to_fund.clone()} " " {Money(sp.share_bp).to_string()} " %"
                        <button type="button" class="chip" aria-label=t(Key::Remove) on:click=move |_| {
                            let mut next = all.clone();
                            next.remove(i);
                            on_save.run((Some(id), n.clone(), true, d.clone(), next));
                        }>"×"</button>
                    </span>
                }
            }).collect_view()}
            <select name="split-to" data-testid="split-to" aria-label=t(Key::FundSplitTo) bind:value=to>
                <option value="">{t(Key::FundSplitTo)}</option>
                {others.into_iter().map(|(oid, oname)| view! { <option value=oid.to_string()>{oname}</option> }).collect_view()}
            </select>
            <input name="split-percent" data-testid="split-percent" inputmode="decimal" placeholder="%" aria-label="%" bind:value=percent/>
            <button type="button" data-testid="add-split" on:click=add>{t(Key::AddSplit)}</button>
            <ErrorBox error/>
        </div>
    }
}
