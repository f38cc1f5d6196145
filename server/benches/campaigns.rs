//! Campaign mail: messages per second from the database queue to a local SMTP server
//! (aiosmtpd, `tests/smtp_sink.py`), and the time to expand a large segment into the
//! queue. Seeds its own clients; the senders are the app's own (`campaigns::worker`),
//! 10 SMTP connections, no rate limit. listmonk's default is 100 messages a second.
//!
//! `cargo bench -p server --bench campaigns -- --db both --recipients 10000 --expand 100000`

mod common;

use app::campaigns::worker::Worker;
use app::db::Db;
use common::{database, db_arg, drop_database, ms, num_arg, out, serve};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Adds `n` clients with consent and an email, in one statement.
async fn seed_clients(db: &Db, prefix: &str, n: i64) {
    let mut tx = db.begin_write().await.expect("tx");
    sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1) \
         INSERT INTO client (name, name_search, email, notes, consent, created_by, created_at, updated_at) \
         SELECT 'Клиент ' || i, 'клиент ' || i, $2 || i || '@example.ru', '', 1, \
                (SELECT id FROM employee WHERE login = 'admin'), 0, 0 FROM seq",
    )
    .bind(n)
    .bind(prefix)
    .execute(&mut *tx)
    .await
    .expect("seed clients");
    tx.commit().await.expect("commit");
}

fn lines(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let recipients = num_arg("--recipients", 10_000);
    let expand = num_arg("--expand", 100_000);
    for backend in db_arg() {
        out(format!("== {backend:?}"));
        let (db, url, cleanup) = database(backend).await;
        db.migrate().await.expect("migrate");
        server::demo::load_with(&db, false, 0).await.expect("demo");

        // Expanding a segment of `expand` clients into the queue (one INSERT … SELECT).
        seed_clients(&db, "e", expand).await;
        let mut tx = db.begin_write().await.expect("tx");
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO campaign (name, segment, subject, body_text, status, created_by, created_at, updated_at) \
             VALUES ('bench', '{}', 'S', 't', 'draft', (SELECT id FROM employee WHERE login = 'admin'), 0, 0) RETURNING id",
        )
        .fetch_one(&mut *tx)
        .await
        .expect("campaign");
        let t = Instant::now();
        let n = app::campaigns::segment::expand(&mut tx, id, &Default::default())
            .await
            .expect("expand");
        tx.commit().await.expect("commit");
        let took = t.elapsed();
        out(format!(
            "expanding a segment of {n} clients into the queue (committed): {}",
            ms(took)
        ));
        sqlx::query("DELETE FROM campaign_recipient WHERE campaign_id = $1")
            .bind(id)
            .execute(&db.pool)
            .await
            .expect("clean");
        sqlx::query("DELETE FROM client WHERE email LIKE 'e%@example.ru'")
            .execute(&db.pool)
            .await
            .expect("clean");

        // Sending `recipients` messages.
        seed_clients(&db, "m", recipients).await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("port");
        let file = std::env::temp_dir().join(format!("vitrina-bench-mail-{port}.jsonl"));
        let _ = std::fs::remove_file(&file);
        let mut sink = Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
            .arg(port.to_string())
            .arg(&file)
            .stdout(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd");
        tokio::time::sleep(Duration::from_millis(800)).await;
        sqlx::query(
            "UPDATE mail_settings SET smtp_url = $1, mail_from = 'bench@vitrina.example', \
             rate_per_minute = 1000000, connections = 10 WHERE id = 1",
        )
        .bind(format!("smtp://127.0.0.1:{port}"))
        .execute(&db.pool)
        .await
        .expect("settings");
        let base = serve(&db, &url, app::live::hub::Hub::new()).await;
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"login": "admin", "password": "demo"}))
            .send()
            .await
            .expect("login");
        let created: serde_json::Value = client
            .post(format!("{base}/api/v1/campaigns"))
            .json(
                &serde_json::json!({"name": "Bench", "segment": {}, "subject": "{{ client.name }}",
                "text": "Здравствуйте, {{ client.name }}! Баланс: {{ balance }}."}),
            )
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("json");
        let id = created["id"].as_i64().expect("id");
        let worker = Worker::spawn(db.clone());
        let t = Instant::now();
        client
            .post(format!("{base}/api/v1/campaigns/{id}/start"))
            .send()
            .await
            .expect("start");
        loop {
            let c: serde_json::Value = client
                .get(format!("{base}/api/v1/campaigns/{id}"))
                .send()
                .await
                .expect("get")
                .json()
                .await
                .expect("json");
            if c["status"] == "finished" {
                let took = t.elapsed();
                let sent = c["counts"]["sent"].as_i64().unwrap_or(0);
                out(format!(
                    "{sent} of {} messages sent in {} (start to finished): {:.0} messages/s; the SMTP server received {}",
                    c["counts"]["total"],
                    ms(took),
                    sent as f64 / took.as_secs_f64(),
                    lines(&file)
                ));
                break;
            }
            if t.elapsed() > Duration::from_secs(600) {
                out(format!("not finished after 10 minutes: {c}"));
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        worker.stop(Duration::from_secs(5)).await;
        let _ = sink.kill();
        let _ = sink.wait();
        let _ = std::fs::remove_file(&file);
        db.pool.close().await;
        drop_database(cleanup).await;
    }
}
