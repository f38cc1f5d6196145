//! Rules and SQL of campaigns, mail templates, saved segments and Settings → Mail.
//! Admins and directors design and send; managers see campaigns with only their shops'
//! clients among the recipients and in the counts; admins set the mail server.

use super::mailer::{mask_url, Mailer, Outcome};
use super::queue;
use super::render::{self, MailContext};
use super::{
    check_content, Campaign, CampaignCommand as Command, CampaignInput, CampaignStatus, ClientMail,
    MailSettings, MailSettingsInput, MailTemplate, MailTemplateInput, ReceivedCampaign, Recipient,
    RecipientStatus, Rendered, Segment, SegmentCount, SegmentFilter,
};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{for_update, Db};
use crate::error::{AppError, Conflict, Field, Problem};
use sqlx::AnyConnection;
use std::time::Duration;

/// The mail server as configured: Settings → Mail, else the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    pub smtp_url: String,
    pub mail_from: String,
    pub rate_per_minute: i64,
    pub connections: i64,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    smtp_url: String,
    mail_from: String,
    rate_per_minute: i64,
    connections: i64,
    bounce_token: String,
}

async fn settings_row(db: &Db) -> Result<SettingsRow, AppError> {
    Ok(sqlx::query_as(
        "SELECT smtp_url, mail_from, rate_per_minute, connections, bounce_token FROM mail_settings WHERE id = 1",
    )
    .fetch_one(&db.pool)
    .await?)
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_default().trim().to_string()
}

/// The effective settings; `None` when no SMTP server or sender is set anywhere.
pub async fn mail_config(db: &Db) -> Result<Option<MailConfig>, AppError> {
    let row = settings_row(db).await?;
    let smtp_url = if row.smtp_url.is_empty() {
        env("VITRINA_SMTP_URL")
    } else {
        row.smtp_url
    };
    let mail_from = if row.mail_from.is_empty() {
        env("VITRINA_MAIL_FROM")
    } else {
        row.mail_from
    };
    if smtp_url.is_empty() || mail_from.is_empty() {
        return Ok(None);
    }
    Ok(Some(MailConfig {
        smtp_url,
        mail_from,
        rate_per_minute: row.rate_per_minute,
        connections: row.connections,
    }))
}

/// The transport for a configuration; the SMTP timeout stays under the queue's lease.
pub fn mailer_for(config: &MailConfig) -> Result<Mailer, AppError> {
    let timeout = Duration::from_millis((queue::lease_ms() / 2).max(1000) as u64);
    Mailer::new(
        &config.smtp_url,
        &config.mail_from,
        config.connections.clamp(1, 50) as u32,
        timeout,
    )
    .map_err(|e| AppError::MailSettings {
        detail: e.to_string(),
    })
}

pub async fn settings(db: &Db, caller: &Caller) -> Result<MailSettings, AppError> {
    caller.require(Action::ManageMail)?;
    let row = settings_row(db).await?;
    let from_env = row.smtp_url.is_empty();
    let url = if from_env {
        env("VITRINA_SMTP_URL")
    } else {
        row.smtp_url
    };
    Ok(MailSettings {
        smtp_url: mask_url(&url),
        smtp_from_env: from_env && !url.is_empty(),
        mail_from: if row.mail_from.is_empty() {
            env("VITRINA_MAIL_FROM")
        } else {
            row.mail_from
        },
        rate_per_minute: row.rate_per_minute,
        connections: row.connections,
        bounce_token_set: !row.bounce_token.is_empty() || !env("VITRINA_BOUNCE_TOKEN").is_empty(),
        public_url: super::unsubscribe::public_url(),
    })
}

pub async fn save_settings(
    db: &Db,
    caller: &Caller,
    input: MailSettingsInput,
) -> Result<MailSettings, AppError> {
    caller.require(Action::ManageMail)?;
    if !(1..=1_000_000).contains(&input.rate_per_minute) {
        return Err(AppError::invalid(Field::Amount, Problem::OutOfRange));
    }
    if !(1..=50).contains(&input.connections) {
        return Err(AppError::invalid(Field::Quantity, Problem::OutOfRange));
    }
    let url = input.smtp_url.trim();
    if url.len() > 1000 || input.mail_from.len() > 300 || input.bounce_token.len() > 200 {
        return Err(AppError::invalid(Field::Address, Problem::TooLong));
    }
    let from = input.mail_from.trim();
    // Checked by building a transport (a masked URL sent back is not a new one).
    if !url.is_empty() && !url.contains('•') {
        let probe = MailConfig {
            smtp_url: url.to_string(),
            mail_from: if from.is_empty() {
                "probe@example.org".into()
            } else {
                from.to_string()
            },
            rate_per_minute: input.rate_per_minute,
            connections: input.connections,
        };
        mailer_for(&probe)?;
    } else if !from.is_empty() && from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(AppError::invalid(Field::Email, Problem::Invalid));
    }
    let mut tx = db.begin_write().await?;
    let keep_url = url.is_empty() || url.contains('•');
    sqlx::query(
        "UPDATE mail_settings SET smtp_url = CASE WHEN $1 = 1 THEN '' WHEN $2 = 1 THEN smtp_url ELSE $3 END, \
         mail_from = $4, rate_per_minute = $5, connections = $6, \
         bounce_token = CASE WHEN $7 = '' THEN bounce_token ELSE $7 END, updated_at = $8 WHERE id = 1",
    )
    .bind(i64::from(input.clear_smtp))
    .bind(i64::from(keep_url))
    .bind(url)
    .bind(from)
    .bind(input.rate_per_minute)
    .bind(input.connections)
    .bind(input.bounce_token.trim())
    .bind(db.now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    settings(db, caller).await
}

// ---------------------------------------------------------------- segments

/// The shops whose clients a caller may see in campaigns: `None` for all.
fn client_scope(caller: &Caller) -> Option<Vec<i64>> {
    if caller.changes_every_shop() {
        None
    } else {
        Some(caller.shops())
    }
}

/// The live count as a filter is built.
pub async fn count(
    db: &Db,
    caller: &Caller,
    filter: &SegmentFilter,
) -> Result<SegmentCount, AppError> {
    caller.require(Action::ViewCampaigns)?;
    let scope = client_scope(caller);
    let mut conn = db.pool.acquire().await?;
    super::segment::count(&mut conn, filter, scope.as_deref()).await
}

pub async fn segments(db: &Db, caller: &Caller) -> Result<Vec<Segment>, AppError> {
    caller.require(Action::ViewCampaigns)?;
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, filter FROM segment ORDER BY name")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, filter)| Segment {
            id,
            name,
            filter: serde_json::from_str(&filter).unwrap_or_default(),
        })
        .collect())
}

/// Saves a filter by name (a name already saved is overwritten).
pub async fn save_segment(
    db: &Db,
    caller: &Caller,
    name: &str,
    filter: SegmentFilter,
) -> Result<Segment, AppError> {
    caller.require(Action::ManageCampaigns)?;
    let name = crate::org::text(name, Field::Name, 200)?;
    filter.validate()?;
    let json = serde_json::to_string(&filter).map_err(|_| AppError::Internal)?;
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO segment (name, filter, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
         ON CONFLICT (name) DO UPDATE SET filter = excluded.filter, updated_at = excluded.updated_at RETURNING id",
    )
    .bind(&name)
    .bind(&json)
    .bind(caller.id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Segment { id, name, filter })
}

// ---------------------------------------------------------------- templates

pub async fn templates(db: &Db, caller: &Caller) -> Result<Vec<MailTemplate>, AppError> {
    caller.require(Action::ViewCampaigns)?;
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, name, subject, body_text, body_html FROM mail_template ORDER BY name",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, subject, text, html)| MailTemplate {
            id,
            name,
            subject,
            text,
            html,
        })
        .collect())
}

async fn template_on(conn: &mut AnyConnection, id: i64) -> Result<MailTemplate, AppError> {
    let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, name, subject, body_text, body_html FROM mail_template WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let (id, name, subject, text, html) = row.ok_or(AppError::NotFound)?;
    Ok(MailTemplate {
        id,
        name,
        subject,
        text,
        html,
    })
}

/// Renders content on a sample so a template that does not render is refused on save.
fn check_renders(subject: &str, text: &str, html: &str) -> Result<(), AppError> {
    check_content(subject, text, html)?;
    render::render(subject, text, html, &sample_context()).map(|_| ())
}

fn sample_context() -> MailContext {
    MailContext {
        client: render::ClientPart {
            id: 0,
            name: "Иван Петров".into(),
            email: "ivan@example.ru".into(),
            phone: "+7 916 123-45-67".into(),
        },
        last_order: None,
        balance: render::money_text(0),
        debt: render::money_text(0),
        shop: None,
        company: render::NamePart {
            name: String::new(),
        },
        campaign: render::NamePart {
            name: String::new(),
        },
        unsubscribe_url: format!("{}/unsubscribe/0/preview", super::unsubscribe::public_url()),
        reachable: true,
        consent: true,
    }
}

/// Creates (`id` None) or saves a template (admins and directors).
pub async fn save_template(
    db: &Db,
    caller: &Caller,
    id: Option<i64>,
    input: MailTemplateInput,
) -> Result<MailTemplate, AppError> {
    caller.require(Action::ManageCampaigns)?;
    let name = crate::org::text(&input.name, Field::Name, 200)?;
    check_renders(&input.subject, &input.text, &input.html)?;
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let id = match id {
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO mail_template (name, subject, body_text, body_html, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(&name)
            .bind(input.subject.trim())
            .bind(&input.text)
            .bind(&input.html)
            .bind(caller.id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(name_taken)?;
            id
        }
        Some(id) => {
            let done = sqlx::query(
                "UPDATE mail_template SET name = $1, subject = $2, body_text = $3, body_html = $4, updated_at = $5 WHERE id = $6",
            )
            .bind(&name)
            .bind(input.subject.trim())
            .bind(&input.text)
            .bind(&input.html)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(name_taken)?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
    };
    let saved = template_on(&mut tx, id).await?;
    tx.commit().await?;
    Ok(saved)
}

fn name_taken(e: sqlx::Error) -> AppError {
    match AppError::from(e) {
        AppError::Conflict { .. } => AppError::conflict(Conflict::TemplateNameTaken),
        other => other,
    }
}

/// Renders content for a real client (the editor's live preview).
pub async fn preview(
    db: &Db,
    caller: &Caller,
    subject: &str,
    text: &str,
    html: &str,
    client_id: Option<i64>,
) -> Result<Rendered, AppError> {
    // Designers only: a preview shows a client's last order, whatever their shop.
    caller.require(Action::ManageCampaigns)?;
    if subject.len() > super::MAX_BODY
        || text.len() > super::MAX_BODY
        || html.len() > super::MAX_BODY
    {
        return Err(AppError::invalid(Field::Message, Problem::TooLong));
    }
    let ctx = match client_id {
        Some(id) => {
            let mut conn = db.pool.acquire().await?;
            render::context(
                &mut conn,
                id,
                "",
                format!("{}/unsubscribe/0/preview", super::unsubscribe::public_url()),
            )
            .await?
        }
        None => sample_context(),
    };
    render::render(subject, text, html, &ctx)
}

/// Sends the content, rendered for a client (or the sample), to one address: the test
/// a designer sends to themselves. Answers the server's reply.
pub async fn test_send(
    db: &Db,
    caller: &Caller,
    subject: &str,
    text: &str,
    html: &str,
    client_id: Option<i64>,
    to: &str,
) -> Result<String, AppError> {
    caller.require(Action::ManageCampaigns)?;
    let to = to.trim();
    if to.parse::<lettre::message::Mailbox>().is_err() {
        return Err(AppError::invalid(Field::Email, Problem::Invalid));
    }
    check_content(subject, text, html)?;
    let rendered = preview(db, caller, subject, text, html, client_id).await?;
    let config = mail_config(db).await?.ok_or(AppError::MailNotConfigured)?;
    let mailer = mailer_for(&config)?;
    match mailer.send("", to, &rendered, None).await {
        Outcome::Sent(reply) => Ok(reply),
        Outcome::Permanent(reply) | Outcome::Transient(reply) | Outcome::Unsendable(reply) => {
            Err(AppError::MailServer { detail: reply })
        }
    }
}

// ---------------------------------------------------------------- campaigns

#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: i64,
    name: String,
    status: String,
    segment: String,
    template_id: Option<i64>,
    subject: String,
    body_text: String,
    body_html: String,
    sender: String,
    scheduled_at: Option<i64>,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    created_by: String,
    created_at: i64,
}

const CAMPAIGN_COLUMNS: &str = "c.id, c.name, c.status, c.segment, c.template_id, c.subject, c.body_text, \
     c.body_html, c.sender, c.scheduled_at, c.started_at, c.finished_at, e.name AS created_by, c.created_at";

async fn campaign_on(
    conn: &mut AnyConnection,
    id: i64,
    scope: Option<&[i64]>,
) -> Result<Campaign, AppError> {
    let row: Option<CampaignRow> = sqlx::query_as(&format!(
        "SELECT {CAMPAIGN_COLUMNS} FROM campaign c JOIN employee e ON e.id = c.created_by WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    let counts = queue::counts(conn, id, scope).await?;
    Ok(Campaign {
        id: row.id,
        name: row.name,
        status: CampaignStatus::parse(&row.status).unwrap_or(CampaignStatus::Draft),
        segment: serde_json::from_str(&row.segment).unwrap_or_default(),
        template_id: row.template_id,
        subject: row.subject,
        text: row.body_text,
        html: row.body_html,
        sender: row.sender,
        scheduled_at: row.scheduled_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
        created_by: row.created_by,
        created_at: row.created_at,
        counts,
    })
}

/// A campaign's filter as stored (read when it starts).
pub async fn filter_of(conn: &mut AnyConnection, id: i64) -> Result<SegmentFilter, AppError> {
    let (json,): (String,) = sqlx::query_as("SELECT segment FROM campaign WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    serde_json::from_str(&json).map_err(|_| AppError::Internal)
}

/// What a sender needs of a campaign: name, content, sender.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Content {
    pub name: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub sender: String,
}

pub async fn content(db: &Db, id: i64) -> Result<Content, AppError> {
    Ok(sqlx::query_as(
        "SELECT name, subject, body_text, body_html, sender FROM campaign WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await?)
}

pub async fn list(db: &Db, caller: &Caller) -> Result<Vec<Campaign>, AppError> {
    caller.require(Action::ViewCampaigns)?;
    let scope = client_scope(caller);
    let mut conn = db.pool.acquire().await?;
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM campaign ORDER BY id DESC LIMIT 200")
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(ids.len());
    for (id,) in ids {
        out.push(campaign_on(&mut conn, id, scope.as_deref()).await?);
    }
    Ok(out)
}

pub async fn get(db: &Db, caller: &Caller, id: i64) -> Result<Campaign, AppError> {
    caller.require(Action::ViewCampaigns)?;
    let scope = client_scope(caller);
    let mut conn = db.pool.acquire().await?;
    campaign_on(&mut conn, id, scope.as_deref()).await
}

/// The content of an input: the template's, or its own.
async fn content_of(
    conn: &mut AnyConnection,
    input: &CampaignInput,
) -> Result<(String, String, String), AppError> {
    let (subject, text, html) = match input.template_id {
        Some(id) => {
            let t = template_on(conn, id).await.map_err(|e| match e {
                AppError::NotFound => AppError::invalid(Field::Template, Problem::NotFound),
                other => other,
            })?;
            (t.subject, t.text, t.html)
        }
        None => (
            input.subject.trim().to_string(),
            input.text.clone(),
            input.html.clone().unwrap_or_default(),
        ),
    };
    check_renders(&subject, &text, &html)?;
    Ok((subject, text, html))
}

fn check_sender(sender: &str) -> Result<(), AppError> {
    let sender = sender.trim();
    if !sender.is_empty() && sender.parse::<lettre::message::Mailbox>().is_err() {
        return Err(AppError::invalid(Field::Email, Problem::Invalid));
    }
    Ok(())
}

/// Saves a new campaign as a draft (`id` None), or edits a draft.
pub async fn save(
    db: &Db,
    caller: &Caller,
    id: Option<i64>,
    input: CampaignInput,
) -> Result<Campaign, AppError> {
    caller.require(Action::ManageCampaigns)?;
    let name = input.validate_name()?;
    input.segment.validate()?;
    check_sender(&input.sender)?;
    if input
        .scheduled_at
        .is_some_and(|at| !(0..=4_102_444_800_000).contains(&at))
    {
        return Err(AppError::invalid(Field::Period, Problem::OutOfRange));
    }
    let segment = serde_json::to_string(&input.segment).map_err(|_| AppError::Internal)?;
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let (subject, text, html) = content_of(&mut tx, &input).await?;
    let id = match id {
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO campaign (name, segment, template_id, subject, body_text, body_html, sender, status, \
                 scheduled_at, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10, $10) RETURNING id",
            )
            .bind(&name)
            .bind(&segment)
            .bind(input.template_id)
            .bind(&subject)
            .bind(&text)
            .bind(&html)
            .bind(input.sender.trim())
            .bind(input.scheduled_at)
            .bind(caller.id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            id
        }
        Some(id) => {
            let done = sqlx::query(
                "UPDATE campaign SET name = $1, segment = $2, template_id = $3, subject = $4, body_text = $5, \
                 body_html = $6, sender = $7, scheduled_at = $8, updated_at = $9 WHERE id = $10 AND status = 'draft'",
            )
            .bind(&name)
            .bind(&segment)
            .bind(input.template_id)
            .bind(&subject)
            .bind(&text)
            .bind(&html)
            .bind(input.sender.trim())
            .bind(input.scheduled_at)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                campaign_on(&mut tx, id, None).await?;
                return Err(AppError::conflict(Conflict::CampaignStarted));
            }
            id
        }
    };
    let campaign = campaign_on(&mut tx, id, None).await?;
    tx.commit().await?;
    Ok(campaign)
}

/// Starts, pauses, resumes or cancels. Starting expands the segment into the queue in
/// the same transaction (or schedules it, when its time is in the future); it needs a
/// mail server configured. A command that does not fit the state is 409.
pub async fn command(
    db: &Db,
    caller: &Caller,
    id: i64,
    command: Command,
) -> Result<Campaign, AppError> {
    caller.require(Action::ManageCampaigns)?;
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let row: Option<(String, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT status, scheduled_at FROM campaign WHERE id = $1{}",
        for_update(&tx)
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let (status, scheduled_at) = row.ok_or(AppError::NotFound)?;
    let status = CampaignStatus::parse(&status).unwrap_or(CampaignStatus::Draft);
    let next = match (command, status) {
        (Command::Start, CampaignStatus::Draft) if scheduled_at.is_some_and(|at| at > now) => {
            CampaignStatus::Scheduled
        }
        (Command::Start, CampaignStatus::Draft) => CampaignStatus::Running,
        (Command::Pause, CampaignStatus::Running) => CampaignStatus::Paused,
        (Command::Resume, CampaignStatus::Paused) => CampaignStatus::Running,
        (
            Command::Cancel,
            CampaignStatus::Draft
            | CampaignStatus::Scheduled
            | CampaignStatus::Running
            | CampaignStatus::Paused,
        ) => CampaignStatus::Cancelled,
        _ => return Err(AppError::conflict(Conflict::CampaignState)),
    };
    if matches!(command, Command::Start | Command::Resume) {
        mail_config(db).await?.ok_or(AppError::MailNotConfigured)?;
    }
    sqlx::query(
        "UPDATE campaign SET status = $1, updated_at = $2, \
         started_at = CASE WHEN $3 = 1 THEN $2 ELSE started_at END, \
         finished_at = CASE WHEN $1 = 'cancelled' THEN $2 ELSE finished_at END WHERE id = $4",
    )
    .bind(next.as_str())
    .bind(now)
    .bind(i64::from(
        next == CampaignStatus::Running && status == CampaignStatus::Draft,
    ))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if next == CampaignStatus::Running && status == CampaignStatus::Draft {
        let filter = filter_of(&mut tx, id).await?;
        let n = super::segment::expand(&mut tx, id, &filter).await?;
        tracing::info!(campaign = id, recipients = n, "campaign started");
    }
    if next == CampaignStatus::Cancelled {
        sqlx::query(
            "UPDATE campaign_recipient SET status = 'cancelled' WHERE campaign_id = $1 AND status = 'queued'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let campaign = campaign_on(&mut tx, id, None).await?;
    tx.commit().await?;
    if caller.changes_every_shop() {
        Ok(campaign)
    } else {
        get(db, caller, id).await
    }
}

/// A campaign's recipients, newest first; `status` filters; a manager sees only their
/// shops' clients.
pub async fn recipients(
    db: &Db,
    caller: &Caller,
    id: i64,
    status: Option<RecipientStatus>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Recipient>, AppError> {
    caller.require(Action::ViewCampaigns)?;
    let scope = client_scope(caller);
    let mut conn = db.pool.acquire().await?;
    // 404 for a campaign that does not exist, not an empty list.
    sqlx::query_as::<_, (i64,)>("SELECT id FROM campaign WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let (limit_sql, scope_binds) = queue::scope_sql(scope.as_deref(), 5);
    let sql = format!(
        "SELECT r.id, r.client_id, c.name, r.email, r.status, r.attempts, r.sent_at, r.reply \
         FROM campaign_recipient r JOIN client c ON c.id = r.client_id \
         WHERE r.campaign_id = $1 AND ($2 = '' OR r.status = $2){limit_sql} ORDER BY r.id LIMIT $3 OFFSET $4"
    );
    let mut query =
        sqlx::query_as::<_, (i64, i64, String, String, String, i64, Option<i64>, String)>(&sql)
            .bind(id)
            .bind(status.map(|s| s.as_str()).unwrap_or(""))
            .bind(limit.clamp(1, 1000))
            .bind(offset.clamp(0, i64::MAX / 2));
    for b in scope_binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, client_id, client_name, email, status, attempts, sent_at, reply)| Recipient {
                id,
                client_id,
                client_name,
                email,
                status: RecipientStatus::parse(&status).unwrap_or(RecipientStatus::Queued),
                attempts,
                sent_at,
                reply,
            },
        )
        .collect())
}

/// What a client's card shows of their mail.
pub async fn client_mail(db: &Db, caller: &Caller, client_id: i64) -> Result<ClientMail, AppError> {
    caller.require(Action::ViewClients)?;
    let mut conn = db.pool.acquire().await?;
    let row: Option<(Option<i64>, Option<String>, i64, String)> = sqlx::query_as(
        "SELECT c.unsubscribed_at, k.name, c.email_invalid, c.email_invalid_reason FROM client c \
         LEFT JOIN campaign k ON k.id = c.unsubscribed_campaign_id WHERE c.id = $1",
    )
    .bind(client_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (unsubscribed_at, unsubscribed_from, invalid, reason) = row.ok_or(AppError::NotFound)?;
    let rows: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT k.id, k.name, r.status, r.sent_at FROM campaign_recipient r JOIN campaign k ON k.id = r.campaign_id \
         WHERE r.client_id = $1 ORDER BY r.id DESC LIMIT 100",
    )
    .bind(client_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ClientMail {
        campaigns: rows
            .into_iter()
            .map(|(campaign_id, name, status, sent_at)| ReceivedCampaign {
                campaign_id,
                name,
                status: RecipientStatus::parse(&status).unwrap_or(RecipientStatus::Queued),
                sent_at,
            })
            .collect(),
        unsubscribed_at,
        unsubscribed_from,
        email_invalid: invalid == 1,
        email_invalid_reason: reason,
    })
}
