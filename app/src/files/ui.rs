//! The files panel of a record (order card, client card): thumbnails of images, links
//! to download, and an upload field (PDF, JPEG, PNG). On an order the file may go to the
//! order itself or to one of its documents (a signed scan of the contract, say).

use super::api::list_files;
use super::{FileRef, OwnerKind, MAX_FILE_MB};
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;

/// `12345` → `12,1 КБ` / `12.1 KB` in the page's language.
pub fn size_text(bytes: i64) -> String {
    crate::format::file_size(
        u64::try_from(bytes).unwrap_or(0),
        crate::format::page_lang(),
    )
}

/// Files of `kind`/`owner_id`. `targets` are where an upload may go besides the owner
/// itself (an order's documents: kind, id, label).
#[component]
pub fn FilesPanel(
    kind: OwnerKind,
    #[prop(into)] owner_id: Signal<i64>,
    #[prop(into, optional)] targets: Signal<Vec<(OwnerKind, i64, String)>>,
) -> impl IntoView {
    let live = use_live();
    let version = move || match kind {
        OwnerKind::Client => live.clients_version.get(),
        _ => live.orders_version.get(),
    };
    let files = Resource::new(
        move || (owner_id.get(), version()),
        move |(id, _)| list_files(kind, id),
    );
    let error = RwSignal::new(None::<AppError>);
    // "kind:id" of where the next upload goes; empty means the owner itself.
    let target = RwSignal::new(String::new());
    let uploading = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let on_change = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let Some(el) = input.get() else {
                return;
            };
            let (to_kind, to_id) = target
                .get_untracked()
                .split_once(':')
                .and_then(|(k, id)| Some((OwnerKind::parse(k)?, id.parse::<i64>().ok()?)))
                .unwrap_or((kind, owner_id.get_untracked()));
            let url = format!(
                "/api/v1/files?owner_kind={}&owner_id={to_id}",
                to_kind.as_str()
            );
            uploading.set(true);
            leptos::task::spawn_local(async move {
                let sent = crate::ui::upload::upload::<FileRef>(
                    el.clone(),
                    &url,
                    MAX_FILE_MB as usize * 1024 * 1024,
                    AppError::TooLarge {
                        max_mb: MAX_FILE_MB,
                    },
                )
                .await;
                uploading.set(false);
                el.set_value("");
                match sent {
                    Ok(_) => {
                        error.set(None);
                        files.refetch();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    view! {
        <section class="card files" data-testid="files">
            <h2>{t(Key::Files)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match files.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t(Key::NoFiles)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="file-list">
                                {list.into_iter().map(|f| view! { <FileItem f/> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
            <div class="file-upload">
                {move || {
                    let extra = targets.get();
                    (!extra.is_empty()).then(|| view! {
                        <select data-testid="file-target" aria-label=t(Key::ToThisRecord) on:change=move |ev| target.set(event_target_value(&ev))>
                            <option value="">{t(Key::ToThisRecord)}</option>
                            {extra.into_iter().map(|(k, id, label)| view! {
                                <option value=format!("{}:{id}", k.as_str())>{label}</option>
                            }).collect_view()}
                        </select>
                    })
                }}
                <label class="button">
                    {move || if uploading.get() { t(Key::Uploading)() } else { t(Key::AttachScan)() }}
                    <input type="file" class="visually-hidden" node_ref=input data-testid="file-input"
                        accept="application/pdf,image/jpeg,image/png" on:change=on_change/>
                </label>
                <span class="muted">{t(Key::FileLimits)} " " {crate::format::file_size(u64::from(MAX_FILE_MB) * 1024 * 1024, crate::format::page_lang())}</span>
            </div>
            <ErrorBox error=error/>
        </section>
    }
}

#[component]
fn FileItem(f: FileRef) -> impl IntoView {
    let url = f.url();
    view! {
        <li data-testid="file" data-kind=f.owner_kind.as_str()>
            {f.has_thumbnail.then(|| view! {
                <a href=url.clone() target="_blank"><img class="thumb" src=f.thumbnail_url() alt=f.name.clone() data-testid="thumbnail"/></a>
            })}
            <a href=url target="_blank" data-testid="file-link"><Svg icon=if f.is_image() { Icon::Image } else { Icon::File }/> " " {f.name.clone()}</a>
            <span class="muted">" · " {size_text(f.size)} " · " {f.uploaded_by.clone()} " · " {show(f.created_at)}</span>
        </li>
    }
}
