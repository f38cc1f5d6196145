//! Search as you type. A barcode scanner types digits and Enter: Enter picks the best
//! hit, so a scan goes straight to the product.
//!
//! Before the browser bundle arrives (a tablet on a weak link) the field still works: on
//! the stock page it is a plain GET form (`/stock?q=…`) the server answers with the
//! product's availability, and what was typed but not sent is taken over when the page
//! becomes interactive (the field's value is read, never overwritten, at hydration).

use crate::catalog::api::search_products;
use crate::catalog::ProductHit;
use crate::error::AppError;
use crate::i18n::{t, Key};
use leptos::html;
use leptos::prelude::*;

/// A product field: what the user picks (click, Enter or a scan) goes to `on_pick`.
/// `action`: the page a plain form submits the text to as `?q=` (before the bundle runs,
/// and for an Enter pressed before the hits arrive); `None` inside another form.
#[component]
pub fn ProductSearch(
    #[prop(into)] on_pick: Callback<ProductHit>,
    #[prop(optional)] action: Option<&'static str>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let input = NodeRef::<html::Input>::new();
    // Each answer carries the text it answers, so Enter never opens a stale hit.
    let hits = Resource::new(
        move || text.get(),
        |q| async move {
            let found: Result<Vec<ProductHit>, AppError> = if q.trim().is_empty() {
                Ok(Vec::new())
            } else {
                search_products(q.clone()).await
            };
            (q, found)
        },
    );
    // Whatever was typed before the page became interactive is searched now.
    Effect::new(move || {
        if let Some(el) = input.get() {
            let typed = el.value();
            if !typed.is_empty() {
                text.set(typed);
            }
        }
    });
    let clear = move || {
        text.set(String::new());
        if let Some(el) = input.get_untracked() {
            el.set_value("");
        }
    };
    let open = move |hit: ProductHit| {
        clear();
        on_pick.run(hit);
    };
    let navigate = leptos_router::hooks::use_navigate();
    let open_first = move || {
        let typed = input
            .get_untracked()
            .map(|el| el.value())
            .unwrap_or_default();
        match hits.get_untracked() {
            Some((q, Ok(list))) if q == typed => {
                if let Some(first) = list.into_iter().next() {
                    // A scan of a barcode on the stock screen opens the product's card.
                    if first.exact_barcode && action.is_some() {
                        clear();
                        navigate(&format!("/stock/products/{}", first.id), Default::default());
                    } else {
                        open(first);
                    }
                }
            }
            // The hits for this text are not here yet: let the page answer it.
            _ => {
                if let Some(page) = action.filter(|_| !typed.trim().is_empty()) {
                    clear();
                    let q = crate::ui::upload::encode_name(&typed);
                    navigate(&format!("{page}?q={q}"), Default::default());
                }
            }
        }
    };
    let field = view! {
        <input type="search" name="q" data-testid="product-search" autocomplete="off"
            placeholder=t(Key::SearchProducts) aria-label=t(Key::SearchProducts) node_ref=input
            on:input=move |ev| text.set(event_target_value(&ev))
            on:keydown=move |ev| {
                if ev.key() == "Enter" {
                    ev.prevent_default();
                    open_first();
                }
            }/>
    };
    let results = view! {
        <Transition>
            {move || hits.get().map(|(q, r)| {
                let list = r.unwrap_or_default();
                let typed = !q.trim().is_empty();
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
                                        <span class="hit-free">{crate::format::show_qty_unit(hit.available, hit.unit)}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
        </Transition>
    };
    match action {
        Some(page) => view! {
            <form class="product-search" method="get" action=page role="search">
                {field}
                {results}
            </form>
        }
        .into_any(),
        None => view! {
            <div class="product-search">
                {field}
                {results}
            </div>
        }
        .into_any(),
    }
}
