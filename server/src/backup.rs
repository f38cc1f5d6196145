//! `vitrina backup FILE` and `vitrina restore FILE`: the whole chain in one portable
//! archive, taken while the app keeps serving, loaded into an empty database of either
//! kind. Moving from SQLite to PostgreSQL is a backup on one and a restore on the other.
//!
//! **The archive** is a zip file (any unzip tool opens it):
//! - `manifest.json`: the format, Vitrina's version, the database kind it came from, the
//!   schema version (the last migration applied), and every table's columns and row count;
//! - `tables/<table>.jsonl`: one JSON array per row, in the manifest's column order.
//!   Our storage rules make this portable: every column is an integer (money in kopecks,
//!   quantities in thousandths, times in UTC milliseconds, flags 0/1), text, or bytes
//!   (base64);
//! - `files/<storage key>`: the attached files' bytes, from the folder or the bucket.
//!
//! **Consistency.** Every table is read inside one read-only transaction: a snapshot on
//! PostgreSQL (`REPEATABLE READ`), and on SQLite the WAL reader's snapshot, so writers go
//! on meanwhile and the archive is the database at one instant. Files are immutable once
//! uploaded; those the snapshot names are copied after it.
//!
//! **Restore** refuses a database holding anyone's data and an archive from a newer
//! schema. It applies the migrations up to the archive's schema, loads every table in
//! one transaction (parents before children; a table's references to itself are set in a
//! second pass), puts the files back, moves PostgreSQL's id sequences past the loaded ids,
//! checks every table's row count against the manifest, commits, then migrates on to
//! this build's schema. A failed restore leaves no rows behind and can simply be re-run.

pub mod archive;
pub mod catalog;
mod dump;
mod load;
pub mod schedule;

pub use dump::{backup, BackupSummary};
pub use load::{restore, RestoreSummary};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Db(#[from] app::db::DbError),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("archive: {0}")]
    Format(String),
    #[error(
        "the database is not empty ({0}): restore into a new database, or drop this one first"
    )]
    NotEmpty(String),
    #[error(
        "the archive's schema ({archive}) is newer than this Vitrina's ({ours}): restore it with the version that made it or a later one"
    )]
    Newer { archive: i64, ours: i64 },
    #[error("column {table}.{column} has type {kind}, which backups do not carry")]
    Unsupported {
        table: String,
        column: String,
        kind: String,
    },
    #[error("files: {0}")]
    Files(String),
}

impl BackupError {
    pub(crate) fn io(what: impl std::fmt::Display, err: std::io::Error) -> BackupError {
        BackupError::Io(what.to_string(), err)
    }
}
