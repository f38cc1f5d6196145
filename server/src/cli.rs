//! `vitrina serve | migrate | demo | check | backup | restore | user add`.

use crate::config::Settings;
use app::db::Db;
use app::live::hub::Hub;
use app::org::EmployeeForm;
use app::state::AppState;
use clap::{Parser, Subcommand};
use std::io::Write;

#[derive(Parser, Debug)]
#[command(name = "vitrina", version, about = "Vitrina — CRM for retail chains")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app, REST API and live channel (migrates first).
    Serve {
        /// Load the demo chain first when the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo chain (5 shops, 2 warehouses, staff of every role).
    Demo {
        /// Replace whatever the database holds.
        #[arg(long)]
        force: bool,
    },
    /// Verify the stock ledger: on hand = Σ moves and reserved = Σ active reservations for
    /// every product × location. Exits non-zero with a report when anything differs.
    Check,
    /// Write the whole chain (every table, attached files, a manifest) to one zip archive
    /// while the app keeps serving. FILE may be a folder: the archive is then named by
    /// its time, and --keep removes the oldest beyond that many (for a nightly cron line).
    Backup {
        file: std::path::PathBuf,
        /// With a folder: how many archives to keep.
        #[arg(long)]
        keep: Option<usize>,
    },
    /// Load an archive made by `backup` into an empty database (SQLite or PostgreSQL,
    /// whichever DATABASE_URL names) and the file store, then migrate to this version.
    Restore { file: std::path::PathBuf },
    /// Manage employees.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an employee (e.g. the first admin). The password is read from
    /// VITRINA_PASSWORD, or from the first line of standard input.
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// admin, director, accountant, manager or storekeeper
        #[arg(long)]
        role: String,
        /// Home location id
        #[arg(long)]
        location: Option<i64>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Db(#[from] app::db::DbError),
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
    #[error("{0}")]
    App(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    #[error("{0} stock balances differ from the ledger")]
    Inconsistent(usize),
}

impl From<app::error::AppError> for CliError {
    fn from(e: app::error::AppError) -> Self {
        CliError::App(e.message(app::i18n::Lang::En))
    }
}

fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let settings = Settings::from_env()?;
    let db = Db::connect(&settings.database_url).await?;
    // Backup reads the database as it is; restore needs it empty, before any migration.
    match &cli.command {
        Command::Backup { file, keep } => return backup(&settings, &db, file, *keep).await,
        Command::Restore { file } => return restore(&settings, &db, file).await,
        _ => {}
    }
    db.migrate().await?;
    app::process::service::ensure_defaults(&db).await?;
    match cli.command {
        // Answered above, before any migration.
        Command::Backup { .. } | Command::Restore { .. } => {}
        Command::Migrate => say("migrations applied"),
        Command::Check => {
            let problems = app::stock::ledger::check(&db).await?;
            if problems.is_empty() {
                say("stock ledger consistent: on hand = Σ moves, reserved = Σ active reservations");
            } else {
                say(&format!(
                    "{} product × location pairs differ from the ledger:",
                    problems.len()
                ));
                for p in &problems {
                    say(&format!(
                        "  product {} at location {}: on hand {} vs moves {}; reserved {} vs active reservations {}",
                        p.product_id, p.location_id, p.on_hand, p.ledger, p.reserved, p.active_reservations
                    ));
                }
            }
            let misplaced = app::stock::ledger::check_order_reservations(&db).await?;
            if misplaced.is_empty() {
                say("order reservations consistent: each open line's reservation is where it will be fulfilled from");
            } else {
                say(&format!(
                    "{} open order lines hold a reservation elsewhere than they will be fulfilled from:",
                    misplaced.len()
                ));
                for m in &misplaced {
                    say(&format!(
                        "  order {} line {} (location {}): reservation {} at location {}",
                        m.order_id,
                        m.line_id,
                        m.line_location_id,
                        m.reservation_id,
                        m.reservation_location_id
                    ));
                }
            }
            if !problems.is_empty() || !misplaced.is_empty() {
                return Err(CliError::Inconsistent(problems.len() + misplaced.len()));
            }
        }
        Command::Demo { force } => {
            crate::demo::load(&db, force).await?;
            say(&crate::demo::logins_text());
        }
        Command::User {
            command:
                UserCommand::Add {
                    login,
                    name,
                    role,
                    location,
                },
        } => {
            let password = match std::env::var("VITRINA_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let form = EmployeeForm {
                login,
                name,
                role,
                home_location_id: location.map(|l| l.to_string()).unwrap_or_default(),
                password,
            };
            let input = form.validate(true)?;
            let id = app::org::service::insert_employee(&db, &input).await?;
            say(&format!("employee {} created with id {id}", input.login));
        }
        Command::Serve { demo } => {
            if demo
                && crate::demo::is_empty(&db)
                    .await
                    .map_err(app::db::DbError::from)?
            {
                crate::demo::load(&db, false).await?;
            }
            if demo {
                say(&crate::demo::logins_text());
            }
            serve(settings, db).await?;
        }
    }
    Ok(())
}

/// `12.3` from milliseconds.
fn seconds(ms: u128) -> String {
    format!("{}.{}", ms / 1000, ms % 1000 / 100)
}

fn file_store(settings: &Settings) -> Result<app::files::store::FileStore, CliError> {
    app::files::store::FileStore::from_env(&settings.data_dir)
        .map_err(|e| CliError::App(e.to_string()))
}

async fn backup(
    settings: &Settings,
    db: &Db,
    target: &std::path::Path,
    keep: Option<usize>,
) -> Result<(), CliError> {
    let path = crate::backup::schedule::archive_path(target, app::db::now_ms())?;
    let done = crate::backup::backup(db, &file_store(settings)?, &path).await?;
    let m = &done.manifest;
    say(&format!(
        "backup {}: {} tables, {} rows, {} files ({} bytes of them), schema {}, {} bytes, {} s",
        path.display(),
        m.tables.len(),
        m.rows(),
        m.files,
        m.file_bytes,
        m.schema_version,
        done.bytes,
        seconds(done.millis)
    ));
    if !m.missing_files.is_empty() {
        say(&format!(
            "warning: {} files named by rows were gone from the store",
            m.missing_files.len()
        ));
    }
    if let (Some(keep), Some(folder)) = (keep, path.parent()) {
        for old in crate::backup::schedule::prune(folder, keep.max(1))? {
            say(&format!("removed the old backup {}", old.display()));
        }
    }
    Ok(())
}

async fn restore(settings: &Settings, db: &Db, file: &std::path::Path) -> Result<(), CliError> {
    let done = crate::backup::restore(db, &file_store(settings)?, file).await?;
    let m = &done.manifest;
    say(&format!(
        "restored {} ({} of {}, schema {}): {} tables, {} rows, {} files, {} s; migrated to schema {}",
        file.display(),
        m.database,
        m.vitrina_version,
        m.schema_version,
        m.tables.len(),
        m.rows(),
        m.files,
        seconds(done.millis),
        app::db::schema_version(db.backend)
    ));
    Ok(())
}

async fn serve(settings: Settings, db: Db) -> Result<(), CliError> {
    let hub = Hub::new();
    if db.backend == app::db::Backend::Postgres {
        // Several instances behind a load balancer see each other's live events.
        app::live::relay::start(&hub, &settings.database_url)
            .await
            .map_err(app::db::DbError::from)?;
    }
    let files = app::files::store::FileStore::from_env(&settings.data_dir)
        .map_err(|e| CliError::App(e.to_string()))?;
    tracing::info!(files = %files.describe, "file store");
    let state = AppState {
        leptos_options: settings.leptos_options(),
        db,
        hub: hub.clone(),
        files,
        pbx: app::telephony::ami::Pbx::default(),
    };
    app::telephony::service::spawn_ami(&state);
    app::live::presence::start(&hub, state.db.clone());
    spawn_hold_expiry(state.db.clone(), hub.clone());
    // Campaign mail: this instance's senders join whatever queue the database holds.
    let mail = app::campaigns::worker::Worker::spawn(state.db.clone());
    let db = state.db.clone();
    let router = crate::router::app(state);
    let listener = tokio::net::TcpListener::bind(settings.site_addr).await?;
    tracing::info!(addr = %settings.site_addr, site_root = %settings.site_root, "Vitrina is listening");
    say(&format!("Vitrina: http://{}", settings.site_addr));
    // The peer address feeds the login throttle (see `client_address`).
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown({
        let hub = hub.clone();
        async move {
            stop_signal().await;
            tracing::info!("shutting down");
            // /readyz answers 503 from now on and sockets close (their browsers reconnect
            // to another instance); a load balancer that polls /readyz gets
            // VITRINA_DRAIN_SECONDS to stop sending requests before the listener closes.
            hub.shut_down();
            let drain = std::env::var("VITRINA_DRAIN_SECONDS")
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(0)
                .min(120);
            if drain > 0 {
                tokio::time::sleep(std::time::Duration::from_secs(drain)).await;
            }
        }
    })
    .await?;
    app::live::presence::leave(&hub, &db).await;
    // Messages in flight finish (their outcome written); nothing new is claimed.
    mail.stop(std::time::Duration::from_secs(20)).await;
    Ok(())
}

async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// Warns sellers whose client holds end soon and releases the holds whose time is up,
/// every `VITRINA_SWEEP_SECONDS` (default 60).
fn spawn_hold_expiry(db: Db, hub: Hub) {
    let every = std::env::var("VITRINA_SWEEP_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
        .unwrap_or(60);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(every));
        loop {
            tick.tick().await;
            let lead = app::notify::service::hold_warning_ms();
            match app::notify::service::warn_expiring_holds(&db, &hub, app::db::now_ms(), lead)
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(warned = n, "sellers warned of holds ending soon"),
                Err(e) => tracing::warn!(error = %e, "hold warning failed"),
            }
            match app::stock::reservations::expire_due(&db, &hub).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "client holds released"),
                Err(e) => tracing::warn!(error = %e, "hold expiry failed"),
            }
            match app::idempotency::forget_old(&db.pool).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(forgotten = n, "old idempotency keys forgotten"),
                Err(e) => tracing::warn!(error = %e, "forgetting idempotency keys failed"),
            }
        }
    });
}
