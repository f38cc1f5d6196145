//! The recipient queue: rows in `campaign_recipient`, claimed one at a time by a
//! conditional update (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so any number of senders
//! in any number of instances each take a different row, and a restart resumes where the
//! rows say. A claimed row is `sending` under a lease; its outcome is written as soon as
//! the SMTP server answers. A lease that runs out means its sender died mid-message: the
//! server may or may not have taken it, so it is marked failed ("interrupted"), never
//! sent a second time.

use super::mailer::Outcome;
use super::CampaignCounts;
use crate::db::{skip_locked, Db};
use crate::error::AppError;

/// How long a sender may hold a row (default 60 s, `VITRINA_MAIL_LEASE_SECONDS`). The
/// SMTP timeout is half of it, so a live sender always answers before its lease ends.
pub fn lease_ms() -> i64 {
    std::env::var("VITRINA_MAIL_LEASE_SECONDS")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|s| *s >= 2)
        .unwrap_or(60)
        * 1000
}

/// Tries of a message the server put off (4xx) before it counts as failed.
pub const MAX_ATTEMPTS: i64 = 3;

/// A row a sender holds.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub campaign_id: i64,
    pub client_id: i64,
    pub email: String,
    pub attempts: i64,
}

#[derive(Debug)]
pub enum Claim {
    Claimed(Claimed),
    /// Nothing to send now.
    Empty,
}

/// Takes up to `want` messages of the rate limit (`per_minute` in each minute of the
/// clock, across every instance) in one update of the shared counter; answers how many
/// it got (0: this minute's share is used up). A sender takes a few at a time so that the
/// counter's row is not a lock every message waits for; what it does not use is lost,
/// never exceeded.
pub async fn take_budget(db: &Db, per_minute: i64, want: i64) -> Result<i64, AppError> {
    let minute = db.now().div_euclid(60_000);
    // `window_second` holds the minute the count is of. A share that no longer fits is
    // asked again as a single message (the minute's last few).
    for n in [want.max(1), 1] {
        let mut tx = db.begin_write().await?;
        let done = sqlx::query(
            "UPDATE mail_settings SET \
               window_count = (CASE WHEN window_second = $1 THEN window_count ELSE 0 END) + $2, \
               window_second = $1 \
             WHERE id = 1 AND (CASE WHEN window_second = $1 THEN window_count ELSE 0 END) + $2 <= $3",
        )
        .bind(minute)
        .bind(n)
        .bind(per_minute)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            tx.commit().await?;
            return Ok(n);
        }
    }
    Ok(0)
}

/// Takes the next queued row of a running campaign (the rate limit is [`take_budget`]'s).
pub async fn claim(db: &Db) -> Result<Claim, AppError> {
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let sql = format!(
        "UPDATE campaign_recipient SET status = 'sending', lease_until = $1, attempts = attempts + 1 \
         WHERE id = (SELECT r.id FROM campaign_recipient r JOIN campaign c ON c.id = r.campaign_id \
                     WHERE r.status = 'queued' AND r.next_at <= $2 AND c.status = 'running' \
                     ORDER BY r.id LIMIT 1{}) \
         RETURNING id, campaign_id, client_id, email, attempts",
        skip_locked(db.backend, "r")
    );
    let row: Option<Claimed> = sqlx::query_as(&sql)
        .bind(now + lease_ms())
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
    match row {
        Some(row) => {
            tx.commit().await?;
            Ok(Claim::Claimed(row))
        }
        // Dropping the transaction rolls the rate counter back: nothing was taken.
        None => Ok(Claim::Empty),
    }
}

/// What to write for a claimed row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Smtp(Outcome),
    /// Not sent: the client withdrew consent meanwhile.
    NoConsent,
    /// Not sent: the address is known to be dead, or the message could not be made.
    NotSent(String),
}

/// Writes the outcome of a claimed row (only while this sender still holds it).
pub async fn record(db: &Db, row: &Claimed, result: Verdict) -> Result<(), AppError> {
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let update = |status: &'static str, sent: bool, next_at: i64, reply: String| {
        sqlx::query(
            "UPDATE campaign_recipient SET status = $1, sent_at = CASE WHEN $2 = 1 THEN $3 ELSE sent_at END, \
             next_at = $4, reply = $5, lease_until = NULL WHERE id = $6 AND status = 'sending'",
        )
        .bind(status)
        .bind(i64::from(sent))
        .bind(now)
        .bind(next_at)
        .bind(reply.chars().take(1000).collect::<String>())
        .bind(row.id)
    };
    match result {
        Verdict::Smtp(Outcome::Sent(reply)) => {
            update("sent", true, 0, reply).execute(&mut *tx).await?;
        }
        Verdict::Smtp(Outcome::Permanent(reply)) if super::mailer::server_refuses_us(&reply) => {
            // Every message would fail the same way: the row goes back to the queue and
            // the campaign is paused until someone fixes the settings and resumes.
            update("queued", false, now, reply.clone())
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE campaign SET status = 'paused', updated_at = $1 WHERE id = $2 AND status = 'running'")
                .bind(now)
                .bind(row.campaign_id)
                .execute(&mut *tx)
                .await?;
            tracing::warn!(campaign = row.campaign_id, %reply, "the mail server refuses us: campaign paused");
        }
        Verdict::Smtp(Outcome::Permanent(reply)) if !super::mailer::address_refused(&reply) => {
            update("failed", false, 0, reply).execute(&mut *tx).await?;
        }
        Verdict::Smtp(Outcome::Unsendable(reply)) => {
            update("failed", false, 0, reply).execute(&mut *tx).await?;
        }
        Verdict::Smtp(Outcome::Permanent(reply)) => {
            update("failed", false, 0, reply.clone())
                .execute(&mut *tx)
                .await?;
            // The server refused the address for good: it is not to be written to again.
            sqlx::query(
                "UPDATE client SET email_invalid = 1, email_invalid_reason = $1, updated_at = $2 \
                 WHERE id = $3 AND email = $4",
            )
            .bind(reply.chars().take(500).collect::<String>())
            .bind(now)
            .bind(row.client_id)
            .bind(&row.email)
            .execute(&mut *tx)
            .await?;
        }
        Verdict::Smtp(Outcome::Transient(reply)) if row.attempts < MAX_ATTEMPTS => {
            let wait = 30_000 * row.attempts;
            update("queued", false, now + wait, reply)
                .execute(&mut *tx)
                .await?;
        }
        Verdict::Smtp(Outcome::Transient(reply)) => {
            update("failed", false, 0, reply).execute(&mut *tx).await?;
        }
        Verdict::NoConsent => {
            update(
                "unsubscribed",
                false,
                0,
                "consent withdrawn; not sent".into(),
            )
            .execute(&mut *tx)
            .await?;
        }
        Verdict::NotSent(reason) => {
            update("failed", false, 0, reason).execute(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Rows whose lease ran out (their sender died): failed, outcome unknown, not resent.
pub async fn recover(db: &Db) -> Result<u64, AppError> {
    let now = db.now();
    let stale: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM campaign_recipient WHERE status = 'sending' AND lease_until < $1 LIMIT 1",
    )
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    if stale.is_none() {
        return Ok(0);
    }
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE campaign_recipient SET status = 'failed', lease_until = NULL, \
         reply = 'interrupted: the sender stopped while the server had the message; not sent again' \
         WHERE status = 'sending' AND lease_until < $1",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// Scheduled campaigns whose time has come: started (expanded) once, by whichever
/// instance gets there first.
pub async fn start_due(db: &Db) -> Result<Vec<i64>, AppError> {
    let now = db.now();
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM campaign WHERE status = 'scheduled' AND scheduled_at <= $1 ORDER BY id",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let mut started = Vec::new();
    for (id,) in due {
        match start_one(db, id, now).await {
            Ok(true) => started.push(id),
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(campaign = id, error = %e, "a scheduled campaign could not start")
            }
        }
    }
    Ok(started)
}

/// Starts one scheduled campaign unless another instance did; true when this one did.
async fn start_one(db: &Db, id: i64, now: i64) -> Result<bool, AppError> {
    {
        let mut tx = db.begin_write().await?;
        let taken = sqlx::query(
            "UPDATE campaign SET status = 'running', started_at = $1, updated_at = $1 \
             WHERE id = $2 AND status = 'scheduled'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() == 0 {
            return Ok(false);
        }
        let filter = super::service::filter_of(&mut tx, id).await?;
        super::segment::expand(&mut tx, id, &filter).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Running campaigns with nothing left to send are finished.
pub async fn finish_done(db: &Db) -> Result<Vec<i64>, AppError> {
    if !any_running(db).await? {
        return Ok(Vec::new());
    }
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let done: Vec<(i64,)> = sqlx::query_as(
        "UPDATE campaign SET status = 'finished', finished_at = $1, updated_at = $1 \
         WHERE status = 'running' AND NOT EXISTS (SELECT 1 FROM campaign_recipient r \
               WHERE r.campaign_id = campaign.id AND r.status IN ('queued', 'sending')) \
         RETURNING id",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.into_iter().map(|r| r.0).collect())
}

/// Whether any campaign is running (the senders idle without touching the queue when not).
pub async fn any_running(db: &Db) -> Result<bool, AppError> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM campaign WHERE status = 'running' LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.is_some())
}

/// A campaign's numbers; `scope` limits them to clients who bought at these shops.
pub async fn counts(
    conn: &mut sqlx::AnyConnection,
    campaign_id: i64,
    scope: Option<&[i64]>,
) -> Result<CampaignCounts, AppError> {
    let (limit, binds) = scope_sql(scope, 2);
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.status IN ('queued', 'sending') THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.status = 'failed' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.status = 'bounced' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.status = 'unsubscribed' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM campaign_recipient r WHERE r.campaign_id = $1{limit}"
    );
    let mut query =
        sqlx::query_as::<_, (i64, i64, i64, i64, i64, i64, i64)>(&sql).bind(campaign_id);
    for b in binds {
        query = query.bind(b);
    }
    let (total, queued, sent, failed, bounced, unsubscribed, cancelled) =
        query.fetch_one(&mut *conn).await?;
    Ok(CampaignCounts {
        total,
        queued,
        sent,
        failed,
        bounced,
        unsubscribed,
        cancelled,
    })
}

/// ` AND the recipient bought at one of these shops`, numbered from `first`.
pub fn scope_sql(scope: Option<&[i64]>, first: usize) -> (String, Vec<i64>) {
    match scope {
        None => (String::new(), Vec::new()),
        Some([]) => (" AND 1 = 0".into(), Vec::new()),
        Some(shops) => {
            let list: Vec<String> = (0..shops.len())
                .map(|i| format!("${}", first + i))
                .collect();
            (
                format!(
                    " AND EXISTS (SELECT 1 FROM orders o WHERE o.client_id = r.client_id AND o.shop_id IN ({}))",
                    list.join(", ")
                ),
                shops.to_vec(),
            )
        }
    }
}
