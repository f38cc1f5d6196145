//! Loading an archive into an empty database of either kind.

use super::archive::{self, Manifest};
use super::catalog::{self, quote, Kind, Table};
use super::BackupError;
use app::db::{Backend, Db};
use app::files::store::FileStore;
use base64::Engine;
use serde_json::Value;
use std::io::BufRead;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct RestoreSummary {
    pub manifest: Manifest,
    pub millis: u128,
}

/// Tables whose rows are someone's data: a database with any of them filled is not
/// empty. (Migrations and the first start fill processes, templates and counters; those
/// are replaced by the archive's.)
const DATA_TABLES: [&str; 5] = ["employee", "client", "product", "orders", "payment"];

/// The largest file an archive may carry (attached files are at most MAX_FILE_MB).
const MAX_FILE_BYTES: u64 = app::files::MAX_FILE_MB as u64 * 1024 * 1024;

/// A storage key as the file store makes them (`order/12/…`): relative, no `..`, no
/// backslashes or control characters, so an archive cannot write outside the store.
fn safe_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 400
        && !key.starts_with('/')
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && !key.chars().any(|c| c == '\\' || c.is_control())
}

/// Rows read from the archive at a time.
const BATCH: usize = 500;

enum Piece {
    Rows {
        table: String,
        rows: Vec<Vec<Value>>,
    },
    File {
        key: String,
        data: Vec<u8>,
    },
    Failed(BackupError),
}

pub fn read_manifest(path: &Path) -> Result<Manifest, BackupError> {
    let file = std::fs::File::open(path).map_err(|e| BackupError::io(path.display(), e))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))?;
    let entry = zip
        .by_name(archive::MANIFEST)
        .map_err(|_| BackupError::Format("no manifest.json: not a Vitrina backup".into()))?;
    let manifest: Manifest = serde_json::from_reader(entry)
        .map_err(|e| BackupError::Format(format!("manifest.json: {e}")))?;
    if manifest.format != archive::FORMAT || manifest.format_version != archive::FORMAT_VERSION {
        return Err(BackupError::Format(format!(
            "{} version {} is not a format this Vitrina reads",
            manifest.format, manifest.format_version
        )));
    }
    Ok(manifest)
}

/// Loads the archive at `path` into `db` (which must hold no one's data) and its files
/// into `files`, then migrates to this build's schema.
pub async fn restore(
    db: &Db,
    files: &FileStore,
    path: &Path,
) -> Result<RestoreSummary, BackupError> {
    let started = std::time::Instant::now();
    let manifest = read_manifest(path)?;
    let ours = app::db::schema_version(db.backend);
    if manifest.schema_version > ours {
        return Err(BackupError::Newer {
            archive: manifest.schema_version,
            ours,
        });
    }
    if !app::db::migrator(db.backend)
        .iter()
        .any(|m| m.version == manifest.schema_version)
    {
        return Err(BackupError::Format(format!(
            "schema version {} is unknown to this Vitrina",
            manifest.schema_version
        )));
    }
    prepare(db, &manifest).await?;

    let mut conn = db.pool.acquire().await?;
    let tables = catalog::tables(&mut conn, db.backend).await?;
    drop(conn);
    let order = catalog::load_order(&tables)?;
    for entry in &manifest.tables {
        if !tables.iter().any(|t| t.name == entry.name) {
            return Err(BackupError::Format(format!(
                "table {} is in the archive but not in schema {}",
                entry.name, manifest.schema_version
            )));
        }
    }
    let names: Vec<String> = order
        .iter()
        .map(|&i| tables[i].name.clone())
        .filter(|n| manifest.tables.iter().any(|t| &t.name == n))
        .collect();

    // The archive is read and inflated on a thread of its own while rows are inserted.
    let (sender, mut pieces) = tokio::sync::mpsc::channel::<Piece>(4);
    let reader = {
        let path = path.to_path_buf();
        let names = names.clone();
        std::thread::spawn(move || {
            if let Err(e) = read_archive(&path, &names, &sender) {
                let _ = sender.blocking_send(Piece::Failed(e));
            }
        })
    };

    let mut tx = db.begin_write().await?;
    for &i in order.iter().rev() {
        sqlx::query(&format!("DELETE FROM {}", quote(&tables[i].name)))
            .execute(&mut *tx)
            .await?;
    }
    let mut loader: Option<TableLoader> = None;
    while let Some(piece) = pieces.recv().await {
        match piece {
            Piece::Rows { table, rows } => {
                if loader.as_ref().is_none_or(|l| l.table.name != table) {
                    if let Some(done) = loader.take() {
                        done.finish(&mut tx).await?;
                    }
                    let (Some(target), Some(entry)) = (
                        tables.iter().find(|t| t.name == table),
                        manifest.tables.iter().find(|t| t.name == table),
                    ) else {
                        return Err(BackupError::Format(format!("unexpected table {table}")));
                    };
                    loader = Some(TableLoader::new(target, &entry.columns)?);
                }
                if let Some(l) = loader.as_mut() {
                    l.insert(&mut tx, rows).await?;
                }
            }
            Piece::File { key, data } => {
                if let Some(done) = loader.take() {
                    done.finish(&mut tx).await?;
                }
                files
                    .put(&key, data)
                    .await
                    .map_err(|e| BackupError::Files(format!("{key}: {e:?}")))?;
            }
            Piece::Failed(e) => return Err(e),
        }
    }
    if let Some(done) = loader.take() {
        done.finish(&mut tx).await?;
    }
    let _ = reader.join();

    for entry in &manifest.tables {
        let (count,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM {}", quote(&entry.name)))
                .fetch_one(&mut *tx)
                .await?;
        if count as u64 != entry.rows {
            return Err(BackupError::Format(format!(
                "table {}: {} rows in the archive, {count} loaded",
                entry.name, entry.rows
            )));
        }
    }
    if db.backend == Backend::Postgres {
        for table in &tables {
            if let Some(id) = &table.identity {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence($1, $2), \
                     COALESCE((SELECT MAX({col}) FROM {t}), 0) + 1, false)",
                    col = quote(id),
                    t = quote(&table.name)
                ))
                .bind(quote(&table.name))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    // Then on to this build's schema, and the starting data that lives in code.
    db.migrate().await?;
    Ok(RestoreSummary {
        manifest,
        millis: started.elapsed().as_millis(),
    })
}

/// Checks the target is empty and gives it the archive's schema.
async fn prepare(db: &Db, manifest: &Manifest) -> Result<(), BackupError> {
    let mut conn = db.pool.acquire().await?;
    let existing = catalog::table_names(&mut conn, db.backend).await?;
    if existing.is_empty() {
        let migrations: Vec<(String,)> = match db.backend {
            Backend::Sqlite => {
                sqlx::query_as("SELECT name FROM sqlite_master WHERE name = '_sqlx_migrations'")
            }
            Backend::Postgres => sqlx::query_as(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
            ),
        }
        .fetch_all(&mut *conn)
        .await?;
        if !migrations.is_empty() {
            return Err(BackupError::NotEmpty(
                "it has a migration log but no tables".into(),
            ));
        }
        drop(conn);
        db.migrate_schema_to(manifest.schema_version).await?;
        return Ok(());
    }
    if !existing.iter().any(|t| t == "employee") {
        return Err(BackupError::NotEmpty(format!(
            "it holds {} tables that are not Vitrina's",
            existing.len()
        )));
    }
    let version = app::db::applied_schema_version(&mut conn).await?;
    let mut filled = Vec::new();
    for table in DATA_TABLES {
        if existing.iter().any(|t| t == table) {
            let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {}", quote(table)))
                .fetch_one(&mut *conn)
                .await?;
            if n > 0 {
                filled.push(format!("{table}: {n} rows"));
            }
        }
    }
    if !filled.is_empty() {
        return Err(BackupError::NotEmpty(filled.join(", ")));
    }
    if version != manifest.schema_version {
        return Err(BackupError::NotEmpty(format!(
            "it already has schema {version}, the archive was taken at {}; an older archive \
             goes into a database with no tables at all",
            manifest.schema_version
        )));
    }
    Ok(())
}

/// The archive's tables in load order, in batches, then its files.
fn read_archive(
    path: &Path,
    names: &[String],
    sender: &tokio::sync::mpsc::Sender<Piece>,
) -> Result<(), BackupError> {
    let file = std::fs::File::open(path).map_err(|e| BackupError::io(path.display(), e))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))?;
    for name in names {
        let entry = zip.by_name(&archive::table_entry(name)).map_err(|_| {
            BackupError::Format(format!("{} is missing", archive::table_entry(name)))
        })?;
        let mut rows = Vec::with_capacity(BATCH);
        for (n, line) in std::io::BufReader::with_capacity(1 << 16, entry)
            .lines()
            .enumerate()
        {
            let line = line.map_err(|e| BackupError::io(archive::table_entry(name), e))?;
            let row: Vec<Value> = serde_json::from_str(&line).map_err(|e| {
                BackupError::Format(format!(
                    "{} line {}: {e}",
                    archive::table_entry(name),
                    n + 1
                ))
            })?;
            rows.push(row);
            if rows.len() == BATCH {
                let full = std::mem::replace(&mut rows, Vec::with_capacity(BATCH));
                if sender
                    .blocking_send(Piece::Rows {
                        table: name.clone(),
                        rows: full,
                    })
                    .is_err()
                {
                    return Ok(()); // the loader stopped (its error is reported there)
                }
            }
        }
        if !rows.is_empty()
            && sender
                .blocking_send(Piece::Rows {
                    table: name.clone(),
                    rows,
                })
                .is_err()
        {
            return Ok(());
        }
    }
    let keys: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with(archive::FILES_PREFIX) && !n.ends_with('/'))
        .map(|n| n.into_owned())
        .collect();
    for name in keys {
        let key = name[archive::FILES_PREFIX.len()..].to_string();
        if !safe_key(&key) {
            return Err(BackupError::Format(format!(
                "{name}: not a file name Vitrina writes"
            )));
        }
        let entry = zip.by_name(&name)?;
        // Files are at most MAX_FILE_MB: a bigger entry (or a forged size) is refused
        // before anything is allocated for it.
        if entry.size() > MAX_FILE_BYTES {
            return Err(BackupError::Format(format!(
                "{name}: larger than any attached file"
            )));
        }
        let mut data = Vec::with_capacity(entry.size() as usize);
        std::io::Read::read_to_end(
            &mut std::io::Read::take(entry, MAX_FILE_BYTES + 1),
            &mut data,
        )
        .map_err(|e| BackupError::io(&name, e))?;
        if data.len() as u64 > MAX_FILE_BYTES {
            return Err(BackupError::Format(format!(
                "{name}: larger than any attached file"
            )));
        }
        if sender.blocking_send(Piece::File { key, data }).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// Inserts one table's rows, several to a statement.
struct TableLoader {
    table: Table,
    /// Per archive column: its place among the inserted columns and its kind there.
    kinds: Vec<Kind>,
    insert_columns: String,
    per_statement: usize,
    /// Columns referencing this table, set after all its rows are in (by primary key).
    deferred: Vec<(usize, String)>,
    key_index: Option<usize>,
    later: Vec<(String, i64, Value)>,
}

impl TableLoader {
    fn new(
        target: &Table,
        archive_columns: &[catalog::Column],
    ) -> Result<TableLoader, BackupError> {
        let mut kinds = Vec::with_capacity(archive_columns.len());
        for column in archive_columns {
            let Some(there) = target.columns.iter().find(|c| c.name == column.name) else {
                return Err(BackupError::Format(format!(
                    "column {}.{} is in the archive but not in the database",
                    target.name, column.name
                )));
            };
            kinds.push(there.kind);
        }
        let names: Vec<String> = archive_columns.iter().map(|c| quote(&c.name)).collect();
        let key_index = match target.primary_key.as_slice() {
            [key] => archive_columns.iter().position(|c| &c.name == key),
            _ => None,
        };
        let deferred = if key_index.is_some() {
            target
                .self_references()
                .into_iter()
                .filter_map(|c| {
                    archive_columns
                        .iter()
                        .position(|a| a.name == c)
                        .map(|i| (i, c))
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(TableLoader {
            table: target.clone(),
            per_statement: (30_000 / archive_columns.len().max(1)).clamp(1, 500),
            kinds,
            insert_columns: names.join(", "),
            deferred,
            key_index,
            later: Vec::new(),
        })
    }

    async fn insert(
        &mut self,
        tx: &mut app::db::WriteTx,
        mut rows: Vec<Vec<Value>>,
    ) -> Result<(), BackupError> {
        for row in rows.iter_mut() {
            if row.len() != self.kinds.len() {
                return Err(BackupError::Format(format!(
                    "{}: a row of {} values for {} columns",
                    self.table.name,
                    row.len(),
                    self.kinds.len()
                )));
            }
            for (i, column) in &self.deferred {
                if !row[*i].is_null() {
                    let key = self
                        .key_index
                        .and_then(|k| row[k].as_i64())
                        .ok_or_else(|| {
                            BackupError::Format(format!(
                                "{}: a row without its id",
                                self.table.name
                            ))
                        })?;
                    let value = std::mem::replace(&mut row[*i], Value::Null);
                    self.later.push((column.clone(), key, value));
                }
            }
        }
        for chunk in rows.chunks(self.per_statement) {
            let width = self.kinds.len();
            let mut sql = format!(
                "INSERT INTO {} ({}) VALUES ",
                quote(&self.table.name),
                self.insert_columns
            );
            for (r, _) in chunk.iter().enumerate() {
                if r > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for c in 0..width {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("${}", r * width + c + 1));
                }
                sql.push(')');
            }
            let mut query = sqlx::query(&sql);
            for row in chunk {
                for (value, kind) in row.iter().zip(&self.kinds) {
                    query = bind(query, *kind, value, &self.table.name)?;
                }
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }

    async fn finish(self, tx: &mut app::db::WriteTx) -> Result<(), BackupError> {
        let Some(key) = self.table.primary_key.first() else {
            return Ok(());
        };
        for (column, id, value) in self.later {
            let kind = self
                .table
                .columns
                .iter()
                .find(|c| c.name == column)
                .map(|c| c.kind)
                .unwrap_or(Kind::Int);
            let sql = format!(
                "UPDATE {} SET {} = $1 WHERE {} = $2",
                quote(&self.table.name),
                quote(&column),
                quote(key)
            );
            let query = sqlx::query(&sql);
            bind(query, kind, &value, &self.table.name)?
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind<'q>(
    query: AnyQuery<'q>,
    kind: Kind,
    value: &Value,
    table: &str,
) -> Result<AnyQuery<'q>, BackupError> {
    let wrong = || BackupError::Format(format!("{table}: a value of the wrong type: {value}"));
    Ok(match (kind, value) {
        (Kind::Int, Value::Null) => query.bind(None::<i64>),
        (Kind::Int, Value::Number(n)) => query.bind(Some(n.as_i64().ok_or_else(wrong)?)),
        (Kind::Int, Value::String(s)) => query.bind(Some(s.parse::<i64>().map_err(|_| wrong())?)),
        (Kind::Text, Value::Null) => query.bind(None::<String>),
        (Kind::Text, Value::String(s)) => query.bind(Some(s.clone())),
        (Kind::Text, Value::Number(n)) => query.bind(Some(n.to_string())),
        (Kind::Bytes, Value::Null) => query.bind(None::<Vec<u8>>),
        (Kind::Bytes, Value::String(s)) => query.bind(Some(
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|_| wrong())?,
        )),
        _ => return Err(wrong()),
    })
}

#[cfg(test)]
mod tests {
    use super::safe_key;

    #[test]
    fn only_keys_the_store_writes_come_back_from_an_archive() {
        assert!(safe_key("order/12/a1B2c3"));
        assert!(safe_key("client/7/thumb-x_y"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "order/../../x",
            "order//x",
            "order/./x",
            "a\\b",
            "a\u{0}b",
        ] {
            assert!(!safe_key(bad), "{bad:?}");
        }
    }
}
