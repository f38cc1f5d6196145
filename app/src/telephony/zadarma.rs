//! Zadarma, a Russian cloud PBX: its call notifications (a form POST per event with a
//! `Signature` header: base64 of the hex HMAC-SHA1, under the API secret, of fields
//! that depend on the event) mapped onto [`CallEvent`], and its callback command
//! (`GET /v1/request/callback/`, signed the same way) for click-to-call.
//! Sources: Zadarma's API documentation and its official SDKs (`zadarma/user-api-v1`).

use super::{CallEvent, Direction, EventKind};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::collections::BTreeMap;

/// `base64(hex(hmac_sha1(text, secret)))`, as Zadarma signs.
pub fn sign(secret: &str, text: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(text.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    base64::engine::general_purpose::STANDARD.encode(hex)
}

fn field<'a>(form: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    form.get(key).map(String::as_str).unwrap_or("")
}

/// The text an event's signature covers.
fn signed_text(form: &BTreeMap<String, String>) -> Option<String> {
    let f = |k| field(form, k);
    Some(match f("event") {
        "NOTIFY_START" | "NOTIFY_INTERNAL" | "NOTIFY_END" | "NOTIFY_IVR" => {
            format!("{}{}{}", f("caller_id"), f("called_did"), f("call_start"))
        }
        "NOTIFY_ANSWER" => format!("{}{}{}", f("caller_id"), f("destination"), f("call_start")),
        "NOTIFY_OUT_START" | "NOTIFY_OUT_END" => {
            format!("{}{}{}", f("internal"), f("destination"), f("call_start"))
        }
        "NOTIFY_RECORD" => format!("{}{}", f("pbx_call_id"), f("call_id_with_rec")),
        _ => return None,
    })
}

/// Whether the notification carries the signature of `secret` (compared in constant time).
pub fn verify(secret: &str, form: &BTreeMap<String, String>, signature: &str) -> bool {
    let Some(text) = signed_text(form) else {
        return false;
    };
    let expected = sign(secret, &text);
    !expected.is_empty() && crate::campaigns::unsubscribe::same_secret(&expected, signature.trim())
}

/// Whether the notification's `call_start` (`2026-12-06 10:00:00`, the account's local
/// time, zone unknown) is within a day and a half of `now`: a captured notification can't
/// be replayed later (its signature covers `call_start`).
pub fn fresh(form: &BTreeMap<String, String>, now_ms: i64) -> bool {
    let text = field(form, "call_start");
    let Some((date, time)) = text.split_once(' ') else {
        return false;
    };
    let Some(day) = crate::time::parse_day(date) else {
        return false;
    };
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (Some(Some(h)), Some(Some(m))) = (hms.next(), hms.next()) else {
        return false;
    };
    let at = day * 86_400_000 + (h * 60 + m) * 60_000;
    (at - now_ms).abs() <= 36 * 3_600_000
}

/// The notification as a call event (`None`: an event that is not about a call's state).
pub fn to_event(form: &BTreeMap<String, String>) -> Option<CallEvent> {
    let f = |k| field(form, k).to_string();
    let (event, direction) = match field(form, "event") {
        // The call reached the PBX; no extension rings yet (no pop-up).
        "NOTIFY_START" => (EventKind::Ringing, Direction::In),
        "NOTIFY_INTERNAL" => (EventKind::Ringing, Direction::In),
        "NOTIFY_ANSWER" => (EventKind::Answered, Direction::In),
        "NOTIFY_END" => (EventKind::Hangup, Direction::In),
        "NOTIFY_OUT_START" => (EventKind::Ringing, Direction::Out),
        "NOTIFY_OUT_END" => (EventKind::Hangup, Direction::Out),
        _ => return None,
    };
    let call_id = f("pbx_call_id");
    if call_id.is_empty() {
        return None;
    }
    let duration = form.get("duration").and_then(|d| d.parse::<i64>().ok());
    let answered = form.get("disposition").map(|d| d == "answered");
    let (from, to) = match direction {
        Direction::In => (f("caller_id"), f("called_did")),
        Direction::Out => (f("internal"), f("destination")),
    };
    Some(CallEvent {
        call_id,
        event,
        direction,
        from,
        to,
        extension: f("internal"),
        // call_start is the PBX account's local time without a zone: the arrival time is
        // used instead (events come within a second of what they report).
        at: None,
        duration: if event == EventKind::Hangup {
            duration
        } else {
            None
        },
        answered: if event == EventKind::Hangup {
            answered
        } else {
            None
        },
        recording_url: None,
    })
}

/// The `Authorization` value of an API request: `key:base64(hex(hmac_sha1(method +
/// query + md5(query))))`, the parameters sorted and form-encoded.
pub fn authorization(
    key: &str,
    secret: &str,
    method: &str,
    params: &BTreeMap<&str, String>,
) -> (String, String) {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())))
        .finish();
    let md5 = md5_hex(&query);
    let signature = sign(secret, &format!("{method}{query}{md5}"));
    (format!("{key}:{signature}"), query)
}

fn md5_hex(text: &str) -> String {
    use md5::Digest;
    md5::Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Asks Zadarma to call the extension `from`, then `to`. `base` is the API's address
/// (`https://api.zadarma.com`).
pub async fn callback(
    base: &str,
    key: &str,
    secret: &str,
    from: &str,
    to: &str,
) -> Result<String, String> {
    let method = "/v1/request/callback/";
    let mut params = BTreeMap::new();
    params.insert("format", "json".to_string());
    params.insert("from", from.to_string());
    params.insert("to", to.to_string());
    params.insert("sip", from.to_string());
    let (auth, query) = authorization(key, secret, method, &params);
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let res = client
        .get(format!("{}{method}?{query}", base.trim_end_matches('/')))
        .header("Authorization", auth)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = res.status();
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    if status.is_success() && body["status"] == "success" {
        Ok(format!("{} → {}", body["from"], body["to"]))
    } else {
        Err(body["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("HTTP {status}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The worked example of Zadarma's algorithm (secret `YOUR_SECRET`).
    #[test]
    fn a_notification_signature_is_base64_of_the_hex_hmac() {
        let f = form(&[
            ("event", "NOTIFY_START"),
            ("caller_id", "+380989897908"),
            ("called_did", "380947102794"),
            ("call_start", "2020-04-03 14:07:26"),
            ("pbx_call_id", "in_b9ece52e"),
        ]);
        let good = "OWMxYmI2NjkxYmQyYTk5YTg5NjAzMGU0YzQ5NGZlMDdhZGI2MDY0Yw==";
        assert!(verify("YOUR_SECRET", &f, good));
        assert!(!verify("YOUR_SECRET", &f, "nBu2aRvSqZqJYDDkxJT+B622Bkw="));
        assert!(!verify("OTHER", &f, good));
        let ev = to_event(&f).expect("event");
        assert_eq!(
            (ev.event, ev.direction, ev.from.as_str()),
            (EventKind::Ringing, Direction::In, "+380989897908")
        );
    }

    #[test]
    fn an_old_notification_is_not_fresh() {
        let f = form(&[("call_start", "2026-12-06 10:00:00")]);
        let noon = crate::time::parse_day("2026-12-06").expect("day") * 86_400_000 + 12 * 3_600_000;
        assert!(fresh(&f, noon));
        assert!(!fresh(&f, noon + 3 * 86_400_000));
        assert!(!fresh(&form(&[("call_start", "yesterday")]), noon));
    }

    #[test]
    fn the_callback_request_is_signed_as_the_sdks_do() {
        let mut p = BTreeMap::new();
        p.insert("format", "json".to_string());
        p.insert("from", "101".to_string());
        p.insert("sip", "101".to_string());
        p.insert("to", "79991234567".to_string());
        let (auth, query) = authorization("KEY", "YOUR_SECRET", "/v1/request/callback/", &p);
        assert_eq!(query, "format=json&from=101&sip=101&to=79991234567");
        assert_eq!(
            auth,
            "KEY:MDZjYzA3NjU4MDJhYTA1ZjljMjFkN2UyODNiZWU3NTQzYmNlNjcwYw=="
        );
    }

    #[test]
    fn an_end_carries_talk_time_and_whether_it_was_answered() {
        let f = form(&[
            ("event", "NOTIFY_END"),
            ("pbx_call_id", "in_1"),
            ("caller_id", "79161234567"),
            ("internal", "101"),
            ("duration", "37"),
            ("disposition", "answered"),
        ]);
        let ev = to_event(&f).expect("event");
        assert_eq!(
            (ev.event, ev.duration, ev.answered),
            (EventKind::Hangup, Some(37), Some(true))
        );
        assert!(to_event(&form(&[("event", "NOTIFY_RECORD")])).is_none());
    }
}
