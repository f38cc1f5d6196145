//! Comment feeds on the server. Reading and writing a feed needs to see its record (an
//! order of one's shops, any task, any client); mentions and follower notices go only
//! to colleagues who can see it too.

use super::{Comment, CommentInput, RecordKind};
use crate::auth::service::{employee_as_caller, Caller};
use crate::auth::Action;
use crate::chat::service::{mentioned, own_attachment, tell};
use crate::chat::{clean_body, AttachmentRef};
use crate::db::{now_ms, Db};
use crate::error::{AppError, Conflict, Field};
use crate::live::{hub::Hub, LiveEvent};
use crate::notify::NotificationKind;
use sqlx::AnyConnection;

/// The record as a notice names it, and who owns it (the order's manager, the task's
/// assignee), when the caller may see it.
pub async fn visible(
    conn: &mut AnyConnection,
    caller: &Caller,
    kind: RecordKind,
    id: i64,
) -> Result<(String, Option<i64>), AppError> {
    match kind {
        RecordKind::Order => {
            caller.require(Action::ViewOrders)?;
            let row: Option<(String, i64, i64)> =
                sqlx::query_as("SELECT number, manager_id, shop_id FROM orders WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            let (number, manager, shop) = row.ok_or(AppError::NotFound)?;
            crate::scope::check_shop_read(caller, shop)?;
            Ok((format!("№ {number}"), Some(manager)))
        }
        RecordKind::Task => {
            crate::scope::task_for_read(conn, caller, id).await?;
            let row: Option<(String, Option<i64>)> =
                sqlx::query_as("SELECT title, assignee_id FROM task WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            row.ok_or(AppError::NotFound)
        }
        RecordKind::Client => {
            caller.require(Action::ViewClients)?;
            let row: Option<(String,)> = sqlx::query_as("SELECT name FROM client WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            row.map(|r| (r.0, None)).ok_or(AppError::NotFound)
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    record_kind: String,
    record_id: i64,
    author_id: i64,
    author: String,
    body: String,
    attachment_id: Option<i64>,
    attachment_name: Option<String>,
    attachment_mime: Option<String>,
    attachment_size: Option<i64>,
    created_at: i64,
    edited_at: Option<i64>,
    deleted_at: Option<i64>,
}

const SELECT: &str = "SELECT c.id AS id, c.record_kind AS record_kind, c.record_id AS record_id, \
        c.author_id AS author_id, e.name AS author, c.body AS body, a.id AS attachment_id, \
        a.name AS attachment_name, a.mime AS attachment_mime, a.size AS attachment_size, \
        c.created_at AS created_at, c.edited_at AS edited_at, c.deleted_at AS deleted_at \
    FROM comment c JOIN employee e ON e.id = c.author_id LEFT JOIN attachment a ON a.id = c.attachment_id";

impl TryFrom<Row> for Comment {
    type Error = AppError;
    fn try_from(r: Row) -> Result<Self, AppError> {
        let deleted = r.deleted_at.is_some();
        Ok(Comment {
            id: r.id,
            record_kind: RecordKind::parse(&r.record_kind).ok_or(AppError::Internal)?,
            record_id: r.record_id,
            author_id: r.author_id,
            author: r.author,
            body: if deleted { String::new() } else { r.body },
            attachment: AttachmentRef::from_row(
                deleted,
                r.attachment_id,
                r.attachment_name,
                r.attachment_mime,
                r.attachment_size,
            ),
            created_at: r.created_at,
            edited_at: r.edited_at,
            deleted,
        })
    }
}

async fn one(conn: &mut AnyConnection, id: i64) -> Result<Comment, AppError> {
    let row: Row = sqlx::query_as(&format!("{SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    row.try_into()
}

/// The record's feed, oldest first (the newest 500).
pub async fn list(
    db: &Db,
    caller: &Caller,
    kind: RecordKind,
    record_id: i64,
) -> Result<Vec<Comment>, AppError> {
    let mut conn = db.pool.acquire().await?;
    visible(&mut conn, caller, kind, record_id).await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE c.record_kind = $1 AND c.record_id = $2 ORDER BY c.id DESC LIMIT 500"
    ))
    .bind(kind.as_str())
    .bind(record_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<Comment> = rows
        .into_iter()
        .map(Comment::try_from)
        .collect::<Result<_, _>>()?;
    out.reverse();
    Ok(out)
}

async fn follow(
    conn: &mut AnyConnection,
    kind: RecordKind,
    record_id: i64,
    employee_id: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO record_follower (record_kind, record_id, employee_id) VALUES ($1, $2, $3) \
         ON CONFLICT (record_kind, record_id, employee_id) DO NOTHING",
    )
    .bind(kind.as_str())
    .bind(record_id)
    .bind(employee_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Of `ids`, those who can see the record.
async fn who_can_see(
    conn: &mut AnyConnection,
    ids: Vec<i64>,
    kind: RecordKind,
    record_id: i64,
) -> Result<Vec<i64>, AppError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(c) = employee_as_caller(conn, id).await? {
            if visible(conn, &c, kind, record_id).await.is_ok() {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// The colleagues a body @mentions, all of whom can see the record: a mention of anyone
/// who can't is refused (422 naming them), since they would never be told.
async fn mentions_that_see(
    conn: &mut AnyConnection,
    body: &str,
    author: i64,
    kind: RecordKind,
    record_id: i64,
) -> Result<Vec<i64>, AppError> {
    let named = mentioned(conn, body, author).await?;
    let seeing = who_can_see(conn, named.clone(), kind, record_id).await?;
    let hidden: Vec<i64> = named
        .into_iter()
        .filter(|id| !seeing.contains(id))
        .collect();
    if hidden.is_empty() {
        return Ok(seeing);
    }
    let mut names = Vec::with_capacity(hidden.len());
    for id in hidden {
        let (login, name): (String, String) =
            sqlx::query_as("SELECT login, name FROM employee WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
        names.push(format!("@{login} ({name})"));
    }
    Err(AppError::MentionCantSee {
        names: names.join(", "),
    })
}

/// Colleagues who can see the record, for @mention autocompletion (the caller must see
/// it too; they are left out of the list).
pub async fn mentionable(
    db: &Db,
    caller: &Caller,
    kind: RecordKind,
    record_id: i64,
) -> Result<Vec<crate::chat::Member>, AppError> {
    let mut conn = db.pool.acquire().await?;
    visible(&mut conn, caller, kind, record_id).await?;
    let everyone = crate::chat::service::colleagues(db, caller).await?;
    let ids: Vec<i64> = everyone
        .iter()
        .map(|m| m.id)
        .filter(|id| *id != caller.id)
        .collect();
    let seeing = who_can_see(&mut conn, ids, kind, record_id).await?;
    Ok(everyone
        .into_iter()
        .filter(|m| seeing.contains(&m.id))
        .collect())
}

/// Adds a comment. Those mentioned (who can see the record) get a mention; the record's
/// followers and owner a comment notice; the author and those mentioned follow it.
#[tracing::instrument(skip_all)]
pub async fn add(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: CommentInput,
) -> Result<Comment, AppError> {
    let body = clean_body(&input.body, input.attachment_id.is_some(), Field::Comment)?;
    let (kind, record_id) = (input.record_kind, input.record_id);
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let (subject, owner) = visible(&mut tx, caller, kind, record_id).await?;
    if !crate::chat::flood::allow_post(&mut tx, caller.id, now).await? {
        return Err(AppError::TooManyMessages);
    }
    if let Some(a) = input.attachment_id {
        own_attachment(&mut tx, caller, a).await?;
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO comment (record_kind, record_id, author_id, body, attachment_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(record_id)
    .bind(caller.id)
    .bind(&body)
    .bind(input.attachment_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let named = mentions_that_see(&mut tx, &body, caller.id, kind, record_id).await?;
    let followers: Vec<(i64,)> = sqlx::query_as(
        "SELECT employee_id FROM record_follower WHERE record_kind = $1 AND record_id = $2",
    )
    .bind(kind.as_str())
    .bind(record_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut others: Vec<i64> = followers.into_iter().map(|f| f.0).collect();
    others.extend(owner);
    others.sort_unstable();
    others.dedup();
    others.retain(|id| *id != caller.id && !named.contains(id));
    let others = who_can_see(&mut tx, others, kind, record_id).await?;
    let link = kind.link(record_id);
    let subject = format!("{subject} · {}", caller.name);
    tell(
        &mut tx,
        &named,
        NotificationKind::Mention,
        &subject,
        &body,
        &link,
        now,
    )
    .await?;
    tell(
        &mut tx,
        &others,
        NotificationKind::Comment,
        &subject,
        &body,
        &link,
        now,
    )
    .await?;
    follow(&mut tx, kind, record_id, caller.id).await?;
    for who in &named {
        follow(&mut tx, kind, record_id, *who).await?;
    }
    let comment = one(&mut tx, id).await?;
    tx.commit().await?;
    hub.publish(LiveEvent::CommentsChanged {
        record_kind: kind.as_str().into(),
        record_id,
    });
    for who in named.iter().chain(&others) {
        hub.publish(LiveEvent::Notified { employee_id: *who });
    }
    Ok(comment)
}

/// kind, record, author, deleted, attachment
type ChangeRow = (String, i64, i64, Option<i64>, Option<i64>);

/// The author edits (`Some(body)`) or deletes (`None`) their comment.
pub async fn change(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    id: i64,
    body: Option<String>,
) -> Result<Option<Comment>, AppError> {
    let mut tx = db.begin_write().await?;
    let row: Option<ChangeRow> = sqlx::query_as(
        "SELECT record_kind, record_id, author_id, deleted_at, attachment_id FROM comment WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let (kind, record_id, author, deleted, attachment) = row.ok_or(AppError::NotFound)?;
    let kind = RecordKind::parse(&kind).ok_or(AppError::Internal)?;
    visible(&mut tx, caller, kind, record_id).await?;
    if author != caller.id {
        return Err(AppError::Forbidden);
    }
    if deleted.is_some() {
        return Err(AppError::conflict(Conflict::MessageDeleted));
    }
    let now = now_ms();
    match &body {
        Some(text) => {
            let text = clean_body(text, attachment.is_some(), Field::Comment)?;
            mentions_that_see(&mut tx, &text, caller.id, kind, record_id).await?;
            sqlx::query("UPDATE comment SET body = $1, edited_at = $2 WHERE id = $3")
                .bind(text)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        None => {
            let (old,): (String,) = sqlx::query_as("SELECT body FROM comment WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            crate::chat::service::forget_quotes(&mut tx, &kind.link(record_id), &old).await?;
            sqlx::query("UPDATE comment SET body = '', deleted_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
    let comment = one(&mut tx, id).await?;
    tx.commit().await?;
    hub.publish(LiveEvent::CommentsChanged {
        record_kind: kind.as_str().into(),
        record_id,
    });
    Ok(body.map(|_| comment))
}
