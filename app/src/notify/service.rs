//! Rules and SQL of notifications, and the sweep that warns sellers before their client
//! holds lapse.

use super::{Inbox, Notification, NotificationKind};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::live::{hub::Hub, LiveEvent};
use sqlx::AnyConnection;
use std::sync::OnceLock;

/// What a service hands over to be written in its own transaction.
pub struct NewNotification<'a> {
    pub employee_id: i64,
    pub kind: NotificationKind,
    pub subject: &'a str,
    pub detail: &'a str,
    pub link: &'a str,
    pub due_at: Option<i64>,
}

/// Writes a notification inside the caller's transaction. Publish
/// [`LiveEvent::Notified`] after the commit.
pub async fn insert(
    conn: &mut AnyConnection,
    n: &NewNotification<'_>,
    now: i64,
) -> Result<i64, AppError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO notification (employee_id, kind, subject, detail, link, due_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(n.employee_id)
    .bind(n.kind.as_str())
    .bind(n.subject)
    .bind(n.detail)
    .bind(n.link)
    .bind(n.due_at)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    i64,
    Option<i64>,
);

/// The caller's unread count and newest `limit` notifications.
pub async fn inbox(db: &Db, caller: &Caller, limit: i64) -> Result<Inbox, AppError> {
    caller.require(Action::OwnNotifications)?;
    let (unread,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM notification WHERE employee_id = $1 AND read_at IS NULL",
    )
    .bind(caller.id)
    .fetch_one(&db.pool)
    .await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, kind, subject, detail, link, due_at, created_at, read_at FROM notification \
         WHERE employee_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(caller.id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let items = rows
        .into_iter()
        .filter_map(
            |(id, kind, subject, detail, link, due_at, created_at, read_at)| {
                Some(Notification {
                    id,
                    // A kind this version does not know (written by a newer one) is skipped.
                    kind: NotificationKind::parse(&kind)?,
                    subject,
                    detail,
                    link,
                    due_at,
                    created_at,
                    read: read_at.is_some(),
                })
            },
        )
        .collect();
    Ok(Inbox { unread, items })
}

/// Marks one of the caller's notifications read, or all of them when `id` is `None`.
/// Someone else's notification answers 404, as if it did not exist.
pub async fn mark_read(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    id: Option<i64>,
) -> Result<(), AppError> {
    caller.require(Action::OwnNotifications)?;
    let now = now_ms();
    match id {
        Some(id) => {
            let found: Option<(i64,)> = sqlx::query_as(
                "UPDATE notification SET read_at = COALESCE(read_at, $1) \
                 WHERE id = $2 AND employee_id = $3 RETURNING id",
            )
            .bind(now)
            .bind(id)
            .bind(caller.id)
            .fetch_optional(&db.pool)
            .await?;
            if found.is_none() {
                return Err(AppError::NotFound);
            }
        }
        None => {
            sqlx::query(
                "UPDATE notification SET read_at = $1 WHERE employee_id = $2 AND read_at IS NULL",
            )
            .bind(now)
            .bind(caller.id)
            .execute(&db.pool)
            .await?;
        }
    }
    // The user's other tabs and devices update their bell too.
    hub.publish(LiveEvent::Notified {
        employee_id: caller.id,
    });
    Ok(())
}

/// How long before a client hold ends its seller is warned: `VITRINA_HOLD_WARN_HOURS`
/// (default 12 hours).
pub fn hold_warning_ms() -> i64 {
    static LEAD: OnceLock<i64> = OnceLock::new();
    *LEAD.get_or_init(|| {
        std::env::var("VITRINA_HOLD_WARN_HOURS")
            .ok()
            .and_then(|h| h.parse::<i64>().ok())
            .filter(|h| *h > 0)
            .unwrap_or(12)
            * 3600
            * 1000
    })
}

type DueRow = (i64, i64, i64, i64, String, String, String);

/// Warns the seller of every active client hold that ends within `lead_ms` of `now`
/// and was not warned yet; returns how many were warned. Each warning is written in one
/// transaction with the reservation's `notified_at`, and that update is conditional, so
/// several instances sweeping at once warn exactly once.
pub async fn warn_expiring_holds(
    db: &Db,
    hub: &Hub,
    now: i64,
    lead_ms: i64,
) -> Result<usize, AppError> {
    let due: Vec<DueRow> = sqlx::query_as(
        "SELECT r.id, r.created_by, r.product_id, r.expires_at, p.name, l.name, r.client \
         FROM reservation r JOIN product p ON p.id = r.product_id JOIN location l ON l.id = r.location_id \
         WHERE r.status = 'active' AND r.notified_at IS NULL AND r.expires_at IS NOT NULL \
           AND r.expires_at > $1 AND r.expires_at <= $2 ORDER BY r.expires_at",
    )
    .bind(now)
    .bind(now + lead_ms)
    .fetch_all(&db.pool)
    .await?;
    let mut warned = 0;
    for (id, seller, product_id, expires_at, product, location, client) in due {
        let mut tx = db.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE reservation SET notified_at = $1 WHERE id = $2 AND notified_at IS NULL AND status = 'active'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        let detail = if client.is_empty() {
            location
        } else {
            format!("{location} · {client}")
        };
        let link = format!("/stock?product={product_id}");
        let n = NewNotification {
            employee_id: seller,
            kind: NotificationKind::HoldExpiring,
            subject: &product,
            detail: &detail,
            link: &link,
            due_at: Some(expires_at),
        };
        insert(&mut tx, &n, now).await?;
        tx.commit().await?;
        hub.publish(LiveEvent::Notified {
            employee_id: seller,
        });
        warned += 1;
    }
    Ok(warned)
}
