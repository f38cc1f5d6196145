//! Helpers shared by the benchmarks: output, percentiles, a fresh database on either
//! backend, the app served on a free port, many WebSocket clients, and the bare axum +
//! broadcast fan-out floor every live figure is compared with.
#![allow(dead_code)]

use app::db::{Backend, Db};
use app::live::hub::Hub;
use app::state::AppState;
use futures::StreamExt;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// The value after `name` on the command line (`-- --sockets 500`).
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// A number after `name`, or `default`.
pub fn num_arg(name: &str, default: i64) -> i64 {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The databases `--db sqlite|postgres|both` asks for (both by default).
pub fn db_arg() -> Vec<Backend> {
    match arg("--db").as_deref() {
        Some("sqlite") => vec![Backend::Sqlite],
        Some("postgres") => vec![Backend::Postgres],
        _ => vec![Backend::Sqlite, Backend::Postgres],
    }
}

/// Drops the PostgreSQL database a bench created (`database`'s third value).
pub async fn drop_database(cleanup: Option<(String, String)>) {
    if let Some((admin, name)) = cleanup {
        if let Ok(a) = Db::connect(&admin).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&a.pool)
                .await;
        }
    }
}

pub fn out(line: String) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// A process's resident memory in KB (`self` or a pid), from /proc.
pub fn rss_kb(process: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

pub async fn database(backend: Backend) -> (Db, String, Option<(String, String)>) {
    database_named(backend, "bench").await
}

/// A fresh database named `vitrina_<tag>_<pid>` (a second one beside `database`'s).
pub async fn database_named(backend: Backend, tag: &str) -> (Db, String, Option<(String, String)>) {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("vitrina_{tag}_{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("bench dir");
            let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
            (Db::connect(&url).await.expect("sqlite"), url, None)
        }
        Backend::Postgres => {
            let admin = std::env::var("VITRINA_BENCH_PG")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("vitrina_{tag}_{}", std::process::id());
            let admin_db = Db::connect(&admin).await.expect("postgres admin");
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin_db.pool)
                .await;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin_db.pool)
                .await
                .expect("create db");
            admin_db.pool.close().await;
            let url = format!(
                "{}/{name}",
                admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin)
            );
            (
                Db::connect(&url).await.expect("postgres"),
                url,
                Some((admin, name)),
            )
        }
    }
}

/// A session token of `login` (password `password`) on the served app.
pub async fn token_of(base: &str, login: &str, password: &str) -> String {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"login": login, "password": password}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    body["token"].as_str().expect("token").to_string()
}

pub async fn serve(db: &Db, url: &str, hub: Hub) -> String {
    let settings = server::config::Settings {
        database_url: url.to_string(),
        data_dir: std::env::temp_dir(),
        site_addr: "127.0.0.1:0".parse().expect("addr"),
        site_root: "target/site".into(),
    };
    let state = AppState {
        leptos_options: settings.leptos_options(),
        db: db.clone(),
        hub,
        files: app::files::store::FileStore::from_env(&std::env::temp_dir().join("vitrina-test"))
            .expect("file store"),
        pbx: Default::default(),
    };
    server::router::spawn_on_free_port(state)
        .await
        .expect("serve")
}

/// Opens `n` sockets to `url` (with `header`), returns their receivers of arrival instants.
pub async fn open_sockets(
    url: &str,
    header: Option<(String, String)>,
    n: usize,
    is_event: fn(&str) -> bool,
) -> Vec<tokio::task::JoinHandle<Vec<Instant>>> {
    let mut handles = Vec::with_capacity(n);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(n);
    for _ in 0..n {
        let mut request = url.into_client_request().expect("ws request");
        if let Some((k, v)) = &header {
            request.headers_mut().insert(
                http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                v.parse().expect("value"),
            );
        }
        let ready = ready_tx.clone();
        handles.push(tokio::spawn(async move {
            let (mut ws, _) = tokio_tungstenite::connect_async(request)
                .await
                .expect("connect");
            let _ = ready.send(()).await;
            let mut arrivals = Vec::new();
            while let Some(Ok(msg)) = ws.next().await {
                match msg {
                    Message::Text(t) if is_event(&t) || t.contains("\"bench\"") => {
                        arrivals.push(Instant::now())
                    }
                    Message::Text(t) if t.contains("\"stop\"") => break,
                    Message::Close(_) => break,
                    _ => {}
                }
            }
            let _ = ws.close(None).await;
            arrivals
        }));
    }
    for _ in 0..n {
        let _ = ready_rx.recv().await;
    }
    handles
}

pub fn fanout_stats(label: &str, sent: &[Instant], handles: Vec<Vec<Instant>>) {
    let mut lat = Vec::new();
    for arrivals in handles {
        for (i, at) in arrivals.iter().enumerate() {
            if let Some(s) = sent.get(i) {
                lat.push(at.saturating_duration_since(*s));
            }
        }
    }
    lat.sort();
    out(format!(
        "  {label}: p50 {}  p99 {}  ({} deliveries)",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99)),
        lat.len()
    ));
}

/// The floor: a bare axum `/ws` fed by a tokio broadcast channel, same machine, same run.
pub async fn bare_fanout(sockets: usize) {
    use axum::extract::ws::{Message as AxMessage, WebSocketUpgrade};
    const EVENTS: usize = 30;
    let (tx, _) = tokio::sync::broadcast::channel::<String>(1024);
    let tx2 = tx.clone();
    let app = axum::Router::new().route(
        "/ws",
        axum::routing::get(move |ws: WebSocketUpgrade| {
            let mut rx = tx2.subscribe();
            async move {
                ws.on_upgrade(move |mut socket| async move {
                    while let Ok(text) = rx.recv().await {
                        let stop = text.contains("stop");
                        if socket.send(AxMessage::Text(text.into())).await.is_err() || stop {
                            break;
                        }
                    }
                })
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let handles = open_sockets(&format!("ws://{addr}/ws"), None, sockets, |_| false).await;
    let mut sent = Vec::with_capacity(EVENTS);
    for i in 0..EVENTS {
        sent.push(Instant::now());
        let _ = tx.send(format!("{{\"type\":\"bench\",\"i\":{i}}}"));
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    let _ = tx.send("{\"type\":\"stop\"}".into());
    let mut all = Vec::new();
    for h in handles {
        all.push(h.await.unwrap_or_default());
    }
    fanout_stats(
        &format!("bare axum + broadcast fan-out at {} sockets", sockets),
        &sent,
        all,
    );
}
