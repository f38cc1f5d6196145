//! The order form's lines: product and location, quantity, price, discount in roubles or
//! percent (with the money it comes to), the line's amount and its remove button. Each
//! line is a card that fits a 768 px tablet without scrolling sideways.

use super::draft::{discount_id, qty_id, Draft, Errors};
use super::field_note::{described, invalid, is_invalid, FieldNote};
use crate::i18n::{t, use_lang, Key};
use crate::orders::discount::DiscountUnit;
use leptos::prelude::*;

mod words {
    crate::i18n::local_texts! {
        RemoveLine => "Remove line", "Удалить строку";
        DiscountUnit => "Discount unit", "Единица скидки";
        DiscountIs => "off:", "скидка:";
    }
}

#[component]
pub fn DraftLines(lines: RwSignal<Vec<Draft>>, errors: RwSignal<Errors>) -> impl IntoView {
    let lang = use_lang();
    let edit = move |i: usize, change: Box<dyn FnOnce(&mut Draft)>| {
        lines.update(|l| {
            if let Some(x) = l.get_mut(i) {
                change(x)
            }
        });
        // The line's own errors go once it is edited; the rest stay until the next check.
        let ids = [qty_id(i), discount_id(i)];
        errors.update(|v| v.retain(|(id, _)| !ids.contains(id)));
    };
    view! {
        <ul class="order-lines" data-testid="draft-lines">
            <For each=move || { lines.get().into_iter().enumerate().collect::<Vec<_>>() } key=|(i, d)| (*i, d.product_id, d.location_id) let:item>
                {
                    let (i, d) = item;
                    let line = move || lines.with(|l| l.get(i).cloned());
                    let amount = move || line().and_then(|d| d.amount());
                    let off = move || {
                        line().filter(|d| d.discount_unit == DiscountUnit::Percent && !d.discount.trim().is_empty() && d.gross().is_some())
                            .and_then(|d| d.discount().ok())
                    };
                    let unit = move || line().map(|d| d.discount_unit).unwrap_or_default();
                    let (qid, did) = (qty_id(i), discount_id(i));
                    let product = d.product.clone();
                    view! {
                        <li class="card order-line" data-testid="draft-line">
                            <div class="line-head">
                                <span class="line-product">{d.product.clone()}</span>
                                <span class="muted line-location">{d.location.clone()}</span>
                                <button type="button" class="remove-line" data-testid="remove-line"
                                    aria-label=move || format!("{} {}", words::T::RemoveLine.text(lang.get()), product)
                                    on:click=move |_| {
                                        lines.update(|l| { if i < l.len() { l.remove(i); } });
                                        errors.set(Vec::new());
                                    }>"×"</button>
                            </div>
                            <div class="line-fields">
                                <div class="field" class:invalid=is_invalid(errors, qid.clone())>
                                    <label for=qid.clone()>{t(Key::FieldQuantity)}</label>
                                    <input id=qid.clone() name=format!("qty{i}") class="qty" inputmode="decimal" autocomplete="off"
                                        prop:value=d.qty.clone()
                                        aria-invalid=invalid(errors, qid.clone()) aria-describedby=described(errors, qid.clone())
                                        on:input=move |ev| { let v = event_target_value(&ev); edit(i, Box::new(move |x| x.qty = v)); }/>
                                    <FieldNote errors id=qid.clone()/>
                                </div>
                                <div class="field">
                                    <span class="field-label">{t(Key::Price)}</span>
                                    <span class="num line-price">{move || crate::format::money(d.price, lang.get())}</span>
                                </div>
                                <div class="field" class:invalid=is_invalid(errors, did.clone())>
                                    <label for=did.clone()>{t(Key::FieldDiscount)}</label>
                                    <div class="discount-input">
                                        <input id=did.clone() name=format!("discount{i}") class="discount" inputmode="decimal" autocomplete="off"
                                            prop:value=d.discount.clone()
                                            aria-invalid=invalid(errors, did.clone()) aria-describedby=described(errors, did.clone())
                                            on:input=move |ev| { let v = event_target_value(&ev); edit(i, Box::new(move |x| x.discount = v)); }/>
                                        <select class="discount-unit" name=format!("discount-unit{i}") data-testid="discount-unit"
                                            aria-label=words::tr(words::T::DiscountUnit)
                                            on:change=move |ev| {
                                                let u = DiscountUnit::parse(&event_target_value(&ev));
                                                edit(i, Box::new(move |x| x.discount_unit = u));
                                            }>
                                            <option value="money" selected=move || unit() == DiscountUnit::Money>"₽"</option>
                                            <option value="percent" selected=move || unit() == DiscountUnit::Percent>"%"</option>
                                        </select>
                                    </div>
                                    {move || off().map(|m| view! {
                                        <span class="muted" data-testid="discount-money" data-amount=m.to_string()>
                                            {words::T::DiscountIs.text(lang.get())} " " {crate::format::money(m, lang.get())}
                                        </span>
                                    })}
                                    <FieldNote errors id=did.clone()/>
                                </div>
                                <div class="field">
                                    <span class="field-label">{t(Key::FieldAmount)}</span>
                                    <b class="num" data-testid="draft-amount" data-amount=move || amount().map(|a| a.to_string())>
                                        {move || amount().map_or_else(|| "—".to_string(), |a| crate::format::money(a, lang.get()))}
                                    </b>
                                </div>
                            </div>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}
