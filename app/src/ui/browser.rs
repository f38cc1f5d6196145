//! Small bridges to the browser (no-ops when rendering on the server).

use crate::i18n::Lang;

/// The `lang` attribute the server rendered on `<html>`.
pub fn document_lang() -> Option<Lang> {
    #[cfg(feature = "hydrate")]
    {
        let el = web_sys::window()?.document()?.document_element()?;
        Lang::from_code(&el.get_attribute("lang")?)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// The JSON of `<html data-zone>` (the viewer's zone the server rendered with).
pub fn document_zone() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let el = web_sys::window()?.document()?.document_element()?;
        el.get_attribute("data-zone")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// Remembers the language choice (cookie read by the server) and updates `<html lang>`.
pub fn store_lang(lang: Lang) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(el) = doc.document_element() {
                let _ = el.set_attribute("lang", lang.code());
            }
            if let Ok(html) = doc.dyn_into::<web_sys::HtmlDocument>() {
                let _ = html.set_cookie(&format!(
                    "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                    crate::i18n::LANG_COOKIE,
                    lang.code()
                ));
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
}

/// A full page load (used after sign-in and sign-out, so every resource starts fresh).
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Marks the page as hydrated and interactive (`<body data-ready>`); browser tests wait
/// for it before they type or click.
pub fn mark_ready() {
    #[cfg(feature = "hydrate")]
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-ready", "");
    }
}

/// Brings a form that just opened into view with the cursor in its first field (a form
/// opening below the fold on a tablet looks as if nothing happened).
pub fn focus_first_field(form: &leptos::web_sys::Element) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let field = form
            .query_selector("input:not([type=hidden]), select, textarea")
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        match field {
            Some(el) => {
                let _ = el.focus();
            }
            None => form.scroll_into_view(),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = form;
}

#[cfg(feature = "hydrate")]
mod local {
    use wasm_bindgen::prelude::*;

    // The page's `localStorage`, bound directly (no extra web-sys feature). `catch`: a
    // browser that refuses storage (private mode, quota) throws, and that is only a
    // draft not kept.
    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = localStorage, js_name = getItem, catch)]
        pub fn get(key: &str) -> Result<Option<String>, JsValue>;
        #[wasm_bindgen(js_namespace = localStorage, js_name = setItem, catch)]
        pub fn set(key: &str, value: &str) -> Result<(), JsValue>;
        #[wasm_bindgen(js_namespace = localStorage, js_name = removeItem, catch)]
        pub fn remove(key: &str) -> Result<(), JsValue>;
    }
}

/// A value kept in the browser's `localStorage` (`None` on the server, or when the
/// browser keeps nothing).
pub fn stored(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        local::get(key).ok().flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// Keeps `value` in `localStorage` under `key` (best effort).
pub fn store(key: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    let _ = local::set(key, value);
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

/// Forgets `key` in `localStorage`.
pub fn unstore(key: &str) {
    #[cfg(feature = "hydrate")]
    let _ = local::remove(key);
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

/// Moves the keyboard focus to the element with this id (if it is there).
pub fn focus_id(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// The browser's confirm dialog; `false` on the server or when it can't be shown.
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(question).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        false
    }
}
