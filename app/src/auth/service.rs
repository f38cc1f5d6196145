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
/// More than this many attempts for one login from one address within
/// [`THROTTLE_WINDOW_MS`] answers 429 (a success starts the count again).
pub const MAX_FAILURES: i64 = 10;
/// More than this many failed attempts from one address (any logins) within the window
/// answers 429: a shop's tablets share one address, so this is higher.
pub const MAX_ADDRESS_FAILURES: i64 = 30;
pub const THROTTLE_WINDOW_MS: i64 = 60_000;
/// How long a request waits for a free password check before it is answered 503.
const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// At most about a core's worth of Argon2 (19 MiB and ~50 ms of CPU each) at once: a
/// flood of logins waits here briefly and is then refused, instead of taking the
/// memory and the cores from everyone else.
fn hashing() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| tokio::sync::Semaphore::new(hash_slots()))
}

/// About one password check per core (1 to 8).
fn hash_slots() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8)
}

/// The threads every Argon2 job runs on, as many as [`hashing`] has slots: always the
/// same few, so the allocator keeps at most that many 19 MiB blocks around (on tokio's
/// blocking pool each job could land on a new thread, whose arena then keeps its block).
fn hash_threads() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<HashJob>> {
    static THREADS: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<HashJob>>> =
        std::sync::OnceLock::new();
    THREADS.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<HashJob>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..hash_slots() {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password-check thread");
            }
        }
        std::sync::Mutex::new(tx)
    })
}

type HashJob = Box<dyn FnOnce() + Send>;

/// Runs one Argon2 job on the hashing threads once a slot is free (503 after
/// [`HASH_WAIT`]).
async fn with_hash_slot<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _slot = tokio::time::timeout(HASH_WAIT, hashing().acquire())
        .await
        .map_err(|_| AppError::Busy)?
        .map_err(|_| AppError::Internal)?;
    let (reply, answer) = tokio::sync::oneshot::channel();
    let sent = hash_threads()
        .lock()
        .map_err(|_| AppError::Internal)?
        .send(Box::new(move || {
            let _ = reply.send(job());
        }));
    sent.map_err(|_| AppError::Internal)?;
    answer.await.map_err(|_| AppError::Internal)
}

/// Who is calling, established from a session cookie or a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub home_location_id: Option<i64>,
    /// Shops an admin granted besides the home one (Settings → Shop access).
    pub granted_shops: Vec<i64>,
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
    with_hash_slot(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "password hashing failed");
                AppError::Internal
            })
    })
    .await?
}

async fn verify_password(password: String, hash: String) -> Result<bool, AppError> {
    with_hash_slot(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

/// Counts one attempt against `key` in the current window, atomically (one upsert on
/// either database), and returns the count including this one.
async fn count_attempt(db: &Db, key: &str, now: i64) -> Result<i64, AppError> {
    let (attempts,): (i64,) = sqlx::query_as(
        "INSERT INTO login_throttle (key, window_start, attempts) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
           attempts = CASE WHEN login_throttle.window_start <= $3 THEN 1 ELSE login_throttle.attempts + 1 END, \
           window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 ELSE login_throttle.window_start END \
         RETURNING attempts",
    )
    .bind(key)
    .bind(now)
    .bind(now - THROTTLE_WINDOW_MS)
    .fetch_one(&db.pool)
    .await?;
    Ok(attempts)
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
/// A caller row with one granted shop (or none): the grants come in the same query.
type CallerShopRow = (i64, String, String, String, Option<i64>, Option<i64>);
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
        granted_shops: Vec::new(),
    })
}

/// The caller from the rows of a query that joined `employee_shop` (one row per grant).
fn caller_with_shops(rows: Vec<CallerShopRow>) -> Result<Option<Caller>, AppError> {
    let mut rows = rows.into_iter();
    let Some((id, login, name, role, home, first)) = rows.next() else {
        return Ok(None);
    };
    let mut caller = caller_from((id, login, name, role, home))?;
    caller.granted_shops = first.into_iter().chain(rows.filter_map(|r| r.5)).collect();
    Ok(Some(caller))
}

/// Joins an employee (`e`) to their granted shops: one row per grant, or one without.
const GRANTS: &str = "LEFT JOIN employee_shop es ON es.employee_id = e.id";

/// An active employee as a caller (to check what they may see before telling them).
pub async fn employee_as_caller(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<Caller>, AppError> {
    let rows: Vec<CallerShopRow> = sqlx::query_as(&format!(
        "SELECT e.id, e.login, e.name, e.role, e.home_location_id, es.location_id \
         FROM employee e {GRANTS} WHERE e.id = $1 AND e.active = 1"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    caller_with_shops(rows)
}

/// Result of a successful login: the session secret (cookie value and bearer token).
pub struct LoginOutcome {
    pub token: String,
    pub caller: Caller,
}

/// Checks the password, throttles repeated failures, and opens a session.
///
/// Throttling: every attempt is counted *before* its password is checked, atomically,
/// per login and address and per address, so parallel guesses can't pass the limit.
/// Counting per login *and address* means someone guessing from elsewhere never locks
/// the owner out; from the same address (a shop's shared link) only for the rest of the
/// minute. A success clears its login's count and gives its address's attempt back.
#[tracing::instrument(skip_all, fields(login = %login))]
pub async fn login(
    db: &Db,
    login: &str,
    password: &str,
    address: &str,
) -> Result<LoginOutcome, AppError> {
    let login = login.trim().to_lowercase();
    if login.is_empty() {
        return Err(AppError::invalid(Field::Login, Problem::Required));
    }
    if password.is_empty() {
        return Err(AppError::invalid(Field::Password, Problem::Required));
    }
    if login.chars().count() > 100 {
        return Err(AppError::invalid(Field::Login, Problem::TooLong));
    }
    if password.len() > 1024 {
        return Err(AppError::invalid(Field::Password, Problem::TooLong));
    }
    let now = now_ms();
    let login_key = format!("login:{login}@{address}");
    let address_key = format!("address:{address}");
    if count_attempt(db, &login_key, now).await? > MAX_FAILURES
        || count_attempt(db, &address_key, now).await? > MAX_ADDRESS_FAILURES
    {
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
    let ok = verify_password(password.to_string(), hash).await? && found;
    let Some((id, _, _, _, _, _, active)) = row.filter(|_| ok) else {
        // Old windows are dead weight; failures are a good moment to sweep them.
        sqlx::query("DELETE FROM login_throttle WHERE window_start < $1")
            .bind(now - 3600 * 1000)
            .execute(&db.pool)
            .await?;
        return Err(AppError::InvalidCredentials);
    };
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(&login_key)
        .execute(&db.pool)
        .await?;
    sqlx::query(
        "UPDATE login_throttle SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0",
    )
    .bind(&address_key)
    .execute(&db.pool)
    .await?;
    if active == 0 {
        return Err(AppError::AccountInactive);
    }
    let mut conn = db.pool.acquire().await?;
    let caller = employee_as_caller(&mut conn, id)
        .await?
        .ok_or(AppError::AccountInactive)?;
    drop(conn);
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

/// The load balancers in front of the app on other hosts: `VITRINA_TRUSTED_PROXIES`, a
/// comma-separated list of their addresses (this machine is always trusted).
fn trusted_proxy(ip: std::net::IpAddr) -> bool {
    static LIST: std::sync::OnceLock<Vec<std::net::IpAddr>> = std::sync::OnceLock::new();
    ip.is_loopback()
        || LIST
            .get_or_init(|| {
                std::env::var("VITRINA_TRUSTED_PROXIES")
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|a| a.trim().parse().ok())
                    .collect()
            })
            .contains(&ip)
}

/// The address a request came from, for the login throttle: the socket's peer, or —
/// only when that peer is a trusted proxy (this machine, or one listed in
/// `VITRINA_TRUSTED_PROXIES`: the load balancer) — the last address in
/// `X-Forwarded-For`, the one the proxy itself added.
pub fn client_address(headers: &HeaderMap, peer: Option<std::net::SocketAddr>) -> String {
    let peer = peer.map(|p| p.ip());
    let forwarded = || {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter_map(|a| a.parse::<std::net::IpAddr>().ok())
            .next_back()
    };
    match peer {
        Some(ip) if trusted_proxy(ip) => forwarded().unwrap_or(ip).to_string(),
        // Not reached over a socket (an in-process call).
        Some(ip) => ip.to_string(),
        None => forwarded()
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".into()),
    }
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
    // The shops come in the same round trip (one row per granted shop).
    let session: Vec<CallerShopRow> = sqlx::query_as(&format!(
        "SELECT e.id, e.login, e.name, e.role, e.home_location_id, es.location_id \
         FROM session s JOIN employee e ON e.id = s.employee_id {GRANTS} \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND e.active = 1"
    ))
    .bind(&hash)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    if let Some(caller) = caller_with_shops(session)? {
        return Ok(caller);
    }
    let token: Option<(i64, i64)> = sqlx::query_as(
        "SELECT t.id, e.id FROM api_token t JOIN employee e ON e.id = t.employee_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND e.active = 1",
    )
    .bind(&hash)
    .fetch_optional(&db.pool)
    .await?;
    let (token_id, employee_id) = token.ok_or(AppError::Unauthorized)?;
    sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(token_id)
        .execute(&db.pool)
        .await?;
    let mut conn = db.pool.acquire().await?;
    employee_as_caller(&mut conn, employee_id)
        .await?
        .ok_or(AppError::Unauthorized)
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
        own_locations: caller.shops(),
        every_location: caller.changes_every_shop(),
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

/// `; Secure` when the app's public address (`VITRINA_PUBLIC_URL`) is HTTPS: the
/// browser then never sends the session over plain HTTP.
fn secure_attribute() -> &'static str {
    static SECURE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let secure = *SECURE.get_or_init(|| {
        std::env::var("VITRINA_PUBLIC_URL")
            .is_ok_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"))
    });
    if secure {
        "; Secure"
    } else {
        ""
    }
}

/// `Set-Cookie` value opening a session in the browser.
pub fn session_cookie(token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_TTL_MS / 1000,
        secure_attribute()
    )
}

/// `Set-Cookie` value removing the session cookie.
pub fn clear_session_cookie() -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure_attribute()
    )
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
