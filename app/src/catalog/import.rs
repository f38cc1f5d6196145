//! CSV import of the catalog and of opening stock at a location. A dry run validates every
//! row and reports per-row errors; applying writes all rows in one transaction, or refuses
//! when any row is wrong unless the user chose to import only the valid ones.

use super::csv;
use super::{ImportPhase, ImportReport, ImportRequest, ImportTarget, ProductInput, RowError, Unit};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Field, Problem};
use crate::live::hub::Hub;
use crate::quantity::{Money, Qty};
use crate::stock::{documents, DocInput, DocKind, DocLine};
use std::collections::{HashMap, HashSet};

/// Largest accepted file.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
const PREVIEW_ROWS: usize = 20;
/// Progress is reported every this many rows.
const PROGRESS_EVERY: usize = 250;

/// Told how far an import got: phase, rows done, rows in total.
pub type Progress<'a> = &'a (dyn Fn(ImportPhase, usize, usize) + Send + Sync);

/// For callers that don't show progress.
pub fn no_progress(_: ImportPhase, _: usize, _: usize) {}

fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| names.contains(&crate::catalog::search_key(h).as_str()))
}

fn unit(text: &str) -> Option<Unit> {
    match crate::catalog::search_key(text).trim_end_matches('.') {
        "pcs" | "шт" | "" => Some(Unit::Pcs),
        "kg" | "кг" => Some(Unit::Kg),
        "m" | "м" => Some(Unit::M),
        "l" | "л" => Some(Unit::L),
        "pack" | "уп" => Some(Unit::Pack),
        _ => None,
    }
}

enum Parsed {
    Product(ProductInput, Option<String>),
    Stock(i64, Qty),
}

pub async fn import(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    req: ImportRequest,
    progress: Progress<'_>,
) -> Result<ImportReport, AppError> {
    match req.target {
        ImportTarget::Catalog => caller.require(Action::ManageCatalog)?,
        ImportTarget::Stock { .. } => caller.require(Action::MoveStock)?,
    };
    if req.csv.len() > MAX_BYTES {
        return Err(AppError::TooLarge {
            max_mb: (MAX_BYTES / 1024 / 1024) as u32,
        });
    }
    let mut rows = csv::parse(&req.csv).into_iter();
    let total = rows.len().saturating_sub(1);
    progress(ImportPhase::Checking, 0, total);
    let tick = |done: usize| {
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(ImportPhase::Checking, done, total);
        }
    };
    let Some((_, header)) = rows.next() else {
        return Err(AppError::invalid(Field::File, Problem::Required));
    };
    let col = |names: &[&str], required: bool| -> Result<Option<usize>, AppError> {
        match column(&header, names) {
            None if required => Err(AppError::invalid(Field::File, Problem::Invalid)),
            found => Ok(found),
        }
    };
    let sku_col = col(&["sku", "артикул"], true)?.unwrap_or(0);
    let mut report = ImportReport::default();
    let mut parsed: Vec<(usize, Parsed, Vec<String>)> = Vec::new();
    match req.target {
        ImportTarget::Catalog => {
            let name_col = col(&["name", "название", "наименование"], true)?.unwrap_or(1);
            let price_col = col(&["price", "цена"], true)?.unwrap_or(2);
            let unit_col = col(&["unit", "ед", "единица", "ед. изм."], false)?;
            let cost_col = col(&["cost", "себестоимость", "закупка"], false)?;
            let code_col = col(&["barcodes", "barcode", "штрихкод", "штрихкоды"], false)?;
            let cat_col = col(&["category", "категория"], false)?;
            let mut seen_sku = HashSet::new();
            let mut seen_code = HashSet::new();
            for (line, fields) in rows {
                report.rows += 1;
                tick(report.rows);
                let get = |i: Option<usize>| {
                    i.and_then(|i| fields.get(i))
                        .map(|s| s.trim().to_string())
                        .unwrap_or_default()
                };
                let checked = async {
                    let unit = unit(&get(unit_col))
                        .ok_or(AppError::invalid(Field::Unit, Problem::Invalid))?;
                    let cost = get(cost_col);
                    let input = ProductInput {
                        sku: get(Some(sku_col)),
                        name: get(Some(name_col)),
                        category_id: None,
                        unit,
                        price: Money::parse(&get(Some(price_col)), Field::Price)?,
                        cost: if cost.is_empty() {
                            Money::ZERO
                        } else {
                            Money::parse(&cost, Field::Price)?
                        },
                        barcodes: get(code_col)
                            .split([' ', ',', '|'])
                            .map(str::to_string)
                            .collect(),
                    }
                    .validate()?;
                    if !seen_sku.insert(input.sku.to_lowercase())
                        || sqlx::query_as::<_, (i64,)>("SELECT id FROM product WHERE sku = $1")
                            .bind(&input.sku)
                            .fetch_optional(&db.pool)
                            .await?
                            .is_some()
                    {
                        return Err(AppError::conflict(crate::error::Conflict::SkuTaken));
                    }
                    for code in &input.barcodes {
                        if !seen_code.insert(code.clone())
                            || sqlx::query_as::<_, (String,)>(
                                "SELECT barcode FROM product_barcode WHERE barcode = $1",
                            )
                            .bind(code)
                            .fetch_optional(&db.pool)
                            .await?
                            .is_some()
                        {
                            return Err(AppError::conflict(crate::error::Conflict::BarcodeTaken));
                        }
                    }
                    Ok(input)
                }
                .await;
                match checked {
                    Ok(input) => {
                        let show = vec![
                            input.sku.clone(),
                            input.name.clone(),
                            input.price.to_string(),
                        ];
                        let category = Some(get(cat_col)).filter(|c| !c.is_empty());
                        parsed.push((line, Parsed::Product(input, category), show));
                    }
                    Err(error) => report.errors.push(RowError { line, error }),
                }
            }
        }
        ImportTarget::Stock { .. } => {
            let qty_col = col(&["qty", "quantity", "количество", "остаток"], true)?.unwrap_or(1);
            let ids: HashMap<String, (i64, String, String)> =
                sqlx::query_as::<_, (String, i64, String, String)>(
                    "SELECT sku, id, name, unit FROM product WHERE active = 1",
                )
                .fetch_all(&db.pool)
                .await?
                .into_iter()
                .map(|(sku, id, name, unit)| (sku.to_lowercase(), (id, name, unit)))
                .collect();
            for (line, fields) in rows {
                report.rows += 1;
                tick(report.rows);
                let get = |i: usize| {
                    fields
                        .get(i)
                        .map(|s| s.trim().to_string())
                        .unwrap_or_default()
                };
                let checked = (|| {
                    let (id, name, unit) = ids
                        .get(&get(sku_col).to_lowercase())
                        .cloned()
                        .ok_or(AppError::invalid(Field::Sku, Problem::NotFound))?;
                    let qty = Qty::parse(&get(qty_col), Field::Quantity)?;
                    if !qty.is_positive() {
                        return Err(AppError::invalid(Field::Quantity, Problem::OutOfRange));
                    }
                    qty.check(Field::Quantity)?;
                    crate::catalog::check_whole(&unit, qty)?;
                    Ok((id, name, qty))
                })();
                match checked {
                    Ok((id, name, qty)) => parsed.push((
                        line,
                        Parsed::Stock(id, qty),
                        vec![get(sku_col), name, qty.to_string()],
                    )),
                    Err(error) => report.errors.push(RowError { line, error }),
                }
            }
        }
    }
    progress(ImportPhase::Checking, total, total);
    report.valid = parsed.len();
    report.preview = parsed
        .iter()
        .take(PREVIEW_ROWS)
        .map(|p| p.2.clone())
        .collect();
    if !req.apply || parsed.is_empty() || (!report.errors.is_empty() && !req.only_valid) {
        return Ok(report);
    }
    let writing = parsed.len();
    progress(ImportPhase::Writing, 0, writing);
    match req.target {
        ImportTarget::Catalog => {
            let now = now_ms();
            let mut tx = db.begin_write().await?;
            let mut categories: HashMap<String, i64> = HashMap::new();
            for (n, (_, row, _)) in parsed.iter().enumerate() {
                if n.is_multiple_of(PROGRESS_EVERY) {
                    progress(ImportPhase::Writing, n, writing);
                }
                let Parsed::Product(input, category) = row else {
                    continue;
                };
                let category_id = match category {
                    None => None,
                    Some(name) => Some(match categories.get(name) {
                        Some(id) => *id,
                        None => {
                            let found: Option<(i64,)> = sqlx::query_as(
                                "SELECT id FROM category WHERE name = $1 ORDER BY id LIMIT 1",
                            )
                            .bind(name)
                            .fetch_optional(&mut *tx)
                            .await?;
                            let id = match found {
                                Some((id,)) => id,
                                None => {
                                    sqlx::query_as::<_, (i64,)>("INSERT INTO category (parent_id, name) VALUES (NULL, $1) RETURNING id")
                                        .bind(name)
                                        .fetch_one(&mut *tx)
                                        .await?
                                        .0
                                }
                            };
                            categories.insert(name.clone(), id);
                            id
                        }
                    }),
                };
                let input = ProductInput {
                    category_id,
                    ..input.clone()
                };
                crate::catalog::service::insert_product(&mut tx, &input, now).await?;
            }
            tx.commit().await?;
        }
        ImportTarget::Stock { location_id } => {
            let lines = parsed
                .iter()
                .filter_map(|(_, row, _)| match row {
                    Parsed::Stock(product_id, qty) => Some(DocLine {
                        product_id: *product_id,
                        qty: *qty,
                    }),
                    Parsed::Product(..) => None,
                })
                .collect();
            let doc = DocInput {
                kind: DocKind::Receipt,
                location_id,
                to_location_id: None,
                lines,
                reason: String::new(),
                comment: "CSV import".into(),
            };
            documents::create(db, hub, caller, doc).await?;
        }
    }
    progress(ImportPhase::Writing, writing, writing);
    report.applied = true;
    Ok(report)
}
