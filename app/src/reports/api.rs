//! Server functions of reports.

use super::{Params, Pinned, RunState, SavedReport, Spec, Standard, Table};
use crate::auth::Role;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {
    super::{jobs, saved, standard},
    crate::auth::api::caller,
    crate::auth::Action,
    crate::error::with_status,
};

/// A standard report, now.
#[server(endpoint = "reports/standard", input = Json)]
pub async fn standard_report(report: Standard, params: Params) -> Result<Table, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            standard::run(&state.db, &caller, report, &params).await
        }
        .await,
    )
}

/// Starts a constructor run of a definition (builders) or of a saved report (`id`,
/// whoever may see it); answers the run's id to poll.
#[server(endpoint = "reports/start", input = Json)]
pub async fn start_report(
    spec: Option<Spec>,
    id: Option<i64>,
    params: Params,
) -> Result<u64, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            let spec = match (spec, id) {
                (Some(spec), _) => {
                    caller.require(Action::BuildReports)?;
                    spec
                }
                (None, Some(id)) => saved::get(&state.db, &caller, id).await?.spec,
                (None, None) => {
                    return Err(AppError::invalid(
                        crate::error::Field::Report,
                        crate::error::Problem::Required,
                    ))
                }
            };
            let plan = saved::plan_for(&state.db, &caller, &spec, &params).await?;
            jobs::start(&state.db, caller.id, plan).await
        }
        .await,
    )
}

#[server(endpoint = "reports/status", input = Json)]
pub async fn report_status(run: u64) -> Result<RunState, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            jobs::status(&state.db, caller.id, run).await
        }
        .await,
    )
}

#[server(endpoint = "reports/cancel", input = Json)]
pub async fn cancel_report(run: u64) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            jobs::cancel(&state.db, caller.id, run).await
        }
        .await,
    )
}

#[server(endpoint = "reports/list", input = Json)]
pub async fn list_reports() -> Result<Vec<SavedReport>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            saved::list(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "reports/get", input = Json)]
pub async fn get_report(id: i64) -> Result<SavedReport, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            saved::get(&state.db, &caller, id).await
        }
        .await,
    )
}

#[server(endpoint = "reports/save", input = Json)]
pub async fn save_report(
    id: Option<i64>,
    name: String,
    spec: Spec,
    roles: Vec<Role>,
) -> Result<SavedReport, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            saved::save(&state.db, &caller, id, &name, &spec, &roles).await
        }
        .await,
    )
}

#[server(endpoint = "reports/delete", input = Json)]
pub async fn delete_report(id: i64) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            saved::delete(&state.db, &caller, id).await
        }
        .await,
    )
}

#[server(endpoint = "reports/pin", input = Json)]
pub async fn pin_report(id: i64, pinned: bool) -> Result<(), AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            saved::pin(&state.db, &caller, id, pinned).await
        }
        .await,
    )
}

/// Runs a saved report now, to the end (the dashboard and the saved list).
#[server(endpoint = "reports/run_saved", input = Json)]
pub async fn run_saved_report(id: i64, params: Params) -> Result<Table, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            let report = saved::get(&state.db, &caller, id).await?;
            saved::run(&state.db, &caller, &report, &params).await
        }
        .await,
    )
}

/// The caller's pinned reports, each run now (empty for roles without reports).
#[server(endpoint = "reports/dashboard", input = Json)]
pub async fn dashboard() -> Result<Vec<Pinned>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            saved::dashboard(&state.db, &caller).await
        }
        .await,
    )
}
