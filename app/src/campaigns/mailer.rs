//! SMTP through lettre: a pooled transport built from a URL (`smtp://host:25` plain,
//! `smtp://…?tls=required` STARTTLS, `smtps://user:pass@host:465` TLS, credentials in the
//! URL), messages with a plain and an HTML part and the unsubscribe headers of RFC 2369
//! and RFC 8058, and the server's answer sorted into sent / refused for good / try later.

use super::Rendered;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{header::Header, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// A configured way out: the transport and the default sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    pub from: Mailbox,
    /// The URL with its password masked, to tell which server this is.
    pub describe: String,
    timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the SMTP URL is not valid: {0}")]
    Url(String),
    #[error("the sender address is not valid: {0}")]
    From(String),
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server accepted it; its reply.
    Sent(String),
    /// Refused for good (5xx): the address or the message is not wanted.
    Permanent(String),
    /// Not now (4xx, the connection broke, a timeout): try again later.
    Transient(String),
    /// The message could not be made (an address that does not parse): nothing was sent.
    Unsendable(String),
}

/// Whether a permanent refusal is about the recipient's address (5.1.x, or a 550/551/553
/// without a policy code), not about us or the message (535 authentication, 5.7.x policy,
/// 552 size, 554 content): only then is the address marked dead.
pub fn address_refused(reply: &str) -> bool {
    if reply.contains("5.1.") {
        return true;
    }
    if reply.contains("5.7.") {
        return false;
    }
    ["550", "551", "553"]
        .iter()
        .any(|code| reply.contains(code))
}

/// Whether the server refuses us rather than one message (authentication, sender not
/// allowed): the campaign is paused instead of failing every recipient.
pub fn server_refuses_us(reply: &str) -> bool {
    ["530", "535", "5.7.0", "5.7.8", "5.7.1"]
        .iter()
        .any(|code| reply.contains(code))
}

/// `smtp://user:•••@host` — the URL without its password.
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:•••@{host}"),
        None => url.to_string(),
    }
}

impl Mailer {
    /// Builds the transport; `connections` is the pool's size, `timeout` bounds every
    /// SMTP exchange (it must stay under the queue's lease, see `queue::LEASE_MS`).
    pub fn new(
        url: &str,
        from: &str,
        connections: u32,
        timeout: Duration,
    ) -> Result<Mailer, MailError> {
        let from: Mailbox = from
            .trim()
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::From(e.to_string()))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.trim())
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(timeout))
            .pool_config(PoolConfig::new().max_size(connections.max(1)))
            .build();
        Ok(Mailer {
            transport,
            from,
            describe: mask_url(url),
            timeout,
        })
    }

    /// Sends one message to `to`. `sender` overrides the default From when not empty.
    pub async fn send(
        &self,
        sender: &str,
        to: &str,
        rendered: &Rendered,
        unsubscribe_url: Option<&str>,
    ) -> Outcome {
        let message = match build(&self.from, sender, to, rendered, unsubscribe_url) {
            Ok(m) => m,
            Err(reason) => return Outcome::Unsendable(reason),
        };
        // lettre's own timeout bounds the connect only: a server that stalls later must
        // not hold a sender (and its row) for ever.
        let sent = tokio::time::timeout(self.timeout, self.transport.send(message)).await;
        let Ok(sent) = sent else {
            return Outcome::Transient("timed out waiting for the server".into());
        };
        match sent {
            Ok(response) => Outcome::Sent(
                format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                )
                .trim()
                .to_string(),
            ),
            Err(e) if e.is_permanent() => Outcome::Permanent(e.to_string()),
            Err(e) => Outcome::Transient(e.to_string()),
        }
    }
}

#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

/// The message itself; an address that does not parse is a reason, not a panic.
fn build(
    default_from: &Mailbox,
    sender: &str,
    to: &str,
    rendered: &Rendered,
    unsubscribe_url: Option<&str>,
) -> Result<Message, String> {
    let from = if sender.trim().is_empty() {
        default_from.clone()
    } else {
        sender
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| format!("sender: {e}"))?
    };
    let to: Mailbox = to.trim().parse().map_err(|e| format!("address: {e}"))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(rendered.subject.clone());
    if let Some(url) = unsubscribe_url {
        builder = builder
            .header(ListUnsubscribe(format!("<{url}>")))
            .header(ListUnsubscribePost);
    }
    let message = if rendered.html.is_empty() {
        builder.singlepart(SinglePart::plain(rendered.text.clone()))
    } else {
        builder.multipart(MultiPart::alternative_plain_html(
            rendered.text.clone(),
            rendered.html.clone(),
        ))
    };
    message.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_and_urls_without_them_kept() {
        assert_eq!(
            mask_url("smtps://shop%40x.ru:S3cret@smtp.yandex.ru:465"),
            "smtps://shop%40x.ru:•••@smtp.yandex.ru:465"
        );
        assert_eq!(mask_url("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
    }

    #[test]
    fn a_message_carries_both_unsubscribe_headers_and_both_parts() {
        let from: Mailbox = "Витрина <shop@example.ru>".parse().expect("from");
        let rendered = Rendered {
            subject: "Скидки".into(),
            text: "Привет".into(),
            html: "<p>Привет</p>".into(),
        };
        let m = build(
            &from,
            "",
            "ivan@example.ru",
            &rendered,
            Some("https://x/u/1/t"),
        )
        .expect("built");
        let text = String::from_utf8(m.formatted()).expect("utf8");
        assert!(
            text.contains("List-Unsubscribe: <https://x/u/1/t>"),
            "{text}"
        );
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(text.contains("multipart/alternative"));
        assert!(build(&from, "", "not an address", &rendered, None).is_err());
    }

    #[test]
    fn only_refusals_of_the_address_mark_it_dead() {
        assert!(address_refused(
            "550 5.1.1 <a@b>: Recipient address rejected"
        ));
        assert!(address_refused("550 mailbox unavailable"));
        assert!(!address_refused("550 5.7.1 Relaying denied"));
        assert!(!address_refused(
            "535 5.7.8 Authentication credentials invalid"
        ));
        assert!(!address_refused(
            "552 5.3.4 Message size exceeds fixed limit"
        ));
        assert!(server_refuses_us(
            "535 5.7.8 Authentication credentials invalid"
        ));
        assert!(!server_refuses_us("550 5.1.1 unknown"));
    }

    #[test]
    fn bad_urls_and_senders_are_errors() {
        assert!(Mailer::new("ftp://x", "a@b.ru", 1, Duration::from_secs(1)).is_err());
        assert!(Mailer::new("smtp://127.0.0.1:2525", "nope", 1, Duration::from_secs(1)).is_err());
    }
}
