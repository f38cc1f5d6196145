//! Demo campaigns: a mail template, two campaigns sent last month (most delivered, one
//! address refused by the server, one client unsubscribed through the link) and a draft.
//! Written straight to the tables as history: no mail is sent.

use app::campaigns::{segment, SegmentFilter};
use app::db::{now_ms, Db};
use app::error::AppError;

const DAY: i64 = 86_400_000;

const TEMPLATE_TEXT: &str = "Здравствуйте, {{ client.name }}!\n\n\
В магазинах сети «{{ company.name }}» — новая коллекция к сезону. \
{% if last_order %}Ваш последний заказ {{ last_order.number }} от {{ last_order.date }} \
мы помним: для постоянных клиентов скидка 10 %.{% endif %}\n\n\
Ждём вас{% if shop %} в магазине «{{ shop.name }}», {{ shop.address }}{% endif %}.";

const TEMPLATE_HTML: &str = "<html><body><p>Здравствуйте, {{ client.name }}!</p>\
<p>В магазинах сети «{{ company.name }}» — новая коллекция к сезону.</p>\
{% if shop %}<p>Ждём вас в магазине «{{ shop.name }}», {{ shop.address }}.</p>{% endif %}</body></html>";

pub async fn load(db: &Db) -> Result<(), AppError> {
    let now = now_ms();
    let (admin,): (i64,) = sqlx::query_as("SELECT id FROM employee WHERE login = 'admin'")
        .fetch_one(&db.pool)
        .await?;
    let mut tx = db.begin_write().await?;
    let (template,): (i64,) = sqlx::query_as(
        "INSERT INTO mail_template (name, subject, body_text, body_html, created_by, created_at, updated_at) \
         VALUES ('Новая коллекция', '{{ client.name }}, новая коллекция уже в магазинах', $1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(TEMPLATE_TEXT)
    .bind(TEMPLATE_HTML)
    .bind(admin)
    .bind(now - 40 * DAY)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO segment (name, filter, created_by, created_at, updated_at) VALUES \
         ('Должники', '{\"in_debt\":true}', $1, $2, $2)",
    )
    .bind(admin)
    .bind(now - 40 * DAY)
    .execute(&mut *tx)
    .await?;
    let sent = [
        (
            "Новая коллекция: осень",
            now - 30 * DAY,
            SegmentFilter::default(),
        ),
        (
            "Напоминание об оплате",
            now - 10 * DAY,
            SegmentFilter {
                in_debt: Some(true),
                ..Default::default()
            },
        ),
    ];
    for (n, (name, at, filter)) in sent.into_iter().enumerate() {
        let json = serde_json::to_string(&filter).map_err(|_| AppError::Internal)?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO campaign (name, segment, template_id, subject, body_text, body_html, sender, status, \
             started_at, finished_at, created_by, created_at, updated_at) \
             SELECT $1, $2, id, subject, body_text, body_html, '', 'finished', $3, $4, $5, $3, $4 \
             FROM mail_template WHERE id = $6 RETURNING id",
        )
        .bind(name)
        .bind(&json)
        .bind(at)
        .bind(at + 600_000)
        .bind(admin)
        .bind(template)
        .fetch_one(&mut *tx)
        .await?;
        segment::expand(&mut tx, id, &filter).await?;
        sqlx::query(
            "UPDATE campaign_recipient SET status = 'sent', sent_at = $1 + id * 1000, attempts = 1, \
             reply = '250 2.0.0 Ok: queued' WHERE campaign_id = $2",
        )
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // The first campaign: one address refused, one client unsubscribed through it.
        if n == 0 {
            let rows: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT id, client_id FROM campaign_recipient WHERE campaign_id = $1 ORDER BY id LIMIT 2",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            if let [(failed, failed_client), (left, left_client)] = rows[..] {
                let reply = "550 5.1.1 <mailbox>: Recipient address rejected: User unknown";
                sqlx::query(
                    "UPDATE campaign_recipient SET status = 'failed', sent_at = NULL, reply = $1 WHERE id = $2",
                )
                .bind(reply)
                .bind(failed)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE client SET email_invalid = 1, email_invalid_reason = $1 WHERE id = $2",
                )
                .bind(reply)
                .bind(failed_client)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE campaign_recipient SET status = 'unsubscribed' WHERE id = $1")
                    .bind(left)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE client SET consent = 0, unsubscribed_at = $1, unsubscribed_campaign_id = $2 WHERE id = $3",
                )
                .bind(at + 3 * 3_600_000)
                .bind(id)
                .bind(left_client)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    sqlx::query(
        "INSERT INTO campaign (name, segment, template_id, subject, body_text, body_html, sender, status, \
         created_by, created_at, updated_at) \
         SELECT 'Распродажа в Казани', $1, id, subject, body_text, body_html, '', 'draft', $2, $3, $3 \
         FROM mail_template WHERE id = $4",
    )
    .bind(r#"{"shop_ids":[3]}"#)
    .bind(admin)
    .bind(now - DAY)
    .bind(template)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
