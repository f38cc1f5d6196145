//! Campaign screens: the list, a campaign with its live progress and recipients, the new
//! campaign form with its segment builder, mail templates, Settings → Mail, and the mail
//! panel of a client's card. All are lazy pages (`ui::pages`).

use super::api::{campaign_recipients, command_campaign, get_campaign, list_campaigns};
use super::text::{campaign_status, recipient_status, tr, T};
use super::{Campaign, CampaignCommand, CampaignStatus, RecipientStatus};
use crate::auth::Action;
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use crate::ui::shell::{me_allows, use_me};
use leptos::prelude::*;

pub mod client;
pub mod new;
pub mod settings;
pub mod templates;

#[cfg(feature = "hydrate")]
async fn sleep_ms(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// The tabs above every campaign screen.
#[component]
pub fn CampaignTabs() -> impl IntoView {
    let me = use_me();
    view! {
        <nav class="tabs" aria-label=tr(T::Campaigns)>
            <a href="/campaigns">{tr(T::Campaigns)}</a>
            <Suspense>
                {move || Suspend::new(async move {
                    let me = me.await;
                    let manage = me_allows(&me, Action::ManageCampaigns);
                    let mail = me_allows(&me, Action::ManageMail);
                    view! {
                        {manage.then(|| view! {
                            <a href="/campaigns/new" data-testid="new-campaign">{tr(T::NewCampaign)}</a>
                            <a href="/campaigns/templates" data-testid="mail-templates">{tr(T::MailTemplates)}</a>
                        })}
                        {mail.then(|| view! { <a href="/settings/mail">{tr(T::MailSettingsTitle)}</a> })}
                    }
                })}
            </Suspense>
        </nav>
    }
}

/// `sent / total` as a bar.
#[component]
fn ProgressBar(c: super::CampaignCounts) -> impl IntoView {
    let done = c.done();
    let pct = if c.total > 0 { done * 100 / c.total } else { 0 };
    view! {
        <span class="progress" data-testid="progress" data-done=done.to_string() data-total=c.total.to_string()>
            <progress max=c.total.max(1).to_string() value=done.to_string()></progress>
            " " {format!("{done} / {} ({pct} %)", c.total)}
        </span>
    }
}

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_campaigns());
    view! {
        <section class="page">
            <h1>{tr(T::Campaigns)}</h1>
            <CampaignTabs/>
            <Transition fallback=|| view! { <p>"…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p>{tr(T::NoCampaigns)}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                            <table class="table" data-testid="campaigns">
                                <thead><tr>
                                    <th>{tr(T::Name)}</th><th>{tr(T::Status)}</th><th>{tr(T::Progress)}</th>
                                    <th>{tr(T::Sent)}</th><th>{tr(T::Failed)}</th><th>{tr(T::Bounced)}</th><th>{tr(T::Unsubscribed)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| view! {
                                        <tr data-testid="campaign-row" data-id=c.id.to_string()>
                                            <td><a href=format!("/campaigns/{}", c.id)>{c.name.clone()}</a></td>
                                            <td data-status=c.status.as_str()>{tr(campaign_status(c.status))}</td>
                                            <td><ProgressBar c=c.counts/></td>
                                            <td>{c.counts.sent}</td><td>{c.counts.failed}</td>
                                            <td>{c.counts.bounced}</td><td>{c.counts.unsubscribed}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/campaigns/:id`: status, counts and progress (refreshed every second while it
/// sends), the buttons that fit its state, and its recipients.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let id = crate::ui::route::use_id_param();
    let me = use_me();
    let tick = RwSignal::new(0u64);
    let campaign = Resource::new(move || (id(), tick.get()), |(id, _)| get_campaign(id));
    let status = RwSignal::new(None::<CampaignStatus>);
    let error = RwSignal::new(None::<AppError>);
    // While it sends, the page asks again every second (the queue is in the database,
    // whichever instance sends it).
    Effect::new(move |_| {
        if let Some(Ok(c)) = campaign.get() {
            status.set(Some(c.status));
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let alive = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let flag = alive.clone();
        on_cleanup(move || flag.store(false, std::sync::atomic::Ordering::Relaxed));
        leptos::task::spawn_local(async move {
            while alive.load(std::sync::atomic::Ordering::Relaxed) {
                sleep_ms(1000).await;
                let polling = matches!(
                    status.get_untracked(),
                    Some(CampaignStatus::Running | CampaignStatus::Scheduled)
                );
                if polling && alive.load(std::sync::atomic::Ordering::Relaxed) {
                    tick.update(|t| *t += 1);
                }
            }
        });
    }
    let act = leptos::prelude::Action::new(move |(id, command): &(i64, CampaignCommand)| {
        command_campaign(*id, *command)
    });
    Effect::new(move || match act.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            tick.update(|t| *t += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let lang = use_lang();
    let confirm = move |key: T| -> bool {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.confirm_with_message(key.text(lang.get_untracked())).ok())
                .unwrap_or(false)
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (key, lang);
            false
        }
    };
    view! {
        <section class="page">
            <CampaignTabs/>
            <Transition fallback=|| view! { <p>"…"</p> }>
                {move || Suspend::new(async move {
                    let manage = me_allows(&me.await, Action::ManageCampaigns);
                    match campaign.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(c) => {
                            let cid = c.id;
                            let st = c.status;
                            view! {
                                <h1 data-testid="campaign-name">{c.name.clone()}</h1>
                                <p><span class="badge" data-testid="campaign-status" data-status=st.as_str()>{tr(campaign_status(st))}</span>
                                    " " <ProgressBar c=c.counts/></p>
                                <Counts c=c.clone()/>
                                {manage.then(|| view! {
                                    <div class="buttons">
                                        {(st == CampaignStatus::Draft).then(|| view! {
                                            <button class="primary" data-testid="start" on:click=move |_| {
                                                if confirm(T::ConfirmStart) { act.dispatch((cid, CampaignCommand::Start)); }
                                            }>{tr(T::Start)}</button>
                                        })}
                                        {(st == CampaignStatus::Running).then(|| view! {
                                            <button data-testid="pause" on:click=move |_| { act.dispatch((cid, CampaignCommand::Pause)); }>{tr(T::Pause)}</button>
                                        })}
                                        {(st == CampaignStatus::Paused).then(|| view! {
                                            <button data-testid="resume" on:click=move |_| { act.dispatch((cid, CampaignCommand::Resume)); }>{tr(T::Resume)}</button>
                                        })}
                                        {matches!(st, CampaignStatus::Draft | CampaignStatus::Scheduled | CampaignStatus::Running | CampaignStatus::Paused).then(|| view! {
                                            <button class="danger" data-testid="cancel" on:click=move |_| {
                                                if confirm(T::ConfirmCancel) { act.dispatch((cid, CampaignCommand::Cancel)); }
                                            }>{tr(T::CancelCampaign)}</button>
                                        })}
                                    </div>
                                })}
                                <ErrorBox error/>
                                <details class="card">
                                    <summary>{tr(T::Content)}</summary>
                                    <p><b>{tr(T::Subject)}": "</b>{c.subject.clone()}</p>
                                    <pre class="mail-text">{c.text.clone()}</pre>
                                </details>
                                <p class="muted">{tr(T::Created)} " " {show(c.created_at)} " " {tr(T::By)} " " {c.created_by.clone()}</p>
                                <Recipients id=cid tick/>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Counts(c: Campaign) -> impl IntoView {
    let n = c.counts;
    view! {
        <dl class="card facts counts" data-testid="counts">
            <dt>{tr(T::Total)}</dt><dd data-testid="count-total">{n.total}</dd>
            <dt>{tr(T::Queued)}</dt><dd data-testid="count-queued">{n.queued}</dd>
            <dt>{tr(T::Sent)}</dt><dd data-testid="count-sent">{n.sent}</dd>
            <dt>{tr(T::Failed)}</dt><dd data-testid="count-failed">{n.failed}</dd>
            <dt>{tr(T::Bounced)}</dt><dd data-testid="count-bounced">{n.bounced}</dd>
            <dt>{tr(T::Unsubscribed)}</dt><dd data-testid="count-unsubscribed">{n.unsubscribed}</dd>
        </dl>
    }
}

const FILTERS: [RecipientStatus; 7] = [
    RecipientStatus::Queued,
    RecipientStatus::Sending,
    RecipientStatus::Sent,
    RecipientStatus::Failed,
    RecipientStatus::Bounced,
    RecipientStatus::Unsubscribed,
    RecipientStatus::Cancelled,
];

/// The recipients, a hundred at a time, filtered by status.
#[component]
fn Recipients(id: i64, tick: RwSignal<u64>) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let pages = RwSignal::new(1i64);
    let rows = Resource::new(
        move || (filter.get(), pages.get(), tick.get()),
        move |(status, pages, _)| async move {
            let mut all = Vec::new();
            for page in 0..pages {
                let got = campaign_recipients(id, status.clone(), page * 100).await?;
                let last = got.len() < 100;
                all.extend(got);
                if last {
                    break;
                }
            }
            Ok::<_, AppError>(all)
        },
    );
    view! {
        <h2>{tr(T::Recipients)}</h2>
        <label class="inline"><span>{tr(T::Status)}</span>
            <select data-testid="recipient-filter" on:change=move |ev| { filter.set(event_target_value(&ev)); pages.set(1); }>
                <option value="">{tr(T::AllStatuses)}</option>
                {FILTERS.iter().map(|s| view! { <option value=s.as_str()>{tr(recipient_status(*s))}</option> }).collect_view()}
            </select>
        </label>
        <Transition fallback=|| view! { <p>"…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(list) => {
                        let more = list.len() as i64 >= pages.get_untracked() * 100;
                        view! {
                            <div class="table-wrap">
                            <table class="table" data-testid="recipients">
                                <thead><tr><th>{tr(T::Client)}</th><th>{tr(T::Email)}</th><th>{tr(T::Status)}</th>
                                    <th>{tr(T::SentAt)}</th><th>{tr(T::Reply)}</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|r| view! {
                                        <tr data-testid="recipient" data-status=r.status.as_str()>
                                            <td><a href=format!("/clients/{}", r.client_id)>{r.client_name}</a></td>
                                            <td>{r.email}</td>
                                            <td>{tr(recipient_status(r.status))}</td>
                                            <td>{r.sent_at.map(show).unwrap_or_default()}</td>
                                            <td class="muted">{r.reply}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                            {more.then(|| view! { <button on:click=move |_| pages.update(|p| *p += 1)>{tr(T::More)}</button> })}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
