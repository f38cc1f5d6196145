//! Chats on the server: membership (the general chat holds everyone; a private chat its
//! members, managed by its creator), history pages, posting with replies, attachments and
//! mentions, edits and deletion of one's own messages, read marks and search. Every call
//! checks the caller is a member first: a non-member gets 403 and learns nothing.

use super::text::mentions;
use super::{
    clean_body, AttachmentRef, ChatInput, ChatKind, ChatSummary, Member, Message, MessageInput,
    MessagePage, Quote, SearchHit, PAGE,
};
use crate::auth::service::Caller;
use crate::db::{now_ms, Backend, Db};
use crate::error::{AppError, Conflict, Field, Problem};
use crate::live::{hub::Hub, LiveEvent};
use crate::notify::service::{insert as notify, NewNotification};
use crate::notify::NotificationKind;
use sqlx::AnyConnection;

/// A chat as the membership check sees it.
struct ChatRow {
    kind: ChatKind,
    title: String,
    created_by: Option<i64>,
}

/// The chat, when the caller may read it: 404 when there is no such chat, 403 when it is
/// private and the caller is not in it.
async fn readable(
    conn: &mut AnyConnection,
    caller: &Caller,
    chat_id: i64,
) -> Result<ChatRow, AppError> {
    let row: Option<(String, String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT c.kind, c.title, c.created_by, m.employee_id FROM chat c \
         LEFT JOIN chat_member m ON m.chat_id = c.id AND m.employee_id = $2 WHERE c.id = $1",
    )
    .bind(chat_id)
    .bind(caller.id)
    .fetch_optional(&mut *conn)
    .await?;
    let (kind, title, created_by, member) = row.ok_or(AppError::NotFound)?;
    let kind = ChatKind::parse(&kind).ok_or(AppError::Internal)?;
    if kind == ChatKind::Private && member.is_none() {
        return Err(AppError::Forbidden);
    }
    Ok(ChatRow {
        kind,
        title,
        created_by,
    })
}

/// Who may receive a chat's live events: its members, or None for the general chat.
async fn audience(
    conn: &mut AnyConnection,
    chat_id: i64,
    kind: ChatKind,
) -> Result<Option<Vec<i64>>, AppError> {
    if kind == ChatKind::General {
        return Ok(None);
    }
    Ok(Some(member_ids(conn, chat_id).await?))
}

async fn member_ids(conn: &mut AnyConnection, chat_id: i64) -> Result<Vec<i64>, AppError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT employee_id FROM chat_member WHERE chat_id = $1 ORDER BY employee_id",
    )
    .bind(chat_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// id, name, login, last seen
type MemberRow = (i64, String, String, Option<i64>);

fn member((id, name, login, last_seen_at): MemberRow) -> Member {
    Member {
        id,
        name,
        login,
        last_seen_at,
    }
}

async fn members(conn: &mut AnyConnection, chat_id: i64) -> Result<Vec<Member>, AppError> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT e.id, e.name, e.login, e.last_seen_at FROM chat_member m JOIN employee e ON e.id = m.employee_id \
         WHERE m.chat_id = $1 ORDER BY e.name",
    )
    .bind(chat_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(member).collect())
}

/// id, kind, title, creator, last message, unread
type ListRow = (i64, String, String, Option<i64>, Option<i64>, i64);

/// The chats the caller is in, most recently active first, with unread counts (counted up
/// to 100: a screen shows "99+" beyond that, and a chat of a million unread messages
/// costs no more than one of a hundred).
pub async fn list(db: &Db, caller: &Caller) -> Result<Vec<ChatSummary>, AppError> {
    let mut conn = db.pool.acquire().await?;
    // Each dialect's planner wants the capped count written its own way: SQLite runs a
    // correlated bound once per row (so it counts within the 100 newest ids), PostgreSQL
    // scans the whole chat for an `IN (… LIMIT 100)` (so it counts above the 100th id).
    let unread = match db.backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM message x WHERE x.id IN \
               (SELECT y.id FROM message y WHERE y.chat_id = c.id AND y.id > COALESCE(m.last_read_id, 0) \
                  AND y.author_id <> $1 AND y.deleted_at IS NULL ORDER BY y.id DESC LIMIT 100)"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) FROM message x WHERE x.chat_id = c.id AND x.id > COALESCE(m.last_read_id, 0) \
               AND x.author_id <> $1 AND x.deleted_at IS NULL \
               AND x.id >= COALESCE((SELECT y.id FROM message y WHERE y.chat_id = c.id \
                      AND y.id > COALESCE(m.last_read_id, 0) AND y.author_id <> $1 AND y.deleted_at IS NULL \
                      ORDER BY y.id DESC LIMIT 1 OFFSET 99), 0)"
        }
    };
    let rows: Vec<ListRow> = sqlx::query_as(&format!(
        "SELECT c.id, c.kind, c.title, c.created_by, c.last_message_at, CAST(({unread}) AS BIGINT) \
         FROM chat c LEFT JOIN chat_member m ON m.chat_id = c.id AND m.employee_id = $1 \
         WHERE c.kind = 'general' OR m.employee_id IS NOT NULL \
         ORDER BY CASE WHEN c.kind = 'general' THEN 0 ELSE 1 END, COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC"
    ))
    .bind(caller.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, kind, title, created_by, last_message_at, unread) in rows {
        let kind = ChatKind::parse(&kind).ok_or(AppError::Internal)?;
        let members = match kind {
            ChatKind::General => Vec::new(),
            ChatKind::Private => members(&mut conn, id).await?,
        };
        out.push(ChatSummary {
            id,
            kind,
            title,
            created_by,
            members,
            unread,
            last_message_at,
        });
    }
    Ok(out)
}

/// One chat the caller is in.
pub async fn get(db: &Db, caller: &Caller, chat_id: i64) -> Result<ChatSummary, AppError> {
    let mut conn = db.pool.acquire().await?;
    readable(&mut conn, caller, chat_id).await?;
    drop(conn);
    list(db, caller)
        .await?
        .into_iter()
        .find(|c| c.id == chat_id)
        .ok_or(AppError::NotFound)
}

async fn active_employees(conn: &mut AnyConnection, ids: &[i64]) -> Result<(), AppError> {
    for id in ids {
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM employee WHERE id = $1 AND active = 1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        if found.is_none() {
            return Err(AppError::invalid(Field::Member, Problem::NotFound));
        }
    }
    Ok(())
}

/// A private chat with chosen colleagues; the creator is always in it.
pub async fn create(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: ChatInput,
) -> Result<ChatSummary, AppError> {
    let mut input = input.validate()?;
    if !input.member_ids.contains(&caller.id) {
        input.member_ids.push(caller.id);
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    active_employees(&mut tx, &input.member_ids).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO chat (kind, title, created_by, created_at) VALUES ('private', $1, $2, $3) RETURNING id",
    )
    .bind(&input.title)
    .bind(caller.id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for member in &input.member_ids {
        sqlx::query("INSERT INTO chat_member (chat_id, employee_id) VALUES ($1, $2)")
            .bind(id)
            .bind(member)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    hub.publish(LiveEvent::ChatChanged {
        chat_id: id,
        message_id: None,
        members: Some(input.member_ids),
    });
    get(db, caller, id).await
}

/// Replaces a private chat's members (its creator only; the creator stays in). Removed
/// members stop reading it at once.
pub async fn set_members(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    chat_id: i64,
    wanted_ids: Vec<i64>,
) -> Result<ChatSummary, AppError> {
    let mut tx = db.begin_write().await?;
    let chat = readable(&mut tx, caller, chat_id).await?;
    if chat.kind != ChatKind::Private || chat.created_by != Some(caller.id) {
        return Err(AppError::Forbidden);
    }
    let mut wanted = wanted_ids;
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.len() > 200 {
        return Err(AppError::invalid(Field::Member, Problem::TooLong));
    }
    if !wanted.contains(&caller.id) {
        wanted.push(caller.id);
    }
    let before = member_ids(&mut tx, chat_id).await?;
    // Newcomers must be active; a deactivated member may stay (or be removed).
    let newcomers: Vec<i64> = wanted
        .iter()
        .copied()
        .filter(|id| !before.contains(id))
        .collect();
    active_employees(&mut tx, &newcomers).await?;
    for gone in before.iter().filter(|id| !wanted.contains(id)) {
        sqlx::query("DELETE FROM chat_member WHERE chat_id = $1 AND employee_id = $2")
            .bind(chat_id)
            .bind(gone)
            .execute(&mut *tx)
            .await?;
        // What the chat said stays with the chat: their notices of it go.
        sqlx::query("DELETE FROM notification WHERE employee_id = $1 AND link = $2")
            .bind(gone)
            .bind(format!("/chat/{chat_id}"))
            .execute(&mut *tx)
            .await?;
    }
    for new in wanted.iter().filter(|id| !before.contains(id)) {
        sqlx::query("INSERT INTO chat_member (chat_id, employee_id) VALUES ($1, $2)")
            .bind(chat_id)
            .bind(new)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    // Those removed hear of it too, so their list drops the chat.
    let mut told = wanted;
    told.extend(before);
    told.sort_unstable();
    told.dedup();
    hub.publish(LiveEvent::ChatChanged {
        chat_id,
        message_id: None,
        members: Some(told),
    });
    get(db, caller, chat_id).await
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    chat_id: i64,
    author_id: i64,
    author: String,
    body: String,
    reply_to_id: Option<i64>,
    reply_author: Option<String>,
    reply_body: Option<String>,
    reply_deleted: Option<i64>,
    attachment_id: Option<i64>,
    attachment_name: Option<String>,
    attachment_mime: Option<String>,
    attachment_size: Option<i64>,
    created_at: i64,
    edited_at: Option<i64>,
    deleted_at: Option<i64>,
}

const SELECT: &str = "SELECT m.id AS id, m.chat_id AS chat_id, m.author_id AS author_id, e.name AS author, \
        m.body AS body, m.reply_to_id AS reply_to_id, re.name AS reply_author, r.body AS reply_body, \
        r.deleted_at AS reply_deleted, a.id AS attachment_id, a.name AS attachment_name, \
        a.mime AS attachment_mime, a.size AS attachment_size, m.created_at AS created_at, \
        m.edited_at AS edited_at, m.deleted_at AS deleted_at \
    FROM message m JOIN employee e ON e.id = m.author_id \
    LEFT JOIN message r ON r.id = m.reply_to_id LEFT JOIN employee re ON re.id = r.author_id \
    LEFT JOIN attachment a ON a.id = m.attachment_id";

impl From<MessageRow> for Message {
    fn from(r: MessageRow) -> Self {
        let deleted = r.deleted_at.is_some();
        Message {
            id: r.id,
            chat_id: r.chat_id,
            author_id: r.author_id,
            author: r.author,
            body: if deleted { String::new() } else { r.body },
            reply_to: r.reply_to_id.map(|id| Quote {
                id,
                author: r.reply_author.unwrap_or_default(),
                body: if r.reply_deleted.is_some() {
                    String::new()
                } else {
                    r.reply_body.unwrap_or_default().chars().take(140).collect()
                },
            }),
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
        }
    }
}

async fn message(conn: &mut AnyConnection, id: i64) -> Result<Message, AppError> {
    let row: MessageRow = sqlx::query_as(&format!("{SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(row.into())
}

/// A page of history before message `before` (the newest when None), oldest first.
pub async fn history(
    db: &Db,
    caller: &Caller,
    chat_id: i64,
    before: Option<i64>,
    limit: Option<i64>,
) -> Result<MessagePage, AppError> {
    let mut conn = db.pool.acquire().await?;
    readable(&mut conn, caller, chat_id).await?;
    let limit = limit.unwrap_or(PAGE).clamp(1, 200);
    let rows: Vec<MessageRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE m.chat_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3"
    ))
    .bind(chat_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit + 1)
    .fetch_all(&mut *conn)
    .await?;
    let more = rows.len() as i64 > limit;
    let mut messages: Vec<Message> = rows
        .into_iter()
        .take(limit as usize)
        .map(Message::from)
        .collect();
    messages.reverse();
    Ok(MessagePage { messages, more })
}

/// Employees named by @login in `body`, active, except the author.
pub async fn mentioned(
    conn: &mut AnyConnection,
    body: &str,
    author: i64,
) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for login in mentions(body).into_iter().take(20) {
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM employee WHERE login = $1 AND active = 1")
                .bind(&login)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some((id,)) = found.filter(|(id,)| *id != author && !ids.contains(id)) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// An attachment the caller uploaded and has not attached anywhere yet.
pub async fn own_attachment(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: i64,
) -> Result<(), AppError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM attachment WHERE id = $1 AND uploaded_by = $2 \
           AND NOT EXISTS (SELECT 1 FROM message WHERE attachment_id = $1) \
           AND NOT EXISTS (SELECT 1 FROM comment WHERE attachment_id = $1)",
    )
    .bind(id)
    .bind(caller.id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|_| ())
        .ok_or(AppError::invalid(Field::File, Problem::NotFound))
}

/// Notifications that quoted a deleted message or comment stop quoting it.
pub async fn forget_quotes(
    conn: &mut AnyConnection,
    link: &str,
    body: &str,
) -> Result<(), AppError> {
    let quoted: String = body.chars().take(200).collect();
    sqlx::query("UPDATE notification SET detail = '' WHERE link = $1 AND detail = $2")
        .bind(link)
        .bind(quoted)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One notification per person; a private chat's unread message notification is
/// refreshed rather than repeated.
pub async fn tell(
    conn: &mut AnyConnection,
    who: &[i64],
    kind: NotificationKind,
    subject: &str,
    detail: &str,
    link: &str,
    now: i64,
) -> Result<(), AppError> {
    let detail: String = detail.chars().take(200).collect();
    for employee_id in who {
        if kind == NotificationKind::Message {
            let refreshed = sqlx::query(
                "UPDATE notification SET subject = $1, detail = $2, created_at = $3 \
                 WHERE employee_id = $4 AND kind = 'message' AND link = $5 AND read_at IS NULL",
            )
            .bind(subject)
            .bind(&detail)
            .bind(now)
            .bind(employee_id)
            .bind(link)
            .execute(&mut *conn)
            .await?;
            if refreshed.rows_affected() > 0 {
                continue;
            }
        }
        let n = NewNotification {
            employee_id: *employee_id,
            kind,
            subject,
            detail: &detail,
            link,
            due_at: None,
        };
        notify(conn, &n, now).await?;
    }
    Ok(())
}

fn publish_notified(hub: &Hub, who: &[i64]) {
    for employee_id in who {
        hub.publish(LiveEvent::Notified {
            employee_id: *employee_id,
        });
    }
}

/// Posts a message. Mentioned members are notified; in a private chat every other member
/// gets (or has refreshed) a message notification.
#[tracing::instrument(skip_all)]
pub async fn post(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    chat_id: i64,
    input: MessageInput,
) -> Result<Message, AppError> {
    let body = clean_body(&input.body, input.attachment_id.is_some(), Field::Message)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let chat = readable(&mut tx, caller, chat_id).await?;
    if !crate::chat::flood::allow_post(&mut tx, caller.id, now).await? {
        return Err(AppError::TooManyMessages);
    }
    if let Some(reply) = input.reply_to_id {
        let same: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM message WHERE id = $1 AND chat_id = $2")
                .bind(reply)
                .bind(chat_id)
                .fetch_optional(&mut *tx)
                .await?;
        if same.is_none() {
            return Err(AppError::invalid(Field::Message, Problem::NotFound));
        }
    }
    if let Some(a) = input.attachment_id {
        own_attachment(&mut tx, caller, a).await?;
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO message (chat_id, author_id, body, body_fold, reply_to_id, attachment_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(chat_id)
    .bind(caller.id)
    .bind(&body)
    .bind(body.to_lowercase())
    .bind(input.reply_to_id)
    .bind(input.attachment_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE chat SET last_message_at = $1 WHERE id = $2")
        .bind(now)
        .bind(chat_id)
        .execute(&mut *tx)
        .await?;
    mark(&mut tx, caller.id, chat_id, id).await?;
    let audience = audience(&mut tx, chat_id, chat.kind).await?;
    let link = format!("/chat/{chat_id}");
    let subject = match chat.kind {
        ChatKind::General => caller.name.clone(),
        ChatKind::Private if chat.title.is_empty() => caller.name.clone(),
        ChatKind::Private => format!("{} · {}", chat.title, caller.name),
    };
    // Mentions reach only those who can read the chat.
    let mut mentioned = mentioned(&mut tx, &body, caller.id).await?;
    if let Some(members) = &audience {
        mentioned.retain(|id| members.contains(id));
    }
    tell(
        &mut tx,
        &mentioned,
        NotificationKind::Mention,
        &subject,
        &body,
        &link,
        now,
    )
    .await?;
    let mut notified = mentioned.clone();
    if let Some(members) = &audience {
        let others: Vec<i64> = members
            .iter()
            .copied()
            .filter(|id| *id != caller.id && !mentioned.contains(id))
            .collect();
        tell(
            &mut tx,
            &others,
            NotificationKind::Message,
            &subject,
            &body,
            &link,
            now,
        )
        .await?;
        notified.extend(others);
    }
    let message = message(&mut tx, id).await?;
    tx.commit().await?;
    hub.publish(LiveEvent::ChatChanged {
        chat_id,
        message_id: Some(id),
        members: audience,
    });
    publish_notified(hub, &notified);
    Ok(message)
}

/// The message's chat, when it is the caller's own message in a chat they are still in.
async fn own_message(
    conn: &mut AnyConnection,
    caller: &Caller,
    message_id: i64,
) -> Result<(i64, ChatKind), AppError> {
    let row: Option<(i64, i64, Option<i64>)> =
        sqlx::query_as("SELECT chat_id, author_id, deleted_at FROM message WHERE id = $1")
            .bind(message_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (chat_id, author, deleted) = row.ok_or(AppError::NotFound)?;
    let chat = readable(conn, caller, chat_id).await?;
    if author != caller.id {
        return Err(AppError::Forbidden);
    }
    if deleted.is_some() {
        return Err(AppError::conflict(Conflict::MessageDeleted));
    }
    Ok((chat_id, chat.kind))
}

/// Edits one's own message (the edit time shows beside it).
pub async fn edit(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    message_id: i64,
    body: String,
) -> Result<Message, AppError> {
    let mut tx = db.begin_write().await?;
    let (chat_id, kind) = own_message(&mut tx, caller, message_id).await?;
    let has_attachment: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT attachment_id FROM message WHERE id = $1")
            .bind(message_id)
            .fetch_optional(&mut *tx)
            .await?;
    let body = clean_body(
        &body,
        has_attachment.and_then(|a| a.0).is_some(),
        Field::Message,
    )?;
    sqlx::query("UPDATE message SET body = $1, body_fold = $2, edited_at = $3 WHERE id = $4")
        .bind(&body)
        .bind(body.to_lowercase())
        .bind(now_ms())
        .bind(message_id)
        .execute(&mut *tx)
        .await?;
    let audience = audience(&mut tx, chat_id, kind).await?;
    let message = message(&mut tx, message_id).await?;
    tx.commit().await?;
    hub.publish(LiveEvent::ChatChanged {
        chat_id,
        message_id: Some(message_id),
        members: audience,
    });
    Ok(message)
}

/// Deletes one's own message: it stays in the history as "deleted", its text and
/// attachment gone.
pub async fn delete(db: &Db, hub: &Hub, caller: &Caller, message_id: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let (chat_id, kind) = own_message(&mut tx, caller, message_id).await?;
    let (body,): (String,) = sqlx::query_as("SELECT body FROM message WHERE id = $1")
        .bind(message_id)
        .fetch_one(&mut *tx)
        .await?;
    forget_quotes(&mut tx, &format!("/chat/{chat_id}"), &body).await?;
    sqlx::query("UPDATE message SET body = '', body_fold = '', deleted_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(message_id)
        .execute(&mut *tx)
        .await?;
    let audience = audience(&mut tx, chat_id, kind).await?;
    tx.commit().await?;
    hub.publish(LiveEvent::ChatChanged {
        chat_id,
        message_id: Some(message_id),
        members: audience,
    });
    Ok(())
}

async fn mark(
    conn: &mut AnyConnection,
    employee_id: i64,
    chat_id: i64,
    up_to: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO chat_member (chat_id, employee_id, last_read_id) VALUES ($1, $2, $3) \
         ON CONFLICT (chat_id, employee_id) DO UPDATE SET last_read_id = \
           CASE WHEN chat_member.last_read_id > excluded.last_read_id THEN chat_member.last_read_id \
                ELSE excluded.last_read_id END",
    )
    .bind(chat_id)
    .bind(employee_id)
    .bind(up_to)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The caller has read the chat up to message `up_to` (the newest when None). Their
/// message notifications for the chat are read too.
pub async fn mark_read(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    chat_id: i64,
    up_to: Option<i64>,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    readable(&mut tx, caller, chat_id).await?;
    let newest: (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM message WHERE chat_id = $1",
    )
    .bind(chat_id)
    .fetch_one(&mut *tx)
    .await?;
    mark(
        &mut tx,
        caller.id,
        chat_id,
        up_to.unwrap_or(newest.0).min(newest.0),
    )
    .await?;
    let read = sqlx::query(
        "UPDATE notification SET read_at = $1 WHERE employee_id = $2 AND kind = 'message' \
           AND link = $3 AND read_at IS NULL",
    )
    .bind(now_ms())
    .bind(caller.id)
    .bind(format!("/chat/{chat_id}"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if read.rows_affected() > 0 {
        publish_notified(hub, &[caller.id]);
    }
    Ok(())
}

/// Messages containing `query` (any case) in the chats the caller is in, newest first.
pub async fn search(db: &Db, caller: &Caller, query: &str) -> Result<Vec<SearchHit>, AppError> {
    let q = query.trim().to_lowercase();
    if q.chars().count() < 2 {
        return Ok(Vec::new());
    }
    let pattern = format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let mut conn = db.pool.acquire().await?;
    let rows: Vec<MessageRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE m.deleted_at IS NULL AND m.body_fold LIKE $1 ESCAPE '\\' \
           AND m.chat_id IN (SELECT c.id FROM chat c LEFT JOIN chat_member cm ON cm.chat_id = c.id AND cm.employee_id = $2 \
                             WHERE c.kind = 'general' OR cm.employee_id IS NOT NULL) \
         ORDER BY m.id DESC LIMIT 50"
    ))
    .bind(&pattern)
    .bind(caller.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut titles: Vec<(i64, String)> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let chat_id = row.chat_id;
        let title = match titles.iter().find(|t| t.0 == chat_id) {
            Some(t) => t.1.clone(),
            None => {
                let (title,): (String,) = sqlx::query_as("SELECT title FROM chat WHERE id = $1")
                    .bind(chat_id)
                    .fetch_one(&mut *conn)
                    .await?;
                titles.push((chat_id, title.clone()));
                title
            }
        };
        out.push(SearchHit {
            chat_id,
            chat_title: title,
            message: row.into(),
        });
    }
    Ok(out)
}

/// Everyone the caller may mention: active colleagues (for autocompletion).
pub async fn colleagues(db: &Db, _caller: &Caller) -> Result<Vec<Member>, AppError> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT id, name, login, last_seen_at FROM employee WHERE active = 1 ORDER BY name",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(member).collect())
}
