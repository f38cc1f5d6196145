//! The availability panel: every location's numbers (own shop first, then nearest),
//! reserve anywhere, who holds what, alternatives. Refetches on every stock event.
//!
//! Reserving works before the browser bundle runs: «Reserve» is a link to the same page
//! with the form open (`?product=…&reserve=LOCATION`), the form a plain POST to
//! `/stock/reserve` (the server's `forms` module), which answers with this page again:
//! `&reserved=ID`, or the form still open with what was typed and `&refused=ERROR`.
//! Once the bundle runs the same link and form work in place.

use crate::auth::Action as Permission;
use crate::catalog::api::{link_alternatives, set_product_active};
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::quantity::Qty;
use crate::stock::api::{
    create_stock_doc, fulfil_reservation, product_availability, release_reservation, reserve,
};
use crate::stock::ui::search::ProductSearch;
use crate::stock::{Availability, DocInput, DocKind, DocLine, ReservationInfo, ReserveInput};
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use crate::ui::offline::{is_network, seen, use_offline, Offline, Operation};
use crate::ui::outcome::on_outcome;
use crate::ui::shell::{me_allows, use_me};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The availability, or with the network gone the last one this tablet saw (and when).
async fn fetch_availability(id: i64) -> Result<(Availability, Option<i64>), AppError> {
    match product_availability(id).await {
        Ok(a) => Ok((a, None)),
        Err(e) if is_network(&e) => match seen::recall(id).await {
            Some((a, at)) => Ok((a, Some(at))),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// What pressing «Reserve» gave: a reservation, or an operation queued offline.
#[derive(Debug, Clone)]
enum Reserved {
    Made(ReservationInfo),
    Queued,
}

/// The way back from the last press, offered for a few seconds: release the hold just
/// made, or make again the hold just released.
#[derive(Debug, Clone)]
pub(crate) enum Undo {
    Release(i64),
    Hold(ReserveInput),
}

/// A confirmation shown at the foot of the screen: its words, its way back, and a serial
/// so that an older one's timer does not hide a newer one.
type Toast = (String, Option<Undo>, u32);

/// A hold to send: the request, its idempotency key, and words for the queue.
#[derive(Debug, Clone)]
struct Hold {
    input: ReserveInput,
    key: String,
    label: String,
    query: String,
}

#[component]
pub fn AvailabilityPanel(product_id: i64) -> impl IntoView {
    let live = use_live();
    let offline = use_offline();
    let data = Resource::new(
        move || (product_id, live.stock_version.get()),
        |(id, _)| fetch_availability(id),
    );
    // Fresh figures are kept on the tablet for when the network goes.
    // (when the figures were fetched, whether they come from the tablet's store)
    let seen_at = RwSignal::new(None::<(i64, bool)>);
    // The product's name and SKU, for the words of a hold waiting offline.
    let product_words = StoredValue::new((String::new(), String::new()));
    Effect::new(move || {
        if let Some(Ok((a, stale))) = data.get() {
            product_words.set_value((a.product.name.clone(), a.product.sku.clone()));
            let at = stale.unwrap_or_else(crate::time::now_ms);
            if stale.is_none() {
                seen::remember(&a, at);
            }
            seen_at.set(Some((at, stale.is_some())));
        }
    });
    // What the plain form's answer says (see the module's doc).
    let sent = FormAnswer::read();
    let notice = RwSignal::new(sent.reserved.then_some(Key::ReservedNotice));
    // The reserve form lives outside the refetched table, so a live update keeps it open.
    // (location id, location name, Some(home) when delivering from there to the home shop;
    // an empty name is looked up in the figures)
    let reserving = RwSignal::new(sent.reserve.map(|l| (l, String::new(), None)));
    let delivered = RwSignal::new(None::<i64>);
    // The fields are read from the page, never bound: what was typed before the page
    // became interactive stays (a bound value would be reset by hydration).
    let qty = NodeRef::<leptos::html::Input>::new();
    let client = NodeRef::<leptos::html::Input>::new();
    let typed = move |field: NodeRef<leptos::html::Input>| {
        field
            .get_untracked()
            .map(|el| el.value())
            .unwrap_or_default()
    };
    let error = RwSignal::new(sent.refused.clone());
    let form_key = Offline::new_key();
    let bump = move || live.stock_version.update(|v| *v += 1);

    // Every hold carries a key made when the button is pressed: a retry after a lost
    // answer, or the offline queue's replay, gets the same reservation.
    let reserve_action = Action::new(move |hold: &Hold| {
        let hold = hold.clone();
        async move {
            let queue = move |h: Hold| {
                let op = Operation::Reservation { input: h.input };
                offline.enqueue(h.key, op, h.label, h.query);
                Ok(Reserved::Queued)
            };
            if !offline.online.get_untracked() {
                return queue(hold);
            }
            match reserve(hold.input.clone(), Some(hold.key.clone())).await {
                Ok(info) => Ok(Reserved::Made(info)),
                Err(e) if is_network(&e) => {
                    offline.online.set(false);
                    queue(hold)
                }
                Err(e) => Err(e),
            }
        }
    });
    on_outcome(reserve_action, error, move || {
        reserving.set(None);
        bump();
    });
    let toast = RwSignal::new(None::<Toast>);
    let lang = crate::i18n::use_lang();
    let show_toast = move |text: String, undo: Option<Undo>| {
        let serial = toast.get_untracked().map_or(0, |t| t.2.wrapping_add(1));
        toast.set(Some((text, undo, serial)));
        #[cfg(feature = "hydrate")]
        set_timeout(
            move || {
                if toast.get_untracked().is_some_and(|t| t.2 == serial) {
                    toast.set(None);
                }
            },
            std::time::Duration::from_secs(8),
        );
    };
    Effect::new(move || match reserve_action.value().get() {
        Some(Ok(Reserved::Made(info))) => {
            notice.set(None);
            let (name, _) = product_words.get_value();
            let text = format!(
                "{}: {name} × {}",
                Key::ReservedNotice.text(lang.get_untracked()),
                crate::format::qty(info.qty, lang.get_untracked())
            );
            show_toast(text, Some(Undo::Release(info.id)));
        }
        Some(Ok(Reserved::Queued)) => notice.set(Some(Key::QueuedOffline)),
        _ => {}
    });
    // Releasing asks first (`confirming`), then offers to hold the goods again.
    let confirming = RwSignal::new(None::<i64>);
    let released = StoredValue::new(None::<ReserveInput>);
    let release = Action::new(move |(id, input): &(i64, ReserveInput)| {
        released.set_value(Some(input.clone()));
        release_reservation(*id)
    });
    on_outcome(release, error, move || {
        confirming.set(None);
        bump();
        let again = released.get_value();
        show_toast(
            Key::ReleasedNotice.text(lang.get_untracked()).to_string(),
            again.map(Undo::Hold),
        );
    });
    let undo = Action::new(|u: &Undo| {
        let u = u.clone();
        async move {
            match u {
                Undo::Release(id) => release_reservation(id).await,
                Undo::Hold(input) => reserve(input, None).await.map(|_| ()),
            }
        }
    });
    on_outcome(undo, error, move || {
        toast.set(None);
        bump();
    });
    let fulfil = Action::new(|id: &i64| fulfil_reservation(*id));
    on_outcome(fulfil, error, bump);
    let me = use_me();
    let linking = RwSignal::new(false);
    let link = Action::new(move |alternative: &i64| link_alternatives(product_id, *alternative));
    let link_form = NodeRef::<leptos::html::Div>::new();
    Effect::new(move || {
        if let Some(el) = link_form.get() {
            crate::ui::browser::focus_first_field(&el);
        }
    });
    on_outcome(link, error, move || {
        linking.set(false);
        bump();
    });
    let navigate = use_navigate();
    let archive = Action::new(move |_: &()| set_product_active(product_id, false));
    on_outcome(archive, error, move || {
        navigate("/stock", Default::default())
    });
    let deliver = Action::new(|input: &DocInput| create_stock_doc(input.clone()));
    Effect::new(move || {
        if let Some(Ok(doc)) = deliver.value().get() {
            delivered.set(Some(doc.id));
        }
    });
    on_outcome(deliver, error, move || {
        reserving.set(None);
        bump();
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((location_id, _, deliver_to)) = reserving.get_untracked() else {
            return;
        };
        match Qty::parse(&typed(qty), crate::error::Field::Quantity) {
            Ok(q) if deliver_to.is_some() => {
                deliver.dispatch(DocInput {
                    kind: DocKind::Transfer,
                    location_id,
                    to_location_id: deliver_to,
                    lines: vec![DocLine { product_id, qty: q }],
                    reason: String::new(),
                    comment: typed(client),
                });
            }
            Ok(q) => {
                let (name, sku) = product_words.get_value();
                let place = reserving.get_untracked().map(|r| r.1).unwrap_or_default();
                let who = typed(client);
                let label = format!(
                    "{name} × {q}, {place}{}",
                    if who.trim().is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", who.trim())
                    }
                );
                reserve_action.dispatch(Hold {
                    input: ReserveInput {
                        product_id,
                        location_id,
                        qty: q,
                        order_id: None,
                        client: who,
                    },
                    key: Offline::new_key(),
                    label,
                    query: sku,
                });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let open_form = move |location_id: i64, name: String, deliver_to: Option<i64>| {
        error.set(None);
        notice.set(None);
        delivered.set(None);
        if let Some(el) = qty.get_untracked() {
            el.set_value("1");
        }
        reserving.set(Some((location_id, name, deliver_to)));
        // The form opens below the figures: bring it into view with the cursor in its
        // first field, or on a tablet it seems nothing happened.
        #[cfg(feature = "hydrate")]
        request_animation_frame(move || {
            if let Some(el) = qty.get_untracked() {
                let _ = el.focus();
                el.select();
            }
        });
    };
    let place = move || {
        let (id, name, _) = reserving.get()?;
        if !name.is_empty() {
            return Some(name);
        }
        match data.get()? {
            Ok((a, _)) => a
                .locations
                .into_iter()
                .find(|l| l.location_id == id)
                .map(|l| l.name),
            Err(_) => None,
        }
    };

    view! {
        <div class="availability" data-testid="availability">
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || data.get().map(|r| match r {
                    Ok((a, _)) => view! {
                        {me_allows(&me.get().unwrap_or(Ok(None)), Permission::ManageCatalog).then(|| view! {
                            <div class="buttons catalog-actions">
                                <a class="button" data-testid="edit-product"
                                    href=format!("/stock/products/{}/edit", a.product.id)>{t(Key::Edit)}</a>
                                <button data-testid="link-alternative" on:click=move |_| linking.update(|l| *l = !*l)>
                                    {t(Key::LinkAlternative)}
                                </button>
                                <button class="danger" data-testid="archive-product" on:click=move |_| { archive.dispatch(()); }>
                                    {t(Key::Archive)}
                                </button>
                            </div>
                        })}
                        <Stale seen_at/>
                        <Numbers a product_id open_form release fulfil confirming/>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}
            </Transition>
            <Show when=move || linking.get()>
                <div class="card" data-testid="link-form" node_ref=link_form>
                    <h2>{t(Key::LinkAlternative)}</h2>
                    <ProductSearch on_pick=move |hit: crate::catalog::ProductHit| { link.dispatch(hit.id); }/>
                </div>
            </Show>
            <Show when=move || reserving.get().is_some()>
                <form class="card form-grid" data-testid="reserve-form" method="post" action="/stock/reserve" on:submit=submit>
                    <h2>
                        {move || if reserving.get().is_some_and(|r| r.2.is_some()) { t(Key::DeliverFrom)() } else { t(Key::ReserveAt)() }}
                        ": "
                        <Transition>{place}</Transition>
                    </h2>
                    <input type="hidden" name="product" value=product_id.to_string()/>
                    <input type="hidden" name="location" value=move || reserving.get().map(|r| r.0.to_string())/>
                    <input type="hidden" name="key" value=form_key.clone()/>
                    <label><span>{t(Key::Quantity)}</span>
                        <input name="qty" inputmode="decimal" node_ref=qty value=sent.qty.clone()/></label>
                    <label><span>{t(Key::ClientForHold)}</span>
                        <input name="client" node_ref=client value=sent.client.clone()/></label>
                    <ErrorBox error/>
                    <div class="buttons">
                        <button type="submit" class="primary" disabled=move || reserve_action.pending().get() || deliver.pending().get()>
                            {move || if reserving.get().is_some_and(|r| r.2.is_some()) { t(Key::OrderDelivery)() } else { t(Key::Reserve)() }}
                        </button>
                        <button type="button" on:click=move |_| reserving.set(None)>{t(Key::Cancel)}</button>
                    </div>
                </form>
            </Show>
            <Show when=move || reserving.get().is_none()>
                <ErrorBox error/>
            </Show>
            {move || notice.get().map(|k| view! {
                <p class="notice" role="status" data-testid="reserve-notice">{t(k)}</p>
            })}
            <div class="toast-area" role="status" aria-live="polite">
                {move || toast.get().map(|(text, way_back, _)| view! {
                    <div class="toast" data-testid="reserve-notice">
                        <span>{text}</span>
                        {way_back.map(|u| view! {
                            <button type="button" data-testid="undo" disabled=move || undo.pending().get()
                                on:click=move |_| { undo.dispatch(u.clone()); }>{t(Key::Undo)}</button>
                        })}
                        <button type="button" class="icon-button" aria-label=t(Key::Close)
                            on:click=move |_| toast.set(None)>"×"</button>
                    </div>
                })}
            </div>
            {move || delivered.get().map(|id| view! {
                <p class="notice" data-testid="delivery-created">
                    {t(Key::DeliveryCreated)} " " <a href=format!("/stock/documents/{id}")>"№" {id}</a>
                </p>
            })}
        </div>
    }
}

/// With the network gone: the figures are the last seen, and how old they are.
#[component]
fn Stale(seen_at: RwSignal<Option<(i64, bool)>>) -> impl IntoView {
    let offline = use_offline();
    let lang = crate::i18n::use_lang();
    // Ticks each half minute so the age stays true while the page sits offline.
    let tick = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || tick.update(|t| *t = t.wrapping_add(1)),
            std::time::Duration::from_secs(30),
        );
        if let Ok(h) = handle {
            on_cleanup(move || h.clear());
        }
    }
    move || {
        tick.track();
        let (at, recalled) = seen_at.get()?;
        (recalled || !offline.online.get()).then(|| {
            let min = ((crate::time::now_ms() - at) / 60_000).max(0);
            let text = Key::StaleAvailability
                .text(lang.get())
                .replace("{time}", &show(at))
                .replace("{min}", &min.to_string());
            view! { <p class="notice stale" role="status" data-testid="stale-availability">{text}</p> }
        })
    }
}

/// The plain reserve form's answer, from the page's query (see the module's doc).
struct FormAnswer {
    reserve: Option<i64>,
    reserved: bool,
    refused: Option<AppError>,
    qty: String,
    client: String,
}

impl FormAnswer {
    fn read() -> FormAnswer {
        let query = use_query_map().get_untracked();
        FormAnswer {
            reserve: query.get("reserve").and_then(|l| l.parse().ok()),
            reserved: query.get("reserved").is_some(),
            refused: query
                .get("refused")
                .and_then(|e| serde_json::from_str(&e).ok()),
            qty: query.get("qty").unwrap_or_else(|| "1".into()),
            client: query.get("client").unwrap_or_default(),
        }
    }
}

#[component]
fn Numbers(
    a: Availability,
    product_id: i64,
    open_form: impl Fn(i64, String, Option<i64>) + Copy + Send + Sync + 'static,
    release: Action<(i64, ReserveInput), Result<(), AppError>>,
    fulfil: Action<i64, Result<(), AppError>>,
    confirming: RwSignal<Option<i64>>,
) -> impl IntoView {
    let unit = a.product.unit;
    let home = a
        .locations
        .iter()
        .find(|l| l.is_home)
        .map(|l| l.location_id);
    let names: Vec<(i64, String)> = a
        .locations
        .iter()
        .map(|l| (l.location_id, l.name.clone()))
        .collect();
    let location_name = move |id: i64| {
        names
            .iter()
            .find(|n| n.0 == id)
            .map(|n| n.1.clone())
            .unwrap_or_default()
    };
    view! {
        <div class="product-head">
            <h2 data-testid="product-name"><a href=format!("/stock/products/{}", a.product.id)>{a.product.name.clone()}</a></h2>
            <span class="muted">{t(Key::Sku)} " " {a.product.sku.clone()}</span>
            <span class="price">{crate::format::show_money(a.product.price)}</span>
        </div>
        <div class="table-wrap">
            <table class="table stock-table" data-testid="stock-table">
                <thead><tr>
                    <th>{t(Key::Location)}</th><th class="opt">{t(Key::Address)}</th><th>{t(Key::Distance)}</th>
                    <th class="num">{t(Key::OnHand)}</th><th class="num">{t(Key::Reserved)}</th>
                    <th class="num">{t(Key::Available)}</th><th></th>
                </tr></thead>
                <tbody>
                    {a.locations.into_iter().map(|l| {
                        let free = l.available.is_positive();
                        let (id, name) = (l.location_id, l.name.clone());
                        let from_warehouse = (l.kind == crate::org::LocationKind::Warehouse && free)
                            .then_some(home)
                            .flatten()
                            .filter(|h| *h != id);
                        let deliver_name = name.clone();
                        view! {
                            <tr data-testid="stock-row" data-location=l.location_id.to_string() class:home=l.is_home class:empty=!free>
                                <td>{l.name.clone()} {l.is_home.then(|| view! { <span class="badge">{t(Key::HomeBadge)}</span> })}
                                    <span class="addr-inline muted">{l.city.clone()} ", " {l.address.clone()}</span></td>
                                <td class="opt">{l.city.clone()} ", " {l.address.clone()}</td>
                                <td>{l.distance_km.filter(|_| !l.is_home).map(|d| view! { {d} " " {t(Key::Km)} })}</td>
                                <td class="num">{crate::format::show_qty(l.on_hand)}</td>
                                <td class="num">{crate::format::show_qty(l.reserved)}</td>
                                <td class="num" data-testid="available">{crate::format::show_qty(l.available)}</td>
                                <td class="row-actions">
                                    {free.then(|| view! {
                                        <a class="button" data-testid=format!("reserve-{id}")
                                            href=format!("/stock?product={product_id}&reserve={id}")
                                            on:click=move |ev| {
                                                ev.prevent_default();
                                                open_form(id, name.clone(), None);
                                            }>
                                            {t(Key::Reserve)}
                                        </a>
                                    })}
                                    {from_warehouse.map(|to| view! {
                                        <button data-testid=format!("deliver-{id}") on:click=move |_| open_form(id, deliver_name.clone(), Some(to))>
                                            {t(Key::DeliverToMyShop)}
                                        </button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h3>{t(Key::Reservations)}</h3>
        {if a.reservations.is_empty() {
            view! { <p class="muted">{t(Key::NoReservations)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="table" data-testid="reservations-table">
                        <thead><tr>
                            <th>{t(Key::Location)}</th><th class="num">{t(Key::Quantity)}</th><th>{t(Key::Client)}</th>
                            <th>{t(Key::HeldBy)}</th><th>{t(Key::Until)}</th><th></th>
                        </tr></thead>
                        <tbody>
                            {a.reservations.into_iter().map(|r| {
                                let id = r.id;
                                let again = ReserveInput {
                                    product_id,
                                    location_id: r.location_id,
                                    qty: r.qty,
                                    order_id: None,
                                    client: r.client.clone(),
                                };
                                view! {
                                    <tr data-testid="reservation-row">
                                        <td>{location_name(r.location_id)}</td>
                                        <td class="num">{crate::format::show_qty_unit(r.qty, unit)}</td>
                                        <td>{match r.order_id {
                                            Some(order) => view! { {t(Key::ForOrder)} " №" {order} }.into_any(),
                                            None => r.client.clone().into_any(),
                                        }}</td>
                                        <td>{r.created_by.clone()}</td>
                                        <td>{r.expires_at.map(show)}</td>
                                        <td class="row-actions">
                                            {r.can_close.then(|| view! {
                                                <Show when=move || confirming.get() == Some(id)
                                                    fallback=move || view! {
                                                        <button on:click=move |_| { fulfil.dispatch(id); }>{t(Key::Fulfil)}</button>
                                                        <button class="danger" data-testid="release" on:click=move |_| confirming.set(Some(id))>{t(Key::Release)}</button>
                                                    }>
                                                    <span class="confirm-question">{t(Key::ReleaseConfirm)}</span>
                                                    <button class="danger" data-testid="release-confirm"
                                                        on:click={let again = again.clone(); move |_| { release.dispatch((id, again.clone())); }}>{t(Key::ReleaseYes)}</button>
                                                    <button on:click=move |_| confirming.set(None)>{t(Key::Cancel)}</button>
                                                </Show>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <h3>{t(Key::Alternatives)}</h3>
        {if a.alternatives.is_empty() {
            view! { <p class="muted">{t(Key::NoAlternatives)}</p> }.into_any()
        } else {
            view! {
                <ul class="alternatives" data-testid="alternatives">
                    {a.alternatives.into_iter().map(|alt| view! {
                        <li>
                            <a class="button" href=format!("/stock?product={}", alt.product.id)>{alt.product.name.clone()}</a>
                            <span>{t(Key::Available)} ": " {alt.product.available.to_string()}</span>
                            {alt.best_location.clone().map(|b| view! { <span class="muted">" (" {b} " — " {alt.best_available.to_string()} ")"</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
