//! `spawn_app`: a fresh database (SQLite file, or a new PostgreSQL database), the demo
//! chain, and the router served on 127.0.0.1:0.

use app::db::{Backend, Db};
use app::live::hub::Hub;
use app::state::AppState;
use serde_json::Value;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct TestApp {
    pub base: String,
    /// The database URL, for starting a second instance on the same data.
    pub url: String,
    pub db: Db,
    _dir: Option<TempDir>,
    pg_name: Option<String>,
}

/// A directory removed on drop.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(path: std::path::PathBuf) -> TempDir {
        TempDir(path)
    }
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// The PostgreSQL admin URL, or None when `VITRINA_TEST_PG=off`.
fn pg_admin_url() -> Option<String> {
    match std::env::var("VITRINA_TEST_PG") {
        Ok(v) if v == "off" => None,
        Ok(v) if !v.is_empty() => Some(v),
        _ => Some("postgres://postgres@127.0.0.1:5432/postgres".into()),
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A new database with nothing in it: a SQLite file in its own folder, or a PostgreSQL
/// database created on the test server. (URL, the folder, the PostgreSQL name.)
async fn new_database(backend: Backend) -> (String, Option<TempDir>, Option<String>) {
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(unique("vitrina_test"));
            std::fs::create_dir_all(&path).expect("temp dir");
            let url = format!("sqlite://{}/test.db?mode=rwc", path.display());
            (url, Some(TempDir(path)), None)
        }
        Backend::Postgres => {
            let admin = pg_admin_url().expect("PostgreSQL tests are on");
            let name = unique("vitrina_test");
            let admin_db = Db::connect(&admin)
                .await
                .expect("connect to the PostgreSQL admin database");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin_db.pool)
                .await
                .expect("create test database");
            admin_db.pool.close().await;
            (with_database(&admin, &name), None, Some(name))
        }
    }
}

/// An empty database (no tables), dropped by `cleanup`: what `vitrina restore` loads into.
pub struct EmptyDb {
    pub url: String,
    pub dir: std::path::PathBuf,
    _dir: TempDir,
    pg_name: Option<String>,
}

pub async fn empty_database(backend: Backend) -> EmptyDb {
    let (url, dir, pg_name) = new_database(backend).await;
    // A folder of its own either way (the SQLite file, the restored files).
    let dir = match dir {
        Some(d) => d,
        None => {
            let path = std::env::temp_dir().join(unique("vitrina_restore"));
            std::fs::create_dir_all(&path).expect("temp dir");
            TempDir(path)
        }
    };
    EmptyDb {
        url,
        dir: dir.0.clone(),
        _dir: dir,
        pg_name,
    }
}

impl EmptyDb {
    pub async fn cleanup(self) {
        drop_pg(self.pg_name.as_deref()).await;
    }
}

async fn drop_pg(name: Option<&str>) {
    if let (Some(name), Some(admin)) = (name, pg_admin_url()) {
        if let Ok(admin_db) = Db::connect(&admin).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin_db.pool)
                .await;
            admin_db.pool.close().await;
        }
    }
}

/// A TestApp serving a database some test filled itself (no demo load, no cleanup of
/// the database: its owner drops it).
pub async fn serve_existing(url: &str, db: Db) -> TestApp {
    let base = start_instance(url, db.clone()).await;
    TestApp {
        base,
        url: url.to_string(),
        db,
        _dir: None,
        pg_name: None,
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    // Server logs (e.g. the SQL error behind a 500) show up with a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("warn")
        .try_init();
    let (url, dir, pg_name) = new_database(backend).await;
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    server::demo::load_with(&db, false, 0)
        .await
        .expect("demo data");
    let base = start_instance(&url, db.clone()).await;
    TestApp {
        base,
        url,
        db,
        _dir: dir,
        pg_name,
    }
}

/// Serves one app instance (its own hub; on PostgreSQL, relayed through LISTEN/NOTIFY like
/// `vitrina serve`) on a free port; returns its base URL.
pub async fn start_instance(url: &str, db: Db) -> String {
    let hub = Hub::new();
    if db.backend == Backend::Postgres {
        app::live::relay::start(&hub, url)
            .await
            .expect("live relay");
    }
    let settings = server::config::Settings {
        database_url: url.to_string(),
        data_dir: std::env::temp_dir(),
        site_addr: "127.0.0.1:0".parse().expect("addr"),
        site_root: "target/site".into(),
    };
    let state = AppState {
        leptos_options: settings.leptos_options(),
        db,
        hub,
        files: app::files::store::FileStore::from_env(&std::env::temp_dir().join("vitrina-test"))
            .expect("file store"),
        pbx: Default::default(),
    };
    // Telephony: the AMI connection follows Settings → Telephony (off by default).
    app::telephony::service::spawn_ami(&state);
    app::live::presence::start(&state.hub, state.db.clone());
    server::router::spawn_on_free_port(state)
        .await
        .expect("serve")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with its own cookie jar (a browser of one person).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client")
    }

    /// Signs `login` in through the REST API; returns the client (cookie set) and token.
    pub async fn sign_in(&self, login: &str) -> (reqwest::Client, String) {
        let client = self.client();
        let res = client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "login": login, "password": "demo" }))
            .send()
            .await
            .expect("login request");
        assert_eq!(res.status(), 200, "login of {login}");
        let body: Value = res.json().await.expect("json");
        let token = body["token"].as_str().expect("token").to_string();
        (client, token)
    }

    /// Tries to sign in with a fresh client; returns the status and the JSON answer.
    pub async fn try_login(&self, login: &str, password: &str) -> (u16, Value) {
        let res = self
            .client()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "login": login, "password": password }))
            .send()
            .await
            .expect("login request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Calls a JSON server function, e.g. `server_fn(&c, "org/locations/save", json!({...}))`.
    pub async fn server_fn(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        args: Value,
    ) -> (u16, Value) {
        let res = client
            .post(self.url(&format!("/api/{endpoint}")))
            .json(&args)
            .send()
            .await
            .expect("server fn request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The served OpenAPI document.
    pub async fn openapi(&self) -> Value {
        self.client()
            .get(self.url("/api/v1/openapi.json"))
            .send()
            .await
            .expect("openapi.json")
            .json()
            .await
            .expect("openapi json")
    }

    pub async fn id_of_employee(&self, login: &str) -> i64 {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM employee WHERE login = $1")
            .bind(login)
            .fetch_one(&self.db.pool)
            .await
            .expect("employee");
        id
    }

    pub async fn cleanup(self) {
        self.db.pool.close().await;
        drop_pg(self.pg_name.as_deref()).await;
    }
}

/// The backends this run tests: SQLite always, PostgreSQL unless `VITRINA_TEST_PG=off`.
pub fn backends() -> Vec<Backend> {
    let mut list = vec![Backend::Sqlite];
    if pg_admin_url().is_some() {
        list.push(Backend::Postgres);
    }
    list
}

/// Runs a test body once per backend, each on a fresh app.
pub async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = TestApp>,
{
    for backend in backends() {
        eprintln!("-- on {backend:?}");
        let app = spawn_app(backend).await;
        let app = test(app).await;
        app.cleanup().await;
    }
}

/// Every server function in `app/src`: its endpoint name and its parameter list (the
/// text between the parentheses of its `pub async fn`), read from the source.
pub fn server_functions() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("read app/src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                for part in text.split("#[server(endpoint = \"").skip(1) {
                    let name = part.split('"').next().unwrap_or("").to_string();
                    let args = part
                        .split_once("pub async fn ")
                        .and_then(|(_, rest)| rest.split_once('('))
                        .and_then(|(_, rest)| rest.split_once(')'))
                        .map(|(args, _)| args.to_string())
                        .unwrap_or_default();
                    out.push((name, args));
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"),
        &mut found,
    );
    found
}
