//! `/unsubscribe/{recipient}/{token}`: the link every campaign message carries. GET shows
//! a page with one button (so link scanners unsubscribe nobody); POST — the button, or a
//! mail program's one-click request (RFC 8058, body `List-Unsubscribe=One-Click`) —
//! clears the client's consent at once. No login: the token is the key. A wrong token
//! is a 404 page.

use app::campaigns::unsubscribe;
use app::error::AppError;
use app::i18n::Lang;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderMap, StatusCode};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(lang: Lang, status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>",
        code = lang.code(),
        title = escape(title),
    );
    (status, Html(html)).into_response()
}

fn words(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::Ru => [
            "Отписаться от рассылки",
            "Больше не присылать письма рассылок на адрес",
            "Отписаться",
            "Вы отписаны",
            "Письма рассылок на этот адрес больше не придут.",
            "Ссылка недействительна",
        ],
        Lang::En => [
            "Unsubscribe",
            "Stop sending campaign mail to",
            "Unsubscribe",
            "You are unsubscribed",
            "No more campaign mail will be sent to this address.",
            "This link is not valid",
        ],
    }
}

fn not_found(lang: Lang) -> Response {
    page(lang, StatusCode::NOT_FOUND, words(lang)[5], "")
}

fn failed(lang: Lang, err: AppError) -> Response {
    if err == AppError::NotFound {
        return not_found(lang);
    }
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    page(lang, status, &err.message(lang), "")
}

/// The page with the button.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, token)): Path<(i64, String)>,
) -> Response {
    let lang = Lang::of_request(&headers);
    let w = words(lang);
    match unsubscribe::lookup(&state.db, id, &token).await {
        Ok(sub) if !sub.subscribed => page(lang, StatusCode::OK, w[3], &format!("<p>{}</p>", w[4])),
        Ok(sub) => page(
            lang,
            StatusCode::OK,
            w[0],
            &format!(
                "<p>{} {} {}</p><form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
                 <button type=\"submit\">{}</button></form>",
                w[1],
                escape(&sub.email_hint),
                if sub.company.is_empty() { String::new() } else { format!("({})", escape(&sub.company)) },
                w[2]
            ),
        ),
        Err(e) => failed(lang, e),
    }
}

/// The one-click POST (and the page's button): unsubscribed at once.
pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, token)): Path<(i64, String)>,
) -> Response {
    let lang = Lang::of_request(&headers);
    let w = words(lang);
    match unsubscribe::unsubscribe(&state.db, &state.hub, id, &token).await {
        Ok(()) => page(lang, StatusCode::OK, w[3], &format!("<p>{}</p>", w[4])),
        Err(e) => failed(lang, e),
    }
}
