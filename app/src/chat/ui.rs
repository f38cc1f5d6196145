//! `/chat` and `/chat/:id`: the chats one is in (the general chat first, unread counts),
//! a new private chat, search across one's chats; the open chat's history (newest at the
//! bottom, older pages loaded when scrolled to the top), replies, edits, deletion,
//! attachments and who is online. Live: the chat refetches its newest page on every
//! event about it, and after a reconnect.

pub mod compose;

use crate::chat::api::{
    chat_history, colleagues, create_chat, delete_message, edit_message, list_chats, post_message,
    read_chat, search_messages, set_chat_members,
};
use crate::chat::{AttachmentRef, ChatInput, ChatKind, ChatSummary, Message, MessageInput};
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use crate::ui::icons::{Icon, Svg};
use crate::ui::shell::use_me;
use compose::{AttachmentView, Composer, RichText};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

/// Texts of this page only: they travel in its chunk, not the first screen's.
mod words {
    crate::i18n::local_texts! {
        WriteMessage => "Message… (@ mentions a colleague)", "Сообщение… (@ — упомянуть коллегу)";
    }
}

fn chat_title(c: &ChatSummary) -> String {
    match c.kind {
        ChatKind::General => String::new(),
        ChatKind::Private if !c.title.is_empty() => c.title.clone(),
        ChatKind::Private => c
            .members
            .iter()
            .map(|m| m.name.clone())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[component]
pub fn ChatPage() -> impl IntoView {
    let live = use_live();
    let params = use_params_map();
    let chats = Resource::new(move || live.chat_version.get(), |_| list_chats());
    let selected = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    // Without an id, the general chat. (Known without a fetch, so the server and the
    // hydrating browser render the same chat.)
    let current = Memo::new(move |_| Some(selected.get().unwrap_or(crate::chat::GENERAL_CHAT)));
    let creating = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let hits = Resource::new(
        move || query.get(),
        |q| async move {
            if q.trim().chars().count() < 2 {
                Ok(Vec::new())
            } else {
                search_messages(q).await
            }
        },
    );
    view! {
        <section class="page chat-page">
            <aside class="chat-list card" data-testid="chat-list">
                <input type="search" name="chat-search" data-testid="chat-search" placeholder=t(Key::SearchMessages)
                    bind:value=query/>
                <Transition>
                    {move || hits.get().map(|r| match r {
                        Ok(list) if !list.is_empty() => view! {
                            <ul class="search-hits" data-testid="chat-hits">
                                {list.into_iter().map(|h| view! {
                                    <li><a href=format!("/chat/{}#m{}", h.chat_id, h.message.id) on:click=move |_| query.set(String::new())>
                                        <b>{h.message.author.clone()}</b> " " <span class="muted">{show(h.message.created_at)}</span>
                                        <br/>{h.message.body.clone()}
                                    </a></li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Ok(_) => ().into_any(),
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    })}
                </Transition>
                <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                    {move || chats.get().map(|r| match r {
                        Ok(list) => view! {
                            <ul class="chats">
                                {list.into_iter().map(|c| {
                                    let id = c.id;
                                    let title = chat_title(&c);
                                    let general = c.kind == ChatKind::General;
                                    view! {
                                        <li><a href=format!("/chat/{id}") data-testid="chat-link" data-chat=id.to_string()
                                            class:active=move || current.get() == Some(id)>
                                            {if general { t(Key::GeneralChat)().to_string() } else { title }}
                                            {(c.unread > 0).then(|| view! { <span class="badge" data-testid="chat-unread">{if c.unread > 99 { "99+".to_string() } else { c.unread.to_string() }}</span> })}
                                        </a></li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    })}
                </Transition>
                <button type="button" data-testid="new-chat" on:click=move |_| creating.update(|c| *c = !*c)>{t(Key::NewChat)}</button>
                <Show when=move || creating.get()>
                    <MembersForm chat=None on_done=move |_| creating.set(false)/>
                </Show>
            </aside>
            {move || current.get().map(|id| view! { <ChatView chat_id=id chats/> })}
        </section>
    }
}

/// Choosing colleagues: a new private chat (with a title), or the members of one.
#[component]
fn MembersForm(chat: Option<ChatSummary>, #[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let people = Resource::new(|| (), |_| colleagues());
    let me = use_me();
    let editing = chat.as_ref().map(|c| c.id);
    let title = RwSignal::new(chat.as_ref().map(|c| c.title.clone()).unwrap_or_default());
    let picked = RwSignal::new(
        chat.as_ref()
            .map(|c| c.members.iter().map(|m| m.id).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<AppError>);
    let navigate = use_navigate();
    let save = Action::new(move |(title, ids): &(String, Vec<i64>)| {
        let (title, ids) = (title.clone(), ids.clone());
        async move {
            match editing {
                Some(id) => set_chat_members(id, ids).await,
                None => {
                    create_chat(ChatInput {
                        title,
                        member_ids: ids,
                    })
                    .await
                }
            }
        }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(c)) => {
            on_done.run(());
            navigate(&format!("/chat/{}", c.id), Default::default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <form class="card form-grid members-form" data-testid="members-form" on:submit=move |ev| {
            ev.prevent_default();
            // Only people the form shows (active colleagues) are sent.
            let shown: Vec<i64> = people.get_untracked().and_then(|r| r.ok()).unwrap_or_default().iter().map(|p| p.id).collect();
            let ids = picked.get_untracked().into_iter().filter(|id| shown.contains(id)).collect();
            save.dispatch((title.get_untracked(), ids));
        }>
            {editing.is_none().then(|| view! {
                <label><span>{t(Key::FieldName)}</span><input name="title" bind:value=title/></label>
            })}
            <Suspense>
                {move || Suspend::new(async move {
                    let my_id = me.await.ok().flatten().map(|m| m.id);
                    people.await.unwrap_or_default().into_iter().filter(|p| Some(p.id) != my_id).map(|p| {
                        let id = p.id;
                        view! {
                            <label class="check"><input type="checkbox" name="member" value=p.login.clone()
                                prop:checked=move || picked.with(|v| v.contains(&id))
                                on:change=move |_| picked.update(|v| if let Some(i) = v.iter().position(|x| *x == id) { v.remove(i); } else { v.push(id); })/>
                                <span>{p.name}</span></label>
                        }
                    }).collect_view()
                })}
            </Suspense>
            <ErrorBox error/>
            <div class="buttons"><button type="submit" class="primary" data-testid="save-chat">{t(Key::Save)}</button></div>
        </form>
    }
}

#[component]
fn ChatView(chat_id: i64, chats: Resource<Result<Vec<ChatSummary>, AppError>>) -> impl IntoView {
    let live = use_live();
    let me = use_me();
    let recent = Resource::new(
        move || live.chat_version.get(),
        move |_| chat_history(chat_id, None),
    );
    let older = RwSignal::new(Vec::<Message>::new());
    let more = RwSignal::new(None::<bool>);
    let loading_older = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let attachment = RwSignal::new(None::<AttachmentRef>);
    let reply = RwSignal::new(None::<Message>);
    let editing = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<AppError>);
    let managing = RwSignal::new(false);
    let list_ref = NodeRef::<leptos::html::Div>::new();
    let read = Action::new(move |_: &()| read_chat(chat_id, None));
    let send = Action::new(
        move |(body, reply_to, attachment_id, edit): &(
            String,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        )| {
            let (body, reply_to, attachment_id, edit) =
                (body.clone(), *reply_to, *attachment_id, *edit);
            async move {
                match edit {
                    Some(id) => edit_message(id, body).await.map(|_| ()),
                    None => post_message(
                        chat_id,
                        MessageInput {
                            body,
                            reply_to_id: reply_to,
                            attachment_id,
                        },
                    )
                    .await
                    .map(|_| ()),
                }
            }
        },
    );
    Effect::new(move || match send.value().get() {
        Some(Ok(())) => {
            draft.set(String::new());
            attachment.set(None);
            reply.set(None);
            editing.set(None);
            error.set(None);
            recent.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let remove = Action::new(|id: &i64| delete_message(*id));
    Effect::new(move || match remove.value().get() {
        Some(Ok(())) => recent.refetch(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    // Seen: mark read whenever the newest page arrives; keep the view at the bottom.
    Effect::new(move || {
        if let Some(Ok(page)) = recent.get() {
            if more.get_untracked().is_none() {
                more.set(Some(page.more));
            }
            read.dispatch(());
            if let Some(el) = list_ref.get_untracked() {
                request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
            }
        }
    });
    Effect::new(move || {
        if let Some(Ok(())) = read.value().get() {
            chats.refetch();
        }
    });
    let load_older = move || {
        if loading_older.get_untracked() || more.get_untracked() != Some(true) {
            return;
        }
        let first = older
            .with_untracked(|o| o.first().map(|m| m.id))
            .or_else(|| {
                recent
                    .get_untracked()
                    .and_then(|r| r.ok())
                    .and_then(|p| p.messages.first().map(|m| m.id))
            });
        let Some(before) = first else { return };
        loading_older.set(true);
        leptos::task::spawn_local(async move {
            match chat_history(chat_id, Some(before)).await {
                Ok(page) => {
                    more.set(Some(page.more));
                    older.update(|o| {
                        let mut v = page.messages;
                        v.append(o);
                        *o = v;
                    });
                }
                Err(e) => error.set(Some(e)),
            }
            loading_older.set(false);
        });
    };
    let submit = move |_| {
        let body = draft.get_untracked();
        send.dispatch((
            body,
            reply.get_untracked().map(|m| m.id),
            attachment.get_untracked().map(|a| a.id),
            editing.get_untracked(),
        ));
    };
    let summary = move |list: Result<Vec<ChatSummary>, AppError>| {
        list.ok()
            .and_then(|l| l.into_iter().find(|c| c.id == chat_id))
    };
    view! {
        <div class="chat-view card" data-testid="chat-view" data-chat=chat_id.to_string()>
            <header class="chat-head">
                <Transition>
                {move || Suspend::new(async move { summary(chats.await).map(|c| {
                    let general = c.kind == ChatKind::General;
                    let title = chat_title(&c);
                    let creator = c.created_by;
                    let members = c.members.clone();
                    view! {
                        <h1 data-testid="chat-title">{if general { t(Key::GeneralChat)().to_string() } else { title }}</h1>
                        <ul class="members" data-testid="chat-members">
                            {if general {
                                view! { <li class="muted">{t(Key::Online)} ": " {move || live.online.get().len()}</li> }.into_any()
                            } else {
                                members.into_iter().map(|m| {
                                    let id = m.id;
                                    let seen = m.last_seen_at;
                                    view! {
                                        <li>
                                            {m.name.clone()} " "
                                            {move || if live.online.get().iter().any(|o| o.id == id) {
                                                view! { <span class="online" data-testid="online">"● " {t(Key::Online)}</span> }.into_any()
                                            } else {
                                                view! { <span class="muted">{seen.map(|s| format!("{} {}", t(Key::LastSeen)(), show(s)))}</span> }.into_any()
                                            }}
                                        </li>
                                    }
                                }).collect_view().into_any()
                            }}
                        </ul>
                        <Suspense>
                            {move || Suspend::new(async move {
                                let me_id = me.await.ok().flatten().map(|m| m.id);
                                (creator.is_some() && creator == me_id).then(|| view! {
                                    <button type="button" data-testid="manage-members" on:click=move |_| managing.update(|m| *m = !*m)>{t(Key::Members)}</button>
                                })
                            })}
                        </Suspense>
                        {move || managing.get().then(|| view! { <MembersForm chat=Some(c.clone()) on_done=move |_| managing.set(false)/> })}
                    }
                }) })}
                </Transition>
            </header>
            <div class="messages" node_ref=list_ref data-testid="messages"
                on:scroll=move |_| {
                    if let Some(el) = list_ref.get_untracked() {
                        if el.scroll_top() < 40 {
                            load_older();
                        }
                    }
                }>
                {move || (more.get() == Some(true)).then(|| view! {
                    <button type="button" class="chip" data-testid="load-older" on:click=move |_| load_older()>{t(Key::OlderMessages)}</button>
                })}
                <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        let my_id = me.await.ok().flatten().map(|m| m.id).unwrap_or(0);
                        let page = recent.await;
                        match page {
                            Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                            Ok(page) => {
                                let first_recent = page.messages.first().map(|m| m.id).unwrap_or(i64::MAX);
                                view! {
                                    {move || older.get().into_iter().filter(|m| m.id < first_recent).map(|m| view! {
                                        <MessageView m my_id reply editing draft remove/>
                                    }).collect_view()}
                                    {page.messages.into_iter().map(|m| view! {
                                        <MessageView m my_id reply editing draft remove/>
                                    }).collect_view()}
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </div>
            {move || reply.get().map(|m| view! {
                <p class="replying" data-testid="replying"><Svg icon=Icon::Reply/> " " {m.author} ": " {m.body.chars().take(80).collect::<String>()}
                    <button type="button" class="chip" on:click=move |_| reply.set(None)>"×"</button></p>
            })}
            {move || editing.get().map(|_| view! {
                <p class="replying"><Svg icon=Icon::Pencil/> " " {t(Key::Editing)}
                    <button type="button" class="chip" on:click=move |_| { editing.set(None); draft.set(String::new()); }>"×"</button></p>
            })}
            <ErrorBox error/>
            <Composer draft attachment on_send=submit pending=send.pending() placeholder=Signal::derive(words::tr(words::T::WriteMessage)) testid="chat-composer"/>
        </div>
    }
}

#[component]
fn MessageView(
    m: Message,
    my_id: i64,
    reply: RwSignal<Option<Message>>,
    editing: RwSignal<Option<i64>>,
    draft: RwSignal<String>,
    remove: Action<i64, Result<(), AppError>>,
) -> impl IntoView {
    let id = m.id;
    let own = m.author_id == my_id && !m.deleted;
    let for_reply = m.clone();
    let body = m.body.clone();
    view! {
        <article class="message" class:own=own data-testid="message" id=format!("m{id}") data-message=id.to_string()>
            <header>
                <b>{m.author.clone()}</b> " "
                <span class="muted">{show(m.created_at)}</span>
                {m.edited_at.map(|_| view! { " " <span class="muted" data-testid="edited">{t(Key::Edited)}</span> })}
            </header>
            {m.reply_to.clone().map(|q| view! {
                <blockquote class="quote"><a href=format!("#m{}", q.id)><b>{q.author}</b> " " {q.body}</a></blockquote>
            })}
            {if m.deleted {
                view! { <p class="muted deleted" data-testid="message-deleted">{t(Key::MessageDeleted)}</p> }.into_any()
            } else {
                view! { <p class="body" data-testid="message-body"><RichText body=m.body.clone()/></p> }.into_any()
            }}
            {m.attachment.clone().map(|a| view! { <AttachmentView a/> })}
            {(!m.deleted).then(|| view! {
                <div class="message-actions">
                    <button type="button" class="chip" data-testid="reply" on:click=move |_| reply.set(Some(for_reply.clone()))>{t(Key::Reply)}</button>
                    {own.then(|| view! {
                        <button type="button" class="chip" data-testid="edit-message" on:click=move |_| { editing.set(Some(id)); draft.set(body.clone()); }>{t(Key::Edit)}</button>
                        <button type="button" class="chip danger" data-testid="delete-message" on:click=move |_| { remove.dispatch(id); }>{t(Key::Delete)}</button>
                    })}
                </div>
            })}
        </article>
    }
}
