//! Selling through a network drop. Reservations and new orders made while the tablet
//! has no network wait in IndexedDB (`offline.js`), in the order they were made, each
//! under an idempotency key made when the seller pressed the button. When the network
//! is back they are sent again in that order with the same key, so an answer lost on
//! the way never makes a second reservation or order. What the server refuses meanwhile
//! (sold out) stays on screen as a conflict the seller resolves: look elsewhere, pick an
//! alternative, or cancel it. A banner says: offline, N operations waiting.

use crate::error::AppError;
use crate::i18n::{t, use_lang, Key};
use crate::orders::OrderInput;
use crate::stock::ReserveInput;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What waits to be sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Operation {
    Reservation { input: ReserveInput },
    Order { input: OrderInput },
}

/// One waiting operation as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Queued {
    /// The idempotency key, also the store's key.
    pub key: String,
    /// When it was made (ms): the order of sending.
    pub seq: i64,
    pub op: Operation,
    /// What the seller sees: product, quantity, location, client.
    pub label: String,
    /// What to search for to resolve a conflict (the product's SKU).
    pub query: String,
    /// The server's refusal, in the seller's words, once it has refused.
    #[serde(default)]
    pub conflict: Option<String>,
}

/// The queue and the network as the screens see them.
#[derive(Clone, Copy)]
pub struct Offline {
    /// False while the browser says it is offline or a request failed on the network.
    pub online: RwSignal<bool>,
    pub ops: RwSignal<Vec<Queued>>,
    // Read by the browser side only.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    sending: RwSignal<bool>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    lang: RwSignal<crate::i18n::Lang>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    live: crate::live::Live,
}

pub fn use_offline() -> Offline {
    expect_context::<Offline>()
}

/// Whether an error means the request never got an answer (no network, a cut link).
pub fn is_network(e: &AppError) -> bool {
    matches!(e, AppError::Request { .. })
}

impl Offline {
    /// Provided once by the app; in the browser it loads the queue and follows the network.
    /// Needs the language and the live channel in context.
    pub fn provide() -> Offline {
        let offline = Offline {
            online: RwSignal::new(true),
            ops: RwSignal::new(Vec::new()),
            sending: RwSignal::new(false),
            lang: use_lang(),
            live: crate::live::use_live(),
        };
        provide_context(offline);
        #[cfg(feature = "hydrate")]
        Effect::new(move |_| browser::start(offline));
        offline
    }

    /// A new idempotency key for an operation the seller starts now.
    pub fn new_key() -> String {
        #[cfg(feature = "hydrate")]
        {
            browser::new_key()
        }
        // The server's page carries one for its plain form (before the bundle runs): a
        // double tap sends the same key twice and still makes one record.
        #[cfg(feature = "ssr")]
        {
            use rand::RngCore;
            let mut bytes = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        }
        #[cfg(not(any(feature = "hydrate", feature = "ssr")))]
        {
            String::new()
        }
    }

    /// Keeps `op` until it is sent (durably: it survives a reload).
    pub fn enqueue(&self, key: String, op: Operation, label: String, query: String) {
        let queued = Queued {
            key,
            seq: crate::time::now_ms(),
            op,
            label,
            query,
            conflict: None,
        };
        self.ops.update(|ops| {
            ops.retain(|o| o.key != queued.key);
            ops.push(queued.clone());
        });
        #[cfg(feature = "hydrate")]
        browser::store(queued);
    }

    /// Drops an operation the seller cancelled (or resolved another way).
    pub fn discard(&self, key: &str) {
        self.ops.update(|ops| ops.retain(|o| o.key != key));
        #[cfg(feature = "hydrate")]
        browser::remove(key.to_string());
    }

    /// Sends a conflict once more (say, after stock came back).
    pub fn retry(&self, key: &str) {
        let mut again = None;
        self.ops.update(|ops| {
            if let Some(o) = ops.iter_mut().find(|o| o.key == key) {
                o.conflict = None;
                again = Some(o.clone());
            }
        });
        #[cfg(feature = "hydrate")]
        if let Some(o) = again {
            browser::store(o);
            self.replay();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = again;
    }

    /// Sends every waiting operation in order; stops at the first that gets no answer.
    pub fn replay(&self) {
        #[cfg(feature = "hydrate")]
        browser::replay(*self, self.lang.get_untracked());
    }

    fn waiting(&self) -> usize {
        self.ops
            .with(|o| o.iter().filter(|o| o.conflict.is_none()).count())
    }
}

/// The banner under the top bar: offline, how many operations wait, and each conflict
/// with what the seller can do about it.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let offline = use_offline();
    let lang = use_lang();
    let show = move || !offline.online.get() || !offline.ops.with(Vec::is_empty);
    view! {
        <Show when=show>
            <div class="offline-banner" role="status" data-testid="offline-banner"
                class:is-offline=move || !offline.online.get()>
                <strong>
                    {move || if offline.online.get() { Key::QueueSending } else { Key::NoNetwork }.text(lang.get())}
                </strong>
                " · "
                <span data-testid="queue-count">
                    {move || Key::QueueWaiting.text(lang.get()).replace("{n}", &offline.waiting().to_string())}
                </span>
                <ul class="conflicts">
                    {move || offline.ops.get().into_iter().filter(|o| o.conflict.is_some()).map(|o| {
                        let key = o.key.clone();
                        let (retry_key, cancel_key) = (key.clone(), key.clone());
                        let search = format!("/stock?q={}", crate::ui::upload::encode_name(&o.query));
                        view! {
                            <li class="conflict" data-testid="queue-conflict">
                                <span class="conflict-what">{o.label.clone()}</span>
                                <span class="error">{o.conflict.clone().unwrap_or_default()}</span>
                                <span class="buttons">
                                    <a class="button" href=search data-testid="conflict-elsewhere"
                                        on:click=move |_| offline.discard(&key)>
                                        {t(Key::ConflictElsewhere)}
                                    </a>
                                    <button data-testid="conflict-retry" on:click=move |_| offline.retry(&retry_key)>
                                        {t(Key::ConflictRetry)}
                                    </button>
                                    <button class="danger" data-testid="conflict-cancel"
                                        on:click=move |_| offline.discard(&cancel_key)>
                                        {t(Key::Cancel)}
                                    </button>
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The browser side: IndexedDB through `offline.js`, the `online`/`offline` events,
    //! and the replay loop.
    use super::{is_network, Offline, Operation, Queued};
    use crate::error::AppError;
    use crate::i18n::Lang;
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen(module = "/src/ui/offline.js")]
    extern "C" {
        #[wasm_bindgen(js_name = opsPut)]
        fn ops_put(json: &str) -> web_sys::js_sys::Promise;
        #[wasm_bindgen(js_name = opsAll)]
        fn ops_all() -> web_sys::js_sys::Promise;
        #[wasm_bindgen(js_name = opsDelete)]
        fn ops_delete(key: &str) -> web_sys::js_sys::Promise;
        #[wasm_bindgen(js_name = seenPut)]
        pub(crate) fn seen_put(key: &str, json: &str) -> web_sys::js_sys::Promise;
        #[wasm_bindgen(js_name = seenGet)]
        pub(crate) fn seen_get(key: &str) -> web_sys::js_sys::Promise;
        fn persist() -> web_sys::js_sys::Promise;
        #[wasm_bindgen(js_name = newKey)]
        pub(crate) fn new_key() -> String;
        #[wasm_bindgen(js_name = isOnline)]
        fn is_online() -> bool;
        #[wasm_bindgen(js_name = registerWorker)]
        fn register_worker();
    }

    pub(super) fn start(offline: Offline) {
        register_worker();
        offline.online.set(is_online());
        spawn_local(async move {
            let _ = JsFuture::from(persist()).await;
            if let Ok(text) = JsFuture::from(ops_all()).await {
                let ops: Vec<Queued> = text
                    .as_string()
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or_default();
                offline.ops.set(ops);
            }
            if offline.online.get_untracked() {
                offline.replay();
            }
        });
        let on = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            offline.online.set(true);
            offline.replay();
        });
        let off = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            offline.online.set(false);
        });
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback("online", on.as_ref().unchecked_ref());
            let _ = w.add_event_listener_with_callback("offline", off.as_ref().unchecked_ref());
        }
        on.forget();
        off.forget();
        // The browser's `online` can be wrong (a Wi-Fi with no way out): what waits is
        // tried again every 15 s while anything does.
        spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(15_000).await;
                if offline.waiting() > 0 && is_online() {
                    offline.replay();
                }
            }
        });
    }

    pub(super) fn store(op: Queued) {
        if let Ok(json) = serde_json::to_string(&op) {
            spawn_local(async move {
                let _ = JsFuture::from(ops_put(&json)).await;
            });
        }
    }

    pub(super) fn remove(key: String) {
        spawn_local(async move {
            let _ = JsFuture::from(ops_delete(&key)).await;
        });
    }

    /// What one send gave.
    enum Sent {
        Done,
        /// No answer: stop and try later.
        Later,
        Refused(AppError),
    }

    async fn send(op: &Queued) -> Sent {
        let key = Some(op.key.clone());
        let answer = match &op.op {
            Operation::Reservation { input } => crate::stock::api::reserve(input.clone(), key)
                .await
                .map(|_| ()),
            Operation::Order { input } => crate::orders::api::create_order(input.clone(), key)
                .await
                .map(|_| ()),
        };
        match answer {
            Ok(()) => Sent::Done,
            Err(e) if is_network(&e) => Sent::Later,
            Err(AppError::Busy | AppError::Unavailable) => Sent::Later,
            Err(e) => Sent::Refused(e),
        }
    }

    pub(super) fn replay(offline: Offline, lang: Lang) {
        if offline.sending.get_untracked() {
            return;
        }
        offline.sending.set(true);
        spawn_local(async move {
            let mut sent_any = false;
            loop {
                let next = offline.ops.with_untracked(|ops| {
                    let mut waiting: Vec<&Queued> =
                        ops.iter().filter(|o| o.conflict.is_none()).collect();
                    waiting.sort_by_key(|o| o.seq);
                    waiting.first().map(|o| (*o).clone())
                });
                let Some(op) = next else { break };
                match send(&op).await {
                    Sent::Done => {
                        sent_any = true;
                        offline.online.set(true);
                        offline.discard(&op.key);
                    }
                    Sent::Later => {
                        if !is_online() {
                            offline.online.set(false);
                        }
                        break;
                    }
                    Sent::Refused(e) => {
                        let mut refused = op.clone();
                        refused.conflict = Some(e.message(lang));
                        offline.ops.update(|ops| {
                            if let Some(o) = ops.iter_mut().find(|o| o.key == op.key) {
                                *o = refused.clone();
                            }
                        });
                        store(refused);
                    }
                }
            }
            offline.sending.set(false);
            if sent_any {
                offline.live.stock_version.update(|v| *v += 1);
                offline.live.orders_version.update(|v| *v += 1);
            }
        });
    }
}

/// The last availability seen of a product, kept for when the network is gone.
pub mod seen {
    use crate::stock::Availability;

    /// Stores `a` as seen at `at` (ms).
    pub fn remember(a: &Availability, at: i64) {
        #[cfg(feature = "hydrate")]
        if let Ok(json) = serde_json::to_string(&(a, at)) {
            let key = format!("availability:{}", a.product.id);
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(super::browser::seen_put(&key, &json))
                    .await;
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (a, at);
    }

    /// The availability last seen of a product and when, if any.
    pub async fn recall(product_id: i64) -> Option<(Availability, i64)> {
        #[cfg(feature = "hydrate")]
        {
            let key = format!("availability:{product_id}");
            let read = async move {
                let text = wasm_bindgen_futures::JsFuture::from(super::browser::seen_get(&key))
                    .await
                    .ok()?
                    .as_string()?;
                serde_json::from_str(&text).ok()
            };
            // The browser is one thread: the wrapper only lets a resource hold it.
            send_wrapper::SendWrapper::new(read).await
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = product_id;
            None
        }
    }
}
