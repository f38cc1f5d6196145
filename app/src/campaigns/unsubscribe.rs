//! Unsubscribing and bounces. Every message carries a link of its own,
//! `{VITRINA_PUBLIC_URL}/unsubscribe/{recipient}/{token}`, where the token is an
//! HMAC-SHA256 of the recipient row under the installation's secret: no login, nothing
//! to guess. A POST there (the mail program's one-click, RFC 8058, or the page's button)
//! clears the client's consent at once and records when and from which campaign; a GET
//! only shows the button, so link scanners unsubscribe nobody.

use crate::db::Db;
use crate::error::AppError;
use crate::live::{hub::Hub, LiveEvent};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The address people open, without a trailing slash: `VITRINA_PUBLIC_URL`, else the
/// listening address.
pub fn public_url() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let url = var("VITRINA_PUBLIC_URL").unwrap_or_else(|| {
        format!(
            "http://{}",
            var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into())
        )
    });
    url.trim().trim_end_matches('/').to_string()
}

/// The installation's signing secret, made on first use (whoever comes first writes it;
/// everyone reads the one stored).
pub async fn secret(db: &Db) -> Result<String, AppError> {
    let (stored,): (String,) = sqlx::query_as("SELECT secret FROM mail_settings WHERE id = 1")
        .fetch_one(&db.pool)
        .await?;
    if !stored.is_empty() {
        return Ok(stored);
    }
    let fresh: String = {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE mail_settings SET secret = $1 WHERE id = 1 AND secret = ''")
        .bind(&fresh)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let (stored,): (String,) = sqlx::query_as("SELECT secret FROM mail_settings WHERE id = 1")
        .fetch_one(&db.pool)
        .await?;
    Ok(stored)
}

/// The token of a recipient row (32 hex digits of the HMAC).
pub fn token(secret: &str, recipient_id: i64) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(format!("unsubscribe:{recipient_id}").as_bytes());
    mac.finalize().into_bytes()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `given` is the recipient's token (compared in constant time).
pub fn verify(secret: &str, recipient_id: i64, given: &str) -> bool {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(format!("unsubscribe:{recipient_id}").as_bytes());
    let Some(bytes) = decode_hex(given) else {
        return false;
    };
    mac.verify_truncated_left(&bytes).is_ok() && bytes.len() == 16
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 32 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// The link of a recipient row.
pub fn url(public: &str, secret: &str, recipient_id: i64) -> String {
    format!(
        "{public}/unsubscribe/{recipient_id}/{}",
        token(secret, recipient_id)
    )
}

/// What the unsubscribe page shows: the address (partly hidden) and the company.
#[derive(Debug, Clone)]
pub struct Subscription {
    pub email_hint: String,
    pub company: String,
    pub subscribed: bool,
}

/// `iv***@example.ru`
fn hide(email: &str) -> String {
    match email.split_once('@') {
        Some((local, host)) => {
            let shown: String = local.chars().take(2).collect();
            format!("{shown}***@{host}")
        }
        None => "***".into(),
    }
}

/// Reads the subscription behind a link; `NotFound` for a wrong token.
pub async fn lookup(db: &Db, recipient_id: i64, given: &str) -> Result<Subscription, AppError> {
    let secret = secret(db).await?;
    if !verify(&secret, recipient_id, given) {
        return Err(AppError::NotFound);
    }
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT r.email, c.consent FROM campaign_recipient r JOIN client c ON c.id = r.client_id WHERE r.id = $1",
    )
    .bind(recipient_id)
    .fetch_optional(&db.pool)
    .await?;
    let (email, consent) = row.ok_or(AppError::NotFound)?;
    let company: Option<(String,)> = sqlx::query_as("SELECT name FROM company WHERE id = 1")
        .fetch_optional(&db.pool)
        .await?;
    Ok(Subscription {
        email_hint: hide(&email),
        company: company.map(|c| c.0).unwrap_or_default(),
        subscribed: consent == 1,
    })
}

/// Clears the client's consent (at once, idempotently): the card says when and from
/// which campaign; this campaign's row and any message still queued for them elsewhere
/// become `unsubscribed`.
pub async fn unsubscribe(
    db: &Db,
    hub: &Hub,
    recipient_id: i64,
    given: &str,
) -> Result<(), AppError> {
    let secret = secret(db).await?;
    if !verify(&secret, recipient_id, given) {
        return Err(AppError::NotFound);
    }
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let row: Option<(i64, i64, String)> = sqlx::query_as(
        "SELECT client_id, campaign_id, email FROM campaign_recipient WHERE id = $1",
    )
    .bind(recipient_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (client_id, campaign_id, email) = row.ok_or(AppError::NotFound)?;
    // The address opts out: every card that carries it (a family sharing one), not only
    // the card the message was written for.
    let cards: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM client WHERE (id = $1 OR LOWER(email) = LOWER($2)) AND consent = 1",
    )
    .bind(client_id)
    .bind(&email)
    .fetch_all(&mut *tx)
    .await?;
    for (id,) in &cards {
        sqlx::query(
            "UPDATE client SET consent = 0, unsubscribed_at = $1, unsubscribed_campaign_id = $2, updated_at = $1 \
             WHERE id = $3 AND consent = 1",
        )
        .bind(now)
        .bind(campaign_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE campaign_recipient SET status = 'unsubscribed' WHERE id = $1 AND status IN ('sent', 'queued')",
    )
    .bind(recipient_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE campaign_recipient SET status = 'unsubscribed', reply = 'unsubscribed before it was sent' \
         WHERE (client_id = $1 OR LOWER(email) = LOWER($2)) AND status = 'queued'",
    )
    .bind(client_id)
    .bind(&email)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    for (id,) in &cards {
        tracing::info!(client_id = id, campaign_id, "client unsubscribed");
        hub.publish(LiveEvent::ClientChanged { id: *id });
    }
    Ok(())
}

/// The bounce webhook's token: Settings → Mail, else `VITRINA_BOUNCE_TOKEN`.
pub async fn bounce_token(db: &Db) -> Result<Option<String>, AppError> {
    let (stored,): (String,) =
        sqlx::query_as("SELECT bounce_token FROM mail_settings WHERE id = 1")
            .fetch_one(&db.pool)
            .await?;
    let token = if stored.is_empty() {
        std::env::var("VITRINA_BOUNCE_TOKEN").unwrap_or_default()
    } else {
        stored
    };
    Ok((!token.trim().is_empty()).then(|| token.trim().to_string()))
}

/// Compares two secrets without telling by the time taken how much of them matched.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A bounce report: the address is marked invalid on every card that has it, and the
/// newest message sent to it is `bounced` with the reason. Returns how many cards.
pub async fn bounce(db: &Db, hub: &Hub, email: &str, reason: &str) -> Result<u64, AppError> {
    let email = email.trim();
    if email.is_empty() || !email.contains('@') || email.len() > 320 {
        return Err(AppError::invalid(
            crate::error::Field::Email,
            crate::error::Problem::Invalid,
        ));
    }
    let reason: String = reason.chars().take(500).collect();
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let cards: Vec<(i64,)> = sqlx::query_as("SELECT id FROM client WHERE LOWER(email) = LOWER($1)")
        .bind(email)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE client SET email_invalid = 1, email_invalid_reason = $1, updated_at = $2 WHERE LOWER(email) = LOWER($3)",
    )
    .bind(if reason.is_empty() { "bounced" } else { reason.as_str() })
    .bind(now)
    .bind(email)
    .execute(&mut *tx)
    .await?;
    let last: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM campaign_recipient WHERE LOWER(email) = LOWER($1) AND sent_at IS NOT NULL \
         ORDER BY sent_at DESC, id DESC LIMIT 1",
    )
    .bind(email)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((id,)) = last {
        sqlx::query("UPDATE campaign_recipient SET status = 'bounced', reply = $1 WHERE id = $2")
            .bind(&reason)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    for (id,) in &cards {
        hub.publish(LiveEvent::ClientChanged { id: *id });
    }
    Ok(cards.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_for_its_row_only() {
        let t = token("s3cret", 42);
        assert_eq!(t.len(), 32);
        assert!(verify("s3cret", 42, &t));
        assert!(!verify("s3cret", 43, &t));
        assert!(!verify("other", 42, &t));
        assert!(!verify("s3cret", 42, &t[..30]));
        assert!(!verify("s3cret", 42, "zz"));
        assert!(!verify("s3cret", 42, &"é".repeat(16)));
    }

    #[test]
    fn addresses_are_hidden_on_the_page() {
        assert_eq!(hide("ivan@example.ru"), "iv***@example.ru");
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
