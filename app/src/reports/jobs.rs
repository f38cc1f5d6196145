//! Constructor runs in the background: the browser starts a run, polls its progress
//! (pieces of the period done) and may cancel it. A run is a row (`report_run`), so any
//! instance behind a load balancer answers the poll and the cancel. The instance that
//! started it computes it, writes its progress after each piece and, twice a second,
//! looks whether someone cancelled it (then its query is dropped) and says it is alive.
//! Finished runs are kept ten minutes.

use super::builder::{self, Acc, Plan};
use super::RunState;
use crate::db::Db;
use crate::error::AppError;
use std::time::Duration;

/// How long a finished run stays to be read.
const KEEP_MS: i64 = 600_000;
/// A running row whose instance has not said it is alive for this long is reported as
/// failed (the instance stopped or lost its database).
const STALE_MS: i64 = 30_000;
/// How often the computing instance looks for a cancel.
const WATCH_EVERY: Duration = Duration::from_millis(500);
/// Every this many looks it writes that it is alive.
const BEAT_EVERY: u32 = 10;

/// Starts a checked plan; returns the run's id.
pub async fn start(db: &Db, owner: i64, plan: Plan) -> Result<u64, AppError> {
    let slices = plan.slices();
    let of = slices.len() as i64;
    let now = db.now();
    let mut tx = db.begin_write().await?;
    // Runs that ended a while ago, and those whose instance died long ago.
    sqlx::query(
        "DELETE FROM report_run WHERE ended_at < $1 OR (ended_at IS NULL AND beat_at < $2)",
    )
    .bind(now - KEEP_MS)
    .bind(now - 6 * KEEP_MS)
    .execute(&mut *tx)
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO report_run (owner_id, slices, beat_at, created_at) VALUES ($1, $2, $3, $3) \
         RETURNING id",
    )
    .bind(owner)
    .bind(of)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let db = db.clone();
    tokio::spawn(async move {
        let work = compute(&db, id, plan, slices);
        let outcome = tokio::select! {
            result = work => Some(result),
            _ = watch(&db, id) => None,
        };
        if let Some(result) = outcome {
            if let Err(e) = finish(&db, id, result).await {
                tracing::error!(run = id, error = ?e, "could not record a report run's end");
            }
        }
    });
    u64::try_from(id).map_err(|_| AppError::Internal)
}

async fn compute(
    db: &Db,
    id: i64,
    plan: Plan,
    slices: Vec<Option<(i64, i64)>>,
) -> Result<super::Table, AppError> {
    let mut conn = db.pool.acquire().await?;
    let sliced = slices.len() > 1;
    let mut acc = Acc::default();
    for (done, s) in slices.into_iter().enumerate() {
        plan.run_slice(&mut conn, s, &mut acc).await?;
        let mut tx = db.begin_write().await?;
        sqlx::query(
            "UPDATE report_run SET done = $1, beat_at = $2 WHERE id = $3 AND state = 'running'",
        )
        .bind(done as i64 + 1)
        .bind(db.now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    plan.finish(&mut conn, acc, sliced).await
}

/// Resolves when the run is cancelled (or gone); meanwhile says the run is alive.
async fn watch(db: &Db, id: i64) {
    let mut looks = 0u32;
    loop {
        tokio::time::sleep(WATCH_EVERY).await;
        looks += 1;
        let state: Result<Option<(String,)>, _> =
            sqlx::query_as("SELECT state FROM report_run WHERE id = $1")
                .bind(id)
                .fetch_optional(&db.pool)
                .await;
        match state {
            Ok(Some((s,))) if s == "running" => {}
            Ok(_) => return,
            Err(e) => tracing::warn!(run = id, error = %e, "cannot read a report run"),
        }
        if looks.is_multiple_of(BEAT_EVERY) {
            if let Ok(mut tx) = db.begin_write().await {
                let beat = sqlx::query("UPDATE report_run SET beat_at = $1 WHERE id = $2")
                    .bind(db.now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await;
                if beat.is_ok() {
                    let _ = tx.commit().await;
                }
            }
        }
    }
}

async fn finish(db: &Db, id: i64, result: Result<super::Table, AppError>) -> Result<(), AppError> {
    let (state, body) = match result {
        Ok(table) => ("done", serde_json::to_string(&table)),
        Err(error) => ("failed", serde_json::to_string(&error)),
    };
    let body = body.map_err(|_| AppError::Internal)?;
    let mut tx = db.begin_write().await?;
    // A cancelled run stays cancelled.
    sqlx::query(
        "UPDATE report_run SET state = $1, result = $2, ended_at = $3 \
         WHERE id = $4 AND state = 'running'",
    )
    .bind(state)
    .bind(body)
    .bind(db.now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The run's state (its owner only).
pub async fn status(db: &Db, owner: i64, id: u64) -> Result<RunState, AppError> {
    let id = i64::try_from(id).map_err(|_| AppError::NotFound)?;
    let row: Option<(String, i64, i64, String, i64)> = sqlx::query_as(
        "SELECT state, done, slices, result, beat_at FROM report_run WHERE id = $1 AND owner_id = $2",
    )
    .bind(id)
    .bind(owner)
    .fetch_optional(&db.pool)
    .await?;
    let Some((state, done, of, result, beat_at)) = row else {
        return Err(AppError::NotFound);
    };
    Ok(match state.as_str() {
        "running" if beat_at < db.now() - STALE_MS => RunState::Failed {
            error: AppError::Unavailable,
        },
        "running" => RunState::Running {
            done: u32::try_from(done).unwrap_or(0),
            of: u32::try_from(of).unwrap_or(0),
        },
        "done" => RunState::Done {
            table: serde_json::from_str(&result).map_err(|_| AppError::Internal)?,
        },
        "failed" => RunState::Failed {
            error: serde_json::from_str(&result).unwrap_or(AppError::Internal),
        },
        _ => RunState::Cancelled,
    })
}

/// Stops a run, from any instance: its row says cancelled at once, and the instance
/// computing it drops its query within half a second.
pub async fn cancel(db: &Db, owner: i64, id: u64) -> Result<(), AppError> {
    let id = i64::try_from(id).map_err(|_| AppError::NotFound)?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE report_run SET state = 'cancelled', ended_at = $1 \
         WHERE id = $2 AND owner_id = $3 AND state = 'running'",
    )
    .bind(db.now())
    .bind(id)
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    let mine: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM report_run WHERE id = $1 AND owner_id = $2")
            .bind(id)
            .bind(owner)
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    match mine {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound),
    }
}

/// Runs a plan to the end here (REST, tests).
pub async fn run_now(db: &Db, plan: &Plan) -> Result<super::Table, AppError> {
    let mut conn = db.pool.acquire().await?;
    builder::run(&mut conn, plan).await
}
