//! The Content-Security-Policy of HTML pages: scripts only from us or with this
//! response's nonce (leptos puts it on its hydration scripts), WASM allowed to compile.

use leptos::prelude::*;

pub fn set_csp_header() {
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
    );
    if let (Some(opts), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        opts.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
