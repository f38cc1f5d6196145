use crate::helpers::on_each_backend;
use serde_json::{json, Value};

fn shop(name: &str) -> Value {
    json!({"name": name, "kind": "shop", "city": "Тула", "address": "пр. Ленина, 1", "lat": "54,193122", "lon": "37.617348"})
}

#[tokio::test]
async fn an_admin_creates_and_edits_a_location_and_everyone_reads_it() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (status, created) = app
            .server_fn(
                &admin,
                "org/locations/save",
                json!({"id": null, "form": shop("Магазин «Тула»")}),
            )
            .await;
        assert_eq!(status, 200, "{created}");
        assert_eq!(created["lat"], 54_193_122);
        let id = created["id"].as_i64().expect("id");

        let mut form = shop("Магазин «Тула-центр»");
        form["kind"] = json!("warehouse");
        let (status, updated) = app
            .server_fn(
                &admin,
                "org/locations/save",
                json!({"id": id, "form": form}),
            )
            .await;
        assert_eq!(status, 200, "{updated}");
        assert_eq!(updated["kind"], "warehouse");

        let (seller, _) = app.sign_in("seller1").await;
        let loc: Value = seller
            .get(app.url(&format!("/api/v1/locations/{id}")))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(loc["name"], "Магазин «Тула-центр»");
        let all: Vec<Value> = seller
            .get(app.url("/api/v1/locations"))
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        assert_eq!(all.len(), 8);
        app
    })
    .await;
}

#[tokio::test]
async fn invalid_location_input_is_422_naming_the_field_and_nothing_is_written() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let mut form = shop("Кривая точка");
        form["lat"] = json!("123.5");
        let (status, body) = app
            .server_fn(
                &admin,
                "org/locations/save",
                json!({"id": null, "form": form}),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(body["code"], "validation");
        assert_eq!(body["field"], "latitude");
        assert_eq!(body["problem"], "out_of_range");
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM location WHERE name = 'Кривая точка'")
                .fetch_one(&app.db.pool)
                .await
                .expect("count");
        assert_eq!(count, 0);
        app
    })
    .await;
}

#[tokio::test]
async fn a_duplicate_location_name_or_login_is_409() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (status, body) = app
            .server_fn(&admin, "org/locations/save", json!({"id": null, "form": shop("Магазин «Невский»")}))
            .await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["kind"], "location_name_taken");
        let (status, body) = app
            .server_fn(
                &admin,
                "org/employees/save",
                json!({"id": null, "form": {"login": "seller1", "name": "Двойник", "role": "manager", "home_location_id": "", "password": "secret1"}}),
            )
            .await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["kind"], "login_taken");
        app
    })
    .await;
}

#[tokio::test]
async fn deactivating_an_employee_keeps_them_ends_their_sessions_and_blocks_login() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (seller, token) = app.sign_in("seller3").await;
        let id = app.id_of_employee("seller3").await;
        let (status, body) = app
            .server_fn(
                &admin,
                "org/employees/active",
                json!({"id": id, "active": false}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["active"], false);

        let res = seller
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(res.status(), 401);
        let (status, body) = app.try_login("seller3", "demo").await;
        assert_eq!(status, 403);
        assert_eq!(body["error"]["code"], "account_inactive");
        // Still listed, with history intact.
        let list: Vec<Value> = admin
            .get(app.url("/api/v1/employees"))
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        assert!(list
            .iter()
            .any(|e| e["login"] == "seller3" && e["active"] == false));

        let (status, _) = app
            .server_fn(
                &admin,
                "org/employees/active",
                json!({"id": id, "active": true}),
            )
            .await;
        assert_eq!(status, 200);
        app.sign_in("seller3").await;
        app
    })
    .await;
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_deactivated_or_demoted() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let id = app.id_of_employee("admin").await;
        let (status, body) = app.server_fn(&admin, "org/employees/active", json!({"id": id, "active": false})).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["kind"], "last_admin");
        let (status, body) = app
            .server_fn(
                &admin,
                "org/employees/save",
                json!({"id": id, "form": {"login": "admin", "name": "Ирина", "role": "director", "home_location_id": "", "password": ""}}),
            )
            .await;
        assert_eq!(status, 409, "{body}");
        app
    })
    .await;
}

#[tokio::test]
async fn an_admin_creates_an_employee_who_can_sign_in_and_a_new_password_replaces_the_old() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (home,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM location")
            .fetch_one(&app.db.pool)
            .await
            .expect("a location");
        let (status, created) = app
            .server_fn(
                &admin,
                "org/employees/save",
                json!({"id": null, "form": {"login": "Seller9", "name": "Вера Новикова", "role": "manager", "home_location_id": home.to_string(), "password": "first-pass"}}),
            )
            .await;
        assert_eq!(status, 200, "{created}");
        assert_eq!(created["login"], "seller9");
        assert_eq!(app.try_login("seller9", "first-pass").await.0, 200);
        let (status, _) = app
            .server_fn(
                &admin,
                "org/employees/save",
                json!({"id": created["id"], "form": {"login": "seller9", "name": "Вера Новикова", "role": "storekeeper", "home_location_id": "", "password": "second-pass"}}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(app.try_login("seller9", "first-pass").await.0, 401);
        assert_eq!(app.try_login("seller9", "second-pass").await.0, 200);
        app
    })
    .await;
}

#[tokio::test]
async fn an_employee_with_an_unknown_home_location_is_refused() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (status, body) = app
            .server_fn(
                &admin,
                "org/employees/save",
                json!({"id": null, "form": {"login": "ghost", "name": "Призрак", "role": "manager", "home_location_id": "99999", "password": "secret1"}}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["field"], "location");
        app
    })
    .await;
}
