//! Chat benchmark, on SQLite and on PostgreSQL:
//! 1. with N connected WebSocket clients (default 1,000), the time from posting a message
//!    through the REST API to its arrival at every member's socket (p50/p99) — in the
//!    general chat (every socket is a member) and in a private chat whose 100 members hold
//!    the sockets (the server filters by membership per socket) — beside the bare axum +
//!    broadcast fan-out floor in the same run;
//! 2. history page loads at 1M messages in one chat: the newest page and pages deep in the
//!    past (p50/p99), the chat list with unread counts, and a search.
//!
//! `cargo bench -p server --bench chat -- [--db sqlite|postgres|both] [--sockets N]
//!  [--messages N]`. PostgreSQL: an admin URL in `VITRINA_BENCH_PG` (default
//! postgres://postgres@127.0.0.1:5432/postgres). Figures go to standard output.

mod common;

use app::auth::service::Caller;
use app::auth::Role;
use app::db::{Backend, Db};
use app::live::hub::Hub;
use common::{
    bare_fanout, database, db_arg, drop_database, fanout_stats, ms, num_arg, open_sockets, out,
    percentile, serve,
};
use std::time::{Duration, Instant};

struct Options {
    dbs: Vec<Backend>,
    sockets: usize,
    messages: i64,
}

fn options() -> Options {
    Options {
        dbs: db_arg(),
        sockets: num_arg("--sockets", 1_000) as usize,
        messages: num_arg("--messages", 1_000_000),
    }
}

const MEMBERS: usize = 100;
const POSTS: usize = 30;

/// `n` employees `bench0…`, all with the same password; their ids.
async fn staff(db: &Db, n: usize) -> Vec<i64> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let input = app::org::EmployeeInput {
            login: format!("bench{i}"),
            name: format!("Bench {i}"),
            role: if i == 0 { Role::Admin } else { Role::Manager },
            home_location_id: None,
            password: Some("bench-pass".into()),
        };
        ids.push(
            app::org::service::insert_employee(db, &input)
                .await
                .expect("employee"),
        );
    }
    ids
}

async fn token(base: &str, login: &str) -> String {
    common::token_of(base, login, "bench-pass").await
}

/// Posts `POSTS` messages to `chat` through REST and times their arrival at every socket.
async fn fanout(base: &str, hub: &Hub, chat: i64, tokens: &[String], sockets: usize, label: &str) {
    let ws = format!("{}/ws", base.replace("http://", "ws://"));
    let mut handles = Vec::new();
    // At least one socket per member (so a small run still covers every member).
    let per = (sockets / tokens.len()).max(1);
    let sockets = per * tokens.len();
    for t in tokens {
        handles.extend(
            open_sockets(
                &ws,
                Some(("authorization".into(), format!("Bearer {t}"))),
                per,
                |t| t.contains("\"chat_changed\""),
            )
            .await,
        );
    }
    let client = reqwest::Client::new();
    let mut sent = Vec::with_capacity(POSTS);
    for i in 0..POSTS {
        let author = &tokens[i % tokens.len()];
        sent.push(Instant::now());
        let res = client
            .post(format!("{base}/api/v1/chats/{chat}/messages"))
            .bearer_auth(author)
            .json(&serde_json::json!({"body": format!("Сообщение {i} для всех")}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 201, "post");
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    hub.shut_down();
    let mut all = Vec::new();
    for h in handles {
        all.push(h.await.unwrap_or_default());
    }
    let complete = all.iter().filter(|a| a.len() == POSTS).count();
    fanout_stats(
        &format!("{label}: post → arrival at {sockets} sockets (from the POST)"),
        &sent,
        all,
    );
    out(format!(
        "    sockets that got every message: {complete}/{sockets}"
    ));
}

/// `n` messages in `chat`, written set-based (a recursive CTE feeding INSERT … SELECT).
async fn seed_messages(db: &Db, chat: i64, authors: &[i64], n: i64) {
    let started = Instant::now();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO message (chat_id, author_id, body, body_fold, created_at) \
         SELECT $2, $3 + i % $4, 'Архивное сообщение номер ' || i, 'архивное сообщение номер ' || i, 1600000000000 + i * 1000 FROM n",
    )
    .bind(n)
    .bind(chat)
    .bind(authors[0])
    .bind(authors.len() as i64)
    .execute(&db.pool)
    .await
    .expect("messages");
    out(format!(
        "  seeded {n} messages in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    // What autovacuum does soon after a bulk load: without statistics PostgreSQL plans the
    // unread count as if the table were tiny (≈ 300 ms instead of < 1 ms at 1M messages).
    if db.backend == Backend::Postgres {
        sqlx::query("ANALYZE message")
            .execute(&db.pool)
            .await
            .expect("analyze");
    }
}

async fn timed<F, Fut>(label: &str, runs: usize, mut f: F)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        f(i).await;
        times.push(t.elapsed());
    }
    times.sort();
    out(format!(
        "  {label}: p50 {}  p99 {}  ({runs} runs)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    ));
}

async fn history(db: &Db, caller: &Caller, chat: i64, newest: i64) {
    timed("history, newest page (50)", 200, |_| async {
        let page = app::chat::service::history(db, caller, chat, None, None)
            .await
            .expect("page");
        assert_eq!(page.messages.len(), 50);
    })
    .await;
    timed("history, a page deep in the past", 200, |i| async move {
        let before = 1 + (newest * (i as i64 * 7919 % 997)) / 997;
        app::chat::service::history(db, caller, chat, Some(before.max(2)), None)
            .await
            .expect("page");
    })
    .await;
    timed(
        "chat list with unread counts (nothing read)",
        20,
        |_| async {
            app::chat::service::list(db, caller).await.expect("list");
        },
    )
    .await;
    timed("search in one's chats (a rare word)", 5, |_| async {
        app::chat::service::search(db, caller, "номер 777777")
            .await
            .expect("search");
    })
    .await;
}

fn main() {
    let o = options();
    // The flood limit is per sender; the bench posts on purpose.
    std::env::set_var("VITRINA_CHAT_FLOOD", "1000000");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        for backend in &o.dbs {
            out(format!("== {backend:?}"));
            let (db, url, cleanup) = database(*backend).await;
            db.migrate().await.expect("migrate");
            let members = staff(&db, MEMBERS).await;
            let caller = |id: i64| Caller {
                id,
                login: "bench".into(),
                name: "Bench".into(),
                role: Role::Manager,
                home_location_id: None,
                granted_shops: Vec::new(),
            };
            let hub = Hub::new();
            let private = app::chat::service::create(
                &db,
                &hub,
                &caller(members[0]),
                app::chat::ChatInput {
                    title: "Bench".into(),
                    member_ids: members.to_vec(),
                },
            )
            .await
            .expect("chat")
            .id;
            let base = serve(&db, &url, hub.clone()).await;
            let one = vec![token(&base, "bench0").await];
            fanout(
                &base,
                &hub,
                app::chat::GENERAL_CHAT,
                &one,
                o.sockets,
                "general chat",
            )
            .await;
            // A fresh server for the second run (the first one's hub is shut down).
            let hub = Hub::new();
            let base = serve(&db, &url, hub.clone()).await;
            let mut tokens = Vec::with_capacity(MEMBERS);
            for i in 0..MEMBERS {
                tokens.push(token(&base, &format!("bench{i}")).await);
            }
            fanout(
                &base,
                &hub,
                private,
                &tokens,
                o.sockets,
                "private chat, 100 members",
            )
            .await;
            seed_messages(&db, app::chat::GENERAL_CHAT, &members, o.messages).await;
            let (newest,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM message")
                .fetch_one(&db.pool)
                .await
                .expect("max");
            history(&db, &caller(members[1]), app::chat::GENERAL_CHAT, newest).await;
            db.pool.close().await;
            drop_database(cleanup).await;
        }
        bare_fanout(o.sockets).await;
    });
}
