//! Attaching files to records and reading them back. Who may see the record (an order's
//! or a document's shop, a client card) may list and download its files; uploading takes
//! the right to generate documents (orders, documents) or to edit clients. The bytes go
//! to the store first and the row follows in one transaction with the order's history
//! entry; a failed row removes the stored bytes again.

use super::store::FileStore;
use super::{sniff, FileRef, OwnerKind, MAX_FILE_MB};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::documents::generate::log_download;
use crate::error::{AppError, Field, Problem};
use crate::live::{hub::Hub, LiveEvent};
use crate::orders::actions::event;
use crate::orders::service::check_shop;
use sqlx::AnyConnection;

/// The order a file's owner belongs to (for the history and the live event), checking
/// the caller may see the owner.
async fn owner_order(
    conn: &mut AnyConnection,
    caller: &Caller,
    kind: OwnerKind,
    id: i64,
) -> Result<Option<i64>, AppError> {
    match kind {
        OwnerKind::Client => {
            caller.require(Action::ViewClients)?;
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM client WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            found.ok_or(AppError::NotFound)?;
            Ok(None)
        }
        OwnerKind::Order | OwnerKind::Document => {
            caller.require(Action::ViewOrders)?;
            let sql = if kind == OwnerKind::Order {
                "SELECT id, shop_id FROM orders WHERE id = $1"
            } else {
                "SELECT order_id, shop_id FROM document WHERE id = $1"
            };
            let row: Option<(i64, i64)> = sqlx::query_as(sql)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            let (order_id, shop_id) = row.ok_or(AppError::NotFound)?;
            let scope = caller.scope();
            check_shop(&scope, shop_id)?;
            Ok(Some(order_id))
        }
    }
}

/// A JPEG thumbnail at most 240 px on its longer side; an image that does not decode is
/// not accepted.
fn thumbnail(data: &[u8]) -> Result<Vec<u8>, AppError> {
    let img = image::load_from_memory(data).map_err(|_| AppError::UnsupportedFile)?;
    let thumb = img.thumbnail(240, 240).to_rgb8();
    let mut out = std::io::Cursor::new(Vec::new());
    thumb
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .map_err(|_| AppError::Internal)?;
    Ok(out.into_inner())
}

fn random_key() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| format!("{:02x}", rng.gen::<u8>()))
        .collect()
}

/// Attaches `data` to a record.
#[allow(clippy::too_many_arguments)]
pub async fn upload(
    db: &Db,
    hub: &Hub,
    store: &FileStore,
    caller: &Caller,
    kind: OwnerKind,
    owner_id: i64,
    name: &str,
    data: Vec<u8>,
) -> Result<FileRef, AppError> {
    caller.require(match kind {
        OwnerKind::Client => Action::EditClients,
        _ => Action::GenerateDocuments,
    })?;
    if data.is_empty() {
        return Err(AppError::invalid(Field::File, Problem::Required));
    }
    if data.len() > MAX_FILE_MB as usize * 1024 * 1024 {
        return Err(AppError::TooLarge {
            max_mb: MAX_FILE_MB,
        });
    }
    let mime = sniff(&data).ok_or(AppError::UnsupportedFile)?;
    {
        let mut conn = db.pool.acquire().await?;
        owner_order(&mut conn, caller, kind, owner_id).await?;
    }
    let thumb = if mime.starts_with("image/") {
        let bytes = data.clone();
        Some(
            tokio::task::spawn_blocking(move || thumbnail(&bytes))
                .await
                .map_err(|_| AppError::Internal)??,
        )
    } else {
        None
    };
    let name = super::clean_name(
        name,
        match mime {
            "application/pdf" => "scan.pdf",
            "image/png" => "scan.png",
            _ => "scan.jpg",
        },
    );
    let key = format!("{}/{owner_id}/{}", kind.as_str(), random_key());
    let size = data.len() as i64;
    store.put(&key, data).await?;
    let saved = save_row(db, caller, kind, owner_id, &name, mime, size, &key, thumb).await;
    let (id, order_id) = match saved {
        Ok(done) => done,
        Err(e) => {
            if let Err(cleanup) = store.delete(&key).await {
                tracing::warn!(error = %cleanup, key, "could not remove an orphaned file");
            }
            return Err(e);
        }
    };
    match order_id {
        Some(order_id) => hub.publish(LiveEvent::OrderChanged { id: order_id }),
        None => hub.publish(LiveEvent::ClientChanged { id: owner_id }),
    }
    let mut conn = db.pool.acquire().await?;
    one(&mut conn, id).await
}

#[allow(clippy::too_many_arguments)]
async fn save_row(
    db: &Db,
    caller: &Caller,
    kind: OwnerKind,
    owner_id: i64,
    name: &str,
    mime: &str,
    size: i64,
    key: &str,
    thumb: Option<Vec<u8>>,
) -> Result<(i64, Option<i64>), AppError> {
    let mut tx = db.begin_write().await?;
    // Checked again on the transaction: the record may have gone meanwhile.
    let order_id = owner_order(&mut tx, caller, kind, owner_id).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO stored_file (owner_kind, owner_id, name, mime, size, storage_key, thumb, \
                                  uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(owner_id)
    .bind(name)
    .bind(mime)
    .bind(size)
    .bind(key)
    .bind(thumb)
    .bind(caller.id)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    if let Some(order_id) = order_id {
        event(&mut tx, order_id, Some(caller.id), "attached", name).await?;
    }
    tx.commit().await?;
    Ok((id, order_id))
}

#[derive(sqlx::FromRow)]
struct FileRow {
    id: i64,
    owner_kind: String,
    owner_id: i64,
    name: String,
    mime: String,
    size: i64,
    has_thumbnail: i64,
    uploaded_by: String,
    created_at: i64,
}

const FILE_SELECT: &str = "SELECT f.id AS id, f.owner_kind AS owner_kind, f.owner_id AS owner_id, \
        f.name AS name, f.mime AS mime, f.size AS size, \
        CASE WHEN f.thumb IS NULL THEN 0 ELSE 1 END AS has_thumbnail, \
        e.name AS uploaded_by, f.created_at AS created_at \
 FROM stored_file f JOIN employee e ON e.id = f.uploaded_by";

fn to_ref(r: FileRow) -> Result<FileRef, AppError> {
    Ok(FileRef {
        id: r.id,
        owner_kind: OwnerKind::parse(&r.owner_kind).ok_or(AppError::Internal)?,
        owner_id: r.owner_id,
        name: r.name,
        mime: r.mime,
        size: r.size,
        has_thumbnail: r.has_thumbnail == 1,
        uploaded_by: r.uploaded_by,
        created_at: r.created_at,
    })
}

async fn one(conn: &mut AnyConnection, id: i64) -> Result<FileRef, AppError> {
    let row: FileRow = sqlx::query_as(&format!("{FILE_SELECT} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    to_ref(row)
}

/// The files of a record, newest first; for an order also those of its documents.
pub async fn list(
    db: &Db,
    caller: &Caller,
    kind: OwnerKind,
    owner_id: i64,
) -> Result<Vec<FileRef>, AppError> {
    let mut conn = db.pool.acquire().await?;
    owner_order(&mut conn, caller, kind, owner_id).await?;
    let rows: Vec<FileRow> = if kind == OwnerKind::Order {
        sqlx::query_as(&format!(
            "{FILE_SELECT} WHERE (f.owner_kind = 'order' AND f.owner_id = $1) \
                OR (f.owner_kind = 'document' AND f.owner_id IN (SELECT id FROM document WHERE order_id = $1)) \
             ORDER BY f.id DESC"
        ))
        .bind(owner_id)
        .fetch_all(&mut *conn)
        .await?
    } else {
        sqlx::query_as(&format!(
            "{FILE_SELECT} WHERE f.owner_kind = $1 AND f.owner_id = $2 ORDER BY f.id DESC"
        ))
        .bind(kind.as_str())
        .bind(owner_id)
        .fetch_all(&mut *conn)
        .await?
    };
    rows.into_iter().map(to_ref).collect()
}

async fn visible(db: &Db, caller: &Caller, id: i64) -> Result<(FileRef, Option<i64>), AppError> {
    let mut conn = db.pool.acquire().await?;
    let file = one(&mut conn, id).await?;
    let order_id = owner_order(&mut conn, caller, file.owner_kind, file.owner_id).await?;
    Ok((file, order_id))
}

/// A file's bytes, for a caller who may see its record; logged, and written into the
/// order's history when the file belongs to an order or its document.
pub async fn download(
    db: &Db,
    store: &FileStore,
    caller: &Caller,
    id: i64,
) -> Result<(FileRef, Vec<u8>), AppError> {
    let (file, order_id) = visible(db, caller, id).await?;
    let (key,): (String,) = sqlx::query_as("SELECT storage_key FROM stored_file WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    let data = store.get(&key).await?;
    let mut tx = db.begin_write().await?;
    log_download(&mut tx, caller.id, "file", id).await?;
    if let Some(order_id) = order_id {
        event(&mut tx, order_id, Some(caller.id), "downloaded", &file.name).await?;
    }
    tx.commit().await?;
    Ok((file, data))
}

/// An image's thumbnail (shown on the card; not a download, so not logged).
pub async fn thumbnail_of(db: &Db, caller: &Caller, id: i64) -> Result<Vec<u8>, AppError> {
    visible(db, caller, id).await?;
    let (thumb,): (Option<Vec<u8>>,) =
        sqlx::query_as("SELECT thumb FROM stored_file WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
    thumb.ok_or(AppError::NotFound)
}
