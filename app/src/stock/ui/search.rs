//! Search as you type. A barcode scanner types digits and Enter: Enter picks the best
//! hit, so a scan goes straight to the product.

use crate::catalog::api::search_products;
use crate::catalog::ProductHit;
use crate::i18n::{t, Key};
use leptos::prelude::*;

/// A product field: what the user picks (click, Enter or a scan) goes to `on_pick`.
#[component]
pub fn ProductSearch(#[prop(into)] on_pick: Callback<ProductHit>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let hits = Resource::new(
        move || text.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(Vec::new())
            } else {
                search_products(q).await
            }
        },
    );
    let open = move |hit: ProductHit| {
        text.set(String::new());
        on_pick.run(hit);
    };
    let open_first = move || {
        if let Some(Ok(list)) = hits.get_untracked() {
            if let Some(first) = list.into_iter().next() {
                open(first);
            }
        }
    };
    view! {
        <div class="product-search">
            <input type="search" name="product-search" data-testid="product-search" autocomplete="off"
                placeholder=t(Key::SearchProducts) bind:value=text
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        open_first();
                    }
                }/>
            <Transition>
                {move || hits.get().map(|r| {
                    let list = r.unwrap_or_default();
                    let typed = !text.get_untracked().trim().is_empty();
                    view! {
                        <ul class="hits" data-testid="search-hits">
                            {(typed && list.is_empty()).then(|| view! { <li class="muted">{t(Key::NoProductsFound)}</li> })}
                            {list.into_iter().map(|hit| {
                                let picked = hit.clone();
                                view! {
                                    <li>
                                        <button type="button" class="hit" on:click=move |_| open(picked.clone())>
                                            <span class="hit-name">{hit.name}</span>
                                            <span class="muted">{hit.sku}</span>
                                            <span class="hit-free">{hit.available.to_string()} " " {t(hit.unit.label())}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </div>
    }
}
