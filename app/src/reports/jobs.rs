//! Constructor runs in the background: the browser starts a run, polls its progress
//! (pieces of the period done) and may cancel it. Runs live in this instance's memory
//! for ten minutes after they end.

use super::builder::{self, Acc, Plan};
use super::RunState;
use crate::db::Db;
use crate::error::AppError;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

struct Job {
    owner: i64,
    state: RunState,
    task: Option<tokio::task::AbortHandle>,
    ended: Option<Instant>,
}

fn jobs() -> &'static Mutex<HashMap<u64, Job>> {
    static JOBS: OnceLock<Mutex<HashMap<u64, Job>>> = OnceLock::new();
    JOBS.get_or_init(Default::default)
}

fn set(id: u64, state: RunState) {
    if let Ok(mut jobs) = jobs().lock() {
        if let Some(job) = jobs.get_mut(&id) {
            // A cancelled run stays cancelled.
            if job.state != RunState::Cancelled {
                if !matches!(state, RunState::Running { .. }) {
                    job.ended = Some(Instant::now());
                }
                job.state = state;
            }
        }
    }
}

/// Starts a checked plan; returns the run's id.
pub fn start(db: &Db, owner: i64, plan: Plan) -> Result<u64, AppError> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let slices = plan.slices();
    let of = slices.len() as u32;
    {
        let mut all = jobs().lock().map_err(|_| AppError::Internal)?;
        all.retain(|_, j| {
            j.ended
                .is_none_or(|t| t.elapsed() < Duration::from_secs(600))
        });
        all.insert(
            id,
            Job {
                owner,
                state: RunState::Running { done: 0, of },
                task: None,
                ended: None,
            },
        );
    }
    let pool = db.pool.clone();
    let handle = tokio::spawn(async move {
        let result: Result<super::Table, AppError> = async {
            let mut conn = pool.acquire().await?;
            let sliced = slices.len() > 1;
            let mut acc = Acc::default();
            for (done, s) in slices.into_iter().enumerate() {
                plan.run_slice(&mut conn, s, &mut acc).await?;
                set(
                    id,
                    RunState::Running {
                        done: done as u32 + 1,
                        of,
                    },
                );
            }
            plan.finish(&mut conn, acc, sliced).await
        }
        .await;
        set(
            id,
            match result {
                Ok(table) => RunState::Done { table },
                Err(error) => RunState::Failed { error },
            },
        );
    });
    if let Ok(mut all) = jobs().lock() {
        if let Some(job) = all.get_mut(&id) {
            job.task = Some(handle.abort_handle());
        }
    }
    Ok(id)
}

/// The run's state (its owner only).
pub fn status(owner: i64, id: u64) -> Result<RunState, AppError> {
    let all = jobs().lock().map_err(|_| AppError::Internal)?;
    match all.get(&id) {
        Some(job) if job.owner == owner => Ok(job.state.clone()),
        _ => Err(AppError::NotFound),
    }
}

/// Stops a run: its query is dropped (the connection goes back or is closed).
pub fn cancel(owner: i64, id: u64) -> Result<(), AppError> {
    let mut all = jobs().lock().map_err(|_| AppError::Internal)?;
    match all.get_mut(&id) {
        Some(job) if job.owner == owner => {
            if matches!(job.state, RunState::Running { .. }) {
                if let Some(task) = job.task.take() {
                    task.abort();
                }
                job.state = RunState::Cancelled;
                job.ended = Some(Instant::now());
            }
            Ok(())
        }
        _ => Err(AppError::NotFound),
    }
}

/// Runs a plan to the end here (REST, tests).
pub async fn run_now(db: &Db, plan: &Plan) -> Result<super::Table, AppError> {
    let mut conn = db.pool.acquire().await?;
    builder::run(&mut conn, plan).await
}
