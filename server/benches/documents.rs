//! How long generating one document takes (`cargo bench -p server --bench documents`).
//!
//! On a demo chain (300 products, 30 orders) per database: for every gallery template,
//! the stages of one document on a real order — reading the order (context), rendering
//! the template, typesetting, writing the PDF — and the PDF's size; then the whole path as
//! a user meets it, `POST /api/v1/orders/{id}/documents` (number, context, typesetting,
//! storing, history, one transaction) and `GET /api/v1/documents/{id}/pdf`.
//! Options: `-- --db sqlite|postgres|both --runs 40`.

mod common;

use app::documents::context::{self, DocHeader};
use app::documents::gallery::GALLERY;
use app::documents::{render, typeset};
use common::{database, db_arg, drop_database, ms, num_arg, out, percentile, serve};
use std::time::{Duration, Instant};

fn stats(label: &str, mut times: Vec<Duration>) {
    times.sort();
    out(format!(
        "  {label:<44} p50 {:>11}  p99 {:>11}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    ));
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let runs = num_arg("--runs", 40).max(1) as usize;
    let fonts = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/fonts"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "ttf"))
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum::<u64>()
        })
        .unwrap_or(0);
    out(format!(
        "shipped fonts (app/fonts/*.ttf): {:.2} MB",
        fonts as f64 / 1_048_576.0
    ));
    for backend in db_arg() {
        out(format!("== {backend:?}, {runs} runs each"));
        let (db, url, cleanup) = database(backend).await;
        db.migrate().await.expect("migrate");
        server::demo::load_with(&db, false, 300)
            .await
            .expect("demo");
        let orders: Vec<(i64,)> = sqlx::query_as("SELECT id FROM orders ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .expect("orders");

        for starter in &GALLERY {
            let (mut reads, mut renders, mut sets, mut pdfs) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let mut cold = Vec::new();
            let mut size = 0;
            for run in 0..runs {
                // A different order and number every run, as in real use.
                let order = orders[run % orders.len()].0;
                let at = app::db::now_ms();
                let header = DocHeader {
                    kind: starter.kind,
                    number: format!("2026-{run:05}"),
                    at,
                };
                let t = Instant::now();
                let mut conn = db.pool.acquire().await.expect("conn");
                let ctx = context::build(&mut conn, order, &header, starter.lang.lang())
                    .await
                    .expect("context");
                drop(conn);
                reads.push(t.elapsed());
                let t = Instant::now();
                let markup = render::render(starter.body, &ctx).expect("render");
                renders.push(t.elapsed());
                let t = Instant::now();
                let set = typeset::typeset(&markup, context::ymd(at)).expect("typeset");
                sets.push(t.elapsed());
                let t = Instant::now();
                size = set.pdf().expect("pdf").len();
                pdfs.push(t.elapsed());
                // The same with typst's memo cache emptied first: the first document
                // after a start.
                typst::comemo::evict(0);
                let t = Instant::now();
                let set = typeset::typeset(&markup, context::ymd(at)).expect("typeset");
                set.pdf().expect("pdf");
                cold.push(t.elapsed());
            }
            let total: Vec<Duration> = (0..runs)
                .map(|i| reads[i] + renders[i] + sets[i] + pdfs[i])
                .collect();
            out(format!(
                "{} ({}), PDF {:.1} KB",
                starter.name,
                starter.lang.as_str(),
                size as f64 / 1024.0
            ));
            stats("read the order (context)", reads);
            stats("render the template (minijinja)", renders);
            stats("typeset (typst)", sets);
            stats("write the PDF", pdfs);
            stats("one document, all four", total);
            stats("typeset + PDF, typst's cache empty", cold);
        }

        let hub = app::live::hub::Hub::new();
        let base = serve(&db, &url, hub).await;
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let login = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"login": "admin", "password": "demo"}))
            .send()
            .await
            .expect("login");
        assert_eq!(login.status(), 200);
        let templates: serde_json::Value = client
            .get(format!("{base}/api/v1/document-templates"))
            .send()
            .await
            .expect("templates")
            .json()
            .await
            .expect("json");
        let invoice = templates
            .as_array()
            .and_then(|l| {
                l.iter()
                    .find(|t| t["kind"] == "invoice" && t["lang"] == "ru")
            })
            .and_then(|t| t["id"].as_i64())
            .expect("invoice template");
        let (mut posts, mut gets) = (Vec::new(), Vec::new());
        for i in 0..runs {
            let order = orders[i % orders.len()].0;
            let t = Instant::now();
            let res = client
                .post(format!("{base}/api/v1/orders/{order}/documents"))
                .json(&serde_json::json!({"template_id": invoice}))
                .send()
                .await
                .expect("generate");
            assert_eq!(res.status(), 201);
            let doc: serde_json::Value = res.json().await.expect("doc");
            posts.push(t.elapsed());
            let t = Instant::now();
            let pdf = client
                .get(format!("{base}/api/v1/documents/{}/pdf", doc["id"]))
                .send()
                .await
                .expect("pdf")
                .bytes()
                .await
                .expect("bytes");
            gets.push(t.elapsed());
            assert!(pdf.starts_with(b"%PDF-"));
        }
        out("invoice (ru) through the REST API".into());
        stats("POST /api/v1/orders/{id}/documents", posts);
        stats("GET /api/v1/documents/{id}/pdf", gets);
        db.pool.close().await;
        drop_database(cleanup).await;
    }
}
