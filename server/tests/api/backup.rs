//! Backup and restore (server/src/backup): the demo chain with a signed scan moved from
//! SQLite to PostgreSQL and back, with every table's rows, the stock, the standard
//! reports and the ledger check equal at each step; the refusals; and a backup taken by
//! the `vitrina` binary while sellers keep writing, restored by the binary and checked
//! by `vitrina check`.

use crate::helpers::*;
use app::db::{Backend, Db};
use app::files::store::FileStore;
use serde_json::{json, Value};
use server::backup::BackupError;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

async fn table_counts(db: &Db) -> BTreeMap<String, i64> {
    let mut conn = db.pool.acquire().await.expect("connection");
    let names = server::backup::catalog::table_names(&mut conn, db.backend)
        .await
        .expect("tables");
    let mut out = BTreeMap::new();
    for name in names {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM \"{name}\""))
            .fetch_one(&mut *conn)
            .await
            .expect("count");
        out.insert(name, n);
    }
    out
}

async fn stock(db: &Db) -> Vec<(i64, i64, i64, i64)> {
    sqlx::query_as(
        "SELECT product_id, location_id, on_hand, reserved FROM stock_level \
         ORDER BY product_id, location_id",
    )
    .fetch_all(&db.pool)
    .await
    .expect("stock")
}

/// Every standard report as the director sees it: (status, body).
async fn reports(app: &TestApp) -> Vec<(u16, Value)> {
    let (director, _) = app.sign_in("director").await;
    let mut out = Vec::new();
    for report in app::reports::Standard::ALL {
        let res = director
            .get(app.url(&format!("/api/v1/reports/standard/{}", report.as_str())))
            .send()
            .await
            .expect("report");
        out.push((
            res.status().as_u16(),
            res.json().await.unwrap_or(Value::Null),
        ));
    }
    out
}

async fn assert_ledger_consistent(db: &Db) {
    let problems = app::stock::ledger::check(db).await.expect("check");
    assert!(problems.is_empty(), "{} stock balances off", problems.len());
    let misplaced = app::stock::ledger::check_order_reservations(db)
        .await
        .expect("check");
    assert!(
        misplaced.is_empty(),
        "{} reservations misplaced",
        misplaced.len()
    );
}

fn folder(name: &str) -> TempDir {
    let path = std::env::temp_dir().join(format!(
        "vitrina_backup_{name}_{}_{}",
        std::process::id(),
        app::db::now_ms()
    ));
    std::fs::create_dir_all(&path).expect("temp dir");
    TempDir::new(path)
}

#[tokio::test]
async fn the_demo_chain_moves_from_sqlite_to_postgresql_and_back_with_nothing_lost() {
    let far = if backends().contains(&Backend::Postgres) {
        Backend::Postgres
    } else {
        eprintln!("!!! PostgreSQL is off: the round trip runs SQLite → SQLite only");
        Backend::Sqlite
    };
    let source = spawn_app(Backend::Sqlite).await;
    // The whole demo chain: 200 products with stock everywhere, orders, payments,
    // documents, chats, campaigns.
    server::demo::load_with(&source.db, true, 200)
        .await
        .expect("the demo chain");
    // What `vitrina serve` does on every start (the demo's forced reload cleared counters).
    source.db.migrate().await.expect("migrate");
    let (admin, _) = source.sign_in("admin").await;
    let (order,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM orders")
        .fetch_one(&source.db.pool)
        .await
        .expect("an order");
    let scan = b"%PDF-1.4\nsigned delivery note, backup test\n%%EOF".to_vec();
    let (status, file) =
        crate::documents::upload(&source, &admin, "order", order, "scan.pdf", scan.clone()).await;
    assert_eq!(status, 201, "{file}");
    let file_id = file["id"].as_i64().expect("file id");

    let counts = table_counts(&source.db).await;
    let levels = stock(&source.db).await;
    assert!(counts["orders"] > 0 && counts["stock_move"] > 0 && counts["payment"] > 0);
    let work = folder("round");
    let archive = work.path().join("chain.zip");
    let source_store =
        FileStore::from_env(&std::env::temp_dir().join("vitrina-test")).expect("store");
    let made = server::backup::backup(&source.db, &source_store, &archive)
        .await
        .expect("backup");
    assert_eq!(made.manifest.database, "sqlite");
    assert_eq!(
        made.manifest.schema_version,
        app::db::schema_version(Backend::Sqlite)
    );
    assert!(made.manifest.files >= 1, "the scan is in the archive");
    for t in &made.manifest.tables {
        assert_eq!(Some(&(t.rows as i64)), counts.get(&t.name), "{}", t.name);
    }
    assert!(archive.exists() && made.bytes > 0);
    assert!(
        !work.path().join("chain.zip.partial").exists(),
        "no partial file is left"
    );

    // Into PostgreSQL.
    let target = empty_database(far).await;
    let target_db = Db::connect(&target.url).await.expect("connect");
    let target_store = FileStore::folder(&target.dir.join("files")).expect("store");
    let loaded = server::backup::restore(&target_db, &target_store, &archive)
        .await
        .expect("restore");
    assert_eq!(loaded.manifest.rows(), made.manifest.rows());
    assert_eq!(table_counts(&target_db).await, counts, "every table's rows");
    assert_eq!(stock(&target_db).await, levels, "stock levels");
    assert_ledger_consistent(&target_db).await;
    let (key,): (String,) = sqlx::query_as("SELECT storage_key FROM stored_file WHERE id = $1")
        .bind(file_id)
        .fetch_one(&target_db.pool)
        .await
        .expect("the file's row");
    assert_eq!(target_store.get(&key).await.expect("the file"), scan);

    // The restored chain serves: the same reports, logins work, new rows get new ids.
    let served = serve_existing(&target.url, target_db.clone()).await;
    assert_eq!(
        reports(&served).await,
        reports(&source).await,
        "standard reports"
    );
    let (admin_there, _) = served.sign_in("admin").await;
    let res = admin_there
        .post(served.url("/api/v1/clients"))
        .json(&json!({"name": "После переезда", "phones": ["+7 916 555-01-02"]}))
        .send()
        .await
        .expect("new client");
    assert_eq!(res.status(), 201, "ids go on after the restored ones");

    // A second restore into the filled database is refused, and changes nothing.
    let before = table_counts(&target_db).await;
    match server::backup::restore(&target_db, &target_store, &archive).await {
        Err(BackupError::NotEmpty(why)) => assert!(why.contains("employee"), "{why}"),
        other => panic!("expected NotEmpty, got {other:?}"),
    }
    assert_eq!(table_counts(&target_db).await, before);

    // And back: PostgreSQL → SQLite.
    let back = work.path().join("back.zip");
    let counts_there = table_counts(&target_db).await;
    let levels_there = stock(&target_db).await;
    server::backup::backup(&target_db, &target_store, &back)
        .await
        .expect("backup of the restored chain");
    let home = empty_database(Backend::Sqlite).await;
    let home_db = Db::connect(&home.url).await.expect("connect");
    let home_store = FileStore::folder(&home.dir.join("files")).expect("store");
    server::backup::restore(&home_db, &home_store, &back)
        .await
        .expect("restore into SQLite");
    assert_eq!(table_counts(&home_db).await, counts_there);
    assert_eq!(stock(&home_db).await, levels_there);
    assert_ledger_consistent(&home_db).await;
    assert_eq!(home_store.get(&key).await.expect("the file"), scan);
    let home_app = serve_existing(&home.url, home_db.clone()).await;
    assert_eq!(reports(&home_app).await, reports(&served).await);

    home_db.pool.close().await;
    target_db.pool.close().await;
    home.cleanup().await;
    target.cleanup().await;
    source.cleanup().await;
}

#[tokio::test]
async fn restore_refuses_a_newer_schema_a_stranger_file_and_a_filled_database() {
    let work = folder("refuse");
    // An archive from a future Vitrina: its manifest alone is enough to refuse it.
    let future = work.path().join("future.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&future).expect("file"));
        zip.start_file("manifest.json", zip::write::SimpleFileOptions::default())
            .expect("entry");
        let manifest = json!({
            "format": "vitrina-backup", "format_version": 1, "vitrina_version": "9.0.0",
            "database": "postgres", "schema_version": 29991231000001i64, "created_at": 0,
            "tables": [], "files": 0, "file_bytes": 0
        });
        std::io::Write::write_all(&mut zip, manifest.to_string().as_bytes()).expect("write");
        zip.finish().expect("zip");
    }
    let stranger = work.path().join("stranger.zip");
    std::fs::write(&stranger, b"PK\x05\x06 not really a zip").expect("write");
    for backend in backends() {
        let empty = empty_database(backend).await;
        let db = Db::connect(&empty.url).await.expect("connect");
        let store = FileStore::folder(&empty.dir.join("files")).expect("store");
        match server::backup::restore(&db, &store, &future).await {
            Err(BackupError::Newer { archive, ours }) => {
                assert_eq!(archive, 29991231000001);
                assert_eq!(ours, app::db::schema_version(backend));
            }
            other => panic!("expected Newer, got {other:?}"),
        }
        assert!(
            server::backup::restore(&db, &store, &stranger)
                .await
                .is_err(),
            "not an archive"
        );
        let mut conn = db.pool.acquire().await.expect("connection");
        let tables = server::backup::catalog::table_names(&mut conn, backend)
            .await
            .expect("tables");
        assert!(tables.is_empty(), "refusals touch nothing: {tables:?}");
        drop(conn);
        db.pool.close().await;
        empty.cleanup().await;
    }
}

/// `vitrina …` against a database.
fn vitrina(url: &str, dir: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_vitrina"));
    cmd.env("DATABASE_URL", url)
        .env("VITRINA_DATA_DIR", dir)
        .env("VITRINA_LOG", "warn")
        .env_remove("VITRINA_S3_BUCKET");
    cmd
}

#[tokio::test]
async fn a_backup_taken_under_write_load_restores_to_a_chain_that_passes_check() {
    on_each_backend(|app| async move {
        let (seller, _) = app.sign_in("seller1").await;
        let (admin, _) = app.sign_in("admin").await;
        let shop = crate::stock::location_id(&app, "Тверская").await;
        let product =
            crate::stock::product_with_stock(&app, &admin, "BACKUP-LOAD", &[(shop, "100000")])
                .await;
        // Two sellers' worth of writes: hold, then sell or release, over and over.
        let stop = Arc::new(AtomicBool::new(false));
        let writes = Arc::new(AtomicU64::new(0));
        let mut writers = Vec::new();
        for w in 0..2u64 {
            let (seller, stop, writes) = (seller.clone(), stop.clone(), writes.clone());
            let base = app.base.clone();
            writers.push(tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let res = seller
                        .post(format!("{base}/api/v1/reservations"))
                        .json(&json!({"product_id": product, "location_id": shop, "qty": "1"}))
                        .send()
                        .await
                        .expect("reserve");
                    assert_eq!(res.status(), 201);
                    let id = res.json::<Value>().await.expect("json")["id"]
                        .as_i64()
                        .expect("id");
                    let res = if (n + w).is_multiple_of(2) {
                        seller
                            .post(format!("{base}/api/v1/reservations/{id}/fulfil"))
                            .send()
                            .await
                    } else {
                        seller
                            .delete(format!("{base}/api/v1/reservations/{id}"))
                            .send()
                            .await
                    }
                    .expect("close");
                    assert_eq!(res.status(), 204);
                    n += 1;
                    writes.fetch_add(2, Ordering::Relaxed);
                }
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let work = folder("load");
        let archive = work.path().join("busy.zip");
        let before = writes.load(Ordering::Relaxed);
        let out = tokio::task::spawn_blocking({
            let (url, dir, archive) = (app.url.clone(), work.path().to_path_buf(), archive.clone());
            move || vitrina(&url, &dir).arg("backup").arg(&archive).output()
        })
        .await
        .expect("join")
        .expect("run backup");
        let during = writes.load(Ordering::Relaxed) - before;
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.await.expect("writer");
        }
        assert!(out.status.success(), "{out:?}");
        assert!(during > 0, "the sellers kept writing while the backup ran");
        eprintln!(
            "backup under load: {} writes meanwhile; {}",
            during,
            String::from_utf8_lossy(&out.stdout).trim()
        );

        let empty = empty_database(app.db.backend).await;
        let out = vitrina(&empty.url, &empty.dir)
            .arg("restore")
            .arg(&archive)
            .output()
            .expect("run restore");
        assert!(out.status.success(), "{out:?}");
        let out = vitrina(&empty.url, &empty.dir)
            .arg("check")
            .output()
            .expect("run check");
        assert!(
            out.status.success(),
            "the restored snapshot is consistent: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let out = vitrina(&empty.url, &empty.dir)
            .arg("restore")
            .arg(&archive)
            .output()
            .expect("run restore again");
        assert!(!out.status.success(), "a filled database is refused");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("not empty"),
            "{out:?}"
        );
        empty.cleanup().await;
        app
    })
    .await;
}

#[test]
fn nightly_backups_into_a_folder_keep_the_newest() {
    let work = folder("nightly");
    let dir = work.path().join("vitrina-db");
    let url = format!("sqlite://{}/v.db?mode=rwc", dir.display());
    std::fs::create_dir_all(&dir).expect("dir");
    let out = vitrina(&url, &dir)
        .arg("migrate")
        .output()
        .expect("migrate");
    assert!(out.status.success(), "{out:?}");
    let backups = work.path().join("nightly");
    for _ in 0..3 {
        let out = vitrina(&url, &dir)
            .arg("backup")
            .arg(format!("{}/", backups.display()))
            .args(["--keep", "2"])
            .output()
            .expect("backup");
        assert!(out.status.success(), "{out:?}");
        // The names are by the second.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let mut names: Vec<String> = std::fs::read_dir(&backups)
        .expect("folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names
        .iter()
        .all(|n| n.starts_with("vitrina-") && n.ends_with(".zip")));
}
