//! A flood of wrong logins: `--logins` (200) at once against the app served in this
//! process, each from its own address (`X-Forwarded-For`, believed from loopback) so the
//! throttle does not cut them short and every one asks for a password check. Prints the
//! answers by status, the process's peak RSS (sampled every 5 ms) against its RSS before,
//! and `/healthz` latency while the flood runs. Target (DESIGN.md §6): RSS ≤ 300 MB and
//! `/healthz` ≤ 100 ms meanwhile.
//!
//! `cargo bench -p server --bench logins -- --db sqlite --logins 200`

mod common;

use common::{arg, database, drop_database, ms, num_arg, out, percentile, rss_kb, serve};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let logins = num_arg("--logins", 200) as usize;
    let backends = match arg("--db").as_deref() {
        Some("postgres") => vec![app::db::Backend::Postgres],
        Some("both") => vec![app::db::Backend::Sqlite, app::db::Backend::Postgres],
        _ => vec![app::db::Backend::Sqlite],
    };
    for backend in backends {
        out(format!("== {backend:?}: {logins} concurrent wrong logins"));
        let (db, url, cleanup) = database(backend).await;
        db.migrate().await.expect("migrate");
        server::demo::load_with(&db, false, 0).await.expect("demo");
        let base = serve(&db, &url, app::live::hub::Hub::new()).await;
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(logins)
            .build()
            .expect("client");
        // Warm up: one login, one health check.
        let _ = client.get(format!("{base}/healthz")).send().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let before = rss_kb("self");

        let done = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(before));
        let sampler = {
            let (done, peak) = (done.clone(), peak.clone());
            tokio::spawn(async move {
                while !done.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_kb("self"), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        };
        let health = {
            let (done, client, base) = (done.clone(), client.clone(), base.clone());
            tokio::spawn(async move {
                let mut times = Vec::new();
                while !done.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let ok = client
                        .get(format!("{base}/healthz"))
                        .send()
                        .await
                        .is_ok_and(|r| r.status() == 200);
                    times.push((t.elapsed(), ok));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                times
            })
        };
        let started = Instant::now();
        let flood = (0..logins).map(|i| {
            let (client, base) = (client.clone(), base.clone());
            async move {
                client
                    .post(format!("{base}/api/v1/auth/login"))
                    // A header only (the benchmarking range, RFC 2544): no traffic goes there.
                    .header(
                        "x-forwarded-for",
                        format!("198.18.{}.{}", i / 256 % 256, i % 256),
                    )
                    .json(&serde_json::json!({"login": "admin", "password": format!("wrong{i}")}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }
        });
        let answers = futures::future::join_all(flood).await;
        let took = started.elapsed();
        done.store(true, Ordering::Relaxed);
        let _ = sampler.await;
        let times = health.await.unwrap_or_default();
        let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
        for s in &answers {
            *by_status.entry(*s).or_default() += 1;
        }
        let failed_checks = times.iter().filter(|(_, ok)| !ok).count();
        let mut lat: Vec<Duration> = times.iter().map(|(d, _)| *d).collect();
        lat.sort();
        out(format!(
            "answers (status: count): {by_status:?} in {}",
            ms(took)
        ));
        out(format!(
            "RSS before {:.1} MB, peak during the flood {:.1} MB",
            before as f64 / 1024.0,
            peak.load(Ordering::Relaxed) as f64 / 1024.0
        ));
        if !lat.is_empty() {
            out(format!(
                "/healthz during the flood: {} checks, p50 {}, p99 {}, max {}, {} not 200",
                lat.len(),
                ms(percentile(&lat, 0.50)),
                ms(percentile(&lat, 0.99)),
                ms(*lat.last().unwrap_or(&Duration::ZERO)),
                failed_checks
            ));
        }
        db.pool.close().await;
        drop_database(cleanup).await;
    }
}
