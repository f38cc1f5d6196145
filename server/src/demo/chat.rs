//! Demo talk: the general chat's last days between shops, warehouse and office, two
//! private chats, and comments on some demo orders. Written straight to the tables with
//! past timestamps (it is history: nobody is notified of it, and everyone has read it).

use app::db::{now_ms, Db};
use app::error::AppError;

const HOUR: i64 = 3_600_000;

/// (author login, text), oldest first; about one an hour over the last days.
const GENERAL: [Line; 24] = [
    ("director", "Доброе утро, коллеги! Сегодня приходит поставка на склад «Подольск», заявки на перемещение — до 12:00."),
    ("seller1", "Тверская: нужен ламинат дуб натуральный, 6 упаковок. Есть у кого-нибудь?"),
    ("storekeeper1", "@seller1 на складе 14 упаковок, могу отправить сегодня вечером."),
    ("seller1", "Отлично, оформляю перемещение, спасибо!"),
    ("seller2", "Арбат: у нас закончились дюбели 6×40, кто может поделиться?"),
    ("seller4", "Есть 3 коробки, забирайте, резерв поставил на ваш заказ."),
    ("accountant", "Напоминаю: безналичные оплаты за прошлую неделю проверены, расхождений нет."),
    ("seller3", "Казань: клиент спрашивает доставку в Набережные Челны — возим?"),
    ("director", "@seller3 возим, через склад, срок 3–4 дня. Адрес укажите в заказе."),
    ("seller5", "Новосибирск на связи. Когда ждать сезонную распродажу?"),
    ("director", "Со следующего понедельника, список товаров пришлю в проекте."),
    ("seller2", "Инструкция по новому терминалу оплаты лежит здесь: https://example.com/terminal"),
    ("storekeeper1", "Машина на Тверскую вышла, будет к 17:00."),
    ("seller1", "Приняли, всё сошлось."),
    ("seller4", "Кто знает, можно ли вернуть краску после колеровки?"),
    ("accountant", "Нельзя, это товар под заказ. Оформляйте как отказ до колеровки."),
    ("seller5", "Принято, спасибо."),
    ("director", "Итоги недели: выручка сети +8% к прошлой. Спасибо всем!"),
    ("seller3", "Ура! 🎉"),
    ("seller2", "@storekeeper1 завтра нужен перфоратор для клиента, на Арбате 0."),
    ("storekeeper1", "@seller2 отправлю утренней машиной."),
    ("seller1", "Клиентка ищет смеситель для кухни с гибким изливом — кто видел аналоги?"),
    ("seller4", "Посмотри альтернативы в карточке, там два похожих, у нас оба есть."),
    ("director", "Коллеги, не забывайте отмечать оплаты в заказах в тот же день."),
];

/// (author login, text)
type Line = (&'static str, &'static str);

/// (title, creator, members, messages).
const PRIVATE: [(&str, &str, &[&str], &[Line]); 2] = [
    (
        "Склад и магазины Москвы",
        "storekeeper1",
        &["seller1", "seller2", "storekeeper1"],
        &[
            (
                "storekeeper1",
                "Здесь согласуем перемещения со склада на Тверскую и Арбат.",
            ),
            ("seller1", "На пятницу нужно 10 упаковок плитки «Марсель»."),
            ("storekeeper1", "Поставил в план, отправлю в четверг."),
            ("seller2", "Мне тоже 4 упаковки, если останутся."),
        ],
    ),
    (
        "",
        "accountant",
        &["accountant", "director"],
        &[
            (
                "accountant",
                "Сергей Петрович, по Казани два заказа с долгом больше месяца.",
            ),
            (
                "director",
                "Передайте Айгуль, пусть позвонит клиентам на этой неделе.",
            ),
        ],
    ),
];

const COMMENTS: [&str; 6] = [
    "Клиент просил позвонить за час до доставки.",
    "Оплата частично наличными, остаток переводом.",
    "Проверить комплектацию перед выдачей.",
    "Клиент постоянный, скидка согласована с директором.",
    "Перенесли выдачу на субботу по просьбе клиента.",
    "Нужен счёт на юрлицо, реквизиты в карточке клиента.",
];

async fn id_of(db: &Db, login: &str) -> Result<Option<i64>, AppError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM employee WHERE login = $1")
        .bind(login)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| r.0))
}

async fn write(db: &Db, chat: i64, author: i64, body: &str, at: i64) -> Result<i64, AppError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO message (chat_id, author_id, body, body_fold, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(chat)
    .bind(author)
    .bind(body)
    .bind(body.to_lowercase())
    .bind(at)
    .fetch_one(&db.pool)
    .await?;
    sqlx::query("UPDATE chat SET last_message_at = $1 WHERE id = $2")
        .bind(at)
        .bind(chat)
        .execute(&db.pool)
        .await?;
    Ok(id)
}

/// Everyone has read everything in `chat` up to `last`.
async fn all_read(db: &Db, chat: i64, last: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO chat_member (chat_id, employee_id, last_read_id) \
         SELECT $1, id, $2 FROM employee WHERE NOT EXISTS \
           (SELECT 1 FROM chat_member m WHERE m.chat_id = $1 AND m.employee_id = employee.id)",
    )
    .bind(chat)
    .bind(last)
    .execute(&db.pool)
    .await?;
    sqlx::query("UPDATE chat_member SET last_read_id = $1 WHERE chat_id = $2")
        .bind(last)
        .bind(chat)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn load(db: &Db) -> Result<(), AppError> {
    let now = now_ms();
    let general = app::chat::GENERAL_CHAT;
    let mut last = 0;
    let start = now - GENERAL.len() as i64 * 3 * HOUR;
    for (i, (login, text)) in GENERAL.iter().enumerate() {
        if let Some(author) = id_of(db, login).await? {
            last = write(db, general, author, text, start + i as i64 * 3 * HOUR).await?;
        }
    }
    all_read(db, general, last).await?;
    for (title, creator, members, messages) in PRIVATE {
        let Some(creator) = id_of(db, creator).await? else {
            continue;
        };
        let (chat,): (i64,) = sqlx::query_as(
            "INSERT INTO chat (kind, title, created_by, created_at) VALUES ('private', $1, $2, $3) RETURNING id",
        )
        .bind(title)
        .bind(creator)
        .bind(now - 7 * 24 * HOUR)
        .fetch_one(&db.pool)
        .await?;
        for login in members {
            if let Some(member) = id_of(db, login).await? {
                sqlx::query("INSERT INTO chat_member (chat_id, employee_id) VALUES ($1, $2)")
                    .bind(chat)
                    .bind(member)
                    .execute(&db.pool)
                    .await?;
            }
        }
        let mut last = 0;
        for (i, (login, text)) in messages.iter().enumerate() {
            if let Some(author) = id_of(db, login).await? {
                last = write(db, chat, author, text, now - (48 - i as i64 * 5) * HOUR).await?;
            }
        }
        sqlx::query("UPDATE chat_member SET last_read_id = $1 WHERE chat_id = $2")
            .bind(last)
            .bind(chat)
            .execute(&db.pool)
            .await?;
    }
    // Comments by the order's manager on every tenth demo order.
    let orders: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, manager_id, created_at FROM orders WHERE id % 10 = 0 ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    for (n, (order, manager, at)) in orders.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO comment (record_kind, record_id, author_id, body, created_at) VALUES ('order', $1, $2, $3, $4)",
        )
        .bind(order)
        .bind(manager)
        .bind(COMMENTS[n % COMMENTS.len()])
        .bind(at + HOUR)
        .execute(&db.pool)
        .await?;
        sqlx::query(
            "INSERT INTO record_follower (record_kind, record_id, employee_id) VALUES ('order', $1, $2) \
             ON CONFLICT (record_kind, record_id, employee_id) DO NOTHING",
        )
        .bind(order)
        .bind(manager)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}
