//! Demo documents: the company's requisites, invoices (and a contract for every third of
//! those) generated for every fifth order that went ahead, and the order process's
//! "Подтверждён" stage generating an invoice by itself from now on.

use app::db::Db;
use app::documents::generate::{generate_on, template_on};
use app::error::AppError;

async fn template(db: &Db, kind: &str) -> Result<Option<i64>, AppError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM doc_template WHERE kind = $1 AND lang = 'ru' AND active = 1 ORDER BY id LIMIT 1",
    )
    .bind(kind)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| r.0))
}

pub async fn load(db: &Db) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE company SET name = 'ООО «Витрина Ритейл»', legal_address = '125009, г. Москва, ул. Тверская, д. 7', \
                inn = '7707083893', kpp = '770701001', ogrn = '1027700132195', bank = 'ПАО Сбербанк', \
                bik = '044525225', account = '40702810938000012345', corr_account = '30101810400000000225', \
                director = 'С. П. Орлов', accountant = 'М. А. Бухгалтер', phone = '+7 495 123-45-67', \
                email = 'office@vitrina.example' WHERE id = 1",
    )
    .execute(&db.pool)
    .await?;
    let (Some(invoice), Some(contract)) = (
        template(db, "invoice").await?,
        template(db, "contract").await?,
    ) else {
        return Ok(());
    };
    let orders: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT o.id, o.manager_id FROM orders o JOIN stage s ON s.id = o.stage_id \
         WHERE s.kind <> 'cancelled' AND s.name <> 'Новый' ORDER BY o.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let invoice = {
        let mut conn = db.pool.acquire().await?;
        template_on(&mut conn, invoice, true).await?
    };
    let contract = {
        let mut conn = db.pool.acquire().await?;
        template_on(&mut conn, contract, true).await?
    };
    for (i, (order_id, manager_id)) in orders.iter().enumerate().filter(|(i, _)| i % 5 == 0) {
        let mut tx = db.begin_write().await?;
        generate_on(&mut tx, *order_id, &invoice, *manager_id).await?;
        if i % 15 == 0 {
            generate_on(&mut tx, *order_id, &contract, *manager_id).await?;
        }
        tx.commit().await?;
    }
    if orders.is_empty() {
        // A bare chain (the tests' demo): processes stay as they ship.
        return Ok(());
    }
    // From now on, confirming an order issues its invoice.
    let stage: Option<(i64,)> = sqlx::query_as(
        "SELECT s.id FROM stage s JOIN process p ON p.id = s.process_id \
         WHERE p.kind = 'order' AND s.name = 'Подтверждён' ORDER BY s.id LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    if let Some((stage_id,)) = stage {
        sqlx::query(
            "INSERT INTO stage_action (stage_id, position, action, param) \
             VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM stage_action WHERE stage_id = $1), \
                     'generate_document', $2)",
        )
        .bind(stage_id)
        .bind(invoice.id.to_string())
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}
