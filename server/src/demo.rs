//! The demo chain: 5 shops and 2 warehouses in different cities, staff of every role,
//! and a catalog with stock ([`catalog`]).

pub mod campaigns;
pub mod catalog;
pub mod chat;
pub mod documents;
pub mod orders;

use app::auth::Role;
use app::db::{now_ms, Db};
use app::error::AppError;
use app::org::service::insert_employee;
use app::org::EmployeeInput;

pub const DEMO_PASSWORD: &str = "demo";

struct DemoLocation {
    name: &'static str,
    kind: &'static str,
    city: &'static str,
    address: &'static str,
    lat: i64,
    lon: i64,
    zone: &'static str,
}

const LOCATIONS: [DemoLocation; 7] = [
    DemoLocation {
        name: "Магазин «Тверская»",
        kind: "shop",
        city: "Москва",
        address: "ул. Тверская, 7",
        lat: 55_757_400,
        lon: 37_611_900,
        zone: "Europe/Moscow",
    },
    DemoLocation {
        name: "Магазин «Невский»",
        kind: "shop",
        city: "Санкт-Петербург",
        address: "Невский пр., 28",
        lat: 59_935_700,
        lon: 30_325_700,
        zone: "Europe/Moscow",
    },
    DemoLocation {
        name: "Магазин «Баумана»",
        kind: "shop",
        city: "Казань",
        address: "ул. Баумана, 44",
        lat: 55_789_500,
        lon: 49_116_400,
        zone: "Europe/Moscow",
    },
    DemoLocation {
        name: "Магазин «Вайнера»",
        kind: "shop",
        city: "Екатеринбург",
        address: "ул. Вайнера, 9",
        lat: 56_836_900,
        lon: 60_599_800,
        zone: "Asia/Yekaterinburg",
    },
    DemoLocation {
        name: "Магазин «Красный проспект»",
        kind: "shop",
        city: "Новосибирск",
        address: "Красный пр., 25",
        lat: 55_030_200,
        lon: 82_920_400,
        zone: "Asia/Novosibirsk",
    },
    DemoLocation {
        name: "Склад «Подольск»",
        kind: "warehouse",
        city: "Подольск",
        address: "ул. Комсомольская, 1",
        lat: 55_431_100,
        lon: 37_544_600,
        zone: "Europe/Moscow",
    },
    DemoLocation {
        name: "Склад «Толмачёво»",
        kind: "warehouse",
        city: "Обь",
        address: "ул. Геодезическая, 3",
        lat: 55_006_200,
        lon: 82_660_900,
        zone: "Asia/Novosibirsk",
    },
];

/// (login, name, role, index into LOCATIONS)
const STAFF: [(&str, &str, Role, Option<usize>); 9] = [
    ("admin", "Ирина Администратор", Role::Admin, Some(0)),
    ("director", "Сергей Петрович Орлов", Role::Director, Some(0)),
    ("accountant", "Марина Бухгалтер", Role::Accountant, Some(0)),
    ("seller1", "Анна Смирнова", Role::Manager, Some(0)),
    ("seller2", "Дмитрий Кузнецов", Role::Manager, Some(1)),
    ("seller3", "Айгуль Хасанова", Role::Manager, Some(2)),
    ("seller4", "Павел Волков", Role::Manager, Some(3)),
    ("seller5", "Ольга Лебедева", Role::Manager, Some(4)),
    (
        "storekeeper1",
        "Николай Складов",
        Role::Storekeeper,
        Some(5),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already has data; run `vitrina demo --force` to replace it")]
    NotEmpty,
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

/// True when nobody has been created yet.
pub async fn is_empty(db: &Db) -> Result<bool, sqlx::Error> {
    let (employees,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM employee")
        .fetch_one(&db.pool)
        .await?;
    let (locations,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM location")
        .fetch_one(&db.pool)
        .await?;
    Ok(employees == 0 && locations == 0)
}

/// How many demo products: `VITRINA_DEMO_PRODUCTS` (default 3,000).
pub fn product_count() -> usize {
    std::env::var("VITRINA_DEMO_PRODUCTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

/// Loads the demo chain with `products` catalog items. Refuses a database with data
/// unless `force`, which wipes it first.
pub async fn load_with(db: &Db, force: bool, products: usize) -> Result<(), DemoError> {
    if !is_empty(db).await? {
        if !force {
            return Err(DemoError::NotEmpty);
        }
        let mut tx = db.pool.begin().await?;
        for table in [
            "phone_call",
            "campaign_recipient",
            "campaign",
            "segment",
            "mail_template",
            "report_pin",
            "report",
            "agg_sales_shop",
            "agg_sales_product",
            "agg_pay",
            "agg_pay_client",
            "agg_client",
            "agg_due",
            "record_follower",
            "comment",
            "message",
            "chat_member",
            "chat WHERE kind = 'private'",
            "attachment",
            "employee_shop",
            "task",
            "payment_part",
            "payment",
            "fund_method",
            "fund_split",
            "fund",
            "download_log",
            "stored_file",
            "document",
            "order_event",
            "order_line",
            "orders",
            "stage_action",
            "stage_transition",
            "stage",
            "process",
            "counter WHERE name <> 'doc_gallery'",
            "notification",
            "client_phone",
            "client",
            "stock_move",
            "reservation",
            "stock_doc_line",
            "stock_doc",
            "stock_level",
            "product_alternative",
            "product_barcode",
            "product",
            "category",
            "login_throttle",
            "api_token",
            "session",
            "employee",
            "location",
        ] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    app::process::service::ensure_defaults(db).await?;
    let now = now_ms();
    let mut ids = Vec::with_capacity(LOCATIONS.len());
    for l in &LOCATIONS {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO location (name, kind, city, address, lat_micro, lon_micro, active, created_at, updated_at, time_zone) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8) RETURNING id",
        )
        .bind(l.name)
        .bind(l.kind)
        .bind(l.city)
        .bind(l.address)
        .bind(l.lat)
        .bind(l.lon)
        .bind(now)
        .bind(l.zone)
        .fetch_one(&db.pool)
        .await?;
        ids.push(id);
    }
    let sites: Vec<(i64, bool)> = ids
        .iter()
        .zip(&LOCATIONS)
        .map(|(id, l)| (*id, l.kind == "warehouse"))
        .collect();
    for (login, name, role, home) in STAFF {
        insert_employee(
            db,
            &EmployeeInput {
                login: login.into(),
                name: name.into(),
                role,
                home_location_id: home.map(|i| ids[i]),
                password: Some(DEMO_PASSWORD.into()),
            },
        )
        .await?;
    }
    // Extensions of the PBX: the shops' sellers 101…105, the office 200–202.
    for (login, extension) in [
        ("seller1", "101"),
        ("seller2", "102"),
        ("seller3", "103"),
        ("seller4", "104"),
        ("seller5", "105"),
        ("admin", "200"),
        ("director", "201"),
        ("accountant", "202"),
    ] {
        sqlx::query("UPDATE employee SET extension = $1 WHERE login = $2")
            .bind(extension)
            .bind(login)
            .execute(&db.pool)
            .await?;
    }
    catalog::load(db, products, &sites).await?;
    // About one order for every ten products: 300 with the default catalog.
    orders::load(db, products / 10).await?;
    documents::load(db).await?;
    chat::load(db).await?;
    campaigns::load(db).await?;
    // The demo back-dates orders and payments after writing them: their local days and
    // the aggregates afresh.
    let mut tx = db.begin_write().await?;
    app::time::zones::recompute_local_days(&mut tx).await?;
    app::reports::aggregates::rebuild_on(&mut tx, db.backend).await?;
    tx.commit().await?;
    Ok(())
}

/// What to print after loading: the logins to try.
pub fn logins_text() -> String {
    let mut text = String::from("Demo logins (password \"demo\"):\n");
    for (login, name, role, _) in STAFF {
        text.push_str(&format!("  {login:<13} {:<11} {name}\n", role.as_str()));
    }
    text
}

/// Loads the demo chain with the configured catalog size.
pub async fn load(db: &Db, force: bool) -> Result<(), DemoError> {
    load_with(db, force, product_count()).await
}
