//! Authentication and authorisation rules: password hashes, sessions, API tokens, the
//! login throttle and the one guard every entry point goes through.

use super::{Action, ApiTokenInfo, Me, NewApiToken, Role, SESSION_COOKIE};
use crate::db::{now_ms, Db};
use crate::error::{AppError, Field, Problem};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use http::HeaderMap;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long a browser session lasts without signing in again.
pub const SESSION_TTL_MS: i64 = 30 * 24 * 3600 * 1000;
/// More than this many failed logins for one login within [`THROTTLE_WINDOW_MS`] answers 429.
pub const MAX_FAILURES: i64 = 10;
pub const THROTTLE_WINDOW_MS: i64 = 60_000;

/// Who is calling, established from a session cookie or a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub home_location_id: Option<i64>,
}

impl Caller {
    /// The one authorisation check: refuses with 403 when the role may not do `action`.
    pub fn require(&self, action: Action) -> Result<&Self, AppError> {
        if action.allowed(self.role) {
            Ok(self)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Hashes a password with Argon2id (default parameters), off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "password hashing failed");
                AppError::Internal
            })
    })
    .await
    .map_err(|_| AppError::Internal)?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A fresh random secret (256 bits, hex) and the SHA-256 we store instead of it.
fn new_secret() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = hash_secret(&secret);
    (secret, hash)
}

fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

type CallerRow = (i64, String, String, String, Option<i64>);
/// id, login, name, role, home location, password hash, active
type LoginRow = (i64, String, String, String, Option<i64>, String, i64);
/// id, name, employee id, employee name, created, last used, revoked
type TokenRow = (i64, String, i64, String, i64, Option<i64>, Option<i64>);

fn caller_from(row: CallerRow) -> Result<Caller, AppError> {
    let (id, login, name, role, home_location_id) = row;
    Ok(Caller {
        id,
        login,
        name,
        role: Role::parse(&role).ok_or(AppError::Internal)?,
        home_location_id,
    })
}

/// An active employee as a caller (to check what they may see before telling them).
pub async fn employee_as_caller(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<Caller>, AppError> {
    let row: Option<CallerRow> = sqlx::query_as(
        "SELECT id, login, name, role, home_location_id FROM employee WHERE id = $1 AND active = 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(caller_from).transpose()
}

/// Result of a successful login: the session secret (cookie value and bearer token).
pub struct LoginOutcome {
    pub token: String,
    pub caller: Caller,
}

/// Checks the password, throttles repeated failures, and opens a session.
#[tracing::instrument(skip_all, fields(login = %login))]
pub async fn login(db: &Db, login: &str, password: &str) -> Result<LoginOutcome, AppError> {
    let login = login.trim().to_lowercase();
    if login.is_empty() {
        return Err(AppError::invalid(Field::Login, Problem::Required));
    }
    if password.is_empty() {
        return Err(AppError::invalid(Field::Password, Problem::Required));
    }
    let now = now_ms();
    let (failures,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM login_failure WHERE login = $1 AND failed_at > $2")
            .bind(&login)
            .bind(now - THROTTLE_WINDOW_MS)
            .fetch_one(&db.pool)
            .await?;
    if failures >= MAX_FAILURES {
        return Err(AppError::TooManyAttempts);
    }
    let row: Option<LoginRow> = sqlx::query_as(
        "SELECT id, login, name, role, home_location_id, password_hash, active \
         FROM employee WHERE login = $1",
    )
    .bind(&login)
    .fetch_optional(&db.pool)
    .await?;
    // Verify against a fixed hash when the login is unknown, so timing does not tell.
    let (hash, found) = match &row {
        Some(r) => (r.5.clone(), true),
        None => (DUMMY_HASH.to_string(), false),
    };
    let ok = verify_password(password.to_string(), hash).await && found;
    let Some((id, login_db, name, role, home, _, active)) = row.filter(|_| ok) else {
        sqlx::query("DELETE FROM login_failure WHERE failed_at < $1")
            .bind(now - 3600 * 1000)
            .execute(&db.pool)
            .await?;
        sqlx::query("INSERT INTO login_failure (login, failed_at) VALUES ($1, $2)")
            .bind(&login)
            .bind(now)
            .execute(&db.pool)
            .await?;
        return Err(AppError::InvalidCredentials);
    };
    if active == 0 {
        return Err(AppError::AccountInactive);
    }
    let caller = caller_from((id, login_db, name, role, home))?;
    let (token, token_hash) = new_secret();
    // Expired sessions are only dead weight; sign-ins are a good moment to sweep them.
    sqlx::query("DELETE FROM session WHERE expires_at < $1")
        .bind(now)
        .execute(&db.pool)
        .await?;
    sqlx::query("INSERT INTO session (token_hash, employee_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(caller.id)
        .bind(now)
        .bind(now + SESSION_TTL_MS)
        .execute(&db.pool)
        .await?;
    Ok(LoginOutcome { token, caller })
}

/// An Argon2id hash of a random string, used to spend the same time on unknown logins.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo";

/// Ends the session whose secret is given (logout).
pub async fn logout(db: &Db, token: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM session WHERE token_hash = $1")
        .bind(hash_secret(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The secret a request carries: `Authorization: Bearer …` first, else the session cookie.
pub fn secret_from_headers(headers: &HeaderMap) -> Option<String> {
    if let Some(bearer) = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    {
        return Some(bearer.trim().to_string());
    }
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| crate::i18n::cookie_value(c, SESSION_COOKIE))
        .map(str::to_string)
}

/// The guard: who sent these headers. 401 when nobody (or a deactivated account) did.
pub async fn authenticate(db: &Db, headers: &HeaderMap) -> Result<Caller, AppError> {
    let secret = secret_from_headers(headers).ok_or(AppError::Unauthorized)?;
    if secret.is_empty() || secret.len() > 128 {
        return Err(AppError::Unauthorized);
    }
    let hash = hash_secret(&secret);
    let now = now_ms();
    let session: Option<CallerRow> = sqlx::query_as(
        "SELECT e.id, e.login, e.name, e.role, e.home_location_id \
         FROM session s JOIN employee e ON e.id = s.employee_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND e.active = 1",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    if let Some(row) = session {
        return caller_from(row);
    }
    let token: Option<(i64, i64, String, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT t.id, e.id, e.login, e.name, e.role, e.home_location_id \
         FROM api_token t JOIN employee e ON e.id = t.employee_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND e.active = 1",
    )
    .bind(&hash)
    .fetch_optional(&db.pool)
    .await?;
    let (token_id, id, login, name, role, home) = token.ok_or(AppError::Unauthorized)?;
    sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(token_id)
        .execute(&db.pool)
        .await?;
    caller_from((id, login, name, role, home))
}

/// The profile shown in the shell.
pub async fn me(db: &Db, caller: &Caller) -> Result<Me, AppError> {
    let home_location_name: Option<String> = match caller.home_location_id {
        Some(id) => sqlx::query_as::<_, (String,)>("SELECT name FROM location WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?
            .map(|r| r.0),
        None => None,
    };
    Ok(Me {
        id: caller.id,
        login: caller.login.clone(),
        name: caller.name.clone(),
        role: caller.role,
        home_location_id: caller.home_location_id,
        home_location_name,
    })
}

/// Creates an API token acting as `employee_id`; the secret is returned only here.
pub async fn create_api_token(
    db: &Db,
    caller: &Caller,
    name: &str,
    employee_id: i64,
) -> Result<NewApiToken, AppError> {
    caller.require(Action::ManageApiTokens)?;
    let name = crate::org::text(name, Field::Name, 120)?;
    let exists: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM employee WHERE id = $1 AND active = 1")
            .bind(employee_id)
            .fetch_optional(&db.pool)
            .await?;
    if exists.is_none() {
        return Err(AppError::invalid(Field::Employee, Problem::NotFound));
    }
    let (token, hash) = new_secret();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_token (name, token_hash, employee_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(hash)
    .bind(employee_id)
    .bind(caller.id)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?;
    Ok(NewApiToken { id, token })
}

pub async fn list_api_tokens(db: &Db, caller: &Caller) -> Result<Vec<ApiTokenInfo>, AppError> {
    caller.require(Action::ManageApiTokens)?;
    let rows: Vec<TokenRow> = sqlx::query_as(
        "SELECT t.id, t.name, e.id, e.name, t.created_at, t.last_used_at, t.revoked_at \
         FROM api_token t JOIN employee e ON e.id = t.employee_id ORDER BY t.id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, employee_id, employee_name, created_at, last_used_at, revoked_at)| {
                ApiTokenInfo {
                    id,
                    name,
                    employee_id,
                    employee_name,
                    created_at,
                    last_used_at,
                    revoked: revoked_at.is_some(),
                }
            },
        )
        .collect())
}

pub async fn revoke_api_token(db: &Db, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require(Action::ManageApiTokens)?;
    let done =
        sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(&db.pool)
            .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// `Set-Cookie` value opening a session in the browser.
pub fn session_cookie(token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        SESSION_TTL_MS / 1000
    )
}

/// `Set-Cookie` value removing the session cookie.
pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// REST handlers and `/ws` take a `Caller` argument: the same guard as server functions.
impl axum::extract::FromRequestParts<crate::state::AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        authenticate(&state.db, &parts.headers).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_stored_only_as_hashes() {
        let (secret, hash) = new_secret();
        assert_eq!(secret.len(), 64);
        assert_ne!(secret, hash);
        assert_eq!(hash_secret(&secret), hash);
    }

    #[test]
    fn bearer_wins_over_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "vitrina_session=abc; lang=ru".parse().expect("header"),
        );
        assert_eq!(secret_from_headers(&headers).as_deref(), Some("abc"));
        headers.insert(
            http::header::AUTHORIZATION,
            "Bearer xyz".parse().expect("header"),
        );
        assert_eq!(secret_from_headers(&headers).as_deref(), Some("xyz"));
    }

    #[test]
    fn the_dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
