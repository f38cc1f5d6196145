//! The bell in the top bar: unread count, the newest notifications, live.

use super::api::{mark_read, my_inbox};
use super::{Notification, NotificationKind};
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::time::show;
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn Bell() -> impl IntoView {
    let live = use_live();
    let open = RwSignal::new(false);
    let items = Resource::new(move || live.inbox_version.get(), |_| my_inbox());
    let read = Action::new(|id: &Option<i64>| mark_read(*id));
    // The server publishes `Notified` to this user after marking; refetch on our own too.
    Effect::new(move || {
        if read.value().get().is_some() {
            items.refetch();
        }
    });
    let navigate = use_navigate();
    let follow = Callback::new(move |n: Notification| {
        open.set(false);
        if !n.read {
            read.dispatch(Some(n.id));
        }
        if n.link.starts_with('/') {
            navigate(&n.link, Default::default());
        }
    });
    view! {
        <div class="bell">
            <button class="icon-button bell-button" data-testid="bell"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                on:click=move |_| open.update(|o| *o = !*o)>
                <Svg icon=Icon::Bell/>
                // The name is the word and the unread count (not an aria-label, which
                // would hide the count from a screen reader).
                <span class="visually-hidden">{t(Key::Notifications)}</span>
                <Suspense>
                    {move || Suspend::new(async move {
                        let unread = items.await.map(|i| i.unread).unwrap_or(0);
                        (unread > 0).then(|| view! {
                            <span class="badge"><span data-testid="bell-count">{unread}</span>
                                <span class="visually-hidden">" " {t(Key::Unread)}</span></span>
                        })
                    })}
                </Suspense>
            </button>
            <Show when=move || open.get()>
                <div class="menu bell-list" data-testid="bell-list">
                    <div class="menu-row">
                        <strong>{t(Key::Notifications)}</strong>
                        <button class="chip" data-testid="bell-read-all"
                            on:click=move |_| { read.dispatch(None); }>{t(Key::MarkAllRead)}</button>
                    </div>
                    <Suspense fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                        {move || Suspend::new(async move {
                            let list = items.await.map(|i| i.items).unwrap_or_default();
                            if list.is_empty() {
                                return view! { <p class="muted">{t(Key::NoNotifications)}</p> }.into_any();
                            }
                            list.into_iter().map(|n| {
                                let title = match n.kind {
                                    NotificationKind::HoldExpiring => Key::HoldExpiring,
                                    NotificationKind::OrderStage => Key::OrderStageReached,
                                    NotificationKind::TaskAssigned => Key::TaskAssigned,
                                    NotificationKind::TaskStage => Key::TaskStageReached,
                                    NotificationKind::Mention => Key::MentionedYou,
                                    NotificationKind::Message => Key::NewMessage,
                                    NotificationKind::Comment => Key::NewComment,
                                    NotificationKind::MissedCall => Key::MissedCall,
                                };
                                let due = n.due_at.map(show);
                                let unread = !n.read;
                                let item = n.clone();
                                view! {
                                    <button class="menu-item notification" class:unread=unread
                                        data-testid="notification" on:click=move |_| follow.run(item.clone())>
                                        <span class="notification-title">{t(title)}</span>
                                        <span>{n.subject}</span>
                                        <span class="muted">{n.detail}
                                            {due.map(|d| view! { " · " {t(Key::Ends)} " " {d} })}
                                        </span>
                                    </button>
                                }
                            }).collect_view().into_any()
                        })}
                    </Suspense>
                </div>
            </Show>
        </div>
    }
}
