//! Browser side of `/ws`: connects, applies events, reconnects with backoff and, on every
//! (re)connect, asks the screen to refetch what it shows.

use super::{Live, LiveEvent};
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

const MAX_BACKOFF_MS: u32 = 10_000;

/// Starts the live connection for this page.
pub fn start(live: Live) {
    connect(live, Rc::new(Cell::new(0)));
}

fn url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/ws", location.host().ok()?))
}

fn connect(live: Live, failures: Rc<Cell<u32>>) {
    let Some(url) = url() else { return };
    let socket = match WebSocket::new(&url) {
        Ok(s) => s,
        Err(_) => {
            retry(live, failures);
            return;
        }
    };

    let on_open = {
        let failures = failures.clone();
        Closure::<dyn FnMut()>::new(move || {
            failures.set(0);
            live.connected.set(true);
            live.resync();
        })
    };
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();

    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(text) = e.data().as_string() {
            if let Ok(event) = serde_json::from_str::<LiveEvent>(&text) {
                live.apply(event);
            }
        }
    });
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let on_close = {
        let failures = failures.clone();
        Closure::<dyn FnMut(CloseEvent)>::new(move |_e: CloseEvent| {
            live.connected.set(false);
            retry(live, failures.clone());
        })
    };
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_close.forget();
}

fn retry(live: Live, failures: Rc<Cell<u32>>) {
    let n = failures.get();
    failures.set(n.saturating_add(1));
    let delay = (500u32.saturating_mul(1 << n.min(5))).min(MAX_BACKOFF_MS);
    gloo_timers::callback::Timeout::new(delay, move || connect(live, failures)).forget();
}
