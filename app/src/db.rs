//! Database access: one pool type for SQLite and PostgreSQL.
//!
//! **Approach.** Queries are written once, in SQL both dialects accept (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`), and run through `sqlx::AnyPool`, chosen by the URL. We took
//! the `Any` driver over an `enum { Sqlite, Postgres }` because it keeps every query a
//! single code path; its limit (only integers, floats, text and bytes cross it) matches our
//! storage rules anyway: money in kopecks and quantities in thousandths as BIGINT, times as
//! UTC milliseconds, flags as 0/1, coordinates as micro-degrees. Where the dialects truly
//! differ, the difference lives in this file ([`Backend`]) and nowhere else.
//!
//! SQLite runs in WAL mode with foreign keys on, `synchronous=NORMAL` and a busy timeout;
//! migrations for each dialect live under `migrations/<dialect>/` and run on start.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite only: this process's writers queue here (see [`WriteTx`]).
    write_gate: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// SQLite only: client holds waiting to be written, several to a transaction
    /// (`stock::reservations`): one commit for all who queued while the last one ran.
    pub(crate) hold_queue:
        std::sync::Arc<std::sync::Mutex<Vec<crate::stock::reservations::Queued>>>,
    /// Added to the system clock by [`Db::now`]: 0 but in tests that put the app at a
    /// chosen instant (numbering and report days around midnight and New Year).
    clock_shift: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

/// A write transaction. On SQLite it also holds this process's write gate, so writers
/// wait their turn in order on an async lock instead of polling SQLite's busy handler
/// (which sleeps in steps of milliseconds while the lock is taken); another process (the
/// CLI) still meets the busy timeout. Use it like a connection: `&mut *tx`.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported DATABASE_URL scheme (use sqlite:// or postgres://)")]
    UnsupportedUrl,
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("installing the starting data: {0}")]
    Seed(crate::error::AppError),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// This dialect's migrations.
pub fn migrator(backend: Backend) -> &'static sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    }
}

/// The newest schema version this build knows (the last migration's number; the same in
/// both dialects).
pub fn schema_version(backend: Backend) -> i64 {
    migrator(backend)
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// The last migration applied to the database behind `conn` (0 before any).
pub async fn applied_schema_version(conn: &mut sqlx::AnyConnection) -> Result<i64, sqlx::Error> {
    let (version,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(conn)
            .await?;
    Ok(version)
}

/// The default database: `<data_dir>/vitrina.db`.
pub fn default_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}/vitrina.db?mode=rwc", data_dir.display())
}

impl Db {
    /// Opens the pool (creating the SQLite file and its directory when needed).
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(DbError::UnsupportedUrl);
        };
        let mut url = url.to_string();
        if backend == Backend::Sqlite {
            if let Some(path) = sqlite_path(&url) {
                if let Some(dir) = std::path::Path::new(&path).parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir)
                            .map_err(|e| DbError::DataDir(dir.display().to_string(), e))?;
                    }
                }
            }
            if !url.contains("mode=") {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str("mode=rwc");
            }
        }
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db {
            pool,
            backend,
            write_gate: Default::default(),
            hold_queue: Default::default(),
            clock_shift: Default::default(),
        })
    }

    /// Applies pending migrations of this dialect, then installs the starting templates.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        // Starting data that lives in code rather than SQL: the document templates.
        crate::documents::gallery::install(self)
            .await
            .map_err(DbError::Seed)?;
        // The report aggregates of data written before they existed.
        crate::reports::aggregates::install(self)
            .await
            .map_err(DbError::Seed)?;
        Ok(())
    }

    /// Applies this dialect's migrations up to and including `version`, and nothing else
    /// (a restore loads an archive into the schema it was taken from, then migrates on).
    pub async fn migrate_schema_to(&self, version: i64) -> Result<(), DbError> {
        let subset: Vec<_> = migrator(self.backend)
            .iter()
            .filter(|m| m.version <= version)
            .cloned()
            .collect();
        let partial = sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(subset),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        partial.run(&self.pool).await?;
        Ok(())
    }

    /// SQLite: this process's write gate alone (to look at queued work before starting
    /// a transaction with [`Db::begin_with_gate`]).
    pub async fn write_gate(&self) -> Result<tokio::sync::OwnedMutexGuard<()>, sqlx::Error> {
        tokio::time::timeout(
            Duration::from_secs(10),
            self.write_gate.clone().lock_owned(),
        )
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)
    }

    /// SQLite: a write transaction under a gate already held.
    pub async fn begin_with_gate(
        &self,
        gate: tokio::sync::OwnedMutexGuard<()>,
    ) -> Result<WriteTx, sqlx::Error> {
        Ok(WriteTx {
            tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
            _gate: Some(gate),
        })
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers queue on the busy timeout instead of
    /// failing when a read lock cannot be upgraded; PostgreSQL needs nothing special.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                // Bounded like SQLite's own busy timeout: a writer never waits forever.
                let gate = tokio::time::timeout(
                    Duration::from_secs(10),
                    self.write_gate.clone().lock_owned(),
                )
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?;
                Ok(WriteTx {
                    tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _gate: Some(gate),
                })
            }
            Backend::Postgres => Ok(WriteTx {
                tx: self.pool.begin().await?,
                _gate: None,
            }),
        }
    }

    /// Now (UTC ms) as this app sees it: the system clock, shifted in tests.
    pub fn now(&self) -> i64 {
        now_ms() + self.clock_shift.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Puts this app's clock at `at` (UTC ms) from now on (tests).
    pub fn set_clock(&self, at: i64) {
        self.clock_shift
            .store(at - now_ms(), std::sync::atomic::Ordering::Relaxed);
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// ` FOR UPDATE` on PostgreSQL, nothing on SQLite (whose writers are serialised by
/// `BEGIN IMMEDIATE`, and which has no row locks): appended to a `SELECT` of one row
/// that the transaction is about to write back (DESIGN.md §5b).
pub fn for_update(conn: &sqlx::AnyConnection) -> &'static str {
    if conn.backend_name().eq_ignore_ascii_case("sqlite") {
        ""
    } else {
        " FOR UPDATE"
    }
}

/// ` FOR UPDATE OF <table> SKIP LOCKED` on PostgreSQL, nothing on SQLite: a work queue's
/// claim (DESIGN.md §5b), so several senders (or instances) each take a different row
/// without waiting on one another. SQLite's writers are serialised anyway.
pub fn skip_locked(backend: Backend, table: &str) -> String {
    match backend {
        Backend::Sqlite => String::new(),
        Backend::Postgres => format!(" FOR UPDATE OF {table} SKIP LOCKED"),
    }
}

/// How many times a write that lost a deadlock or serialization race is run again.
pub const WRITE_TRIES: usize = 4;

/// Runs a whole write (its own transaction) again when PostgreSQL answers a deadlock or
/// a serialization failure ([`crate::error::AppError::Busy`]), a bounded number of
/// times with a short, growing pause; other answers come back at once.
pub async fn retry_busy<T, F, Fut>(mut write: F) -> Result<T, crate::error::AppError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::error::AppError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match write().await {
            Err(crate::error::AppError::Busy) if tries < WRITE_TRIES => {
                tokio::time::sleep(Duration::from_millis(5 * (1 << tries))).await;
            }
            other => return other,
        }
    }
}

/// Now, in UTC milliseconds since the Unix epoch (how every timestamp is stored).
pub use crate::time::now_ms;

/// Flags are stored as 0/1 integers on both databases.
pub fn flag(value: bool) -> i64 {
    i64::from(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_are_found_in_urls() {
        assert_eq!(
            sqlite_path("sqlite://data/vitrina.db?mode=rwc").as_deref(),
            Some("data/vitrina.db")
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/x.db").as_deref(),
            Some("/tmp/x.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }
}
