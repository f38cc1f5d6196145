//! A new stock document: receipt, transfer, write-off, return or count. Lines are added
//! with the product field (typing or a barcode scanner).

use super::search::ProductSearch;
use crate::catalog::ProductHit;
use crate::error::{AppError, Field};
use crate::i18n::{t, Key};
use crate::org::api::list_locations;
use crate::quantity::Qty;
use crate::stock::api::create_stock_doc;
use crate::stock::{DocInput, DocKind, DocLine};
use crate::ui::error_box::ErrorBox;
use crate::ui::shell::use_me;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[derive(Clone)]
struct Line {
    product: ProductHit,
    qty: RwSignal<String>,
}

#[component]
pub fn NewDocumentPage() -> impl IntoView {
    let me = use_me();
    let locations = Resource::new(|| (), |_| list_locations());
    let kind = RwSignal::new("receipt".to_string());
    let location = RwSignal::new(String::new());
    let to_location = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let lines = RwSignal::new(Vec::<Line>::new());
    let error = RwSignal::new(None::<AppError>);
    let is = move |k: DocKind| kind.get() == k.as_str();

    let add = move |product: ProductHit| {
        lines.update(|ls| {
            if let Some(existing) = ls.iter().find(|l| l.product.id == product.id) {
                // Scanning the same item again counts one more.
                let next = Qty::parse(&existing.qty.get_untracked(), Field::Quantity)
                    .map(|q| (q + Qty(1000)).to_string())
                    .unwrap_or_else(|_| "1".into());
                existing.qty.set(next);
            } else {
                ls.push(Line {
                    product,
                    qty: RwSignal::new("1".into()),
                });
            }
        });
    };
    let navigate = use_navigate();
    let post = Action::new(|input: &DocInput| create_stock_doc(input.clone()));
    Effect::new(move || match post.value().get() {
        Some(Ok(doc)) => navigate(&format!("/stock/documents/{}", doc.id), Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move || {
        let parsed: Result<Vec<DocLine>, AppError> = lines
            .get_untracked()
            .iter()
            .map(|l| {
                Ok(DocLine {
                    product_id: l.product.id,
                    qty: Qty::parse(&l.qty.get_untracked(), Field::Quantity)?,
                })
            })
            .collect();
        let kind = DocKind::parse(&kind.get_untracked()).unwrap_or(DocKind::Receipt);
        let location_id = location.get_untracked().parse::<i64>().ok();
        let input = parsed.and_then(|lines| {
            Ok(DocInput {
                kind,
                location_id: location_id.ok_or(AppError::invalid(
                    Field::Location,
                    crate::error::Problem::Required,
                ))?,
                to_location_id: to_location.get_untracked().parse::<i64>().ok(),
                lines,
                reason: reason.get_untracked(),
                comment: comment.get_untracked(),
            })
        });
        match input {
            Ok(input) => {
                error.set(None);
                post.dispatch(input);
            }
            Err(e) => error.set(Some(e)),
        }
    };

    view! {
        <section class="page">
            <h1>{t(Key::NewDocument)}</h1>
            <Suspense fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let mut list = locations.await.unwrap_or_default();
                    // The caller's own location first; nothing is preselected, since writing
                    // a signal while rendering would make server and browser disagree.
                    let me = me.await.ok().flatten();
                    let home = me.as_ref().and_then(|m| m.home_location_id);
                    list.sort_by_key(|l| Some(l.id) != home);
                    // Documents are written at one's own locations only (a transfer may go
                    // anywhere): the other locations are not offered as the place.
                    let own: Vec<crate::org::Location> = list
                        .iter()
                        .filter(|l| me.as_ref().is_some_and(|m| m.works_at(l.id)))
                        .cloned()
                        .collect();
                    let options = move |list: &Vec<crate::org::Location>| list
                        .iter()
                        .filter(|l| l.active)
                        .map(|l| view! { <option value=l.id.to_string()>{l.name.clone()}</option> })
                        .collect_view();
                    view! {
                        <form class="card form-grid" data-testid="document-form" on:submit=move |ev| {
                            ev.prevent_default();
                            submit();
                        }>
                            <label><span>{t(Key::DocKindLabel)}</span>
                                <select name="kind" bind:value=kind>
                                    {DocKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{t(k.label())}</option> }).collect_view()}
                                </select>
                            </label>
                            <label><span>{move || if is(DocKind::Transfer) { t(Key::FromLocation)() } else { t(Key::Location)() }}</span>
                                <select name="location" bind:value=location>
                                    <option value="">{t(Key::None_)}</option>
                                    {options(&own)}
                                </select>
                            </label>
                            <Show when=move || is(DocKind::Transfer)>
                                <label><span>{t(Key::ToLocation)}</span>
                                    <select name="to-location" bind:value=to_location>
                                        <option value="">{t(Key::None_)}</option>
                                        {options(&list)}
                                    </select>
                                </label>
                            </Show>
                            <Show when=move || is(DocKind::WriteOff) || is(DocKind::Return)>
                                <label><span>{t(Key::Reason)}</span><input name="reason" bind:value=reason/></label>
                            </Show>
                            <label><span>{t(Key::Comment)}</span><input name="comment" bind:value=comment/></label>
                        </form>
                    }
                })}
            </Suspense>
            <div class="card">
                <h2>{t(Key::Lines)}</h2>
                <p class="muted">{t(Key::AddProduct)}</p>
                <ProductSearch on_pick=add/>
                <div class="table-wrap">
                    <table class="table" data-testid="new-lines">
                        <thead><tr>
                            <th>{t(Key::Sku)}</th><th>{t(Key::Name)}</th>
                            <th class="num">{move || if is(DocKind::Count) { t(Key::Counted)() } else { t(Key::Quantity)() }}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            <For each=move || lines.get() key=|l| l.product.id let:line>
                                <tr data-testid="new-line">
                                    <td>{line.product.sku.clone()}</td>
                                    <td>{line.product.name.clone()}</td>
                                    <td class="num"><input class="qty" name="line-qty" inputmode="decimal" bind:value=line.qty/></td>
                                    <td><button type="button" on:click={
                                        let id = line.product.id;
                                        move |_| lines.update(|ls| ls.retain(|l| l.product.id != id))
                                    }>{t(Key::Remove)}</button></td>
                                </tr>
                            </For>
                        </tbody>
                    </table>
                </div>
                <ErrorBox error/>
                <button type="button" class="primary" data-testid="post-document"
                    disabled=move || post.pending().get() on:click=move |_| submit()>{t(Key::Post)}</button>
            </div>
        </section>
    }
}
