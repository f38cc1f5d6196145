//! Idempotency keys for requests that create: a reservation, an order, a payment.
//!
//! The tablet's offline queue (and the online shop) sends a key of its own making with
//! each such request (`Idempotency-Key` over REST). The first request to arrive claims
//! the key inside the transaction that writes the record, so the claim and the record
//! commit or vanish together; a second request with the key (a replay after a lost
//! answer, or two at once) finds the claim and answers with the record already made.
//! On PostgreSQL the second of two simultaneous claims waits on the unique index until
//! the first commits; on SQLite writers take turns. The same key for a different
//! request (another product, another amount) is refused, never applied.

use crate::db::now_ms;
use crate::error::{AppError, Conflict, Field, Problem};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

/// How long a key is remembered: a replay later than this makes a new record.
pub const KEEP_MS: i64 = 30 * 24 * 3600 * 1000;

/// What a key creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reservation,
    Order,
    Payment,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Reservation => "reservation",
            Kind::Order => "order",
            Kind::Payment => "payment",
        }
    }
}

/// A client's key for one request: 1 to 200 visible ASCII characters (a UUID fits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    pub fn parse(raw: &str) -> Result<Key, AppError> {
        if raw.is_empty() {
            return Err(AppError::invalid(Field::IdempotencyKey, Problem::Required));
        }
        if raw.len() > 200 {
            return Err(AppError::invalid(Field::IdempotencyKey, Problem::TooLong));
        }
        if !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AppError::invalid(Field::IdempotencyKey, Problem::Invalid));
        }
        Ok(Key(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A keyed request: the key, what it creates and a fingerprint of what was asked.
#[derive(Debug, Clone)]
pub struct Keyed {
    key: Key,
    kind: Kind,
    hash: String,
}

impl Keyed {
    /// `input` is the request as the service received it (before defaults are filled).
    pub fn new<T: Serialize>(key: Key, kind: Kind, input: &T) -> Result<Keyed, AppError> {
        let body = serde_json::to_vec(input).map_err(|_| AppError::Internal)?;
        let mut h = Sha256::new();
        h.update(kind.as_str().as_bytes());
        h.update([0]);
        h.update(&body);
        let hash = h
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        Ok(Keyed { key, kind, hash })
    }
}

/// What claiming a key found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours now: write the record, then [`settle`] it in the same transaction.
    New,
    /// The key was used for this very request: its record.
    Replay(i64),
}

/// Claims `keyed` for `author` on the transaction that will write the record. A claim
/// made by a transaction still running makes this one wait (PostgreSQL) and then see it.
pub async fn claim(
    conn: &mut AnyConnection,
    author: i64,
    keyed: &Keyed,
) -> Result<Claim, AppError> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency (author_id, idem_key, kind, request_hash, record_id, created_at) \
         VALUES ($1, $2, $3, $4, NULL, $5) ON CONFLICT (author_id, idem_key) DO NOTHING",
    )
    .bind(author)
    .bind(keyed.key.as_str())
    .bind(keyed.kind.as_str())
    .bind(&keyed.hash)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::New);
    }
    match found(conn, author, keyed).await? {
        Some(id) => Ok(Claim::Replay(id)),
        // A claim without its record is never committed: the writer is still at work
        // (SQLite can't get here: writers take turns). Try again shortly.
        None => Err(AppError::Busy),
    }
}

/// The record an earlier request with this key made, if one committed; refuses a key
/// used for another request. Read before a write to answer a replay without one.
pub async fn lookup(
    conn: &mut AnyConnection,
    author: i64,
    keyed: &Keyed,
) -> Result<Option<i64>, AppError> {
    found(conn, author, keyed).await
}

async fn found(
    conn: &mut AnyConnection,
    author: i64,
    keyed: &Keyed,
) -> Result<Option<i64>, AppError> {
    let row: Option<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT kind, request_hash, record_id FROM idempotency WHERE author_id = $1 AND idem_key = $2",
    )
    .bind(author)
    .bind(keyed.key.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        None => Ok(None),
        Some((kind, hash, record)) => {
            if kind != keyed.kind.as_str() || hash != keyed.hash {
                return Err(AppError::conflict(Conflict::IdempotencyKeyReused));
            }
            Ok(record)
        }
    }
}

/// Ties the claimed key to the record written (same transaction as [`claim`]).
pub async fn settle(
    conn: &mut AnyConnection,
    author: i64,
    keyed: &Keyed,
    record_id: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE idempotency SET record_id = $1 WHERE author_id = $2 AND idem_key = $3")
        .bind(record_id)
        .bind(author)
        .bind(keyed.key.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets keys older than [`KEEP_MS`]; returns how many. Run with the periodic sweeps.
pub async fn forget_old(pool: &sqlx::AnyPool) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM idempotency WHERE created_at < $1")
        .bind(now_ms() - KEEP_MS)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(Key::parse("0b6f7c3e-1d2a-4f9b-8c1e-2a3b4c5d6e7f").is_ok());
        assert!(Key::parse("").is_err());
        assert!(Key::parse("a b").is_err());
        assert!(Key::parse("ключ").is_err());
        assert!(Key::parse("a\0b").is_err());
        assert!(Key::parse(&"k".repeat(201)).is_err());
        assert!(Key::parse(&"k".repeat(200)).is_ok());
    }

    #[test]
    fn the_fingerprint_follows_the_request_and_its_kind() {
        let k = || Key::parse("k1").expect("key");
        let a = Keyed::new(k(), Kind::Order, &serde_json::json!({"q": 1})).expect("a");
        let b = Keyed::new(k(), Kind::Order, &serde_json::json!({"q": 1})).expect("b");
        let c = Keyed::new(k(), Kind::Order, &serde_json::json!({"q": 2})).expect("c");
        let d = Keyed::new(k(), Kind::Payment, &serde_json::json!({"q": 1})).expect("d");
        assert_eq!(a.hash, b.hash);
        assert_ne!(a.hash, c.hash);
        assert_ne!(a.hash, d.hash);
    }
}
