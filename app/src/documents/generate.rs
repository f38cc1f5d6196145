//! Generating a document for an order and reading it back. Generation runs on the
//! caller's transaction (a stage move or the "generate" button): the number is taken from
//! the kind's counter for the year, the template is rendered on the order as that
//! transaction sees it, typeset, and the PDF is stored in the database with the rest,
//! so a failure anywhere leaves neither a document nor a used number behind. The stored
//! PDF is never re-rendered: later edits of the order or the template don't change it.

use super::context::{self, DocHeader};
use super::{render, typeset, DocKind, DocLang, DocumentRef, Template};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Field, Problem};
use crate::live::{hub::Hub, LiveEvent};
use crate::orders::actions::event;
use crate::orders::service::{check_shop, next_number};
use sqlx::AnyConnection;

/// Loads a template by id (`active_only` for generation: a retired template makes no
/// new documents).
pub async fn template_on(
    conn: &mut AnyConnection,
    id: i64,
    active_only: bool,
) -> Result<Template, AppError> {
    let row: Option<(i64, String, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, kind, lang, name, body, active, updated_at FROM doc_template WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, kind, lang, name, body, active, updated_at)) = row else {
        return Err(AppError::invalid(Field::Template, Problem::NotFound));
    };
    if active_only && active != 1 {
        return Err(AppError::invalid(Field::Template, Problem::NotFound));
    }
    Ok(Template {
        id,
        kind: DocKind::parse(&kind).ok_or(AppError::Internal)?,
        lang: DocLang::parse(&lang).ok_or(AppError::Internal)?,
        name,
        body,
        active: active == 1,
        updated_at,
    })
}

/// Renders and typesets `body` on an order, off the async threads (typesetting is CPU
/// work). Errors of the typeset stage are reported on the template's own line when the
/// offending line is one the template wrote verbatim.
pub async fn produce(
    body: &str,
    ctx: &context::DocContext,
    at: i64,
) -> Result<typeset::Typeset, AppError> {
    let markup = render::render(body, ctx)?;
    let today = context::ymd(at);
    let body = body.to_string();
    tokio::task::spawn_blocking(move || {
        typeset::typeset(&markup, today).map_err(|e| locate(&body, &markup, e))
    })
    .await
    .map_err(|_| AppError::Internal)?
}

/// Maps a typeset error's line in the rendered markup back to the template.
fn locate(template: &str, markup: &str, error: AppError) -> AppError {
    let AppError::Template { line, reason } = error else {
        return error;
    };
    let Some(text) = markup
        .lines()
        .nth((line as usize).saturating_sub(1))
        .filter(|t| !t.trim().is_empty())
    else {
        return AppError::Template { line, reason };
    };
    match template.lines().position(|l| l == text) {
        Some(i) => AppError::Template {
            line: i as u32 + 1,
            reason,
        },
        None => AppError::Template {
            line,
            reason: format!("{reason} — «{}»", text.trim()),
        },
    }
}

/// Generates a document of `template` for an order, on the caller's transaction, with an
/// entry in the order's history. Returns its id.
pub async fn generate_on(
    conn: &mut AnyConnection,
    order_id: i64,
    template: &Template,
    author: i64,
) -> Result<i64, AppError> {
    let now = now_ms();
    // Numbered by the year of the order's shop's calendar.
    let (shop,): (i64,) = sqlx::query_as("SELECT shop_id FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?;
    let zone = crate::time::zones::of_location(conn, shop).await?;
    let year = context::ymd(context::local(&zone, now)).0;
    let seq = next_number(conn, &format!("doc:{}:{year}", template.kind.as_str())).await?;
    let number = format!("{year}-{seq:05}");
    let header = DocHeader {
        kind: template.kind,
        number: number.clone(),
        at: now,
    };
    let lang = template.lang.lang();
    let ctx = context::build(conn, order_id, &header, lang).await?;
    let set = produce(&template.body, &ctx, context::local(&zone, now)).await?;
    let pdf = set.pdf()?;
    let shop_id = shop;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO document (order_id, shop_id, template_id, kind, lang, year, seq, number, title, \
                               pdf, pages, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(order_id)
    .bind(shop_id)
    .bind(template.id)
    .bind(template.kind.as_str())
    .bind(template.lang.as_str())
    .bind(i64::from(year))
    .bind(seq)
    .bind(&number)
    .bind(&ctx.doc.title)
    .bind(pdf)
    .bind(set.pages() as i64)
    .bind(author)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    event(conn, order_id, Some(author), "document", &ctx.doc.title).await?;
    Ok(id)
}

/// 404 for an order that doesn't exist, 403 for one of a shop the caller doesn't see.
async fn check_order(
    conn: &mut AnyConnection,
    caller: &Caller,
    order_id: i64,
) -> Result<(), AppError> {
    let scope = caller.scope();
    let shop: Option<(i64,)> = sqlx::query_as("SELECT shop_id FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?;
    check_shop(&scope, shop.ok_or(AppError::NotFound)?.0)
}

/// Generates a document by hand from the order card.
pub async fn generate(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    order_id: i64,
    template_id: i64,
) -> Result<DocumentRef, AppError> {
    caller.require(Action::GenerateDocuments)?;
    let mut tx = db.begin_write().await?;
    check_order(&mut tx, caller, order_id).await?;
    let template = template_on(&mut tx, template_id, true).await?;
    let id = generate_on(&mut tx, order_id, &template, caller.id).await?;
    tx.commit().await?;
    hub.publish(LiveEvent::OrderChanged { id: order_id });
    let mut conn = db.pool.acquire().await?;
    one(&mut conn, id).await
}

#[derive(sqlx::FromRow)]
struct DocRow {
    id: i64,
    order_id: i64,
    order_number: String,
    kind: String,
    lang: String,
    number: String,
    title: String,
    pages: i64,
    size: i64,
    created_at: i64,
    created_by: String,
}

const DOC_SELECT: &str =
    "SELECT d.id AS id, d.order_id AS order_id, o.number AS order_number, d.kind AS kind, \
        d.lang AS lang, d.number AS number, d.title AS title, d.pages AS pages, \
        CAST(LENGTH(d.pdf) AS BIGINT) AS size, d.created_at AS created_at, e.name AS created_by \
 FROM document d JOIN orders o ON o.id = d.order_id JOIN employee e ON e.id = d.created_by";

fn to_ref(r: DocRow) -> Result<DocumentRef, AppError> {
    Ok(DocumentRef {
        id: r.id,
        order_id: r.order_id,
        order_number: r.order_number,
        kind: DocKind::parse(&r.kind).ok_or(AppError::Internal)?,
        lang: DocLang::parse(&r.lang).ok_or(AppError::Internal)?,
        number: r.number,
        title: r.title,
        pages: r.pages,
        size: r.size,
        created_at: r.created_at,
        created_by: r.created_by,
    })
}

async fn one(conn: &mut AnyConnection, id: i64) -> Result<DocumentRef, AppError> {
    let row: DocRow = sqlx::query_as(&format!("{DOC_SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    to_ref(row)
}

/// The documents of an order, newest first (whoever sees the order sees them).
pub async fn for_order(
    db: &Db,
    caller: &Caller,
    order_id: i64,
) -> Result<Vec<DocumentRef>, AppError> {
    caller.require(Action::ViewOrders)?;
    let mut conn = db.pool.acquire().await?;
    check_order(&mut conn, caller, order_id).await?;
    let rows: Vec<DocRow> = sqlx::query_as(&format!(
        "{DOC_SELECT} WHERE d.order_id = $1 ORDER BY d.id DESC"
    ))
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(to_ref).collect()
}

/// The newest documents the caller may see (all shops for accountants and directors),
/// optionally of one kind.
pub async fn recent(
    db: &Db,
    caller: &Caller,
    kind: Option<DocKind>,
    limit: i64,
) -> Result<Vec<DocumentRef>, AppError> {
    caller.require(Action::ViewOrders)?;
    let mut conn = db.pool.acquire().await?;
    let scope = caller.scope();
    let shops = match &scope {
        None => String::new(),
        Some(ids) if ids.is_empty() => return Ok(Vec::new()),
        Some(ids) => format!(
            " AND d.shop_id IN ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        ),
    };
    let rows: Vec<DocRow> = sqlx::query_as(&format!(
        "{DOC_SELECT} WHERE ($1 = '' OR d.kind = $1){shops} ORDER BY d.id DESC LIMIT $2"
    ))
    .bind(kind.map(|k| k.as_str()).unwrap_or(""))
    .bind(limit.clamp(1, 500))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(to_ref).collect()
}

/// A document's PDF, for a caller who may see its order; the download is logged and
/// written into the order's history.
pub async fn download(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<(DocumentRef, Vec<u8>), AppError> {
    caller.require(Action::ViewOrders)?;
    let mut tx = db.begin_write().await?;
    let scope = caller.scope();
    let row: Option<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT shop_id, pdf FROM document WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (shop_id, pdf) = row.ok_or(AppError::NotFound)?;
    check_shop(&scope, shop_id)?;
    let doc = one(&mut tx, id).await?;
    log_download(&mut tx, caller.id, "document", id).await?;
    event(
        &mut tx,
        doc.order_id,
        Some(caller.id),
        "downloaded",
        &doc.title,
    )
    .await?;
    tx.commit().await?;
    Ok((doc, pdf))
}

/// Writes who downloaded what, when.
pub async fn log_download(
    conn: &mut AnyConnection,
    employee_id: i64,
    what: &str,
    item_id: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO download_log (employee_id, what, item_id, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(employee_id)
    .bind(what)
    .bind(item_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
