//! What a template sees: the document (number, date, title), the company's requisites,
//! the order with its lines and totals (in figures and in words), the client and the
//! selling shop, all formatted for the template's language. Read on the caller's
//! connection, so a document generated on a stage sees the order as that transaction
//! does.

use super::{Company, DocKind};
use crate::customers::Phone;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::quantity::{Money, Qty};
use serde::Serialize;
use sqlx::AnyConnection;

#[derive(Debug, Clone, Serialize)]
pub struct DocInfo {
    pub number: String,
    /// `27.11.2026`
    pub date: String,
    /// `27 ноября 2026 г.` / `27 November 2026`
    pub date_long: String,
    pub title: String,
    pub kind: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderInfo {
    pub number: String,
    pub date: String,
    pub stage: String,
    pub manager: String,
    pub comment: String,
    pub fulfilment: String,
    pub delivery_address: String,
    /// Before discounts.
    pub subtotal: String,
    pub discount: String,
    pub total: String,
    pub total_words: String,
    pub paid: String,
    pub due: String,
    pub lines_count: usize,
    /// Sum of quantities in pieces-like units, as text.
    pub items: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LineInfo {
    pub n: usize,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub qty: String,
    pub price: String,
    pub discount: String,
    pub amount: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientInfo {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub notes: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShopInfo {
    pub name: String,
    pub city: String,
    pub address: String,
}

/// Everything a template may print. Empty strings print as nothing; a field that does
/// not exist (or a client the order lacks) prints as a visible gap.
#[derive(Debug, Clone, Serialize)]
pub struct DocContext {
    pub doc: DocInfo,
    pub company: Company,
    pub order: OrderInfo,
    pub lines: Vec<LineInfo>,
    pub client: Option<ClientInfo>,
    pub shop: ShopInfo,
    pub lang: &'static str,
}

/// `2446000` kopecks → `24 460,00` (ru, no-break spaces) / `24,460.00` (en).
pub fn money_text(amount: Money, lang: Lang) -> String {
    crate::format::amount(amount, lang)
}

/// `Qty(1500)` → `1,5` (ru) / `1.5` (en).
pub fn qty_text(qty: Qty, lang: Lang) -> String {
    crate::format::qty(qty, lang)
}

fn unit_text(unit: &str, lang: Lang) -> String {
    crate::format::unit(unit, lang)
}

const MONTHS_RU: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The calendar day of a local wall-clock instant (an instant already shifted by its
/// zone's offset, see [`local`]).
pub fn ymd(ms: i64) -> (i32, u8, u8) {
    let (y, m, d) = crate::time::civil(ms.div_euclid(86_400_000));
    (y as i32, m as u8, d as u8)
}

/// An instant as wall-clock time in a zone (what [`ymd`] and the texts expect).
pub fn local(zone: &crate::time::Zone, ms: i64) -> i64 {
    ms + zone.offset_ms(ms)
}

pub fn date_text(ms: i64) -> String {
    let (y, m, d) = ymd(ms);
    format!("{d:02}.{m:02}.{y}")
}

pub fn date_long(ms: i64, lang: Lang) -> String {
    let (y, m, d) = ymd(ms);
    let month = usize::from(m.clamp(1, 12)) - 1;
    match lang {
        Lang::Ru => format!("{d} {} {y} г.", MONTHS_RU[month]),
        Lang::En => format!("{d} {} {y}", MONTHS_EN[month]),
    }
}

/// The title a document of `kind` prints, with its number and date.
pub fn title(kind: DocKind, lang: Lang, number: &str, at: i64) -> String {
    let name = kind.title(lang);
    match lang {
        Lang::Ru => format!("{name} № {number} от {}", date_long(at, lang)),
        Lang::En => format!("{name} No. {number} of {}", date_long(at, lang)),
    }
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    number: String,
    created_at: i64,
    total: i64,
    comment: String,
    fulfilment: String,
    delivery_address: String,
    client_id: Option<i64>,
    stage: String,
    manager: String,
    shop: String,
    city: String,
    address: String,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    sku: String,
    name: String,
    unit: String,
    qty: i64,
    price: i64,
    discount: i64,
    amount: i64,
}

/// The document's numbering and date, as a template prints them.
pub struct DocHeader {
    pub kind: DocKind,
    pub number: String,
    pub at: i64,
}

/// Reads the order `order_id` for a template in `lang`.
pub async fn build(
    conn: &mut AnyConnection,
    order_id: i64,
    header: &DocHeader,
    lang: Lang,
) -> Result<DocContext, AppError> {
    let order: OrderRow = sqlx::query_as(
        "SELECT o.number AS number, o.created_at AS created_at, o.total AS total, o.comment AS comment, \
                o.fulfilment AS fulfilment, o.delivery_address AS delivery_address, o.client_id AS client_id, \
                s.name AS stage, e.name AS manager, l.name AS shop, l.city AS city, l.address AS address \
         FROM orders o JOIN stage s ON s.id = o.stage_id JOIN employee e ON e.id = o.manager_id \
              JOIN location l ON l.id = o.shop_id \
         WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let rows: Vec<LineRow> = sqlx::query_as(
        "SELECT p.sku AS sku, p.name AS name, p.unit AS unit, l.qty AS qty, l.price AS price, \
                l.discount AS discount, l.amount AS amount \
         FROM order_line l JOIN product p ON p.id = l.product_id \
         WHERE l.order_id = $1 ORDER BY l.position",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let paid = crate::orders::service::paid_for(conn, order_id).await?;
    let company = super::service::company_on(conn).await?;
    let client = match order.client_id {
        Some(id) => client(conn, id).await?,
        None => None,
    };

    let money = |kop: i64| money_text(Money(kop), lang);
    let subtotal: i64 = rows.iter().map(|l| l.amount + l.discount).sum();
    let discount: i64 = rows.iter().map(|l| l.discount).sum();
    let items: i64 = rows.iter().map(|l| l.qty).sum();
    let lines = rows
        .iter()
        .enumerate()
        .map(|(i, l)| LineInfo {
            n: i + 1,
            sku: l.sku.clone(),
            name: l.name.clone(),
            unit: unit_text(&l.unit, lang),
            qty: qty_text(Qty(l.qty), lang),
            price: money(l.price),
            discount: money(l.discount),
            amount: money(l.amount),
        })
        .collect();
    let fulfilment = match (order.fulfilment.as_str(), lang) {
        ("delivery", Lang::Ru) => "доставка",
        ("delivery", Lang::En) => "delivery",
        (_, Lang::Ru) => "самовывоз",
        (_, Lang::En) => "pickup",
    };
    // Dates on the shop's own calendar.
    let (shop_id,): (i64,) = sqlx::query_as("SELECT shop_id FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?;
    let zone = crate::time::zones::of_location(conn, shop_id).await?;
    let at = local(&zone, header.at);
    Ok(DocContext {
        doc: DocInfo {
            number: header.number.clone(),
            date: date_text(at),
            date_long: date_long(at, lang),
            title: title(header.kind, lang, &header.number, at),
            kind: header.kind.as_str(),
        },
        company,
        order: OrderInfo {
            number: order.number,
            date: date_text(local(&zone, order.created_at)),
            stage: order.stage,
            manager: order.manager,
            comment: order.comment,
            fulfilment: fulfilment.to_string(),
            delivery_address: order.delivery_address,
            subtotal: money(subtotal),
            discount: money(discount),
            total: money(order.total),
            total_words: super::words::amount_in_words(Money(order.total), lang),
            paid: money(paid),
            due: money((order.total - paid).max(0)),
            lines_count: rows.len(),
            items: qty_text(Qty(items), lang),
        },
        lines,
        client,
        shop: ShopInfo {
            name: order.shop,
            city: order.city,
            address: order.address,
        },
        lang: lang.code(),
    })
}

async fn client(conn: &mut AnyConnection, id: i64) -> Result<Option<ClientInfo>, AppError> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT name, email, notes FROM client WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((name, email, notes)) = row else {
        return Ok(None);
    };
    let phone: Option<(String,)> = sqlx::query_as(
        "SELECT phone FROM client_phone WHERE client_id = $1 ORDER BY position LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(Some(ClientInfo {
        name,
        phone: phone.map(|(p,)| Phone(p).display()).unwrap_or_default(),
        email,
        notes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_and_dates_are_written_the_way_each_language_writes_them() {
        assert_eq!(money_text(Money(2_446_000), Lang::Ru), "24\u{a0}460,00");
        assert_eq!(money_text(Money(2_446_005), Lang::En), "24,460.05");
        assert_eq!(money_text(Money(100_000_000), Lang::En), "1,000,000.00");
        assert_eq!(money_text(Money(0), Lang::Ru), "0,00");
        assert_eq!(money_text(Money(-150), Lang::Ru), "−1,50");
        assert_eq!(qty_text(Qty(1500), Lang::Ru), "1,5");
        // 2026-11-27 10:00 UTC
        let at = 1_795_773_600_000;
        assert_eq!(date_text(at), "27.11.2026");
        assert_eq!(date_long(at, Lang::Ru), "27 ноября 2026 г.");
        assert_eq!(date_long(at, Lang::En), "27 November 2026");
    }
}
