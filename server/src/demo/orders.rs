//! Demo clients, orders and payments: orders over the last four months at every shop,
//! taken by that shop's seller through the real services (so stock, reservations and
//! the ledger agree), moved through the retail process — most sold, some cancelled, some
//! still open — and paid in several funds, with some debt left and planned payments.

use super::catalog::{caller, Dice};
use app::auth::Role;
use app::customers::{service as customers, ClientInput};
use app::db::{now_ms, Db};
use app::error::AppError;
use app::live::hub::Hub;
use app::orders::{service as orders, Fulfilment, OrderInput, OrderLineInput};
use app::payments::{service as payments, Direction, Method, PaymentInput};
use app::process::{service as processes, ProcessKind};
use app::quantity::{Money, Qty};

const FIRST: [&str; 12] = [
    "Алексей",
    "Мария",
    "Дмитрий",
    "Елена",
    "Сергей",
    "Ольга",
    "Андрей",
    "Наталья",
    "Игорь",
    "Татьяна",
    "Павел",
    "Светлана",
];
const LAST: [&str; 10] = [
    "Соколов",
    "Морозов",
    "Новиков",
    "Фёдоров",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
];
const DAY: i64 = 86_400_000;

/// Loads `count` orders (and a client for every four of them).
pub async fn load(db: &Db, count: usize) -> Result<(), AppError> {
    if count == 0 {
        return Ok(());
    }
    let hub = Hub::new();
    let mut dice = Dice(0x0bad_5eed_0dde_0001);
    let (admin_id,): (i64,) =
        sqlx::query_as("SELECT id FROM employee WHERE role = 'admin' ORDER BY id LIMIT 1")
            .fetch_one(&db.pool)
            .await?;
    let admin = caller(admin_id, Role::Admin, None);
    let accountant: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM employee WHERE role = 'accountant' ORDER BY id LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    let payer = accountant
        .map(|(id,)| caller(id, Role::Accountant, None))
        .unwrap_or_else(|| admin.clone());
    let mut clients = Vec::new();
    for i in 0..count.div_ceil(4) {
        let name = format!(
            "{} {}",
            FIRST[i % FIRST.len()],
            LAST[(i / FIRST.len() + i) % LAST.len()]
        );
        let input = ClientInput {
            name,
            phones: vec![format!(
                "+7 9{:02} {:03}-{:02}-{:02}",
                10 + i % 90,
                100 + i % 900,
                i % 100,
                (i * 7) % 100
            )],
            email: if i % 3 == 0 {
                format!("client{i}@example.ru")
            } else {
                String::new()
            },
            notes: String::new(),
            consent: i % 2 == 0,
        };
        clients.push(customers::save(db, &hub, &admin, None, input).await?.id);
    }
    let sellers: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, home_location_id FROM employee WHERE role = 'manager' AND active = 1 ORDER BY login",
    )
    .fetch_all(&db.pool)
    .await?;
    let sellers: Vec<(i64, i64)> = sellers
        .into_iter()
        .filter_map(|(id, home)| home.map(|h| (id, h)))
        .collect();
    let process = processes::list(db, &admin, Some(ProcessKind::Order))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::Internal)?;
    let stage = |name: &str| process.stages.iter().find(|s| s.name == name).map(|s| s.id);
    let (Some(confirmed), Some(packed), Some(done), Some(cancelled)) = (
        stage("Подтверждён"),
        stage("Собран"),
        stage("Выдан"),
        stage("Отменён"),
    ) else {
        // An admin reshaped the process: no demo orders then.
        return Ok(());
    };
    let funds = payments::list_funds(db, &admin).await?;
    let now = now_ms();
    for i in 0..count {
        if sellers.is_empty() {
            break;
        }
        let (seller_id, shop) = sellers[i % sellers.len()];
        let seller = caller(seller_id, Role::Manager, Some(shop));
        let stocked: Vec<(i64,)> = sqlx::query_as(
            "SELECT product_id FROM stock_level WHERE location_id = $1 AND on_hand - reserved >= 2000 \
             ORDER BY product_id LIMIT 200",
        )
        .bind(shop)
        .fetch_all(&db.pool)
        .await?;
        if stocked.is_empty() {
            continue;
        }
        let lines = (0..1 + dice.below(3))
            .map(|_| OrderLineInput {
                product_id: stocked[dice.below(stocked.len() as u64) as usize].0,
                location_id: shop,
                qty: Qty(1000),
                price: None,
                discount: Money::ZERO,
            })
            .collect();
        let input = OrderInput {
            process_id: Some(process.id),
            client_id: (dice.below(10) > 0)
                .then(|| clients[dice.below(clients.len() as u64) as usize]),
            shop_id: Some(shop),
            fulfilment: Fulfilment::Pickup,
            pickup_location_id: None,
            delivery_address: String::new(),
            comment: String::new(),
            lines,
        };
        let Ok(order) = orders::create(db, &hub, &seller, input).await else {
            continue;
        };
        let fate = dice.below(100);
        let method = [Method::Cash, Method::Card, Method::Bank][dice.below(3) as usize];
        // Cash and card takings are retail revenue; bank transfers have their own fund.
        let fund = fund_named(
            &funds,
            if method == Method::Bank {
                "Безналичные"
            } else {
                "Розничная"
            },
        );
        let pay = |amount: i64, planned: bool| PaymentInput {
            direction: Direction::In,
            method,
            amount: Money(amount),
            planned,
            paid_at: None,
            fund_id: Some(fund),
            order_id: Some(order.id),
            client_id: None,
            comment: String::new(),
        };
        let total = order.total.0;
        let payment = match fate {
            // Sold: paid in full (the process hands out nothing unpaid).
            0..=49 => Some(pay(total, false)),
            // Packed, waiting for the rest of the money.
            50..=59 => Some(pay(total / 2, false)),
            // Open orders: a prepayment, or a payment expected.
            72..=78 => Some(pay(total / 3, false)),
            79..=84 => Some(pay(total, true)),
            _ => None,
        };
        if let Some(p) = payment.filter(|p| p.amount.0 > 0) {
            payments::record(db, &hub, &payer, p).await?;
        }
        let path: &[i64] = match fate {
            0..=49 => &[confirmed, packed, done],
            50..=59 => &[confirmed, packed],
            60..=71 => &[cancelled],
            72..=84 => &[confirmed],
            85..=91 => &[confirmed, packed],
            _ => &[],
        };
        for to in path {
            orders::move_to(db, &hub, &seller, order.id, *to, "").await?;
        }
        // Some cancelled orders had a prepayment that went back to the client.
        if (60..=65).contains(&fate) && total > 0 {
            payments::record(db, &hub, &payer, pay(total / 2, false)).await?;
            let refund = PaymentInput {
                direction: Direction::Out,
                fund_id: Some(fund_named(&funds, "Возвраты")),
                ..pay(total / 2, false)
            };
            payments::record(db, &hub, &payer, refund).await?;
        }
        // Spread over the last four months.
        let at = now - (1 + dice.below(120) as i64) * DAY - dice.below(DAY as u64) as i64;
        sqlx::query("UPDATE orders SET created_at = $1, updated_at = $1, closed_at = CASE WHEN closed_at IS NULL THEN NULL ELSE $2 END WHERE id = $3")
            .bind(at)
            .bind(at + DAY / 4)
            .bind(order.id)
            .execute(&db.pool)
            .await?;
        sqlx::query("UPDATE order_event SET at = $1 + id % 1000 * 60000 WHERE order_id = $2")
            .bind(at)
            .bind(order.id)
            .execute(&db.pool)
            .await?;
        sqlx::query("UPDATE payment SET paid_at = $1, created_at = $1 WHERE order_id = $2")
            .bind(at + DAY / 3)
            .bind(order.id)
            .execute(&db.pool)
            .await?;
    }
    // Tasks: follow-ups on some orders and clients, for the staff of every role.
    let staff: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, role FROM employee WHERE active = 1 ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    let recent: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, client_id FROM orders ORDER BY created_at DESC LIMIT 60")
            .fetch_all(&db.pool)
            .await?;
    const TITLES: [&str; 6] = [
        "Позвонить клиенту о готовности заказа",
        "Согласовать доставку",
        "Проверить оплату",
        "Подготовить счёт",
        "Заказать недостающий товар со склада",
        "Уточнить адрес доставки",
    ];
    for (n, (order_id, client_id)) in recent.iter().enumerate().step_by(3) {
        if staff.is_empty() {
            break;
        }
        let (assignee, _) = &staff[dice.below(staff.len() as u64) as usize];
        let input = app::tasks::TaskInput {
            kind: ProcessKind::Task,
            title: TITLES[n % TITLES.len()].into(),
            description: String::new(),
            assignee_id: Some(*assignee),
            due_at: Some(now + (dice.below(14) as i64 - 3) * DAY),
            client_id: *client_id,
            order_id: Some(*order_id),
        };
        let task = app::tasks::service::create(db, &hub, &admin, input).await?;
        if n % 2 == 0 {
            if let Some(next) = task.moves.first() {
                app::tasks::service::move_to(db, &hub, &admin, task.id, next.id).await?;
            }
        }
    }
    // Projects: the chain's own undertakings, led by directors and admins.
    const PROJECTS: [(&str, &str); 4] = [
        (
            "Открытие магазина в Нижнем Новгороде",
            "Аренда, ремонт, оборудование, найм, первая поставка со склада.",
        ),
        (
            "Инвентаризация склада «Подольск»",
            "Пересчёт всех ячеек, сверка с учётом, акты расхождений.",
        ),
        (
            "Сезонная распродажа садового инвентаря",
            "Список товаров, скидки, ценники, рассылка клиентам.",
        ),
        (
            "Переход на электронный документооборот",
            "Шаблоны счетов и накладных, подписи, обучение бухгалтерии.",
        ),
    ];
    let leads: Vec<i64> = staff
        .iter()
        .filter(|(_, role)| role == "director" || role == "admin")
        .map(|(id, _)| *id)
        .collect();
    for (n, (title, description)) in PROJECTS.iter().enumerate() {
        let input = app::tasks::TaskInput {
            kind: ProcessKind::Project,
            title: (*title).into(),
            description: (*description).into(),
            assignee_id: leads.get(n % leads.len().max(1)).copied(),
            due_at: Some(now + (14 + 14 * n as i64) * DAY),
            client_id: None,
            order_id: None,
        };
        let mut project = app::tasks::service::create(db, &hub, &admin, input).await?;
        // Some are under way already, one is finished.
        for _ in 0..n % 3 {
            if let Some(next) = project.moves.first() {
                project =
                    app::tasks::service::move_to(db, &hub, &admin, project.id, next.id).await?;
            }
        }
    }
    // The stage notifications of the demo's past are old news.
    sqlx::query(
        "UPDATE notification SET read_at = created_at WHERE kind IN ('order_stage', 'task_stage')",
    )
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The id of the demo fund whose name starts with `prefix` (the first fund otherwise).
fn fund_named(funds: &[app::payments::Fund], prefix: &str) -> i64 {
    funds
        .iter()
        .find(|f| f.name.starts_with(prefix))
        .or(funds.first())
        .map_or(0, |f| f.id)
}
