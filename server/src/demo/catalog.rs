//! The demo catalog: a few thousand hardware-store products in a category tree, with
//! barcodes, alternatives, stock spread unevenly over the chain (received through real
//! ledger documents) and some client holds.

use app::auth::service::Caller;
use app::auth::Role;
use app::catalog::search_key;
use app::db::{now_ms, Db};
use app::error::AppError;
use app::live::hub::Hub;
use app::quantity::Qty;
use app::stock::{documents, reservations, DocInput, DocKind, DocLine, ReserveInput};

/// A subcategory: name, the word its products are called by, unit, base price in roubles.
type Sub = (&'static str, &'static str, &'static str, i64);

/// Top categories and their subcategories.
const TREE: &[(&str, &[Sub])] = &[
    (
        "Электроинструмент",
        &[
            ("Дрели", "Дрель", "pcs", 4_500),
            ("Шуруповёрты", "Шуруповёрт", "pcs", 6_900),
            ("Перфораторы", "Перфоратор", "pcs", 9_800),
            ("Болгарки", "Угловая шлифмашина", "pcs", 5_200),
            ("Лобзики", "Лобзик", "pcs", 4_100),
        ],
    ),
    (
        "Ручной инструмент",
        &[
            ("Молотки", "Молоток", "pcs", 650),
            ("Отвёртки", "Набор отвёрток", "pcs", 890),
            ("Ключи", "Набор ключей", "pcs", 2_300),
            ("Рулетки", "Рулетка", "pcs", 450),
        ],
    ),
    (
        "Крепёж",
        &[
            ("Саморезы", "Саморезы", "pack", 320),
            ("Дюбели", "Дюбели", "pack", 210),
            ("Гвозди", "Гвозди", "kg", 260),
        ],
    ),
    (
        "Электрика",
        &[
            ("Кабель", "Кабель ВВГнг", "m", 95),
            ("Розетки", "Розетка", "pcs", 340),
            ("Выключатели", "Выключатель", "pcs", 310),
            ("Лампы", "Лампа светодиодная", "pcs", 180),
        ],
    ),
    (
        "Краски",
        &[
            ("Эмали", "Эмаль ПФ-115", "l", 520),
            ("Грунтовки", "Грунтовка", "l", 390),
            ("Лаки", "Лак паркетный", "l", 880),
        ],
    ),
    (
        "Сад",
        &[
            ("Шланги", "Шланг поливочный", "m", 75),
            ("Лопаты", "Лопата", "pcs", 1_150),
            ("Секаторы", "Секатор", "pcs", 990),
        ],
    ),
];

/// Brands and the latin prefix of their model numbers.
const BRANDS: &[(&str, &str)] = &[
    ("Зубр", "ZR"),
    ("Интерскол", "IS"),
    ("Makita", "MK"),
    ("Bosch", "BS"),
    ("DeWalt", "DW"),
    ("Metabo", "MB"),
    ("Ресанта", "RS"),
    ("Hammer", "HM"),
    ("Stayer", "ST"),
    ("Kraftool", "KT"),
];

/// Deterministic pseudo-random numbers, so every demo chain is the same.
pub(super) struct Dice(pub(super) u64);

impl Dice {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// EAN-13 with a valid check digit, Russian prefix 460–469.
fn ean13(n: u64) -> String {
    let body = format!("46{:010}", n % 10_000_000_000);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

pub(super) fn caller(id: i64, role: Role, home: Option<i64>) -> Caller {
    Caller {
        id,
        login: String::new(),
        name: String::new(),
        role,
        home_location_id: home,
        granted_shops: Vec::new(),
    }
}

/// Loads `count` products and their stock. `locations` are (id, is_warehouse).
pub async fn load(db: &Db, count: usize, locations: &[(i64, bool)]) -> Result<(), AppError> {
    let (admin_id,): (i64,) = sqlx::query_as("SELECT id FROM employee WHERE login = 'admin'")
        .fetch_one(&db.pool)
        .await?;
    let admin = caller(admin_id, Role::Admin, None);
    let mut dice = Dice(0x5eed_1234_abcd_ef01);
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let mut subcategories = Vec::new();
    for (top, subs) in TREE {
        let (top_id,): (i64,) =
            sqlx::query_as("INSERT INTO category (parent_id, name) VALUES (NULL, $1) RETURNING id")
                .bind(*top)
                .fetch_one(&mut *tx)
                .await?;
        for (name, word, unit, base) in subs.iter() {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO category (parent_id, name) VALUES ($1, $2) RETURNING id",
            )
            .bind(top_id)
            .bind(*name)
            .fetch_one(&mut *tx)
            .await?;
            subcategories.push((id, *word, *unit, *base));
        }
    }
    let mut products: Vec<(i64, usize, &str)> = Vec::with_capacity(count);
    for n in 0..count {
        let sub = n % subcategories.len();
        let (category_id, word, unit, base) = subcategories[sub];
        let (brand, prefix) = BRANDS[dice.below(BRANDS.len() as u64) as usize];
        let model = format!("{prefix}-{}", 100 + n);
        let name = format!("{word} {brand} {model}");
        let sku = format!("VT-{:05}", n + 1);
        let price_rub = base + (dice.below(base as u64) as i64) / 2;
        let price = price_rub * 100 + [0, 90, 50, 99][dice.below(4) as usize];
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO product (sku, name, name_search, category_id, unit, price, cost, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id",
        )
        .bind(&sku)
        .bind(&name)
        .bind(search_key(&name))
        .bind(category_id)
        .bind(unit)
        .bind(price)
        .bind(price * 62 / 100)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO product_barcode (barcode, product_id) VALUES ($1, $2)")
            .bind(ean13(n as u64 * 7919 + 1))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        products.push((id, sub, unit));
    }
    // Alternatives: neighbours in the same subcategory, linked both ways.
    for pair in products.windows(2 * subcategories.len() + 1).step_by(3) {
        let (a, b) = (pair[0].0, pair[pair.len() - 1].0);
        for (x, y) in [(a, b), (b, a)] {
            sqlx::query("INSERT INTO product_alternative (product_id, alternative_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(x)
                .bind(y)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;

    // Opening stock through receipts, unevenly: warehouses hold most, shops a little,
    // and many products are missing at some shops.
    let hub = Hub::new();
    for &(location_id, warehouse) in locations {
        let mut lines = Vec::new();
        for &(product_id, _, unit) in &products {
            let roll = dice.below(100);
            let present = if warehouse { roll < 85 } else { roll < 45 };
            if !present {
                continue;
            }
            let whole = if warehouse {
                5 + dice.below(120)
            } else {
                1 + dice.below(12)
            };
            let qty = match unit {
                "kg" | "m" | "l" => Qty(whole as i64 * 1000 + dice.below(4) as i64 * 250),
                _ => Qty(whole as i64 * 1000),
            };
            lines.push(DocLine { product_id, qty });
        }
        if lines.is_empty() {
            continue;
        }
        let doc = DocInput {
            kind: DocKind::Receipt,
            location_id,
            to_location_id: None,
            lines,
            reason: String::new(),
            comment: "Начальные остатки".into(),
        };
        documents::create(db, &hub, &admin, doc).await?;
    }

    // Some client holds by the sellers at their own shops.
    let sellers: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, home_location_id FROM employee WHERE role = 'manager' ORDER BY login",
    )
    .fetch_all(&db.pool)
    .await?;
    let clients = [
        "Иванов И. И.",
        "Петрова А. С.",
        "Сидоров П. П.",
        "ООО «Ремстрой»",
        "Кузьмина Е. В.",
    ];
    for (i, (seller_id, home)) in sellers.iter().enumerate() {
        let Some(home) = home else { continue };
        let seller = caller(*seller_id, Role::Manager, Some(*home));
        let mut placed = 0;
        for &(product_id, _, _) in products.iter().skip(i * 37).step_by(11) {
            if placed == 4 {
                break;
            }
            let input = ReserveInput {
                product_id,
                location_id: *home,
                qty: Qty(1000),
                order_id: None,
                client: clients[(i + placed) % clients.len()].into(),
            };
            if reservations::reserve(db, &hub, &seller, input)
                .await
                .is_ok()
            {
                placed += 1;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn barcodes_carry_a_valid_ean13_check_digit() {
        // 4600000000000 → check digit from the standard weights.
        let code = ean13(0);
        assert_eq!(code.len(), 13);
        let digits: Vec<u32> = code.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * if i % 2 == 0 { 1 } else { 3 })
            .sum();
        assert_eq!(sum % 10, 0);
    }
}
