//! Rules and SQL of telephony: every PBX event is merged into its call's row (one row
//! per call id, whatever the order or number of events), the ringing employee's sockets
//! get the pop-up, a missed call becomes a notification; the call log with its scope;
//! the pop-up's card; extensions; Settings → Telephony; click-to-call.

use super::ami::{AmiConfig, Pbx};
use super::{
    check_extension, Call, CallCard, CallEvent, CallResult, CallState, Connector, Direction,
    TelephonySettings, TelephonySettingsInput,
};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::customers::Phone;
use crate::db::{for_update, Db};
use crate::error::{AppError, Conflict, Field, Problem};
use crate::live::{hub::Hub, LiveEvent};
use crate::notify::service::{insert as notify, NewNotification};
use crate::notify::NotificationKind;
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    direction: String,
    started_at: i64,
    answered_at: Option<i64>,
    ended_at: Option<i64>,
    phone: String,
    extension: String,
    recording_url: String,
    employee_id: Option<i64>,
    client_id: Option<i64>,
    result: String,
    missed_note_id: Option<i64>,
}

/// The digits of a number as clients' cards keep them, when it parses as a phone.
fn card_phone(number: &str) -> Option<String> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    Phone::parse(&digits).ok().map(|p| p.0)
}

/// Merges one event into its call (`source` keeps the ids of two PBXs apart); answers
/// the call's row id. Publishes the pop-up to the ringing employee only.
#[tracing::instrument(skip_all, fields(source, call = %ev.call_id))]
pub async fn record(db: &Db, hub: &Hub, source: &str, ev: CallEvent) -> Result<i64, AppError> {
    ev.validate()?;
    let at = ev.at.unwrap_or_else(|| db.now());
    let key = format!("{source}:{}", ev.call_id.trim());
    crate::db::retry_busy(|| record_once(db, hub, &key, &ev, at)).await
}

async fn record_once(
    db: &Db,
    hub: &Hub,
    key: &str,
    ev: &CallEvent,
    at: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO phone_call (call_key, direction, started_at, updated_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (call_key) DO NOTHING",
    )
    .bind(key)
    .bind(ev.direction.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let row: Row = sqlx::query_as(&format!(
        "SELECT id, direction, started_at, answered_at, ended_at, phone, extension, recording_url, \
                employee_id, client_id, result, missed_note_id FROM phone_call WHERE call_key = $1{}",
        for_update(&tx)
    ))
    .bind(key)
    .fetch_one(&mut *tx)
    .await?;
    let before = CallResult::parse(&row.result);
    let mut state = CallState {
        started_at: row.started_at,
        answered_at: row.answered_at,
        ended_at: row.ended_at,
        phone: row.phone,
        extension: row.extension,
        recording_url: row.recording_url,
    };
    state.apply(ev, at);
    let result = state.result();
    let mut employee = row.employee_id;
    let mut shop: Option<i64> = None;
    if employee.is_none() && !state.extension.is_empty() {
        let found: Option<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, home_location_id FROM employee WHERE extension = $1 AND active = 1 ORDER BY id LIMIT 1",
        )
        .bind(&state.extension)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((id, home)) = found {
            employee = Some(id);
            shop = home;
        } else {
            tracing::info!(extension = %state.extension, "a call for an extension nobody has: logged, no pop-up");
        }
    }
    let mut client = row.client_id;
    if client.is_none() {
        if let Some(digits) = card_phone(&state.phone) {
            let found: Option<(i64,)> = sqlx::query_as(
                "SELECT client_id FROM client_phone WHERE phone = $1 ORDER BY client_id LIMIT 1",
            )
            .bind(digits)
            .fetch_optional(&mut *tx)
            .await?;
            client = found.map(|f| f.0);
        }
    }
    sqlx::query(
        "UPDATE phone_call SET started_at = $1, answered_at = $2, ended_at = $3, phone = $4, extension = $5, \
         recording_url = $6, employee_id = $7, shop_id = COALESCE(shop_id, $8), client_id = $9, duration = $10, \
         result = $11, updated_at = $12 WHERE id = $13",
    )
    .bind(state.started_at)
    .bind(state.answered_at)
    .bind(state.ended_at)
    .bind(&state.phone)
    .bind(&state.extension)
    .bind(&state.recording_url)
    .bind(employee)
    .bind(shop)
    .bind(client)
    .bind(state.duration())
    .bind(result.as_str())
    .bind(db.now())
    .bind(row.id)
    .execute(&mut *tx)
    .await?;
    let incoming = row.direction == "in";
    let missed_now = incoming && result == CallResult::Missed && before != CallResult::Missed;
    // An answer that came after the hangup: the "missed call" was not one.
    let unmissed = before == CallResult::Missed && result != CallResult::Missed;
    if let (true, Some(note)) = (unmissed, row.missed_note_id) {
        sqlx::query("DELETE FROM notification WHERE id = $1")
            .bind(note)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE phone_call SET missed_note_id = NULL WHERE id = $1")
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
    }
    if let (true, Some(employee_id)) = (missed_now, employee) {
        let who = match client {
            Some(id) => sqlx::query_as::<_, (String,)>("SELECT name FROM client WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.0),
            None => None,
        };
        let number = card_phone(&state.phone)
            .map(|d| Phone(d).display())
            .unwrap_or_else(|| state.phone.clone());
        let link = match client {
            Some(id) => format!("/clients/{id}"),
            None => "/calls".to_string(),
        };
        let note = notify(
            &mut tx,
            &NewNotification {
                employee_id,
                kind: NotificationKind::MissedCall,
                subject: &number,
                detail: who.as_deref().unwrap_or(""),
                link: &link,
                due_at: None,
            },
            db.now(),
        )
        .await?;
        sqlx::query("UPDATE phone_call SET missed_note_id = $1 WHERE id = $2")
            .bind(note)
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    if let (true, Some(employee_id)) = (incoming, employee) {
        // Once per call: when the ringing employee becomes known, under the row's lock.
        // (With several instances connected to one PBX, each records the same events;
        // the merge is the same and only the first pops the card up.)
        if result == CallResult::Ringing && row.employee_id.is_none() {
            hub.publish(LiveEvent::Call {
                employee_id,
                call: row.id,
            });
        }
        // The pop-up and the call logs on screen show the answer or the end.
        if let Some(id) = client {
            hub.publish(LiveEvent::ClientChanged { id });
        }
        if missed_now || unmissed {
            hub.publish(LiveEvent::Notified { employee_id });
        }
    }
    Ok(row.id)
}

#[derive(sqlx::FromRow)]
struct CallRow {
    id: i64,
    direction: String,
    phone: String,
    client_id: Option<i64>,
    client_name: Option<String>,
    employee_id: Option<i64>,
    employee_name: Option<String>,
    extension: String,
    order_id: Option<i64>,
    order_number: Option<String>,
    started_at: i64,
    answered_at: Option<i64>,
    ended_at: Option<i64>,
    duration: i64,
    result: String,
    recording_url: String,
}

impl From<CallRow> for Call {
    fn from(r: CallRow) -> Call {
        Call {
            id: r.id,
            direction: if r.direction == "out" {
                Direction::Out
            } else {
                Direction::In
            },
            phone: r.phone,
            client_id: r.client_id,
            client_name: r.client_name,
            employee_id: r.employee_id,
            employee_name: r.employee_name,
            extension: r.extension,
            order_id: r.order_id,
            order_number: r.order_number,
            started_at: r.started_at,
            answered_at: r.answered_at,
            ended_at: r.ended_at,
            duration: r.duration,
            result: CallResult::parse(&r.result),
            recording_url: r.recording_url,
        }
    }
}

const CALL_SELECT: &str = "SELECT k.id, k.direction, k.phone, k.client_id, c.name AS client_name, k.employee_id, \
     e.name AS employee_name, k.extension, k.order_id, o.number AS order_number, k.started_at, k.answered_at, \
     k.ended_at, k.duration, k.result, k.recording_url FROM phone_call k \
     LEFT JOIN client c ON c.id = k.client_id LEFT JOIN employee e ON e.id = k.employee_id \
     LEFT JOIN orders o ON o.id = k.order_id";

/// Which calls a caller sees: directors, accountants and admins all; others their own
/// and those of their shops.
fn scope_sql(caller: &Caller, binds: &mut Vec<i64>) -> String {
    if caller.sees_every_shop() {
        return String::new();
    }
    binds.push(caller.id);
    let mut sql = format!(" AND (k.employee_id = ${}", binds.len());
    let shops = caller.shops();
    if !shops.is_empty() {
        let list: Vec<String> = shops
            .iter()
            .map(|s| {
                binds.push(*s);
                format!("${}", binds.len())
            })
            .collect();
        sql.push_str(&format!(" OR k.shop_id IN ({})", list.join(", ")));
    }
    sql.push(')');
    sql
}

/// A filter of the call log.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallFilter {
    pub client_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub order_id: Option<i64>,
    /// From this instant (UTC ms).
    pub from: Option<i64>,
    /// Before this instant.
    pub to: Option<i64>,
}

pub async fn list(
    db: &Db,
    caller: &Caller,
    filter: &CallFilter,
    limit: i64,
) -> Result<Vec<Call>, AppError> {
    caller.require(Action::ViewOrganisation)?;
    let mut binds: Vec<i64> = Vec::new();
    let mut sql = format!("{CALL_SELECT} WHERE 1 = 1");
    for (column, value) in [
        ("k.client_id =", filter.client_id),
        ("k.employee_id =", filter.employee_id),
        ("k.order_id =", filter.order_id),
        ("k.started_at >=", filter.from),
        ("k.started_at <", filter.to),
    ] {
        if let Some(v) = value {
            binds.push(v);
            sql.push_str(&format!(" AND {column} ${}", binds.len()));
        }
    }
    sql.push_str(&scope_sql(caller, &mut binds));
    binds.push(limit.clamp(1, 1000));
    sql.push_str(&format!(
        " ORDER BY k.started_at DESC, k.id DESC LIMIT ${}",
        binds.len()
    ));
    let mut query = sqlx::query_as::<_, CallRow>(&sql);
    for b in binds {
        query = query.bind(b);
    }
    Ok(query
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(Call::from)
        .collect())
}

async fn call_on(conn: &mut AnyConnection, id: i64) -> Result<Call, AppError> {
    let row: Option<CallRow> = sqlx::query_as(&format!("{CALL_SELECT} WHERE k.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.ok_or(AppError::NotFound)?.into())
}

/// The pop-up's card: the call, the clients with this number, the first one's open
/// orders (those the caller may see) and balance. Only the employee it rang for (or a
/// director or admin) opens it.
pub async fn card(db: &Db, caller: &Caller, id: i64) -> Result<CallCard, AppError> {
    caller.require(Action::ViewOrganisation)?;
    let mut conn = db.pool.acquire().await?;
    let call = call_on(&mut conn, id).await?;
    // Another employee's call is not there for them (not even that it exists).
    if call.employee_id != Some(caller.id) && !caller.changes_every_shop() {
        return Err(AppError::NotFound);
    }
    let clients: Vec<(i64, String)> = match card_phone(&call.phone) {
        Some(digits) => {
            sqlx::query_as(
                "SELECT c.id, c.name FROM client_phone p JOIN client c ON c.id = p.client_id \
                 WHERE p.phone = $1 ORDER BY c.id LIMIT 5",
            )
            .bind(digits)
            .fetch_all(&mut *conn)
            .await?
        }
        None => Vec::new(),
    };
    let mut open_orders = Vec::new();
    let mut balance = None;
    if let Some((client_id, _)) = clients.first() {
        let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT o.id, o.number, o.total, o.shop_id FROM orders o JOIN stage s ON s.id = o.stage_id \
             WHERE o.client_id = $1 AND s.kind = 'open' ORDER BY o.created_at DESC LIMIT 10",
        )
        .bind(client_id)
        .fetch_all(&mut *conn)
        .await?;
        open_orders = rows
            .into_iter()
            .filter(|(_, _, _, shop)| caller.sees_shop(*shop))
            .map(|(id, number, total, _)| (id, number, crate::quantity::Money(total)))
            .collect();
        drop(conn);
        balance = crate::payments::service::client_balance(db, caller, *client_id)
            .await
            .ok()
            .map(|b| b.balance);
    }
    Ok(CallCard {
        call,
        clients,
        open_orders,
        balance,
    })
}

/// Links a call to an order (from the pop-up): the caller must see the order and have
/// taken the call, or be a director or admin.
pub async fn link_order(
    db: &Db,
    caller: &Caller,
    id: i64,
    order_id: i64,
) -> Result<Call, AppError> {
    let mut tx = db.begin_write().await?;
    crate::scope::order_for_read(&mut tx, caller, order_id).await?;
    let call = call_on(&mut tx, id).await?;
    if call.employee_id != Some(caller.id) && !caller.changes_every_shop() {
        return Err(AppError::NotFound);
    }
    sqlx::query("UPDATE phone_call SET order_id = $1, updated_at = $2 WHERE id = $3")
        .bind(order_id)
        .bind(db.now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let call = call_on(&mut tx, id).await?;
    tx.commit().await?;
    Ok(call)
}

/// Sets an employee's extension (admins); two active employees never share one.
pub async fn set_extension(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    employee_id: i64,
    extension: &str,
) -> Result<(), AppError> {
    caller.require(Action::ManageOrganisation)?;
    let extension = check_extension(extension)?;
    let mut tx = db.begin_write().await?;
    if !extension.is_empty() {
        let taken: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM employee WHERE extension = $1 AND active = 1 AND id <> $2 LIMIT 1",
        )
        .bind(&extension)
        .bind(employee_id)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(AppError::conflict(Conflict::ExtensionTaken));
        }
    }
    let done = sqlx::query("UPDATE employee SET extension = $1, updated_at = $2 WHERE id = $3")
        .bind(&extension)
        .bind(db.now())
        .bind(employee_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    hub.publish(LiveEvent::EmployeeChanged { id: employee_id });
    Ok(())
}

/// The extensions of active employees (the AMI connector tells outgoing calls by them).
pub async fn extensions(db: &Db) -> Result<Vec<String>, AppError> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT extension FROM employee WHERE extension <> '' AND active = 1")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    connector: String,
    ami_host: String,
    ami_port: i64,
    ami_user: String,
    ami_secret: String,
    ami_context: String,
    webhook_token: String,
    zadarma_key: String,
    zadarma_secret: String,
}

async fn settings_row(db: &Db) -> Result<SettingsRow, AppError> {
    Ok(sqlx::query_as(
        "SELECT connector, ami_host, ami_port, ami_user, ami_secret, ami_context, webhook_token, zadarma_key, \
         zadarma_secret FROM telephony_settings WHERE id = 1",
    )
    .fetch_one(&db.pool)
    .await?)
}

/// The AMI connection to keep, when the connector is Asterisk (`Err`: the settings could
/// not be read now).
pub async fn ami_config(db: &Db) -> super::ami::ConfigRead {
    let row = settings_row(db).await.map_err(|_| ())?;
    Ok(
        (Connector::parse(&row.connector) == Connector::Ami && !row.ami_host.is_empty()).then(
            || AmiConfig {
                host: row.ami_host,
                port: u16::try_from(row.ami_port).unwrap_or(5038),
                user: row.ami_user,
                secret: row.ami_secret,
                context: row.ami_context,
            },
        ),
    )
}

/// The webhook's token: Settings → Telephony, else `VITRINA_TELEPHONY_TOKEN`.
pub async fn webhook_token(db: &Db) -> Result<Option<String>, AppError> {
    let row = settings_row(db).await?;
    let token = if row.webhook_token.is_empty() {
        std::env::var("VITRINA_TELEPHONY_TOKEN").unwrap_or_default()
    } else {
        row.webhook_token
    };
    Ok((!token.trim().is_empty()).then(|| token.trim().to_string()))
}

/// Zadarma's API key and secret, when set.
pub async fn zadarma_keys(db: &Db) -> Result<Option<(String, String)>, AppError> {
    let row = settings_row(db).await?;
    Ok((!row.zadarma_secret.is_empty()).then_some((row.zadarma_key, row.zadarma_secret)))
}

pub async fn settings(db: &Db, pbx: &Pbx, caller: &Caller) -> Result<TelephonySettings, AppError> {
    caller.require(Action::ManageOrganisation)?;
    let row = settings_row(db).await?;
    Ok(TelephonySettings {
        connector: Connector::parse(&row.connector),
        ami_host: row.ami_host,
        ami_port: row.ami_port,
        ami_user: row.ami_user,
        ami_secret_set: !row.ami_secret.is_empty(),
        ami_context: row.ami_context,
        webhook_token_set: !row.webhook_token.is_empty()
            || !std::env::var("VITRINA_TELEPHONY_TOKEN")
                .unwrap_or_default()
                .trim()
                .is_empty(),
        zadarma_key: row.zadarma_key,
        zadarma_secret_set: !row.zadarma_secret.is_empty(),
        ami_state: pbx.state(),
    })
}

pub async fn save_settings(
    db: &Db,
    pbx: &Pbx,
    caller: &Caller,
    input: TelephonySettingsInput,
) -> Result<TelephonySettings, AppError> {
    caller.require(Action::ManageOrganisation)?;
    let long = |t: &str| t.len() > 300;
    if [
        &input.ami_host,
        &input.ami_user,
        &input.ami_secret,
        &input.ami_context,
        &input.webhook_token,
        &input.zadarma_key,
        &input.zadarma_secret,
    ]
    .iter()
    .any(|t| long(t))
    {
        return Err(AppError::invalid(Field::Address, Problem::TooLong));
    }
    let port = if input.ami_port == 0 {
        5038
    } else {
        input.ami_port
    };
    if !(1..=65535).contains(&port) {
        return Err(AppError::invalid(Field::Address, Problem::OutOfRange));
    }
    if input.connector == Connector::Ami && input.ami_host.trim().is_empty() {
        return Err(AppError::invalid(Field::Address, Problem::Required));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE telephony_settings SET connector = $1, ami_host = $2, ami_port = $3, ami_user = $4, \
         ami_secret = CASE WHEN $5 = '' THEN ami_secret ELSE $5 END, ami_context = $6, \
         webhook_token = CASE WHEN $7 = '' THEN webhook_token ELSE $7 END, zadarma_key = $8, \
         zadarma_secret = CASE WHEN $9 = '' THEN zadarma_secret ELSE $9 END, updated_at = $10 WHERE id = 1",
    )
    .bind(input.connector.as_str())
    .bind(input.ami_host.trim())
    .bind(port)
    .bind(input.ami_user.trim())
    .bind(input.ami_secret.trim())
    .bind(if input.ami_context.trim().is_empty() { "from-internal" } else { input.ami_context.trim() })
    .bind(input.webhook_token.trim())
    .bind(input.zadarma_key.trim())
    .bind(input.zadarma_secret.trim())
    .bind(db.now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    settings(db, pbx, caller).await
}

/// Click-to-call: the PBX rings the caller's extension, then `number`. Answers the
/// PBX's reply; its refusal in words.
pub async fn click_to_call(
    db: &Db,
    pbx: &Pbx,
    caller: &Caller,
    number: &str,
) -> Result<String, AppError> {
    caller.require(Action::ViewOrganisation)?;
    let digits = card_phone(number).ok_or(AppError::invalid(Field::Phone, Problem::Invalid))?;
    let (extension,): (String,) = sqlx::query_as("SELECT extension FROM employee WHERE id = $1")
        .bind(caller.id)
        .fetch_one(&db.pool)
        .await?;
    if extension.is_empty() {
        return Err(AppError::NoExtension);
    }
    let row = settings_row(db).await?;
    let outcome = match Connector::parse(&row.connector) {
        Connector::None => return Err(AppError::TelephonyNotConfigured),
        Connector::Ami => pbx.originate(&extension, &digits).await,
        Connector::Zadarma => {
            let base = std::env::var("VITRINA_ZADARMA_API")
                .unwrap_or_else(|_| "https://api.zadarma.com".into());
            super::zadarma::callback(
                &base,
                &row.zadarma_key,
                &row.zadarma_secret,
                &extension,
                &digits,
            )
            .await
        }
    };
    outcome.map_err(|detail| AppError::PbxFailed { detail })
}

/// Keeps this instance's AMI connection while Settings → Telephony names Asterisk.
pub fn spawn_ami(state: &crate::state::AppState) {
    let (db1, db2, db3, hub) = (
        state.db.clone(),
        state.db.clone(),
        state.db.clone(),
        state.hub.clone(),
    );
    super::ami::spawn(
        state.pbx.clone(),
        move || {
            let db = db1.clone();
            async move { ami_config(&db).await }
        },
        move |ev| {
            let (db, hub) = (db2.clone(), hub.clone());
            async move {
                if let Err(e) = record(&db, &hub, "ami", ev).await {
                    tracing::warn!(error = %e, "an AMI call event could not be recorded");
                }
            }
        },
        move || {
            let db = db3.clone();
            async move { extensions(&db).await.ok() }
        },
    );
}
