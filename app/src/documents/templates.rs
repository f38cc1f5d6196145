//! Document templates: listed, read and saved by admins; previewed on a real order while
//! being edited; the active ones offered for generation.

use super::context::{self, DocHeader};
use super::generate::{produce, template_on};
use super::{gallery, DocKind, DocLang, Preview, Template, TemplateInput, TemplateSummary};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::orders::service::check_shop;
use base64::Engine;

type SummaryRow = (i64, String, String, String, i64, i64);

fn summary(row: SummaryRow) -> Result<TemplateSummary, AppError> {
    let (id, kind, lang, name, active, updated_at) = row;
    Ok(TemplateSummary {
        id,
        kind: DocKind::parse(&kind).ok_or(AppError::Internal)?,
        lang: DocLang::parse(&lang).ok_or(AppError::Internal)?,
        name,
        active: active == 1,
        updated_at,
    })
}

/// Every template (admins), or only the active ones (anyone who may generate).
pub async fn list(
    db: &Db,
    caller: &Caller,
    active_only: bool,
) -> Result<Vec<TemplateSummary>, AppError> {
    caller.require(if active_only {
        Action::GenerateDocuments
    } else {
        Action::ManageTemplates
    })?;
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT id, kind, lang, name, active, updated_at FROM doc_template \
         WHERE active = 1 OR $1 = 0 ORDER BY lang DESC, kind, name, id",
    )
    .bind(i64::from(active_only))
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(summary).collect()
}

pub async fn get(db: &Db, caller: &Caller, id: i64) -> Result<Template, AppError> {
    caller.require(Action::ManageTemplates)?;
    let mut conn = db.pool.acquire().await?;
    template_on(&mut conn, id, false)
        .await
        .map_err(|e| match e {
            AppError::Validation { .. } => AppError::NotFound,
            other => other,
        })
}

/// Creates (`id` None) or replaces a template. The body must render and typeset on a
/// sample order (the newest one), so a broken template is refused with its line before
/// it can break a stage move.
pub async fn save(
    db: &Db,
    caller: &Caller,
    id: Option<i64>,
    input: TemplateInput,
) -> Result<Template, AppError> {
    caller.require(Action::ManageTemplates)?;
    let input = input.validate()?;
    check(db, &input).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = match id {
        Some(id) => {
            let done = sqlx::query(
                "UPDATE doc_template SET kind = $1, lang = $2, name = $3, body = $4, active = $5, \
                        updated_by = $6, updated_at = $7 WHERE id = $8",
            )
            .bind(input.kind.as_str())
            .bind(input.lang.as_str())
            .bind(&input.name)
            .bind(&input.body)
            .bind(i64::from(input.active))
            .bind(caller.id)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO doc_template (kind, lang, name, body, active, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(input.kind.as_str())
            .bind(input.lang.as_str())
            .bind(&input.name)
            .bind(&input.body)
            .bind(i64::from(input.active))
            .bind(caller.id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            id
        }
    };
    tx.commit().await?;
    let mut conn = db.pool.acquire().await?;
    template_on(&mut conn, id, false).await
}

/// The gallery's starter of a kind and language (to begin a new template from).
pub fn starter(caller: &Caller, kind: DocKind, lang: DocLang) -> Result<String, AppError> {
    caller.require(Action::ManageTemplates)?;
    gallery::starter(kind, lang)
        .map(|s| s.body.to_string())
        .ok_or(AppError::NotFound)
}

/// A sample order to check a template on: the newest one.
async fn sample_order(conn: &mut sqlx::AnyConnection) -> Result<Option<i64>, AppError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM orders ORDER BY id DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.0))
}

async fn check(db: &Db, input: &TemplateInput) -> Result<(), AppError> {
    let mut conn = db.pool.acquire().await?;
    let Some(order_id) = sample_order(&mut conn).await? else {
        // No order yet: at least the template language must parse.
        super::render::render(&input.body, &serde_json::json!({}))?;
        return Ok(());
    };
    let at = now_ms();
    let header = DocHeader {
        kind: input.kind,
        number: format!("{}-00000", context::ymd(at).0),
        at,
    };
    let ctx = context::build(&mut conn, order_id, &header, input.lang.lang()).await?;
    produce(&input.body, &ctx, at).await.map(|_| ())
}

/// Renders an unsaved template body on an order the caller may see (the newest one
/// when `order_id` is None), numbered as the next document of its kind would be.
pub async fn preview(
    db: &Db,
    caller: &Caller,
    kind: DocKind,
    lang: DocLang,
    body: String,
    order_id: Option<i64>,
) -> Result<Preview, AppError> {
    caller.require(Action::ManageTemplates)?;
    if body.chars().count() > super::MAX_TEMPLATE {
        return Err(AppError::invalid(
            crate::error::Field::Template,
            crate::error::Problem::TooLong,
        ));
    }
    let mut conn = db.pool.acquire().await?;
    let order_id = match order_id {
        Some(id) => id,
        None => sample_order(&mut conn).await?.ok_or(AppError::invalid(
            crate::error::Field::Order,
            crate::error::Problem::NotFound,
        ))?,
    };
    let scope = caller.scope();
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT shop_id, number FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (shop_id, order_number) = row.ok_or(AppError::NotFound)?;
    check_shop(&scope, shop_id)?;
    let at = now_ms();
    let year = context::ymd(at).0;
    let next: Option<(i64,)> = sqlx::query_as("SELECT value FROM counter WHERE name = $1")
        .bind(format!("doc:{}:{year}", kind.as_str()))
        .fetch_optional(&mut *conn)
        .await?;
    let header = DocHeader {
        kind,
        number: format!("{year}-{:05}", next.map(|n| n.0).unwrap_or(0) + 1),
        at,
    };
    let ctx = context::build(&mut conn, order_id, &header, lang.lang()).await?;
    let set = produce(&body, &ctx, at).await?;
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(Preview {
        pages: set
            .svg_pages()
            .iter()
            .map(|svg| format!("data:image/svg+xml;base64,{}", b64.encode(svg)))
            .collect(),
        text: set.text(),
        order_number,
    })
}
