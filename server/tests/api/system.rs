use crate::helpers::{on_each_backend, spawn_app};
use app::db::Backend;
use serde_json::Value;

#[tokio::test]
async fn healthz_says_alive_and_readyz_follows_the_database_the_schema_and_shutdown() {
    on_each_backend(|app| async move {
        let res = reqwest::get(app.url("/healthz")).await.expect("healthz");
        assert_eq!(res.status(), 200);
        let res = reqwest::get(app.url("/readyz")).await.expect("readyz");
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["status"], "ready");
        let expected = app::db::schema_version(app.db.backend);
        assert_eq!(body["schema_version"], expected);
        // A newer instance's migration applied under this one: not ready (its code is
        // older than the schema), though alive.
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ($1, 'from the future', true, $2, 0)",
        )
        .bind(expected + 1)
        .bind(vec![0u8; 48])
        .execute(&app.db.pool)
        .await
        .expect("a future migration");
        let res = reqwest::get(app.url("/readyz")).await.expect("readyz");
        assert_eq!(res.status(), 503);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["status"], "migrations_pending");
        sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1")
            .bind(expected + 1)
            .execute(&app.db.pool)
            .await
            .expect("undo");
        app
    })
    .await;
    let app = spawn_app(Backend::Sqlite).await;
    app.db.pool.close().await;
    let res = reqwest::get(app.url("/healthz")).await.expect("healthz");
    assert_eq!(res.status(), 200, "alive without its database");
    let res = reqwest::get(app.url("/readyz")).await.expect("readyz");
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["status"], "database_unreachable");
}

#[tokio::test]
async fn migrations_are_idempotent_and_demo_refuses_a_database_with_data() {
    on_each_backend(|app| async move {
        app.db.migrate().await.expect("second migrate is a no-op");
        let err = server::demo::load_with(&app.db, false, 0)
            .await
            .expect_err("refused");
        assert!(err.to_string().contains("--force"), "{err}");
        server::demo::load_with(&app.db, true, 60)
            .await
            .expect("forced reload");
        let (shops,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM location WHERE kind = 'shop'")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
        let (warehouses,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM location WHERE kind = 'warehouse'")
                .fetch_one(&app.db.pool)
                .await
                .expect("count");
        assert_eq!((shops, warehouses), (5, 2));
        let (roles,): (i64,) = sqlx::query_as("SELECT COUNT(DISTINCT role) FROM employee")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
        assert_eq!(roles, 5);
        app
    })
    .await;
}

#[tokio::test]
async fn html_pages_carry_a_csp_whose_nonce_is_on_the_hydration_script() {
    on_each_backend(|app| async move {
        let res = reqwest::get(app.url("/login")).await.expect("page");
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .to_string();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("nonce in CSP")
            .to_string();
        let html = res.text().await.expect("html");
        assert!(
            html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\"")),
            "hydration script carries the nonce"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/openapi.json"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("doc");
    assert_eq!(
        res.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap_or("")),
        Some("gzip")
    );
    app.cleanup().await;
}

#[tokio::test]
async fn unknown_api_paths_answer_a_json_404() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = reqwest::get(app.url("/api/v1/nothing-here"))
        .await
        .expect("request");
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["error"]["code"], "not_found");
    app.cleanup().await;
}
