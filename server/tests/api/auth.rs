use crate::helpers::on_each_backend;
use serde_json::{json, Value};

#[tokio::test]
async fn login_sets_an_httponly_lax_cookie_and_returns_a_token() {
    on_each_backend(|app| async move {
        let client = app.client();
        let res = client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"login": "Admin", "password": "demo"}))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200);
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .expect("cookie")
            .to_string();
        assert!(cookie.starts_with("vitrina_session="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["me"]["login"], "admin");
        assert_eq!(body["token"].as_str().expect("token").len(), 64);
        // The cookie alone now identifies the browser.
        let me: Value = client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("json");
        assert_eq!(me["role"], "admin");
        app
    })
    .await;
}

#[tokio::test]
async fn wrong_password_is_401_with_a_json_error() {
    on_each_backend(|app| async move {
        let (status, body) = app.try_login("seller1", "nope").await;
        assert_eq!(status, 401);
        assert_eq!(body["error"]["code"], "invalid_credentials");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        // Unknown logins answer the same way.
        let (status, _) = app.try_login("nobody", "demo").await;
        assert_eq!(status, 401);
        app
    })
    .await;
}

#[tokio::test]
async fn malformed_login_body_is_400() {
    on_each_backend(|app| async move {
        let res = app
            .client()
            .post(app.url("/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body("{\"login\": ")
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"]["code"], "malformed_request");
        app
    })
    .await;
}

#[tokio::test]
async fn more_than_ten_failed_logins_a_minute_answers_429_even_with_the_right_password() {
    on_each_backend(|app| async move {
        for attempt in 1..=10 {
            let (status, _) = app.try_login("seller4", &format!("wrong{attempt}")).await;
            assert_eq!(status, 401, "attempt {attempt}");
        }
        let (status, body) = app.try_login("seller4", "demo").await;
        assert_eq!(status, 429);
        assert_eq!(body["error"]["code"], "too_many_attempts");
        // Other logins are not affected.
        app.sign_in("seller5").await;
        app
    })
    .await;
}

#[tokio::test]
async fn logout_ends_the_session() {
    on_each_backend(|app| async move {
        let (client, token) = app.sign_in("director").await;
        let res = client
            .post(app.url("/api/v1/auth/logout"))
            .send()
            .await
            .expect("logout");
        assert_eq!(res.status(), 204);
        let res = client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(res.status(), 401);
        app
    })
    .await;
}

#[tokio::test]
async fn api_tokens_are_shown_once_stored_hashed_and_revocable() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let seller = app.id_of_employee("seller2").await;
        let (status, created) = app
            .server_fn(
                &admin,
                "auth/tokens/create",
                json!({"name": "online shop", "employee_id": seller}),
            )
            .await;
        assert_eq!(status, 200, "{created}");
        let token = created["token"].as_str().expect("token").to_string();
        let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM api_token WHERE id = $1")
            .bind(created["id"].as_i64().expect("id"))
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
        assert_ne!(stored, token, "the secret itself is never stored");

        let plain = reqwest::Client::new();
        let me: Value = plain
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("json");
        assert_eq!(me["login"], "seller2");

        let (_, list) = app.server_fn(&admin, "auth/tokens/list", json!({})).await;
        assert!(list.to_string().contains("online shop"));
        assert!(
            !list.to_string().contains(&token),
            "listing never shows the secret"
        );

        let (status, _) = app
            .server_fn(&admin, "auth/tokens/revoke", json!({"id": created["id"]}))
            .await;
        assert_eq!(status, 200);
        let res = plain
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(res.status(), 401);
        app
    })
    .await;
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    on_each_backend(|app| async move {
        let (hash,): (String,) =
            sqlx::query_as("SELECT password_hash FROM employee WHERE login = 'admin'")
                .fetch_one(&app.db.pool)
                .await
                .expect("row");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        app
    })
    .await;
}
