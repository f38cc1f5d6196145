//! The company's requisites on the server.

use super::Company;
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::AppError;

#[derive(sqlx::FromRow)]
struct Row {
    name: String,
    legal_address: String,
    inn: String,
    kpp: String,
    ogrn: String,
    bank: String,
    bik: String,
    account: String,
    corr_account: String,
    director: String,
    accountant: String,
    phone: String,
    email: String,
    time_zone: String,
}

/// The requisites (everyone signed in may read them: they are on every document).
pub async fn company(db: &Db, caller: &Caller) -> Result<Company, AppError> {
    caller.require(Action::ViewOrganisation)?;
    let mut conn = db.pool.acquire().await?;
    company_on(&mut conn).await
}

/// The requisites, read on the caller's connection.
pub async fn company_on(conn: &mut sqlx::AnyConnection) -> Result<Company, AppError> {
    let r: Row = sqlx::query_as(
        "SELECT name, legal_address, inn, kpp, ogrn, bank, bik, account, corr_account, director, \
                accountant, phone, email, time_zone FROM company WHERE id = 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Company {
        name: r.name,
        legal_address: r.legal_address,
        inn: r.inn,
        kpp: r.kpp,
        ogrn: r.ogrn,
        bank: r.bank,
        bik: r.bik,
        account: r.account,
        corr_account: r.corr_account,
        director: r.director,
        accountant: r.accountant,
        phone: r.phone,
        email: r.email,
        time_zone: r.time_zone,
    })
}

/// Saves the requisites (admins).
pub async fn save_company(db: &Db, caller: &Caller, input: Company) -> Result<Company, AppError> {
    caller.require(Action::ManageOrganisation)?;
    let mut c = input.validate()?;
    c.time_zone = crate::time::zones::check_name(&c.time_zone, false)?;
    let mut tx = db.begin_write().await?;
    let (before,): (String,) = sqlx::query_as("SELECT time_zone FROM company WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE company SET name = $1, legal_address = $2, inn = $3, kpp = $4, ogrn = $5, bank = $6, \
                bik = $7, account = $8, corr_account = $9, director = $10, accountant = $11, phone = $12, \
                email = $13, updated_at = $14, time_zone = $15 WHERE id = 1",
    )
    .bind(&c.name)
    .bind(&c.legal_address)
    .bind(&c.inn)
    .bind(&c.kpp)
    .bind(&c.ogrn)
    .bind(&c.bank)
    .bind(&c.bik)
    .bind(&c.account)
    .bind(&c.corr_account)
    .bind(&c.director)
    .bind(&c.accountant)
    .bind(&c.phone)
    .bind(&c.email)
    .bind(now_ms())
    .bind(&c.time_zone)
    .execute(&mut *tx)
    .await?;
    if before != c.time_zone {
        // Shops without their own zone, and payments without an order, are on the
        // company's calendar: their local days and the aggregates follow.
        crate::time::zones::recompute_local_days(&mut tx).await?;
        crate::reports::aggregates::rebuild_on(&mut tx, db.backend).await?;
    }
    tx.commit().await?;
    Ok(c)
}
