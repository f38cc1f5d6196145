//! Email campaigns to clients: segments (live queries over what Vitrina knows of its
//! clients), mail templates, campaigns and their recipient queue in the database, sent
//! through SMTP, with one-click unsubscribe (RFC 8058) and bounces.
//!
//! | piece | module |
//! |---|---|
//! | types shared by the screens and the server (this file) | `campaigns` |
//! | a segment's filter as SQL, live counts, expansion into the queue | `segment` |
//! | subject, text and HTML rendered for one client (minijinja) | `render` |
//! | campaigns, templates, segments, mail settings: rules and SQL | `service` |
//! | the queue: claims, results, leases, rate limit, finishing | `queue` |
//! | SMTP through lettre (pool, TLS, credentials), messages and their headers | `mailer` |
//! | the background senders | `worker` |
//! | unsubscribe tokens, the one-click POST, bounces | `unsubscribe` |
//! | server functions | `api` |
//! | screens | `ui` |

use crate::error::{AppError, Field, Problem};
use crate::quantity::Money;
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod mailer;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod segment;
#[cfg(feature = "ssr")]
pub mod service;
pub mod text;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod unsubscribe;
#[cfg(feature = "ssr")]
pub mod worker;

/// Which clients a campaign goes to. Every condition set must hold; an empty filter is
/// every client. Whoever matches also needs consent and a valid email to receive mail
/// (see [`SegmentCount::reachable`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SegmentFilter {
    /// Bought at one of these shops (an order not cancelled).
    #[serde(default)]
    pub shop_ids: Vec<i64>,
    /// Bought on or after this day (`2026-11-01`, the shop's local calendar).
    #[serde(default)]
    pub purchased_from: Option<String>,
    /// Bought on or before this day.
    #[serde(default)]
    pub purchased_to: Option<String>,
    /// Bought a product of one of these categories (or of their subcategories).
    #[serde(default)]
    pub category_ids: Vec<i64>,
    /// Spent at least this much in all (orders not cancelled).
    #[serde(default)]
    pub min_spent: Option<Money>,
    /// Spent at most this much in all.
    #[serde(default)]
    pub max_spent: Option<Money>,
    /// The balance (payments received − refunds − orders not cancelled) is below zero.
    #[serde(default)]
    pub in_debt: Option<bool>,
    /// Owes at least this much.
    #[serde(default)]
    pub min_debt: Option<Money>,
    /// The last order was before this day.
    #[serde(default)]
    pub last_order_before: Option<String>,
    /// The last order was on or after this day.
    #[serde(default)]
    pub last_order_after: Option<String>,
    /// Has an email (true) or has none (false).
    #[serde(default)]
    pub has_email: Option<bool>,
    /// Agreed to mailings (true) or did not (false).
    #[serde(default)]
    pub consent: Option<bool>,
}

/// The most ids a list condition of a filter takes.
pub const MAX_FILTER_IDS: usize = 200;

impl SegmentFilter {
    /// Checks the dates and amounts; answers the days they stand for.
    pub fn validate(&self) -> Result<(), AppError> {
        for day in [
            &self.purchased_from,
            &self.purchased_to,
            &self.last_order_before,
            &self.last_order_after,
        ]
        .into_iter()
        .flatten()
        {
            if crate::time::parse_day(day).is_none() {
                return Err(AppError::invalid(Field::Period, Problem::Invalid));
            }
        }
        for money in [&self.min_spent, &self.max_spent, &self.min_debt]
            .into_iter()
            .flatten()
        {
            money.check(Field::Amount)?;
            if money.0 < 0 {
                return Err(AppError::invalid(Field::Amount, Problem::OutOfRange));
            }
        }
        if self.shop_ids.len() > MAX_FILTER_IDS || self.category_ids.len() > MAX_FILTER_IDS {
            return Err(AppError::invalid(Field::Filter, Problem::TooLong));
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        *self == SegmentFilter::default()
    }
}

/// How many clients a filter matches, and how many of them can receive mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SegmentCount {
    pub matching: i64,
    /// With consent, an email, and the address not marked invalid (one per address).
    pub reachable: i64,
}

/// A segment saved by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Segment {
    pub id: i64,
    pub name: String,
    pub filter: SegmentFilter,
}

/// A mail template: subject, plain text and (optionally) HTML with minijinja placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MailTemplate {
    pub id: i64,
    pub name: String,
    pub subject: String,
    pub text: String,
    #[serde(default)]
    pub html: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MailTemplateInput {
    pub name: String,
    pub subject: String,
    pub text: String,
    #[serde(default)]
    pub html: String,
}

/// Where a campaign is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    Draft,
    /// Started with a time in the future: expanded and sent then.
    Scheduled,
    Running,
    Paused,
    Finished,
    Cancelled,
}

impl CampaignStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "draft",
            CampaignStatus::Scheduled => "scheduled",
            CampaignStatus::Running => "running",
            CampaignStatus::Paused => "paused",
            CampaignStatus::Finished => "finished",
            CampaignStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<CampaignStatus> {
        Some(match text {
            "draft" => CampaignStatus::Draft,
            "scheduled" => CampaignStatus::Scheduled,
            "running" => CampaignStatus::Running,
            "paused" => CampaignStatus::Paused,
            "finished" => CampaignStatus::Finished,
            "cancelled" => CampaignStatus::Cancelled,
            _ => return None,
        })
    }
}

/// What a button on a campaign does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignCommand {
    Start,
    Pause,
    Resume,
    Cancel,
}

/// Where one recipient's message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecipientStatus {
    Queued,
    /// Handed to the SMTP server right now (a sender holds its lease).
    Sending,
    Sent,
    /// Refused by the server (its reply is kept), or interrupted with the outcome unknown.
    Failed,
    /// A bounce report came back for the address.
    Bounced,
    /// The client unsubscribed through this campaign, or withdrew consent before it
    /// reached them (then nothing was sent).
    Unsubscribed,
    /// The campaign was cancelled before this message went.
    Cancelled,
}

impl RecipientStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientStatus::Queued => "queued",
            RecipientStatus::Sending => "sending",
            RecipientStatus::Sent => "sent",
            RecipientStatus::Failed => "failed",
            RecipientStatus::Bounced => "bounced",
            RecipientStatus::Unsubscribed => "unsubscribed",
            RecipientStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<RecipientStatus> {
        Some(match text {
            "queued" => RecipientStatus::Queued,
            "sending" => RecipientStatus::Sending,
            "sent" => RecipientStatus::Sent,
            "failed" => RecipientStatus::Failed,
            "bounced" => RecipientStatus::Bounced,
            "unsubscribed" => RecipientStatus::Unsubscribed,
            "cancelled" => RecipientStatus::Cancelled,
            _ => return None,
        })
    }
}

/// A campaign's numbers. `sent` counts every message the SMTP server accepted, including
/// those later bounced or unsubscribed from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CampaignCounts {
    pub total: i64,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub bounced: i64,
    pub unsubscribed: i64,
    pub cancelled: i64,
}

impl CampaignCounts {
    /// Messages whose fate is decided.
    pub fn done(&self) -> i64 {
        self.total - self.queued
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub status: CampaignStatus,
    pub segment: SegmentFilter,
    pub template_id: Option<i64>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The From address; empty: the mail settings' sender.
    pub sender: String,
    pub scheduled_at: Option<i64>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    /// For a manager: only their shops' clients.
    pub counts: CampaignCounts,
}

/// A new or edited campaign. Either `template_id` or a subject and a text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CampaignInput {
    pub name: String,
    #[serde(default)]
    pub segment: SegmentFilter,
    /// Copies the template's subject, text and HTML.
    #[serde(default)]
    pub template_id: Option<i64>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub html: Option<String>,
    /// The From address (`Name <addr@host>` or `addr@host`); empty: the mail settings'.
    #[serde(default)]
    pub sender: String,
    /// When to send (UTC milliseconds); empty: as soon as it is started.
    #[serde(default)]
    pub scheduled_at: Option<i64>,
}

/// Longest subject, and longest text or HTML body.
pub const MAX_SUBJECT: usize = 300;
pub const MAX_BODY: usize = 200_000;

impl CampaignInput {
    pub fn validate_name(&self) -> Result<String, AppError> {
        crate::org::text(&self.name, Field::Name, 200)
    }
}

/// Checks a subject and bodies' sizes.
pub fn check_content(subject: &str, text: &str, html: &str) -> Result<(), AppError> {
    if subject.trim().is_empty() {
        return Err(AppError::invalid(Field::Template, Problem::Required));
    }
    if subject.chars().count() > MAX_SUBJECT || subject.contains(['\r', '\n']) {
        return Err(AppError::invalid(Field::Template, Problem::TooLong));
    }
    if text.trim().is_empty() {
        return Err(AppError::invalid(Field::Message, Problem::Required));
    }
    if text.len() > MAX_BODY || html.len() > MAX_BODY {
        return Err(AppError::invalid(Field::Message, Problem::TooLong));
    }
    Ok(())
}

/// One recipient as listed on the campaign page and in the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Recipient {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub email: String,
    pub status: RecipientStatus,
    pub attempts: i64,
    pub sent_at: Option<i64>,
    /// The SMTP server's reply, or why it was not sent.
    pub reply: String,
}

/// A campaign a client received (their card).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedCampaign {
    pub campaign_id: i64,
    pub name: String,
    pub status: RecipientStatus,
    pub sent_at: Option<i64>,
}

/// What a client's card says of their mail: campaigns received, unsubscribing, a dead
/// address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientMail {
    pub campaigns: Vec<ReceivedCampaign>,
    pub unsubscribed_at: Option<i64>,
    pub unsubscribed_from: Option<String>,
    pub email_invalid: bool,
    pub email_invalid_reason: String,
}

/// Settings → Mail as shown: the password in the server's URL is never sent back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettings {
    /// The SMTP URL with its password masked; empty when unset.
    pub smtp_url: String,
    /// Whether the URL comes from `VITRINA_SMTP_URL` (nothing saved here).
    pub smtp_from_env: bool,
    pub mail_from: String,
    pub rate_per_minute: i64,
    pub connections: i64,
    /// Whether a token for the bounce webhook is set (never the token itself).
    pub bounce_token_set: bool,
    /// The address unsubscribe links start with (`VITRINA_PUBLIC_URL`).
    pub public_url: String,
}

/// Settings → Mail as saved. An empty `smtp_url` keeps the one saved (so the form need not
/// know the password); `clear_smtp` forgets it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettingsInput {
    #[serde(default)]
    pub smtp_url: String,
    #[serde(default)]
    pub clear_smtp: bool,
    #[serde(default)]
    pub mail_from: String,
    pub rate_per_minute: i64,
    pub connections: i64,
    /// A new bounce webhook token; empty keeps the one set.
    #[serde(default)]
    pub bounce_token: String,
}

/// A message rendered for one client (the template's preview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_filter_reads_from_empty_json_and_dates_are_checked() {
        let f: SegmentFilter = serde_json::from_str("{}").expect("json");
        assert!(f.is_empty());
        assert!(f.validate().is_ok());
        let bad = SegmentFilter {
            purchased_from: Some("2026-13-01".into()),
            ..Default::default()
        };
        assert!(bad.validate().is_err());
        let negative = SegmentFilter {
            min_spent: Some(Money(-1)),
            ..Default::default()
        };
        assert!(negative.validate().is_err());
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in [
            CampaignStatus::Draft,
            CampaignStatus::Scheduled,
            CampaignStatus::Running,
            CampaignStatus::Paused,
            CampaignStatus::Finished,
            CampaignStatus::Cancelled,
        ] {
            assert_eq!(CampaignStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            RecipientStatus::parse("unsubscribed"),
            Some(RecipientStatus::Unsubscribed)
        );
        assert_eq!(RecipientStatus::parse("x"), None);
    }

    #[test]
    fn a_subject_with_a_line_break_is_refused() {
        assert!(check_content("Hi\r\nBcc: x@y", "text", "").is_err());
        assert!(check_content("", "text", "").is_err());
        assert!(check_content("Hi", "", "").is_err());
        assert!(check_content("Hi", "text", "").is_ok());
    }
}
