//! Files attached to messages and comments, kept in the database (so every instance
//! behind a load balancer serves them). Uploaded first, then attached by id to one
//! message or comment of the uploader. Read back only by who may read where it is
//! attached (or by the uploader before that).

use super::{AttachmentRef, MAX_ATTACHMENT};
use crate::auth::service::Caller;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Field, Problem};

/// Stores an upload. The name is cut to its last path part; the type is what the browser
/// said, or `application/octet-stream`.
pub async fn store(
    db: &Db,
    caller: &Caller,
    name: &str,
    mime: &str,
    data: &[u8],
) -> Result<AttachmentRef, AppError> {
    if data.is_empty() {
        return Err(AppError::invalid(Field::File, Problem::Required));
    }
    if data.len() > MAX_ATTACHMENT {
        return Err(AppError::invalid(Field::File, Problem::TooLong));
    }
    let name = crate::files::clean_name(name, "file");
    let mime: String = mime
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let mime = if mime.is_empty()
        || mime.len() > 100
        || !mime
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/.+-".contains(c))
    {
        "application/octet-stream".to_string()
    } else {
        mime
    };
    let mut tx = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO attachment (name, mime, size, data, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&name)
    .bind(&mime)
    .bind(data.len() as i64)
    .bind(data.to_vec())
    .bind(caller.id)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(AttachmentRef {
        id,
        name,
        mime,
        size: data.len() as i64,
    })
}

/// The file, when the caller may read it: the uploader; a member of the chat whose
/// message carries it; anyone who can see the record whose comment carries it.
pub async fn fetch(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<(AttachmentRef, Vec<u8>), AppError> {
    let mut conn = db.pool.acquire().await?;
    let row: Option<(String, String, i64, Vec<u8>, i64)> =
        sqlx::query_as("SELECT name, mime, size, data, uploaded_by FROM attachment WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let (name, mime, size, data, uploader) = row.ok_or(AppError::NotFound)?;
    let mut allowed = uploader == caller.id;
    if !allowed {
        let in_chat: Option<(i64,)> = sqlx::query_as(
            "SELECT m.id FROM message m JOIN chat c ON c.id = m.chat_id \
             LEFT JOIN chat_member cm ON cm.chat_id = c.id AND cm.employee_id = $2 \
             WHERE m.attachment_id = $1 AND m.deleted_at IS NULL \
               AND (c.kind = 'general' OR cm.employee_id IS NOT NULL)",
        )
        .bind(id)
        .bind(caller.id)
        .fetch_optional(&mut *conn)
        .await?;
        allowed = in_chat.is_some();
    }
    if !allowed {
        let on_record: Option<(String, i64)> = sqlx::query_as(
            "SELECT record_kind, record_id FROM comment WHERE attachment_id = $1 AND deleted_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((kind, record)) = on_record {
            let kind = crate::comments::RecordKind::parse(&kind).ok_or(AppError::Internal)?;
            allowed = crate::comments::service::visible(&mut conn, caller, kind, record)
                .await
                .is_ok();
        }
    }
    if !allowed {
        return Err(AppError::Forbidden);
    }
    Ok((
        AttachmentRef {
            id,
            name,
            mime,
            size,
        },
        data,
    ))
}
