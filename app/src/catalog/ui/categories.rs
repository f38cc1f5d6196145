//! The category tree: every category under its parent; catalog roles add, rename and
//! move categories.

use super::category_options;
use crate::catalog::api::{create_category, list_categories, update_category};
use crate::catalog::Category;
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::ui::error_box::ErrorBox;
use crate::ui::shell::{me_allows, use_me};
use leptos::prelude::*;

/// What the form saves: a new category, or changes to `id`.
#[derive(Clone)]
struct Edit {
    id: Option<i64>,
    name: String,
    parent_id: Option<i64>,
}

#[component]
pub fn CategoriesPage() -> impl IntoView {
    let me = use_me();
    let list = Resource::new(|| (), |_| list_categories());
    let editing = RwSignal::new(None::<i64>);
    let name = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(|e: &Edit| {
        let e = e.clone();
        async move {
            match e.id {
                Some(id) => update_category(id, e.name, e.parent_id).await,
                None => create_category(e.name, e.parent_id).await,
            }
        }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            editing.set(None);
            name.set(String::new());
            parent.set(String::new());
            list.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(Edit {
            id: editing.get_untracked(),
            name: name.get_untracked(),
            parent_id: parent.get_untracked().parse().ok(),
        });
    };
    let start_edit = move |c: Category| {
        editing.set(Some(c.id));
        name.set(c.name);
        parent.set(c.parent_id.map(|p| p.to_string()).unwrap_or_default());
        error.set(None);
    };
    view! {
        <section class="page">
            <h1>{t(Key::Categories)}</h1>
            <Suspense fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let may_edit = me_allows(&me.await, crate::auth::Action::ManageCatalog);
                    let all = match list.await {
                        Ok(all) => all,
                        Err(e) => return view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    };
                    let options = category_options(&all);
                    let rows = options.clone();
                    view! {
                        {may_edit.then(|| view! {
                            <form class="card form-grid" data-testid="category-form" on:submit=submit>
                                <label><span>{move || if editing.get().is_some() { t(Key::Edit)() } else { t(Key::NewCategory)() }}</span>
                                    <input name="name" bind:value=name/></label>
                                <label><span>{t(Key::ParentCategory)}</span>
                                    <select name="parent" bind:value=parent>
                                        <option value="">{t(Key::None_)}</option>
                                        {options.into_iter().map(|(id, label)| view! {
                                            <option value=id.to_string() selected=move || parent.get() == id.to_string()>{label}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <ErrorBox error/>
                                <div class="buttons">
                                    <button type="submit" class="primary" disabled=move || save.pending().get()>
                                        {move || if editing.get().is_some() { t(Key::Save)() } else { t(Key::Create)() }}
                                    </button>
                                    <Show when=move || editing.get().is_some()>
                                        <button type="button" on:click=move |_| { editing.set(None); name.set(String::new()); parent.set(String::new()); }>
                                            {t(Key::Cancel)}
                                        </button>
                                    </Show>
                                </div>
                            </form>
                        })}
                        <ul class="card tree" data-testid="category-tree">
                            {rows.into_iter().map(|(id, label)| {
                                let category = all.iter().find(|c| c.id == id).cloned();
                                view! {
                                    <li data-testid="category" data-id=id.to_string()>
                                        <span>{label}</span>
                                        {(may_edit).then(|| category.map(|c| view! {
                                            <button class="chip" data-testid="edit-category"
                                                on:click=move |_| start_edit(c.clone())>{t(Key::Edit)}</button>
                                        }))}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
