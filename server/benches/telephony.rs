//! A PBX event to the pop-up: the time from `POST /api/v1/telephony/events` (a call
//! ringing on extension 101) to its arrival on seller1's sockets, over `--calls` calls
//! (100) with `--sockets` sockets open (100: a tenth of them seller1's, the rest another
//! seller's, who must get nothing). DESIGN.md §6 target: p99 ≤ 1 s.
//!
//! `cargo bench -p server --bench telephony -- --db both --calls 100 --sockets 100`

mod common;

use common::{database, db_arg, drop_database, fanout_stats, num_arg, open_sockets, out, serve};
use std::time::{Duration, Instant};

async fn sign_in(base: &str, login: &str) -> String {
    common::token_of(base, login, "demo").await
}

#[tokio::main]
async fn main() {
    let calls = num_arg("--calls", 100) as usize;
    let sockets = num_arg("--sockets", 100).max(10) as usize;
    for backend in db_arg() {
        out(format!("== {backend:?}: {calls} calls, {sockets} sockets"));
        let (db, url, cleanup) = database(backend).await;
        db.migrate().await.expect("migrate");
        server::demo::load_with(&db, false, 0).await.expect("demo");
        sqlx::query("UPDATE telephony_settings SET webhook_token = 'bench-token' WHERE id = 1")
            .execute(&db.pool)
            .await
            .expect("token");
        let hub = app::live::hub::Hub::new();
        let base = serve(&db, &url, hub.clone()).await;
        let ws = format!("{}/ws", base.replace("http://", "ws://"));
        let mine = sockets / 10;
        let is_pop = |t: &str| t.contains("\"type\":\"call\"");
        let seller1 = open_sockets(
            &ws,
            Some((
                "authorization".into(),
                format!("Bearer {}", sign_in(&base, "seller1").await),
            )),
            mine,
            is_pop,
        )
        .await;
        let others = open_sockets(
            &ws,
            Some((
                "authorization".into(),
                format!("Bearer {}", sign_in(&base, "seller2").await),
            )),
            sockets - mine,
            is_pop,
        )
        .await;
        let client = reqwest::Client::new();
        let mut sent = Vec::with_capacity(calls);
        for i in 0..calls {
            sent.push(Instant::now());
            let res = client
                .post(format!("{base}/api/v1/telephony/events"))
                .bearer_auth("bench-token")
                .json(
                    &serde_json::json!({"call_id": format!("bench-{i}"), "event": "ringing",
                    "direction": "in", "from": format!("7916{:07}", i), "extension": "101"}),
                )
                .send()
                .await
                .expect("event");
            assert_eq!(res.status(), 200);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        hub.shut_down();
        let mut got = Vec::new();
        for h in seller1 {
            got.push(h.await.unwrap_or_default());
        }
        let mut stray = 0;
        for h in others {
            stray += h.await.unwrap_or_default().len();
        }
        fanout_stats(
            &format!("PBX event → pop-up on seller1's {mine} sockets (of {sockets} open)"),
            &sent,
            got,
        );
        out(format!(
            "  pop-ups on another seller's sockets: {stray} (must be 0)"
        ));
        db.pool.close().await;
        drop_database(cleanup).await;
    }
}
