//! The archive's manifest and names inside the zip.

use super::catalog::Column;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "vitrina-backup";
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";

/// `tables/<name>.jsonl`
pub fn table_entry(name: &str) -> String {
    format!("tables/{name}.jsonl")
}

/// `files/<storage key>`
pub fn file_entry(key: &str) -> String {
    format!("files/{key}")
}

pub const FILES_PREFIX: &str = "files/";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub vitrina_version: String,
    /// `sqlite` or `postgres`: where the archive was taken.
    pub database: String,
    /// The last migration applied to the database it was taken from.
    pub schema_version: i64,
    /// When the snapshot was taken, UTC milliseconds.
    pub created_at: i64,
    pub tables: Vec<TableEntry>,
    pub files: u64,
    pub file_bytes: u64,
    /// Files a row names but the store no longer had (deleted while the backup ran).
    #[serde(default)]
    pub missing_files: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: u64,
}

impl Manifest {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}
