//! Writing an archive: one snapshot of every table, then the files it names.

use super::archive::{self, Manifest, TableEntry};
use super::catalog::{self, quote, Kind};
use super::BackupError;
use app::db::{Backend, Db};
use app::error::AppError;
use app::files::store::FileStore;
use base64::Engine;
use futures::TryStreamExt;
use sqlx::Row;
use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

#[derive(Debug, Clone)]
pub struct BackupSummary {
    pub manifest: Manifest,
    /// The archive's size in bytes.
    pub bytes: u64,
    pub millis: u128,
}

type Zip = zip::ZipWriter<std::io::BufWriter<std::fs::File>>;

/// Writes the archive to `path` (through `path.partial`, renamed when complete, so a
/// half-written archive never carries the final name).
pub async fn backup(db: &Db, files: &FileStore, path: &Path) -> Result<BackupSummary, BackupError> {
    let started = std::time::Instant::now();
    let partial = path.with_file_name(format!(
        "{}.partial",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "backup.zip".into())
    ));
    let file =
        std::fs::File::create(&partial).map_err(|e| BackupError::io(partial.display(), e))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::with_capacity(1 << 20, file));
    let result = write_archive(db, files, &mut zip).await;
    let manifest = match result {
        Ok(m) => m,
        Err(e) => {
            drop(zip);
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let mut out = zip.finish()?;
    out.flush()
        .map_err(|e| BackupError::io(partial.display(), e))?;
    let file = out
        .into_inner()
        .map_err(|e| BackupError::io(partial.display(), e.into_error()))?;
    file.sync_all()
        .map_err(|e| BackupError::io(partial.display(), e))?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    drop(file);
    std::fs::rename(&partial, path).map_err(|e| BackupError::io(path.display(), e))?;
    Ok(BackupSummary {
        manifest,
        bytes,
        millis: started.elapsed().as_millis(),
    })
}

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        // Fast deflate: rows compress well at any level, and a big chain's backup must
        // not take the night.
        .compression_level(Some(1))
        .large_file(true)
}

async fn write_archive(db: &Db, files: &FileStore, zip: &mut Zip) -> Result<Manifest, BackupError> {
    // One snapshot for every table: PostgreSQL's repeatable read, SQLite's WAL reader.
    let mut tx = match db.backend {
        Backend::Postgres => {
            db.pool
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?
        }
        Backend::Sqlite => db.pool.begin().await?,
    };
    let schema_version = app::db::applied_schema_version(&mut tx).await?;
    let created_at = db.now();
    let tables = catalog::tables(&mut tx, db.backend).await?;
    let mut entries = Vec::with_capacity(tables.len());
    let mut line = Vec::with_capacity(4096);
    for table in &tables {
        zip.start_file(archive::table_entry(&table.name), options())?;
        let columns: Vec<String> = table.columns.iter().map(|c| quote(&c.name)).collect();
        let order = if table.primary_key.is_empty() {
            String::new()
        } else {
            let keys: Vec<String> = table.primary_key.iter().map(|k| quote(k)).collect();
            format!(" ORDER BY {}", keys.join(", "))
        };
        let sql = format!(
            "SELECT {} FROM {}{order}",
            columns.join(", "),
            quote(&table.name)
        );
        let mut rows = sqlx::query(&sql).fetch(&mut *tx);
        let mut count = 0u64;
        while let Some(row) = rows.try_next().await? {
            let mut values = Vec::with_capacity(table.columns.len());
            for (i, column) in table.columns.iter().enumerate() {
                values.push(match column.kind {
                    Kind::Int => row
                        .try_get::<Option<i64>, _>(i)?
                        .map_or(serde_json::Value::Null, serde_json::Value::from),
                    Kind::Text => row
                        .try_get::<Option<String>, _>(i)?
                        .map_or(serde_json::Value::Null, serde_json::Value::from),
                    Kind::Bytes => row
                        .try_get::<Option<Vec<u8>>, _>(i)?
                        .map_or(serde_json::Value::Null, |b| {
                            base64::engine::general_purpose::STANDARD.encode(b).into()
                        }),
                });
            }
            line.clear();
            serde_json::to_writer(&mut line, &values)
                .map_err(|e| BackupError::Format(e.to_string()))?;
            line.push(b'\n');
            zip.write_all(&line)
                .map_err(|e| BackupError::io("writing the archive", e))?;
            count += 1;
        }
        drop(rows);
        entries.push(TableEntry {
            name: table.name.clone(),
            columns: table.columns.clone(),
            rows: count,
        });
    }
    let keys: Vec<(String,)> = if tables.iter().any(|t| t.name == "stored_file") {
        sqlx::query_as("SELECT storage_key FROM stored_file ORDER BY id")
            .fetch_all(&mut *tx)
            .await?
    } else {
        Vec::new()
    };
    // The snapshot ends here; files never change once stored, so copying them after it
    // still matches the rows.
    tx.rollback().await?;

    let mut count = 0u64;
    let mut file_bytes = 0u64;
    let mut missing = Vec::new();
    for (key,) in keys {
        match files.get(&key).await {
            Ok(data) => {
                let stored = SimpleFileOptions::default()
                    .compression_method(CompressionMethod::Stored)
                    .large_file(data.len() > u32::MAX as usize / 2);
                zip.start_file(archive::file_entry(&key), stored)?;
                zip.write_all(&data)
                    .map_err(|e| BackupError::io("writing the archive", e))?;
                count += 1;
                file_bytes += data.len() as u64;
            }
            Err(AppError::NotFound) => {
                tracing::warn!(key, "a file named by a row is gone from the store");
                missing.push(key);
            }
            Err(e) => return Err(BackupError::Files(format!("{key}: {e:?}"))),
        }
    }

    let manifest = Manifest {
        format: archive::FORMAT.into(),
        format_version: archive::FORMAT_VERSION,
        vitrina_version: env!("CARGO_PKG_VERSION").into(),
        database: match db.backend {
            Backend::Sqlite => "sqlite".into(),
            Backend::Postgres => "postgres".into(),
        },
        schema_version,
        created_at,
        tables: entries,
        files: count,
        file_bytes,
        missing_files: missing,
    };
    zip.start_file(
        archive::MANIFEST,
        SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
    )?;
    serde_json::to_writer_pretty(&mut *zip, &manifest)
        .map_err(|e| BackupError::Format(e.to_string()))?;
    Ok(manifest)
}
