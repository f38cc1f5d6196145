//! Rules and SQL for client cards.

use super::{Client, ClientHit, ClientInput, Phone, PhoneOwner, ValidClient};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::catalog::search_key;
use crate::db::{flag, now_ms, Db};
use crate::error::AppError;
use crate::live::{hub::Hub, LiveEvent};
use sqlx::AnyConnection;

async fn phones_of(conn: &mut AnyConnection, id: i64) -> Result<Vec<Phone>, AppError> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT phone FROM client_phone WHERE client_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|r| Phone(r.0)).collect())
}

async fn load(conn: &mut AnyConnection, id: i64) -> Result<Client, AppError> {
    let row: Option<(i64, String, String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.name, c.email, c.notes, c.consent, e.name, c.created_at \
         FROM client c JOIN employee e ON e.id = c.created_by WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let (id, name, email, notes, consent, created_by, created_at) =
        row.ok_or(AppError::NotFound)?;
    Ok(Client {
        id,
        name,
        phones: phones_of(conn, id).await?,
        email,
        notes,
        consent: consent != 0,
        created_by,
        created_at,
    })
}

pub async fn get(db: &Db, caller: &Caller, id: i64) -> Result<Client, AppError> {
    caller.require(Action::ViewClients)?;
    let mut conn = db.pool.acquire().await?;
    load(&mut conn, id).await
}

async fn write_phones(conn: &mut AnyConnection, id: i64, phones: &[Phone]) -> Result<(), AppError> {
    sqlx::query("DELETE FROM client_phone WHERE client_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (position, phone) in phones.iter().enumerate() {
        sqlx::query("INSERT INTO client_phone (client_id, phone, position) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(&phone.0)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Creates a card (`id` = None) or saves an edited one, all or nothing. A phone that is
/// already on another card does not stop the save (families share phones); the form
/// flags it beforehand with [`phone_owners`].
#[tracing::instrument(skip_all)]
pub async fn save(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    id: Option<i64>,
    input: ClientInput,
) -> Result<Client, AppError> {
    caller.require(Action::EditClients)?;
    let ValidClient {
        name,
        phones,
        email,
        notes,
        consent,
    } = input.validate()?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = match id {
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO client (name, name_search, email, notes, consent, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
            )
            .bind(&name)
            .bind(search_key(&name))
            .bind(&email)
            .bind(&notes)
            .bind(flag(consent))
            .bind(caller.id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            id
        }
        Some(id) => {
            let done = sqlx::query(
                "UPDATE client SET name = $1, name_search = $2, email = $3, notes = $4, consent = $5, updated_at = $6 \
                 WHERE id = $7",
            )
            .bind(&name)
            .bind(search_key(&name))
            .bind(&email)
            .bind(&notes)
            .bind(flag(consent))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
    };
    write_phones(&mut tx, id, &phones).await?;
    let client = load(&mut tx, id).await?;
    tx.commit().await?;
    hub.publish(LiveEvent::ClientChanged { id });
    Ok(client)
}

/// Cards other than `except` that already carry one of these phones.
pub async fn phone_owners(
    db: &Db,
    caller: &Caller,
    phones: &[String],
    except: Option<i64>,
) -> Result<Vec<PhoneOwner>, AppError> {
    caller.require(Action::ViewClients)?;
    let mut owners = Vec::new();
    for typed in phones.iter().take(5) {
        // Half-typed numbers are not flagged yet.
        let Ok(phone) = Phone::parse(typed) else {
            continue;
        };
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT c.id, c.name FROM client_phone p JOIN client c ON c.id = p.client_id \
             WHERE p.phone = $1 AND c.id <> $2 ORDER BY c.id LIMIT 5",
        )
        .bind(&phone.0)
        .bind(except.unwrap_or(0))
        .fetch_all(&db.pool)
        .await?;
        owners.extend(rows.into_iter().map(|(client_id, name)| PhoneOwner {
            phone: phone.clone(),
            client_id,
            name,
        }));
    }
    Ok(owners)
}

/// Finds clients by a fragment of a phone number (three digits or more) or of the name,
/// newest cards first.
#[tracing::instrument(skip_all)]
pub async fn search(
    db: &Db,
    caller: &Caller,
    query: &str,
    limit: i64,
) -> Result<Vec<ClientHit>, AppError> {
    caller.require(Action::ViewClients)?;
    let limit = limit.clamp(1, 100);
    let query = query.trim();
    let ids: Vec<(i64, String, String)> = if query.is_empty() {
        sqlx::query_as("SELECT id, name, email FROM client ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&db.pool)
            .await?
    } else if let Some(digits) = Phone::search_digits(query) {
        // A number typed with the Russian trunk prefix (8 916…) is stored as 7 916….
        let trunk = match digits.strip_prefix('8') {
            Some(rest) => format!("7{rest}%"),
            None => format!("%{digits}%"),
        };
        sqlx::query_as(
            "SELECT DISTINCT c.id, c.name, c.email FROM client_phone p JOIN client c ON c.id = p.client_id \
             WHERE p.phone LIKE $1 OR p.phone LIKE $2 ORDER BY c.id DESC LIMIT $3",
        )
        .bind(format!("%{digits}%"))
        .bind(trunk)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?
    } else {
        let key = search_key(query).replace(['%', '_'], "");
        sqlx::query_as(
            "SELECT id, name, email FROM client WHERE name_search LIKE $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(format!("%{key}%"))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?
    };
    let mut conn = db.pool.acquire().await?;
    let mut hits = Vec::with_capacity(ids.len());
    for (id, name, email) in ids {
        hits.push(ClientHit {
            id,
            name,
            phones: phones_of(&mut conn, id).await?,
            email,
        });
    }
    Ok(hits)
}
