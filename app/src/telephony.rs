//! IP telephony: call events from the PBX (Asterisk AMI, a generic webhook, Zadarma's
//! signed notifications) become one call record each, an incoming call pops the client's
//! card on the ringing employee's screen, and click-to-call asks the PBX to ring the
//! employee and then the client.
//!
//! | piece | module |
//! |---|---|
//! | call events, the call record and how events merge into it (this file) | `telephony` |
//! | recording events, the call log, the pop-up's card, settings, click-to-call | `service` |
//! | Asterisk AMI: the line protocol, events to calls, Originate, reconnecting | `ami` |
//! | Zadarma: signed notifications, the callback command | `zadarma` |
//! | server functions | `api` |
//! | the pop-up, the call log, call buttons, Settings → Telephony | `ui` |

use crate::error::{AppError, Field, Problem};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod ami;
pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod zadarma;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Ringing,
    Answered,
    Hangup,
}

/// One event from a PBX, in the generic form every connector is mapped onto (and the
/// webhook's JSON body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallEvent {
    /// The PBX's id of the whole call: events with one id are one call.
    pub call_id: String,
    pub event: EventKind,
    pub direction: Direction,
    /// The calling number (the client's for an incoming call, the extension's for an
    /// outgoing one).
    #[serde(default)]
    pub from: String,
    /// The number called.
    #[serde(default)]
    pub to: String,
    /// The employee's extension that rings (incoming) or calls (outgoing).
    #[serde(default)]
    pub extension: String,
    /// When it happened (UTC ms); empty: when it arrived.
    #[serde(default)]
    pub at: Option<i64>,
    /// Talk time in seconds, when the PBX reports it with the hangup.
    #[serde(default)]
    pub duration: Option<i64>,
    /// Whether the call was answered, when the PBX tells it only at the hangup.
    #[serde(default)]
    pub answered: Option<bool>,
    #[serde(default)]
    pub recording_url: Option<String>,
}

impl CallEvent {
    /// The outside number of the call: the caller of an incoming call, the number
    /// dialled of an outgoing one.
    pub fn outside_number(&self) -> &str {
        match self.direction {
            Direction::In => &self.from,
            Direction::Out => &self.to,
        }
    }

    pub fn validate(&self) -> Result<(), AppError> {
        let short = |text: &str, max: usize| text.chars().count() <= max;
        if self.call_id.trim().is_empty() || !short(&self.call_id, 200) {
            return Err(AppError::invalid(Field::Phone, Problem::Invalid));
        }
        if !short(&self.from, 64) || !short(&self.to, 64) || !short(&self.extension, 32) {
            return Err(AppError::invalid(Field::Phone, Problem::TooLong));
        }
        if self.recording_url.as_deref().is_some_and(|u| {
            !short(u, 2000) || !(u.starts_with("https://") || u.starts_with("http://"))
        }) {
            return Err(AppError::invalid(Field::File, Problem::Invalid));
        }
        if self
            .duration
            .is_some_and(|d| !(0..=86_400 * 7).contains(&d))
            || self
                .at
                .is_some_and(|a| !(0..=4_102_444_800_000).contains(&a))
        {
            return Err(AppError::invalid(Field::Quantity, Problem::OutOfRange));
        }
        Ok(())
    }
}

/// How a call ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallResult {
    /// Ringing now.
    Ringing,
    /// Talking now.
    Answered,
    /// Ended after a conversation.
    Completed,
    /// Ended without an answer.
    Missed,
}

impl CallResult {
    pub fn as_str(self) -> &'static str {
        match self {
            CallResult::Ringing => "ringing",
            CallResult::Answered => "answered",
            CallResult::Completed => "completed",
            CallResult::Missed => "missed",
        }
    }

    pub fn parse(text: &str) -> CallResult {
        match text {
            "answered" => CallResult::Answered,
            "completed" => CallResult::Completed,
            "missed" => CallResult::Missed,
            _ => CallResult::Ringing,
        }
    }
}

/// What is known of a call, merged from its events in whatever order they came.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallState {
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub phone: String,
    pub extension: String,
    pub recording_url: String,
}

impl CallState {
    /// Folds one event in. Twice the same event changes nothing; an answer that comes
    /// after the hangup still counts; a hangup alone still makes a call.
    pub fn apply(&mut self, ev: &CallEvent, at: i64) {
        let start = match (ev.event, ev.duration) {
            // A hangup that says how long they talked tells when the call started at the latest.
            (EventKind::Hangup, Some(d)) if ev.answered != Some(false) => at - d * 1000,
            _ => at,
        };
        if self.started_at == 0 || start < self.started_at {
            self.started_at = start;
        }
        if self.phone.is_empty() {
            self.phone = ev.outside_number().to_string();
        }
        if self.extension.is_empty() {
            self.extension = ev.extension.clone();
        }
        if let Some(url) = &ev.recording_url {
            self.recording_url = url.clone();
        }
        match ev.event {
            EventKind::Ringing => {}
            EventKind::Answered => {
                self.answered_at = Some(self.answered_at.map_or(at, |a| a.min(at)));
            }
            EventKind::Hangup => {
                self.ended_at = Some(self.ended_at.map_or(at, |e| e.max(at)));
                let talked = match ev.answered {
                    Some(answered) => answered,
                    None => ev.duration.is_some_and(|d| d > 0),
                };
                if talked && self.answered_at.is_none() {
                    self.answered_at = Some(at - ev.duration.unwrap_or(0) * 1000);
                }
            }
        }
    }

    pub fn result(&self) -> CallResult {
        match (self.answered_at, self.ended_at) {
            (Some(_), Some(_)) => CallResult::Completed,
            (None, Some(_)) => CallResult::Missed,
            (Some(_), None) => CallResult::Answered,
            (None, None) => CallResult::Ringing,
        }
    }

    /// Talk time in seconds.
    pub fn duration(&self) -> i64 {
        match (self.answered_at, self.ended_at) {
            (Some(a), Some(e)) if e > a => (e - a) / 1000,
            _ => 0,
        }
    }
}

/// A call as listed (the log, a client's card, an order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Call {
    pub id: i64,
    pub direction: Direction,
    /// The outside number, digits as the PBX sent them.
    pub phone: String,
    pub client_id: Option<i64>,
    pub client_name: Option<String>,
    pub employee_id: Option<i64>,
    pub employee_name: Option<String>,
    pub extension: String,
    pub order_id: Option<i64>,
    pub order_number: Option<String>,
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    /// Talk time in seconds.
    pub duration: i64,
    pub result: CallResult,
    pub recording_url: String,
}

/// What the pop-up shows of a ringing call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallCard {
    pub call: Call,
    /// Clients with this number (a family may share one): the first is shown.
    pub clients: Vec<(i64, String)>,
    /// Open orders of the first client: id, number, total.
    pub open_orders: Vec<(i64, String, crate::quantity::Money)>,
    pub balance: Option<crate::quantity::Money>,
}

/// Which PBX the chain uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Connector {
    #[default]
    None,
    Ami,
    Zadarma,
}

impl Connector {
    pub fn as_str(self) -> &'static str {
        match self {
            Connector::None => "none",
            Connector::Ami => "ami",
            Connector::Zadarma => "zadarma",
        }
    }

    pub fn parse(text: &str) -> Connector {
        match text {
            "ami" => Connector::Ami,
            "zadarma" => Connector::Zadarma,
            _ => Connector::None,
        }
    }
}

/// Settings → Telephony as shown: secrets only as set / not set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelephonySettings {
    pub connector: Connector,
    pub ami_host: String,
    pub ami_port: i64,
    pub ami_user: String,
    pub ami_secret_set: bool,
    pub ami_context: String,
    pub webhook_token_set: bool,
    pub zadarma_key: String,
    pub zadarma_secret_set: bool,
    /// The AMI connection now, in words (`connected`, `connecting`, `login refused`…).
    pub ami_state: String,
}

/// Settings → Telephony as saved; an empty secret keeps the one set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelephonySettingsInput {
    pub connector: Connector,
    #[serde(default)]
    pub ami_host: String,
    #[serde(default)]
    pub ami_port: i64,
    #[serde(default)]
    pub ami_user: String,
    #[serde(default)]
    pub ami_secret: String,
    #[serde(default)]
    pub ami_context: String,
    #[serde(default)]
    pub webhook_token: String,
    #[serde(default)]
    pub zadarma_key: String,
    #[serde(default)]
    pub zadarma_secret: String,
}

/// An extension: digits, 2 to 8 of them (empty: none).
pub fn check_extension(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    if !(2..=8).contains(&text.len()) || !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::invalid(Field::Phone, Problem::Invalid));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: EventKind) -> CallEvent {
        CallEvent {
            call_id: "c1".into(),
            event,
            direction: Direction::In,
            from: "79161234567".into(),
            to: "74950000000".into(),
            extension: "101".into(),
            at: None,
            duration: None,
            answered: None,
            recording_url: None,
        }
    }

    #[test]
    fn events_in_any_order_and_twice_give_one_answer() {
        let mut in_order = CallState::default();
        in_order.apply(&ev(EventKind::Ringing), 1_000);
        in_order.apply(&ev(EventKind::Answered), 5_000);
        in_order.apply(&ev(EventKind::Hangup), 65_000);
        let mut shuffled = CallState::default();
        shuffled.apply(&ev(EventKind::Hangup), 65_000);
        shuffled.apply(&ev(EventKind::Answered), 5_000);
        shuffled.apply(&ev(EventKind::Ringing), 1_000);
        shuffled.apply(&ev(EventKind::Answered), 5_000);
        assert_eq!(in_order, shuffled);
        assert_eq!(in_order.result(), CallResult::Completed);
        assert_eq!(in_order.duration(), 60);
        assert_eq!(in_order.started_at, 1_000);
        assert_eq!(in_order.phone, "79161234567");
    }

    #[test]
    fn a_hangup_alone_is_a_call_missed_or_with_its_reported_talk() {
        let mut missed = CallState::default();
        missed.apply(&ev(EventKind::Hangup), 9_000);
        assert_eq!(missed.result(), CallResult::Missed);
        let mut talked = CallState::default();
        let mut end = ev(EventKind::Hangup);
        end.duration = Some(42);
        talked.apply(&end, 100_000);
        assert_eq!(talked.result(), CallResult::Completed);
        assert_eq!(talked.duration(), 42);
        assert_eq!(talked.started_at, 58_000);
    }

    #[test]
    fn extensions_are_short_digit_strings() {
        assert_eq!(check_extension(" 101 ").as_deref(), Ok("101"));
        assert_eq!(check_extension("").as_deref(), Ok(""));
        assert!(check_extension("1").is_err());
        assert!(check_extension("10a").is_err());
        assert!(check_extension("123456789").is_err());
    }
}
