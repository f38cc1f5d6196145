//! Rules and SQL for the catalog.

use super::{search_key, Category, Product, ProductHit, ProductInput, Unit};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Conflict, Field, Problem};
use crate::live::{hub::Hub, LiveEvent};
use crate::quantity::{Money, Qty};
use sqlx::AnyConnection;

type ProductRow = (
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    String,
    i64,
    i64,
    i64,
);

const PRODUCT_SELECT: &str =
    "SELECT p.id, p.sku, p.name, p.category_id, c.name, p.unit, p.price, p.cost, p.active \
     FROM product p LEFT JOIN category c ON c.id = p.category_id";

async fn barcodes_of(conn: &mut AnyConnection, id: i64) -> Result<Vec<String>, AppError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT barcode FROM product_barcode WHERE product_id = $1 ORDER BY barcode",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

fn product_from(row: ProductRow, barcodes: Vec<String>) -> Result<Product, AppError> {
    let (id, sku, name, category_id, category, unit, price, cost, active) = row;
    Ok(Product {
        id,
        sku,
        name,
        category_id,
        category,
        unit: Unit::parse(&unit).ok_or(AppError::Internal)?,
        price: Money(price),
        cost: Some(Money(cost)),
        barcodes,
        active: active != 0,
    })
}

pub async fn get_product(db: &Db, caller: &Caller, id: i64) -> Result<Product, AppError> {
    caller.require(Action::ViewStock)?;
    let mut conn = db.pool.acquire().await?;
    let mut product = load_product(&mut conn, id).await?;
    if !may_see_cost(caller) {
        product.cost = None;
    }
    Ok(product)
}

/// Cost prices are for those who buy, count and report on goods, not for sellers.
pub fn may_see_cost(caller: &Caller) -> bool {
    use crate::auth::Role;
    matches!(
        caller.role,
        Role::Admin | Role::Director | Role::Accountant | Role::Storekeeper
    )
}

pub(crate) async fn load_product(conn: &mut AnyConnection, id: i64) -> Result<Product, AppError> {
    let row: ProductRow = sqlx::query_as(&format!("{PRODUCT_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let barcodes = barcodes_of(conn, id).await?;
    product_from(row, barcodes)
}

async fn check_category(conn: &mut AnyConnection, id: Option<i64>) -> Result<(), AppError> {
    if let Some(id) = id {
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM category WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            return Err(AppError::invalid(Field::Category, Problem::NotFound));
        }
    }
    Ok(())
}

/// Creates a product with its barcodes, all or nothing.
#[tracing::instrument(skip_all)]
pub async fn create_product(
    db: &Db,
    caller: &Caller,
    input: ProductInput,
) -> Result<Product, AppError> {
    caller.require(Action::ManageCatalog)?;
    let input = input.validate()?;
    let mut tx = db.begin_write().await?;
    check_category(&mut tx, input.category_id).await?;
    let id = insert_product(&mut tx, &input, now_ms()).await?;
    let product = load_product(&mut tx, id).await?;
    tx.commit().await?;
    Ok(product)
}

/// Edits a product's card and replaces its barcodes, all or nothing. The unit cannot
/// change once the product has stock moves (their quantities are in that unit).
#[tracing::instrument(skip_all)]
pub async fn update_product(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    id: i64,
    input: ProductInput,
) -> Result<Product, AppError> {
    caller.require(Action::ManageCatalog)?;
    let input = input.validate()?;
    let mut tx = db.begin_write().await?;
    let current: Option<(String,)> = sqlx::query_as("SELECT unit FROM product WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((unit,)) = current else {
        return Err(AppError::NotFound);
    };
    if unit != input.unit.as_str() {
        let moved: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM stock_move WHERE product_id = $1 LIMIT 1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if moved.is_some() {
            return Err(AppError::conflict(Conflict::UnitInUse));
        }
    }
    check_category(&mut tx, input.category_id).await?;
    sqlx::query(
        "UPDATE product SET sku = $1, name = $2, name_search = $3, category_id = $4, unit = $5, \
         price = $6, cost = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(&input.sku)
    .bind(&input.name)
    .bind(search_key(&input.name))
    .bind(input.category_id)
    .bind(input.unit.as_str())
    .bind(input.price.0)
    .bind(input.cost.0)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM product_barcode WHERE product_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for code in &input.barcodes {
        sqlx::query("INSERT INTO product_barcode (barcode, product_id) VALUES ($1, $2)")
            .bind(code)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let product = load_product(&mut tx, id).await?;
    tx.commit().await?;
    hub.publish(LiveEvent::ProductChanged { id });
    Ok(product)
}

/// Writes a validated product and its barcodes (the caller owns the transaction).
pub(crate) async fn insert_product(
    conn: &mut AnyConnection,
    input: &ProductInput,
    now: i64,
) -> Result<i64, AppError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO product (sku, name, name_search, category_id, unit, price, cost, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id",
    )
    .bind(&input.sku)
    .bind(&input.name)
    .bind(search_key(&input.name))
    .bind(input.category_id)
    .bind(input.unit.as_str())
    .bind(input.price.0)
    .bind(input.cost.0)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    for code in &input.barcodes {
        sqlx::query("INSERT INTO product_barcode (barcode, product_id) VALUES ($1, $2)")
            .bind(code)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// Archives (or restores) a product: it stays in history but leaves search.
pub async fn set_product_active(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    id: i64,
    active: bool,
) -> Result<Product, AppError> {
    caller.require(Action::ManageCatalog)?;
    let done = sqlx::query("UPDATE product SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(crate::db::flag(active))
        .bind(now_ms())
        .bind(id)
        .execute(&db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    hub.publish(LiveEvent::ProductChanged { id });
    get_product(db, caller, id).await
}

/// Links two products as alternatives of each other (both ways).
pub async fn link_alternatives(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    a: i64,
    b: i64,
) -> Result<(), AppError> {
    caller.require(Action::ManageCatalog)?;
    if a == b {
        return Err(AppError::invalid(Field::Product, Problem::Invalid));
    }
    let mut tx = db.begin_write().await?;
    let (found,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM product WHERE id IN ($1, $2)")
            .bind(a)
            .bind(b)
            .fetch_one(&mut *tx)
            .await?;
    if found != 2 {
        return Err(AppError::invalid(Field::Product, Problem::NotFound));
    }
    for (x, y) in [(a, b), (b, a)] {
        sqlx::query(
            "INSERT INTO product_alternative (product_id, alternative_id) VALUES ($1, $2) \
             ON CONFLICT (product_id, alternative_id) DO NOTHING",
        )
        .bind(x)
        .bind(y)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    hub.publish(LiveEvent::ProductChanged { id: a });
    hub.publish(LiveEvent::ProductChanged { id: b });
    Ok(())
}

pub async fn create_category(
    db: &Db,
    caller: &Caller,
    name: &str,
    parent_id: Option<i64>,
) -> Result<Category, AppError> {
    caller.require(Action::ManageCatalog)?;
    let name = crate::org::text(name, Field::Name, 120)?;
    let mut conn = db.pool.acquire().await?;
    check_category(&mut conn, parent_id).await?;
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO category (parent_id, name) VALUES ($1, $2) RETURNING id")
            .bind(parent_id)
            .bind(&name)
            .fetch_one(&mut *conn)
            .await?;
    Ok(Category {
        id,
        parent_id,
        name,
    })
}

/// Renames a category and/or moves it under another parent (never under itself or
/// one of its own subcategories).
pub async fn update_category(
    db: &Db,
    caller: &Caller,
    id: i64,
    name: &str,
    parent_id: Option<i64>,
) -> Result<Category, AppError> {
    caller.require(Action::ManageCatalog)?;
    let name = crate::org::text(name, Field::Name, 120)?;
    let mut tx = db.begin_write().await?;
    check_category(&mut tx, parent_id).await?;
    // Walk up from the new parent: meeting `id` would make a cycle.
    let mut up = parent_id;
    while let Some(p) = up {
        if p == id {
            return Err(AppError::invalid(Field::Category, Problem::Invalid));
        }
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT parent_id FROM category WHERE id = $1")
                .bind(p)
                .fetch_optional(&mut *tx)
                .await?;
        up = row.and_then(|r| r.0);
    }
    let done = sqlx::query("UPDATE category SET name = $1, parent_id = $2 WHERE id = $3")
        .bind(&name)
        .bind(parent_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Category {
        id,
        parent_id,
        name,
    })
}

pub async fn list_categories(db: &Db, caller: &Caller) -> Result<Vec<Category>, AppError> {
    caller.require(Action::ViewStock)?;
    let rows: Vec<(i64, Option<i64>, String)> =
        sqlx::query_as("SELECT id, parent_id, name FROM category ORDER BY name")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, parent_id, name)| Category {
            id,
            parent_id,
            name,
        })
        .collect())
}

/// Finds active products by barcode (exact), SKU (prefix) or name fragment, best first,
/// with what is available across the chain.
#[tracing::instrument(skip_all)]
pub async fn search(
    db: &Db,
    caller: &Caller,
    query: &str,
    limit: i64,
) -> Result<Vec<ProductHit>, AppError> {
    caller.require(Action::ViewStock)?;
    let query = query.trim();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let limit = limit.clamp(1, 100);
    let key = search_key(query);
    let escaped = key
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let rows: Vec<(i64, String, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT p.id, p.sku, p.name, p.unit, p.price, \
                CAST(COALESCE((SELECT SUM(l.on_hand - l.reserved) FROM stock_level l WHERE l.product_id = p.id), 0) AS BIGINT), \
                CASE WHEN EXISTS (SELECT 1 FROM product_barcode b WHERE b.product_id = p.id AND b.barcode = $1) THEN 0 \
                     WHEN LOWER(p.sku) = $2 THEN 1 \
                     WHEN LOWER(p.sku) LIKE $3 ESCAPE '\\' THEN 2 \
                     ELSE 3 END AS rank \
         FROM product p \
         WHERE p.active = 1 AND ( \
                EXISTS (SELECT 1 FROM product_barcode b WHERE b.product_id = p.id AND b.barcode = $1) \
             OR LOWER(p.sku) LIKE $3 ESCAPE '\\' \
             OR p.name_search LIKE $4 ESCAPE '\\') \
         ORDER BY rank, p.name LIMIT $5",
    )
    .bind(query)
    .bind(&key)
    .bind(format!("{escaped}%"))
    .bind(format!("%{escaped}%"))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(id, sku, name, unit, price, available, rank)| {
            Ok(ProductHit {
                id,
                sku,
                name,
                unit: Unit::parse(&unit).ok_or(AppError::Internal)?,
                price: Money(price),
                available: Qty(available),
                exact_barcode: rank == 0,
            })
        })
        .collect()
}

/// The alternatives of a product (ids), both directions already stored.
pub(crate) async fn alternatives_of(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Vec<i64>, AppError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT a.alternative_id FROM product_alternative a JOIN product p ON p.id = a.alternative_id \
         WHERE a.product_id = $1 AND p.active = 1 ORDER BY p.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
