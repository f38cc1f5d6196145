//! The comment feed at the bottom of an order, task or project and client card: the
//! discussion, newest at the bottom, with author, time and edits; a composer with
//! @mentions and attachments; one's own comments can be edited and deleted. Live: any
//! change to this feed refetches it. Place it outside a card part that re-renders on
//! other events (it has a live resource of its own).

use super::api::{add_comment, change_comment, list_comments};
use super::{Comment, CommentInput, RecordKind};
use crate::chat::ui::compose::{AttachmentView, Composer, RichText};
use crate::chat::AttachmentRef;
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use crate::ui::icons::{Icon, Svg};
use crate::ui::shell::use_me;
use leptos::prelude::*;

/// Texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        WriteComment => "Comment… (@ mentions a colleague)", "Комментарий… (@ — упомянуть коллегу)";
    }
}

#[component]
pub fn CommentFeed(kind: RecordKind, #[prop(into)] record_id: Signal<i64>) -> impl IntoView {
    let live = use_live();
    let me = use_me();
    let comments = Resource::new(
        move || (record_id.get(), live.comments_version.get()),
        move |(id, _)| list_comments(kind, id),
    );
    let draft = RwSignal::new(String::new());
    let attachment = RwSignal::new(None::<AttachmentRef>);
    let editing = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(
        move |(body, attachment_id, edit): &(String, Option<i64>, Option<i64>)| {
            let (body, attachment_id, edit) = (body.clone(), *attachment_id, *edit);
            let record_id = record_id.get_untracked();
            async move {
                match edit {
                    Some(id) => change_comment(id, Some(body)).await.map(|_| ()),
                    None => add_comment(CommentInput {
                        record_kind: kind,
                        record_id,
                        body,
                        attachment_id,
                    })
                    .await
                    .map(|_| ()),
                }
            }
        },
    );
    Effect::new(move || match save.value().get() {
        Some(Ok(())) => {
            draft.set(String::new());
            attachment.set(None);
            editing.set(None);
            error.set(None);
            comments.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let remove = Action::new(|id: &i64| change_comment(*id, None));
    Effect::new(move || match remove.value().get() {
        Some(Ok(_)) => comments.refetch(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |_| {
        save.dispatch((
            draft.get_untracked(),
            attachment.get_untracked().map(|a| a.id),
            editing.get_untracked(),
        ));
    };
    view! {
        <section class="comments" data-testid="comments">
            <h2>{t(Key::Comments)}</h2>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let my_id = me.await.ok().flatten().map(|m| m.id).unwrap_or(0);
                    match comments.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t(Key::NoComments)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="comment-list">
                                {list.into_iter().map(|c| view! { <CommentView c my_id editing draft remove/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    }
                })}
            </Transition>
            {move || editing.get().map(|_| view! {
                <p class="replying"><Svg icon=Icon::Pencil/> " " {t(Key::Editing)}
                    <button type="button" class="chip" on:click=move |_| { editing.set(None); draft.set(String::new()); }>"×"</button></p>
            })}
            <ErrorBox error/>
            <Composer draft attachment on_send=submit pending=save.pending() placeholder=Signal::derive(words::tr(words::T::WriteComment)) testid="comment-composer"
                record=(kind, record_id)/>
        </section>
    }
}

#[component]
fn CommentView(
    c: Comment,
    my_id: i64,
    editing: RwSignal<Option<i64>>,
    draft: RwSignal<String>,
    remove: Action<i64, Result<Option<Comment>, AppError>>,
) -> impl IntoView {
    let id = c.id;
    let own = c.author_id == my_id && !c.deleted;
    let body = c.body.clone();
    view! {
        <li class="comment" data-testid="comment" data-comment=id.to_string()>
            <header>
                <b>{c.author.clone()}</b> " " <span class="muted">{show(c.created_at)}</span>
                {c.edited_at.map(|_| view! { " " <span class="muted" data-testid="edited">{t(Key::Edited)}</span> })}
            </header>
            {if c.deleted {
                view! { <p class="muted deleted">{t(Key::MessageDeleted)}</p> }.into_any()
            } else {
                view! { <p class="body" data-testid="comment-body"><RichText body=c.body.clone()/></p> }.into_any()
            }}
            {c.attachment.clone().map(|a| view! { <AttachmentView a/> })}
            {own.then(|| view! {
                <div class="message-actions">
                    <button type="button" class="chip" data-testid="edit-comment" on:click=move |_| { editing.set(Some(id)); draft.set(body.clone()); }>{t(Key::Edit)}</button>
                    <button type="button" class="chip danger" data-testid="delete-comment" on:click=move |_| { remove.dispatch(id); }>{t(Key::Delete)}</button>
                </div>
            })}
        </li>
    }
}
