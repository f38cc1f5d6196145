//! Sending a file the user chose to one of the upload endpoints (browser only): the
//! body is the file, its type in `content-type`, its name percent-encoded in
//! `x-file-name`; a refusal comes back as the server's typed error.

#[cfg(feature = "hydrate")]
use crate::error::AppError;

/// Percent-encodes a file name for a header.
pub fn encode_name(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Uploads the file chosen in `input` to `url`; `None` when none is chosen. A file over
/// `max_bytes` is refused here with `too_large`, before it is sent.
#[cfg(feature = "hydrate")]
pub async fn upload<T: serde::de::DeserializeOwned>(
    input: web_sys::HtmlInputElement,
    url: &str,
    max_bytes: usize,
    too_large: AppError,
) -> Result<Option<T>, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let fail = |detail: &str| AppError::Request {
        detail: detail.to_string(),
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return Ok(None);
    };
    if file.size() > max_bytes as f64 {
        return Err(too_large);
    }
    let headers = web_sys::Headers::new().map_err(|_| fail("headers"))?;
    let mime = if file.type_().is_empty() {
        "application/octet-stream".to_string()
    } else {
        file.type_()
    };
    headers
        .set("content-type", &mime)
        .map_err(|_| fail("headers"))?;
    headers
        .set("x-file-name", &encode_name(&file.name()))
        .map_err(|_| fail("headers"))?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&file);
    let window = web_sys::window().ok_or_else(|| fail("window"))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| fail("network"))?
        .dyn_into()
        .map_err(|_| fail("response"))?;
    let text = JsFuture::from(response.text().map_err(|_| fail("body"))?)
        .await
        .map_err(|_| fail("body"))?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|_| fail("json"))
    } else {
        let body: serde_json::Value = serde_json::from_str(&text).map_err(|_| fail(&text))?;
        Err(serde_json::from_value(body["error"].clone()).unwrap_or_else(|_| fail(&text)))
    }
}
