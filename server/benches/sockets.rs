//! Memory per live socket: the real `vitrina serve` (on the demo chain, loaded by
//! `vitrina demo` beforehand) in a process of its own (so the clients' memory is not
//! counted), `--sockets` (1,000) authenticated WebSockets
//! opened to it, and its RSS (from /proc) before, with them open, and after one event
//! has gone to every socket. Target (DESIGN.md §6): 1,000 sockets ≤ 150 MB RSS in all.
//!
//! `cargo bench -p server --bench sockets -- [--db sqlite|postgres|both] [--sockets 1000]`

mod common;

use common::{arg, drop_database, num_arg, open_sockets, out, rss_kb, token_of};
use std::time::Duration;

fn mb(kb: u64) -> String {
    format!("{}.{} MB", kb / 1024, kb % 1024 * 10 / 1024)
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() {
    let sockets = num_arg("--sockets", 1_000) as usize;
    let backends = match arg("--db").as_deref() {
        Some("postgres") => vec![app::db::Backend::Postgres],
        Some("both") => vec![app::db::Backend::Sqlite, app::db::Backend::Postgres],
        _ => vec![app::db::Backend::Sqlite],
    };
    for backend in backends {
        out(format!(
            "== {backend:?}: {sockets} authenticated sockets on `vitrina serve`"
        ));
        let (db, url, cleanup) = common::database(backend).await;
        db.pool.close().await;
        let port = 3400 + (std::process::id() % 500) as u16;
        let data = std::env::temp_dir().join(format!("vitrina_sockets_{}", std::process::id()));
        let _ = std::fs::create_dir_all(&data);
        let vitrina = || {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_vitrina"));
            cmd.env("DATABASE_URL", &url)
                .env("VITRINA_DATA_DIR", &data)
                .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
                .env("VITRINA_DEMO_PRODUCTS", "200")
                .env("VITRINA_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
                .env("VITRINA_LOG", "warn")
                .stdout(std::process::Stdio::null());
            cmd
        };
        // The demo is loaded by its own process: the server starts as it would in a shop.
        let loaded = vitrina().arg("demo").status().expect("vitrina demo");
        assert!(loaded.success());
        let child = vitrina().arg("serve").spawn().expect("start vitrina serve");
        let server = Server(child);
        let pid = server.0.id();
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let mut up = false;
        for _ in 0..600 {
            if http
                .get(format!("{base}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(up, "vitrina serve did not become ready");
        let token = token_of(&base, "seller1", server::demo::DEMO_PASSWORD).await;
        let ws = format!("ws://127.0.0.1:{port}/ws");
        let header = Some(("authorization".to_string(), format!("Bearer {token}")));
        let is_event = |t: &str| t.contains("\"chat_message\"") || t.contains("bench-event");
        // Warm up: pages, the API, a few sockets opened and closed.
        let _ = http.get(format!("{base}/login")).send().await;
        let warm = open_sockets(&ws, header.clone(), 10, is_event).await;
        for h in warm {
            h.abort();
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let before = rss_kb(&pid.to_string());

        let handles = open_sockets(&ws, header.clone(), sockets, is_event).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let open = rss_kb(&pid.to_string());
        // One event to every socket: a message in the general chat (everyone is a member).
        let general: serde_json::Value = http
            .get(format!("{base}/api/v1/chats"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("chats")
            .json()
            .await
            .expect("json");
        let chat = general
            .as_array()
            .and_then(|list| list.iter().find(|c| c["kind"] == "general"))
            .and_then(|c| c["id"].as_i64());
        if let Some(chat) = chat {
            let res = http
                .post(format!("{base}/api/v1/chats/{chat}/messages"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"body": "bench-event"}))
                .send()
                .await
                .expect("post");
            assert!(res.status().is_success(), "{}", res.status());
        } else {
            out("   (no general chat found: no event sent)".into());
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = rss_kb(&pid.to_string());
        out(format!(
            "   RSS before the sockets:           {}",
            mb(before)
        ));
        out(format!(
            "   RSS with {sockets} sockets open:      {}",
            mb(open)
        ));
        out(format!(
            "   RSS after one event to all:       {}",
            mb(after)
        ));
        out(format!(
            "   per socket: {} KB",
            open.saturating_sub(before) * 10 / sockets.max(1) as u64 / 10
        ));
        out(format!(
            "   target ≤ 150 MB in all: {}",
            if after.max(open) <= 150 * 1024 {
                "met"
            } else {
                "NOT met"
            }
        ));
        for h in handles {
            h.abort();
        }
        drop(server);
        let _ = std::fs::remove_dir_all(&data);
        drop_database(cleanup).await;
    }
}
