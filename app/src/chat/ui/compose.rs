//! Pieces shared by chats and comment feeds: a text rendered safely with clickable links
//! and highlighted mentions, an attachment (image inline, other files as a link with
//! type and size), and the composer (Enter sends, Shift+Enter breaks the line, @ offers
//! colleagues, a paper clip attaches a file).

use crate::chat::api::colleagues;
use crate::chat::text::{pieces, typing_mention, Piece};
use crate::chat::AttachmentRef;
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::ui::error_box::ErrorBox;
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;

/// Message or comment text: every piece is a text node or an attribute value (never
/// markup); only http(s) links become anchors.
#[component]
pub fn RichText(body: String) -> impl IntoView {
    pieces(&body)
        .into_iter()
        .map(|p| match p {
            Piece::Text(s) => s.into_any(),
            Piece::Link(url) => {
                let href = url.clone();
                view! { <a href=href target="_blank" rel="noopener noreferrer nofollow">{url}</a> }
                    .into_any()
            }
            Piece::Mention(login) => view! { <span class="mention">"@" {login}</span> }.into_any(),
        })
        .collect_view()
}

/// "12,5 КБ" / "12.5 KB" in the page's language.
pub fn size_text(size: i64) -> String {
    crate::files::ui::size_text(size)
}

#[component]
pub fn AttachmentView(a: AttachmentRef) -> impl IntoView {
    let url = a.url();
    let label = format!("{} · {} · {}", a.name, a.mime, size_text(a.size));
    if a.is_image() {
        let src = url.clone();
        view! {
            <a class="attachment" href=url target="_blank" rel="noopener" data-testid="attachment">
                <img src=src alt=a.name.clone() loading="lazy"/>
                <span class="muted">{label}</span>
            </a>
        }
        .into_any()
    } else {
        view! {
            <a class="attachment file" href=url download=a.name.clone() data-testid="attachment"><Svg icon=Icon::Clip/> " " {label}</a>
        }
        .into_any()
    }
}

/// The composer. `draft` and `attachment` belong to the parent, which clears them once
/// `on_send` succeeded.
#[component]
pub fn Composer(
    draft: RwSignal<String>,
    attachment: RwSignal<Option<AttachmentRef>>,
    #[prop(into)] on_send: Callback<()>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] placeholder: Signal<&'static str>,
    testid: &'static str,
    /// A comment feed's record: @ offers only colleagues who can see it.
    #[prop(optional)]
    record: Option<(crate::comments::RecordKind, Signal<i64>)>,
) -> impl IntoView {
    let people = Resource::new(
        move || record.map(|(kind, id)| (kind, id.get())),
        move |record| async move {
            match record {
                Some((kind, id)) => crate::comments::api::mentionable(kind, id).await,
                None => colleagues().await,
            }
        },
    );
    let error = RwSignal::new(None::<AppError>);
    let uploading = RwSignal::new(false);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let suggestions = move || {
        let draft = draft.get();
        let typed = typing_mention(&draft)?.to_lowercase();
        let list = people.get()?.ok()?;
        let hits: Vec<_> = list
            .into_iter()
            .filter(|m| {
                m.login.to_lowercase().starts_with(&typed) || m.name.to_lowercase().contains(&typed)
            })
            .take(6)
            .collect();
        (!hits.is_empty()).then_some(hits)
    };
    let complete = move |login: String| {
        draft.update(|d| {
            if let Some(at) = d.rfind('@') {
                d.truncate(at);
                d.push('@');
                d.push_str(&login);
                d.push(' ');
            }
        });
    };
    let send = move || {
        if !pending.get_untracked() && !uploading.get_untracked() {
            error.set(None);
            on_send.run(());
        }
    };
    let on_file = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = file_input.get_untracked() {
            uploading.set(true);
            leptos::task::spawn_local(async move {
                match crate::ui::upload::upload::<AttachmentRef>(
                    input.clone(),
                    "/api/v1/attachments",
                    crate::chat::MAX_ATTACHMENT,
                    AppError::invalid(crate::error::Field::File, crate::error::Problem::TooLong),
                )
                .await
                {
                    Ok(a) => attachment.set(a),
                    Err(e) => error.set(Some(e)),
                }
                input.set_value("");
                uploading.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (file_input, attachment, uploading);
    };
    view! {
        <div class="composer" data-testid=testid>
            {move || suggestions().map(|hits| view! {
                <ul class="mention-hits" data-testid="mention-hits">
                    {hits.into_iter().map(|m| {
                        let login = m.login.clone();
                        view! {
                            <li><button type="button" class="hit" on:click=move |_| complete(login.clone())>
                                <b>{m.name}</b> " " <span class="muted">"@" {m.login}</span>
                            </button></li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {move || attachment.get().map(|a| view! {
                <p class="attached" data-testid="attached"><Svg icon=Icon::Clip/> " " {a.name} " · " {a.mime} " · " {size_text(a.size)}
                    <button type="button" class="chip icon-button" aria-label=t(Key::Cancel) on:click=move |_| attachment.set(None)><Svg icon=Icon::Close/></button></p>
            })}
            <div class="composer-row">
                <textarea name="message" rows="2" placeholder=move || placeholder.get()
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" && !ev.shift_key() {
                            ev.prevent_default();
                            send();
                        }
                    }></textarea>
                <label class="button attach" title=t(Key::Attach)>
                    <Svg icon=Icon::Clip/><span class="visually-hidden">{t(Key::Attach)}</span>
                    <input type="file" node_ref=file_input class="visually-hidden" data-testid="attach-file" on:change=on_file/>
                </label>
                <button type="button" class="primary" data-testid="send"
                    disabled=move || pending.get() || uploading.get()
                    on:click=move |_| send()>{t(Key::Send)}</button>
            </div>
            {move || uploading.get().then(|| view! { <progress/> })}
            <ErrorBox error/>
        </div>
    }
}
