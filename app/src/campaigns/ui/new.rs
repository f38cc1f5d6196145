//! `/campaigns/new`: name, the segment built from what Vitrina knows of its clients (the
//! count updates as it is built; saved segments load and save by name), the letter (a
//! template or written here), sender and time; saved as a draft.

use super::super::api::{
    count_segment, list_mail_templates, list_segments, save_campaign, save_segment,
};
use super::super::text::{tr, T};
use super::super::{CampaignInput, SegmentFilter};
use super::CampaignTabs;
use crate::error::{AppError, Field};
use crate::quantity::Money;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The builder's fields, as typed.
#[derive(Clone, Copy)]
struct Builder {
    shops: RwSignal<Vec<i64>>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    category: RwSignal<String>,
    min_spent: RwSignal<String>,
    max_spent: RwSignal<String>,
    in_debt: RwSignal<bool>,
    min_debt: RwSignal<String>,
    before: RwSignal<String>,
    after: RwSignal<String>,
    has_email: RwSignal<String>,
    consent: RwSignal<String>,
}

fn opt(text: String) -> Option<String> {
    let t = text.trim().to_string();
    (!t.is_empty()).then_some(t)
}

fn money(text: &str) -> Result<Option<Money>, AppError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Money::parse(text, Field::Amount).map(Some)
}

fn tri(text: &str) -> Option<bool> {
    match text {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn tri_text(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

impl Builder {
    fn new() -> Self {
        Builder {
            shops: RwSignal::new(Vec::new()),
            from: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
            category: RwSignal::new(String::new()),
            min_spent: RwSignal::new(String::new()),
            max_spent: RwSignal::new(String::new()),
            in_debt: RwSignal::new(false),
            min_debt: RwSignal::new(String::new()),
            before: RwSignal::new(String::new()),
            after: RwSignal::new(String::new()),
            has_email: RwSignal::new(String::new()),
            consent: RwSignal::new(String::new()),
        }
    }

    fn filter(&self) -> Result<SegmentFilter, AppError> {
        Ok(SegmentFilter {
            shop_ids: self.shops.get(),
            purchased_from: opt(self.from.get()),
            purchased_to: opt(self.to.get()),
            category_ids: self
                .category
                .get()
                .parse::<i64>()
                .ok()
                .into_iter()
                .collect(),
            min_spent: money(&self.min_spent.get())?,
            max_spent: money(&self.max_spent.get())?,
            in_debt: self.in_debt.get().then_some(true),
            min_debt: money(&self.min_debt.get())?,
            last_order_before: opt(self.before.get()),
            last_order_after: opt(self.after.get()),
            has_email: tri(&self.has_email.get()),
            consent: tri(&self.consent.get()),
        })
    }

    fn load(&self, f: &SegmentFilter) {
        let text = |m: Option<Money>| m.map(|m| m.to_string()).unwrap_or_default();
        self.shops.set(f.shop_ids.clone());
        self.from.set(f.purchased_from.clone().unwrap_or_default());
        self.to.set(f.purchased_to.clone().unwrap_or_default());
        self.category.set(
            f.category_ids
                .first()
                .map(|c| c.to_string())
                .unwrap_or_default(),
        );
        self.min_spent.set(text(f.min_spent));
        self.max_spent.set(text(f.max_spent));
        self.in_debt.set(f.in_debt == Some(true));
        self.min_debt.set(text(f.min_debt));
        self.before
            .set(f.last_order_before.clone().unwrap_or_default());
        self.after
            .set(f.last_order_after.clone().unwrap_or_default());
        self.has_email.set(tri_text(f.has_email));
        self.consent.set(tri_text(f.consent));
    }
}

/// A `datetime-local` value (`2026-12-06T15:30`) in the viewer's zone, as UTC ms.
fn local_datetime(text: &str) -> Option<i64> {
    let (date, time) = text.trim().split_once('T')?;
    let start = crate::time::viewer().date_ms(date)?;
    let (h, m) = time.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    Some(start + (h * 60 + m) * 60_000)
}

#[component]
pub fn NewCampaignPage() -> impl IntoView {
    let b = Builder::new();
    let filter = Memo::new(move |_| b.filter());
    let count = Resource::new(
        move || filter.get(),
        |f| async move {
            match f {
                Ok(f) => count_segment(f).await,
                Err(e) => Err(e),
            }
        },
    );
    let locations = Resource::new(|| (), |_| crate::org::api::list_locations());
    let categories = Resource::new(|| (), |_| crate::catalog::api::list_categories());
    let saved = Resource::new(|| (), |_| list_segments());
    let templates = Resource::new(|| (), |_| list_mail_templates());

    let name = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let html = RwSignal::new(String::new());
    let sender = RwSignal::new(String::new());
    let schedule = RwSignal::new(String::new());
    let segment_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let segment_note = RwSignal::new(None::<String>);

    let save_seg =
        Action::new(|(name, f): &(String, SegmentFilter)| save_segment(name.clone(), f.clone()));
    Effect::new(move || match save_seg.value().get() {
        Some(Ok(s)) => {
            error.set(None);
            segment_note.set(Some(s.name));
            saved.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let navigate = use_navigate();
    let save = Action::new(|input: &CampaignInput| save_campaign(None, input.clone()));
    Effect::new(move || match save.value().get() {
        Some(Ok(c)) => navigate(&format!("/campaigns/{}", c.id), Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let segment = match filter.get_untracked() {
            Ok(f) => f,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let template_id = template.get_untracked().parse::<i64>().ok();
        let scheduled_at = local_datetime(&schedule.get_untracked());
        save.dispatch(CampaignInput {
            name: name.get_untracked(),
            segment,
            template_id,
            subject: subject.get_untracked(),
            text: text.get_untracked(),
            html: Some(html.get_untracked()),
            sender: sender.get_untracked(),
            scheduled_at,
        });
    };
    let field = |label: T, value: RwSignal<String>, kind: &'static str, testid: &'static str| {
        view! {
            <label><span>{tr(label)}</span>
                <input type=kind data-testid=testid prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))/></label>
        }
    };
    let yes_no = |label: T, value: RwSignal<String>, testid: &'static str| {
        view! {
            <label><span>{tr(label)}</span>
                <select data-testid=testid prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value="">{tr(T::Any)}</option>
                    <option value="yes">{tr(T::Yes)}</option>
                    <option value="no">{tr(T::No)}</option>
                </select></label>
        }
    };
    view! {
        <section class="page">
            <h1>{tr(T::NewCampaign)}</h1>
            <CampaignTabs/>
            <form class="card form-grid" data-testid="campaign-form" novalidate on:submit=submit>
                <label><span>{tr(T::Name)}</span>
                    <input name="name" data-testid="campaign-name-input" bind:value=name/></label>

                <fieldset class="segment" data-testid="segment">
                    <legend>{tr(T::Segment)}</legend>
                    <label><span>{tr(T::SavedSegments)}</span>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                let list = saved.await.unwrap_or_default();
                                let list2 = list.clone();
                                view! {
                                    <select data-testid="saved-segment" on:change=move |ev| {
                                        let id = event_target_value(&ev).parse::<i64>().ok();
                                        if let Some(s) = list2.iter().find(|s| Some(s.id) == id) { b.load(&s.filter); }
                                    }>
                                        <option value="">{tr(T::ChooseSegment)}</option>
                                        {list.into_iter().map(|s| view! { <option value=s.id.to_string()>{s.name}</option> }).collect_view()}
                                    </select>
                                }
                            })}
                        </Transition>
                    </label>
                    <div class="checks" role="group" aria-label=tr(T::BoughtAt)>
                        <span>{tr(T::BoughtAt)}</span>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                locations.await.unwrap_or_default().into_iter()
                                    .filter(|l| l.kind == crate::org::LocationKind::Shop)
                                    .map(|l| {
                                        let id = l.id;
                                        view! {
                                            <label class="check"><input type="checkbox" data-testid="segment-shop" value=id.to_string()
                                                prop:checked=move || b.shops.get().contains(&id)
                                                on:change=move |_| b.shops.update(|s| if s.contains(&id) { s.retain(|x| *x != id) } else { s.push(id) })/>
                                                <span>{l.name}</span></label>
                                        }
                                    }).collect_view()
                            })}
                        </Transition>
                    </div>
                    {field(T::PurchasedFrom, b.from, "date", "segment-from")}
                    {field(T::PurchasedTo, b.to, "date", "segment-to")}
                    <label><span>{tr(T::Category)}</span>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                let list = categories.await.unwrap_or_default();
                                view! {
                                    <select data-testid="segment-category" prop:value=move || b.category.get()
                                        on:change=move |ev| b.category.set(event_target_value(&ev))>
                                        <option value="">{tr(T::AnyCategory)}</option>
                                        {list.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                                    </select>
                                }
                            })}
                        </Transition>
                    </label>
                    {field(T::MinSpent, b.min_spent, "text", "segment-min-spent")}
                    {field(T::MaxSpent, b.max_spent, "text", "segment-max-spent")}
                    <label class="check"><input type="checkbox" data-testid="segment-debt" prop:checked=move || b.in_debt.get()
                        on:change=move |_| b.in_debt.update(|d| *d = !*d)/><span>{tr(T::InDebt)}</span></label>
                    {field(T::MinDebt, b.min_debt, "text", "segment-min-debt")}
                    {field(T::LastOrderBefore, b.before, "date", "segment-before")}
                    {field(T::LastOrderAfter, b.after, "date", "segment-after")}
                    {yes_no(T::HasEmail, b.has_email, "segment-email")}
                    {yes_no(T::ConsentLabel, b.consent, "segment-consent")}
                    <p class="segment-count" aria-live="polite">
                        <Transition fallback=|| view! { "…" }>
                            {move || Suspend::new(async move {
                                match count.await {
                                    Ok(c) => view! {
                                        {tr(T::Matching)} ": " <b data-testid="segment-matching">{c.matching}</b>
                                        ", " <b data-testid="segment-reachable">{c.reachable}</b> " " {tr(T::Reachable)}
                                    }.into_any(),
                                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                                }
                            })}
                        </Transition>
                    </p>
                    <div class="inline">
                        <label><span>{tr(T::SaveSegmentAs)}</span><input data-testid="segment-name" bind:value=segment_name/></label>
                        <button type="button" data-testid="save-segment" on:click=move |_| {
                            match filter.get_untracked() {
                                Ok(f) => { save_seg.dispatch((segment_name.get_untracked(), f)); }
                                Err(e) => error.set(Some(e)),
                            }
                        }>{tr(T::SaveSegment)}</button>
                        {move || segment_note.get().map(|n| view! { <span class="muted" role="status">{tr(T::SegmentSaved)} ": " {n}</span> })}
                    </div>
                </fieldset>

                <fieldset>
                    <legend>{tr(T::Content)}</legend>
                    <label><span>{tr(T::Template)}</span>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                let list = templates.await.unwrap_or_default();
                                view! {
                                    <select data-testid="campaign-template" on:change=move |ev| template.set(event_target_value(&ev))>
                                        <option value="">{tr(T::OwnContent)}</option>
                                        {list.into_iter().map(|t| view! { <option value=t.id.to_string()>{t.name}</option> }).collect_view()}
                                    </select>
                                }
                            })}
                        </Transition>
                    </label>
                    <Show when=move || template.get().is_empty()>
                        <label><span>{tr(T::Subject)}</span><input data-testid="campaign-subject" bind:value=subject/></label>
                        <label><span>{tr(T::TextPart)}</span><textarea rows="8" data-testid="campaign-text"
                            prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea></label>
                        <label><span>{tr(T::HtmlPart)}</span><textarea rows="6" data-testid="campaign-html"
                            prop:value=move || html.get() on:input=move |ev| html.set(event_target_value(&ev))></textarea></label>
                        <p class="hint">{tr(T::Placeholders)}</p>
                    </Show>
                    {field(T::Sender, sender, "text", "campaign-sender")}
                    {field(T::Schedule, schedule, "datetime-local", "campaign-schedule")}
                </fieldset>
                <ErrorBox error/>
                <div class="buttons"><button type="submit" class="primary" data-testid="save-campaign">{tr(T::SaveDraft)}</button></div>
            </form>
        </section>
    }
}
