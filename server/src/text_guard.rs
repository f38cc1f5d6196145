//! Refuses text with NUL or other control characters before any handler sees it: in the
//! path, the query string, and JSON or form bodies (REST and server functions alike).
//! PostgreSQL can't store NUL in text at all, and no field of Vitrina means a control
//! character, so one guard here answers 422 with the offending field for every endpoint,
//! on both databases, present and future. Tab, line feed and carriage return are text.
//! Multipart uploads (files, whose bytes are not text) pass untouched.

use app::error::AppError;
use app::i18n::{Key, Lang};
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The most a JSON or form body may hold (the CSV import is the largest: 20 MB of text,
/// a little more once escaped in JSON).
pub const MAX_TEXT_BODY: usize = 32 * 1024 * 1024;

/// Whether `c` is a control character that no field of Vitrina accepts.
pub fn forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// 422 for `field`: as a REST error (`{"error": …}`) under `/api/v1`, as the typed
/// error a server function returns (what the UI decodes and shows) under `/api`, and as
/// a page in the reader's language for a page or a plain form (a tablet before its
/// bundle runs), with a way back.
fn refuse(path: &str, field: &str, lang: Lang, back: &str) -> Response {
    let err = AppError::ControlCharacter {
        field: field.chars().filter(|c| !forbidden(*c)).take(64).collect(),
    };
    if path.starts_with("/api/v1/") {
        return err.into_response();
    }
    if path.starts_with("/api/") {
        let body = serde_json::to_string(&err).unwrap_or_default();
        return (
            http::StatusCode::UNPROCESSABLE_ENTITY,
            [(http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    let page = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><main><h1>{title}</h1>\
         <p role=\"alert\" data-testid=\"refused\">{message}</p>\
         <p><a href=\"{back}\">{back_text}</a></p></main></body></html>",
        code = lang.code(),
        title = html_escape(Key::Problem.text(lang)),
        message = html_escape(&err.message(lang)),
        back = html_escape(back),
        back_text = html_escape(Key::GoBack.text(lang)),
    );
    (
        http::StatusCode::UNPROCESSABLE_ENTITY,
        [(http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Where a refused page's "Back" leads: the page a form was posted from (a path of this
/// site only), else the refused page without its query.
fn back_link(headers: &http::HeaderMap, method: &http::Method, path: &str) -> String {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let referer = header(http::header::REFERER).and_then(|r| r.parse::<http::Uri>().ok());
    if let Some(uri) = referer {
        let same_site = uri.authority().map(|a| a.as_str()) == header(http::header::HOST);
        if same_site && !percent_decoded_has_forbidden(uri.path()) {
            return uri.path().to_string();
        }
    }
    if method == http::Method::GET && !percent_decoded_has_forbidden(path) {
        path.to_string()
    } else {
        "/".to_string()
    }
}

/// The refusal for this request (its language and way back from its headers).
fn refusal(headers: &http::HeaderMap, method: &http::Method, path: &str, field: &str) -> Response {
    let back = back_link(headers, method, path);
    refuse(path, field, Lang::of_request(headers), &back)
}

/// The first field (JSON key path) whose key or text holds a forbidden character.
fn find_in_json(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(s) => s.chars().any(forbidden).then(|| path.to_string()),
        Value::Array(items) => items.iter().find_map(|v| find_in_json(v, path)),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.chars().any(forbidden) {
                return Some(path.to_string());
            }
            find_in_json(v, k)
        }),
        _ => None,
    }
}

/// The first name in `name=value&…` whose name or value holds a forbidden character.
fn find_in_form(text: &[u8]) -> Option<String> {
    form_urlencoded::parse(text).find_map(|(k, v)| {
        (k.chars().any(forbidden) || v.chars().any(forbidden)).then(|| k.into_owned())
    })
}

pub async fn refuse_control_characters(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if percent_decoded_has_forbidden(&path) {
        return refusal(req.headers(), req.method(), &path, "path");
    }
    if let Some(field) = req.uri().query().and_then(|q| find_in_form(q.as_bytes())) {
        return refusal(req.headers(), req.method(), &path, &field);
    }
    let content_type = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json = content_type.starts_with("application/json");
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    if !json && !form {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_TEXT_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return AppError::TooLarge {
                max_mb: (MAX_TEXT_BODY / 1024 / 1024) as u32,
            }
            .into_response()
        }
    };
    let found = if json {
        // A body that isn't JSON is left for the handler to refuse (400) in its words.
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| find_in_json(&v, "body"))
    } else {
        find_in_form(&bytes)
    };
    if let Some(field) = found {
        return refusal(&parts.headers, &parts.method, &path, &field);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn percent_decoded_has_forbidden(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                decoded.push(b);
                i += 3;
                continue;
            }
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&decoded).chars().any(forbidden)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tabs_and_line_breaks_are_text_other_controls_are_not() {
        assert!(!forbidden('\t') && !forbidden('\n') && !forbidden('\r'));
        assert!(forbidden('\0') && forbidden('\u{7}') && forbidden('\u{1b}'));
        assert!(forbidden('\u{85}'));
        assert!(!forbidden('ж') && !forbidden(' '));
    }

    #[test]
    fn the_field_holding_a_nul_is_named() {
        let v = json!({"input": {"name": "ok", "phones": ["+7 900", "1\u{0}"]}});
        assert_eq!(find_in_json(&v, "body").as_deref(), Some("phones"));
        assert_eq!(find_in_json(&json!({"a": "x\ty\nz"}), "body"), None);
        assert_eq!(
            find_in_json(&json!("\u{0}"), "body").as_deref(),
            Some("body")
        );
    }

    #[test]
    fn forms_queries_and_paths_are_decoded_first() {
        assert_eq!(
            find_in_form(b"login=a%00b&password=x").as_deref(),
            Some("login")
        );
        assert_eq!(find_in_form(b"query=%D0%B4%D1%80%D0%B5%D0%BB%D1%8C"), None);
        assert!(percent_decoded_has_forbidden("/api/v1/orders/%00"));
        assert!(!percent_decoded_has_forbidden("/api/v1/orders/1"));
        assert!(!percent_decoded_has_forbidden("/a%2"));
    }

    #[tokio::test]
    async fn a_page_is_refused_with_a_page_in_the_readers_language() {
        let res = refuse("/stock", "<b>q</b>", Lang::Ru, "/stock?x=\"1\"");
        assert_eq!(res.status(), http::StatusCode::UNPROCESSABLE_ENTITY);
        let body = to_bytes(res.into_body(), 1 << 20).await.expect("body");
        let page = String::from_utf8(body.to_vec()).expect("utf-8");
        assert!(page.contains("lang=\"ru\""), "{page}");
        assert!(
            page.contains("&lt;b&gt;q&lt;/b&gt;: содержит управляющий символ"),
            "{page}"
        );
        assert!(page.contains("href=\"/stock?x=&quot;1&quot;\""), "{page}");
        assert!(!page.contains("<b>"), "the field name is escaped: {page}");
        // The API keeps its JSON.
        let api = refuse("/api/v1/orders", "name", Lang::Ru, "/");
        assert!(api
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("json")));
    }
}
