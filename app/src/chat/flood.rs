//! The flood limit on chat messages and comments: at most `VITRINA_CHAT_FLOOD` (default
//! 20) posts by one sender in any 10 seconds, chain-wide. It counts the sender's posts
//! in the database under a lock on their employee row, so two instances (or two tabs on
//! two instances) cannot both slip under it.

use crate::db::for_update;
use crate::error::AppError;
use sqlx::AnyConnection;

/// The window the limit counts in.
pub const WINDOW_MS: i64 = 10_000;

/// Posts allowed per sender in a window.
pub fn per_window() -> i64 {
    static LIMIT: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("VITRINA_CHAT_FLOOD")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(20)
    })
}

/// True when `employee_id` may post one more at `now`; call inside the write transaction
/// that inserts the post (the lock lasts until it ends).
pub async fn allow_post(
    conn: &mut AnyConnection,
    employee_id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let lock = format!("SELECT id FROM employee WHERE id = $1{}", for_update(conn));
    sqlx::query(&lock)
        .bind(employee_id)
        .execute(&mut *conn)
        .await?;
    let (recent,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM message WHERE author_id = $1 AND created_at > $2) \
              + (SELECT COUNT(*) FROM comment WHERE author_id = $1 AND created_at > $2)",
    )
    .bind(employee_id)
    .bind(now - WINDOW_MS)
    .fetch_one(&mut *conn)
    .await?;
    Ok(recent < per_window())
}
